// Small shared pieces of the backtest analytics: the sign of a fill, a compensated running sum,
// trading calendars for annualisation, the sampling interval of a run, and the mid of a market at
// any time (as-of lookup). See docs/metrics.md for the definitions.
import { median } from 'simple-statistics';
import { Side, type SideValue } from '../events.js';
import type { FillRecord, MarkSample } from './records.js';

/** +1 for our buys (Bid), −1 for our sells: the sign of a fill's change in position. */
export function sideSign(side: SideValue): 1 | -1 {
  return side === Side.Bid ? 1 : -1;
}

/**
 * A running sum with Neumaier's compensation: the attribution adds up tens of thousands of small
 * products of large prices, where naive summation loses digits the identities need.
 */
export class CompensatedSum {
  private sum = 0;
  private carry = 0;

  add(x: number): void {
    const t = this.sum + x;
    this.carry += Math.abs(this.sum) >= Math.abs(x) ? this.sum - t + x : x - t + this.sum;
    this.sum = t;
  }

  get value(): number {
    return this.sum + this.carry;
  }
}

/** How much trading time a year holds, for annualising per-interval figures. */
export interface TradingCalendar {
  name: string;
  /** Trading days per year. */
  daysPerYear: number;
  /** Trading hours per trading day. */
  hoursPerDay: number;
}

/** Crypto venues trade around the clock, every day. */
export const CRYPTO_CALENDAR: TradingCalendar = { name: 'crypto', daysPerYear: 365, hoursPerDay: 24 };
/** US equities: 252 sessions of 6.5 hours (09:30–16:00). */
export const EQUITY_CALENDAR: TradingCalendar = { name: 'equity', daysPerYear: 252, hoursPerDay: 6.5 };

export function tradingSecondsPerYear(c: TradingCalendar): number {
  return c.daysPerYear * c.hoursPerDay * 3600;
}

/** The median positive gap between consecutive samples (ns), or null with fewer than two distinct times. */
export function nominalIntervalNs(marks: readonly MarkSample[]): number | null {
  const gaps: number[] = [];
  for (let k = 1; k < marks.length; k++) {
    const d = (marks[k]?.tNs ?? 0) - (marks[k - 1]?.tNs ?? 0);
    if (d > 0) gaps.push(d);
  }
  return gaps.length > 0 ? median(gaps) : null;
}

/**
 * The mid of one market as a step function of time: at time t, the latest observation at or
 * before t. Observations are the MarkSamples' mids and the mids recorded with this market's fills
 * (both are the exchange mid at their time), so fills add resolution between samples. Prices are
 * never interpolated: between observations the mid is unknown, and the last known one is what a
 * trader could have acted on. Beyond the last MarkSample the run has ended: NaN.
 */
export class MidPath {
  private readonly times: Float64Array;
  private readonly mids: Float64Array;
  readonly endNs: number;

  constructor(marks: readonly MarkSample[], fills: readonly FillRecord[], market: number) {
    const own = fills.filter((f) => f.market === market);
    if (!isSorted(own)) own.sort((a, b) => a.tNs - b.tNs);
    const sampled = isSorted(marks) ? marks : [...marks].sort((a, b) => a.tNs - b.tNs);
    const n = own.length + sampled.length;
    this.times = new Float64Array(n);
    this.mids = new Float64Array(n);
    // Merge the two time-ordered lists; a sample at the same time as a fill is taken after that
    // time's events, so it goes last.
    let i = 0;
    let k = 0;
    for (let o = 0; o < n; o++) {
      const f = own[i];
      const s = sampled[k];
      if (f && (!s || f.tNs <= s.tNs)) {
        this.times[o] = f.tNs;
        this.mids[o] = f.mid;
        i++;
      } else if (s) {
        this.times[o] = s.tNs;
        this.mids[o] = s.mids[market] ?? NaN;
        k++;
      }
    }
    this.endNs = sampled.length > 0 ? (sampled[sampled.length - 1]?.tNs ?? -Infinity) : -Infinity;
  }

  /** The mid as of `tNs`; NaN before the first observation or after the run's last sample. */
  at(tNs: number): number {
    if (!(tNs <= this.endNs)) return NaN;
    // Last index with times[i] <= tNs.
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.times[mid] ?? Infinity) <= tNs) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? NaN : (this.mids[lo - 1] ?? NaN);
  }
}

function isSorted(list: ReadonlyArray<{ tNs: number }>): boolean {
  for (let i = 1; i < list.length; i++) if ((list[i]?.tNs ?? 0) < (list[i - 1]?.tNs ?? 0)) return false;
  return true;
}

/** Plan market count implied by the records: the widest sample, or the highest fill market index + 1. */
export function marketCount(marks: readonly MarkSample[], fills: readonly FillRecord[]): number {
  let n = 0;
  for (const s of marks) n = Math.max(n, s.mids.length, s.positions.length);
  for (const f of fills) n = Math.max(n, f.market + 1);
  return n;
}

/** Market aliases by plan index: those given, else the ones fills carry, else m0, m1…. */
export function marketAliases(count: number, fills: readonly FillRecord[], given?: readonly string[]): string[] {
  const out: string[] = [];
  for (let m = 0; m < count; m++) out.push(given?.[m] ?? `m${m}`);
  if (!given) for (const f of fills) out[f.market] = f.marketAlias;
  return out;
}

/** NaN and infinities become null: how undefined statistics are reported (JSON has no NaN). */
export function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
