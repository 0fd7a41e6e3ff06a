// Trade-record analysis (T3): a run's fills grouped by hour of day, side, ladder level, scenario,
// fill size, market and kind (quote or hedge), each group with its volume, spread capture, markout
// and share of losing fills; and the fills that lost money after the horizon, worst first, with the
// book as it was. Pure: records in, one plain object out (`quoin trades` prints it).
import { quantileSorted } from 'simple-statistics';
import { computeMarkouts, NS_PER_SECOND } from './metrics-markouts.js';
import { CompensatedSum, finiteOrNull, marketAliases, marketCount, sideSign } from './metrics-series.js';
import type { FillRecord, MarkSample } from './records.js';

export { parseRunRecords, RunFileError, type RunRecords } from './trades-input.js';

export const TRADE_DIMENSIONS = ['hour', 'side', 'level', 'scenario', 'size', 'market', 'kind'] as const;
export type TradeDimension = (typeof TRADE_DIMENSIONS)[number];

export const DEFAULT_TRADES_HORIZON_NS = 10 * NS_PER_SECOND;

export interface TradesOptions {
  /** Markout horizon (default +10 s). */
  horizonNs?: number;
  /** How many losing fills to list (default 10). */
  top?: number;
  /** Upper edges of the size buckets (base units, ascending); default the quartiles of fill qty. */
  sizeEdges?: readonly number[];
  /** Start of the data's day (ms since the epoch), for the hour of day and readable times. */
  dayEpochMs?: number | null;
  marketAliases?: readonly string[];
}

export interface TradeGroupStats {
  key: string;
  count: number;
  volumeQty: number;
  notionalQuote: number;
  /** Σ s·q·(mid − price) over the group's fills (hedges' crossing cost included), quote currency. */
  spreadCaptureQuote: number;
  /** Markout at the horizon: mean of per-fill bps, mean and sum per fill in quote currency. */
  markoutMeanBps: number | null;
  markoutMeanQuote: number | null;
  markoutTotalQuote: number;
  /** Fills without a markout (the run ended before t + horizon). */
  markoutMissing: number;
  /** Share of fills with a markout whose markout is below zero. */
  losingShare: number | null;
}

export interface LosingFill {
  /** Position of the fill in the run file's list. */
  index: number;
  tNs: number;
  /** `YYYY-MM-DD HH:MM:SS.mmm` on the data's clock (as `quoin run` prints times), when the day start is known. */
  time: string | null;
  market: string;
  side: 'buy' | 'sell';
  kind: 'quote' | 'hedge';
  liquidity: 'maker' | 'taker';
  level: number;
  scenario: string;
  price: number;
  qty: number;
  /** Mid at the fill and at fill time + horizon. */
  mid: number;
  midAfter: number;
  markoutQuote: number;
  markoutBps: number;
  book: FillRecord['book'];
}

export interface TradesAnalysis {
  fills: number;
  horizonNs: number;
  /** Upper edges of the size buckets used. */
  sizeEdges: number[];
  total: TradeGroupStats;
  groups: Record<TradeDimension, TradeGroupStats[]>;
  losing: { count: number; worst: LosingFill[] };
}

interface GroupContext {
  aliases: readonly string[];
  sizeEdges: readonly number[];
  /** sizeLabel of each bucket, when computed once up front. */
  sizeLabels?: readonly string[];
  dayOffsetMs: number;
}

/** The fills' indices per group of one dimension, groups in display order; every fill is in exactly one group. */
export function groupFills(fills: readonly FillRecord[], dimension: TradeDimension, ctx: GroupContext): Array<{ key: string; indices: number[] }> {
  const groups = new Map<string, { order: number | string; indices: number[] }>();
  for (let i = 0; i < fills.length; i++) {
    const f = fills[i];
    if (!f) continue;
    const [key, order] = groupKey(f, dimension, ctx);
    const g = groups.get(key);
    if (g) g.indices.push(i);
    else groups.set(key, { order, indices: [i] });
  }
  return [...groups]
    .sort(([ka, a], [kb, b]) => (typeof a.order === 'number' && typeof b.order === 'number' ? a.order - b.order : String(a.order).localeCompare(String(b.order))) || ka.localeCompare(kb))
    .map(([key, g]) => ({ key, indices: g.indices }));
}

function groupKey(f: FillRecord, dimension: TradeDimension, ctx: GroupContext): [string, number | string] {
  switch (dimension) {
    case 'hour': {
      const hour = Math.floor(mod(ctx.dayOffsetMs + f.tNs / 1e6, DAY_MS) / 3_600_000);
      return [`${String(hour).padStart(2, '0')}:00`, hour];
    }
    case 'side':
      return sideSign(f.side) > 0 ? ['buy', 0] : ['sell', 1];
    case 'level':
      return [String(f.level), f.level];
    case 'scenario':
      return [f.scenario, f.scenario];
    case 'size': {
      const b = sizeBucket(f.qty, ctx.sizeEdges);
      return [ctx.sizeLabels?.[b] ?? sizeLabel(b, ctx.sizeEdges), b];
    }
    case 'market':
      return [ctx.aliases[f.market] ?? `m${f.market}`, f.market];
    case 'kind':
      return f.hedge ? ['hedge', 1] : ['quote', 0];
  }
}

/** Bucket b holds (edges[b−1], edges[b]]; the last bucket everything above the last edge. */
function sizeBucket(qty: number, edges: readonly number[]): number {
  for (let b = 0; b < edges.length; b++) if (qty <= (edges[b] ?? Infinity)) return b;
  return edges.length;
}

function sizeLabel(b: number, edges: readonly number[]): string {
  const lo = edges[b - 1];
  const hi = edges[b];
  if (lo === undefined) return hi === undefined ? 'all' : `≤ ${num(hi)}`;
  return hi === undefined ? `> ${num(lo)}` : `${num(lo)}–${num(hi)}`;
}

const DAY_MS = 86_400_000;

/** The data's clock: UTC for Binance captures, New York time for LOBSTER (its day starts are local midnights written as UTC). */
function clockTime(dayEpochMs: number, tNs: number): string {
  return new Date(dayEpochMs + tNs / 1e6).toISOString().replace('T', ' ').replace('Z', '');
}

function mod(x: number, m: number): number {
  return ((x % m) + m) % m;
}

function num(x: number): string {
  return String(Number(x.toPrecision(6)));
}

/** Size bucket edges from the fills: the distinct quartiles of fill qty (R type 7). */
export function defaultSizeEdges(fills: readonly FillRecord[]): number[] {
  if (fills.length === 0) return [];
  const sorted = fills.map((f) => f.qty).sort((a, b) => a - b);
  const edges = [0.25, 0.5, 0.75].map((p) => quantileSorted(sorted, p));
  return [...new Set(edges)];
}

export function analyseTrades(run: { fills: readonly FillRecord[]; marks: readonly MarkSample[] }, options: TradesOptions = {}): TradesAnalysis {
  const { fills, marks } = run;
  const horizonNs = options.horizonNs ?? DEFAULT_TRADES_HORIZON_NS;
  const top = options.top ?? 10;
  const sizeEdges = options.sizeEdges ? [...options.sizeEdges].sort((a, b) => a - b) : defaultSizeEdges(fills);
  const aliases = marketAliases(marketCount(marks, fills), fills, options.marketAliases);
  const dayEpochMs = options.dayEpochMs ?? null;
  const sizeLabels = Array.from({ length: sizeEdges.length + 1 }, (_, b) => sizeLabel(b, sizeEdges));
  const ctx: GroupContext = { aliases, sizeEdges, sizeLabels, dayOffsetMs: dayEpochMs === null ? 0 : mod(dayEpochMs, DAY_MS) };

  const table = computeMarkouts(fills, marks, [horizonNs]);
  const unit = table.perUnit[0] ?? new Float64Array(fills.length);
  const bps = table.bps[0] ?? new Float64Array(fills.length);
  const cur = table.currency[0] ?? new Float64Array(fills.length);
  const stats = (key: string, indices: readonly number[]): TradeGroupStats => groupStats(key, indices, fills, bps, cur);

  const groups = {} as Record<TradeDimension, TradeGroupStats[]>;
  for (const d of TRADE_DIMENSIONS) groups[d] = groupFills(fills, d, ctx).map((g) => stats(g.key, g.indices));

  const losers: number[] = [];
  for (let i = 0; i < fills.length; i++) if ((cur[i] ?? NaN) < 0) losers.push(i);
  // Worst (most negative in currency) first; equal losses in time order.
  losers.sort((a, b) => (cur[a] ?? 0) - (cur[b] ?? 0) || (fills[a]?.tNs ?? 0) - (fills[b]?.tNs ?? 0));
  const worst: LosingFill[] = [];
  for (const i of losers.slice(0, Math.max(0, top))) {
    const f = fills[i];
    if (!f) continue;
    const s = sideSign(f.side);
    worst.push({
      index: i,
      tNs: f.tNs,
      time: dayEpochMs === null ? null : clockTime(dayEpochMs, f.tNs),
      market: aliases[f.market] ?? `m${f.market}`,
      side: s > 0 ? 'buy' : 'sell',
      kind: f.hedge ? 'hedge' : 'quote',
      liquidity: f.liquidity,
      level: f.level,
      scenario: f.scenario,
      price: f.price,
      qty: f.qty,
      mid: f.mid,
      midAfter: f.price + s * (unit[i] ?? NaN),
      markoutQuote: cur[i] ?? NaN,
      markoutBps: bps[i] ?? NaN,
      book: f.book,
    });
  }

  return {
    fills: fills.length,
    horizonNs,
    sizeEdges,
    total: stats('all', fills.map((_, i) => i)),
    groups,
    losing: { count: losers.length, worst },
  };
}

function groupStats(key: string, indices: readonly number[], fills: readonly FillRecord[], bps: Float64Array, cur: Float64Array): TradeGroupStats {
  const qty = new CompensatedSum();
  const notional = new CompensatedSum();
  const spread = new CompensatedSum();
  const markBps = new CompensatedSum();
  const markCur = new CompensatedSum();
  let count = 0;
  let marked = 0;
  let losing = 0;
  for (const i of indices) {
    const f = fills[i];
    if (!f) continue;
    count++;
    qty.add(f.qty);
    notional.add(f.qty * f.price);
    // No mid at the fill: no edge to measure (as in the attribution).
    if (Number.isFinite(f.mid)) spread.add(sideSign(f.side) * f.qty * (f.mid - f.price));
    const c = cur[i] ?? NaN;
    const b = bps[i] ?? NaN;
    if (Number.isFinite(c) && Number.isFinite(b)) {
      marked++;
      markCur.add(c);
      markBps.add(b);
      if (c < 0) losing++;
    }
  }
  const total = markCur.value;
  return {
    key,
    count,
    volumeQty: qty.value,
    notionalQuote: notional.value,
    spreadCaptureQuote: spread.value,
    markoutMeanBps: marked > 0 ? finiteOrNull(markBps.value / marked) : null,
    markoutMeanQuote: marked > 0 ? finiteOrNull(total / marked) : null,
    markoutTotalQuote: total,
    markoutMissing: count - marked,
    losingShare: marked > 0 ? losing / marked : null,
  };
}
