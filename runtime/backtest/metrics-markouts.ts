// Markouts: how the mid moved after each fill, in the fill's favour. For a fill of side s (+1 buy,
// −1 sell), quantity q at `price` and time t, at horizon h:
//   per unit  s·(mid(t+h) − price)                  price units
//   bps       s·(mid(t+h) − price) / price × 10⁴
//   currency  s·q·(mid(t+h) − price)                quote currency
// mid(t+h) is the step ("as-of") mid of MidPath: the latest sample or fill mid at or before t+h,
// never interpolated. NaN when the run's last sample is before t+h, or no mid is known then.
import { sum } from 'simple-statistics';
import { finiteOrNull, MidPath, marketCount, sideSign } from './metrics-series.js';
import type { FillRecord, MarkSample } from './records.js';

export const NS_PER_SECOND = 1e9;
/** +1 s, +10 s, +60 s. */
export const DEFAULT_MARKOUT_HORIZONS_NS: readonly number[] = [1, 10, 60].map((s) => s * NS_PER_SECOND);

/** Markouts of every fill at every horizon, column-wise: `perUnit[h][i]` is fill i at horizon h. */
export interface MarkoutTable {
  horizonsNs: number[];
  perUnit: Float64Array[];
  bps: Float64Array[];
  currency: Float64Array[];
}

export function computeMarkouts(fills: readonly FillRecord[], marks: readonly MarkSample[], horizonsNs: readonly number[] = DEFAULT_MARKOUT_HORIZONS_NS): MarkoutTable {
  const paths: MidPath[] = [];
  const count = marketCount(marks, fills);
  for (let m = 0; m < count; m++) paths.push(new MidPath(marks, fills, m));
  const table: MarkoutTable = { horizonsNs: [...horizonsNs], perUnit: [], bps: [], currency: [] };
  for (const horizonNs of horizonsNs) {
    const perUnit = new Float64Array(fills.length);
    const bps = new Float64Array(fills.length);
    const currency = new Float64Array(fills.length);
    for (let i = 0; i < fills.length; i++) {
      const f = fills[i];
      if (!f) continue;
      const later = paths[f.market]?.at(f.tNs + horizonNs) ?? NaN;
      const unit = sideSign(f.side) * (later - f.price);
      perUnit[i] = unit;
      bps[i] = (unit / f.price) * 1e4;
      currency[i] = unit * f.qty;
    }
    table.perUnit.push(perUnit);
    table.bps.push(bps);
    table.currency.push(currency);
  }
  return table;
}

/** Markout statistics at one horizon over a set of fills; fills whose markout is NaN are left out and counted. */
export interface MarkoutStats {
  horizonNs: number;
  /** Fills with a markout at this horizon. */
  count: number;
  /** Fills without one (the run ended before t+h, or no mid). */
  missing: number;
  /** Mean of the per-fill bps, each fill weighing the same. */
  meanBps: number | null;
  /** Σ currency / Σ notional × 10⁴: bps weighted by notional. */
  notionalWeightedBps: number | null;
  /** Mean per fill, quote currency. */
  meanQuote: number | null;
  /** Sum over the fills, quote currency. */
  totalQuote: number;
  /** Share of fills (with a markout) whose markout is below zero. */
  losingShare: number | null;
}

export function summariseMarkouts(fills: readonly FillRecord[], table: MarkoutTable, include: (f: FillRecord, i: number) => boolean = () => true): MarkoutStats[] {
  return table.horizonsNs.map((horizonNs, h) => {
    const bps: number[] = [];
    const cur: number[] = [];
    const notional: number[] = [];
    let missing = 0;
    let losing = 0;
    for (let i = 0; i < fills.length; i++) {
      const f = fills[i];
      if (!f || !include(f, i)) continue;
      const c = table.currency[h]?.[i] ?? NaN;
      const b = table.bps[h]?.[i] ?? NaN;
      if (!Number.isFinite(c) || !Number.isFinite(b)) {
        missing++;
        continue;
      }
      bps.push(b);
      cur.push(c);
      notional.push(f.qty * f.price);
      if (c < 0) losing++;
    }
    const n = cur.length;
    const totalQuote = sum(cur);
    const totalNotional = sum(notional);
    return {
      horizonNs,
      count: n,
      missing,
      meanBps: n > 0 ? finiteOrNull(sum(bps) / n) : null,
      notionalWeightedBps: totalNotional > 0 ? finiteOrNull((totalQuote / totalNotional) * 1e4) : null,
      meanQuote: n > 0 ? finiteOrNull(totalQuote / n) : null,
      totalQuote,
      losingShare: n > 0 ? losing / n : null,
    };
  });
}
