// The inputs of the allocation rule measured on recorded data: σ² from mid log returns sampled on a
// grid, fill intensity from public trade arrivals, half-spread from the book's touch.
import { BookReplayer } from '../book/replay.js';
import { EventKind, type EventBatch } from '../events.js';
import { bookMid } from '../hedging/walk-book.js';

export interface MeasuredEdge {
  market: string;
  spanSec: number;
  /** Variance of log mid returns per second (from returns over `sampleNs`, scaled by 1e9 / sampleNs). */
  variancePerSec: number;
  /** Public trades per second × `captureShare`: the rate at which a quote at the touch would be hit. */
  fillIntensityPerSec: number;
  /** Mean half-spread at the touch over the grid, as a fraction of the mid. */
  halfSpread: number;
  trades: number;
  samples: number;
}

export interface MeasureOptions {
  /** Grid of the mid samples (default 1 s). */
  sampleNs?: number;
  /** Share of public trades our quote would take part in (default 1: relative figures are what matter). */
  captureShare?: number;
}

/** Measures every market of the batch over its own span. */
export function measureEdges(batch: EventBatch, options: MeasureOptions = {}): MeasuredEdge[] {
  const sampleNs = options.sampleNs ?? 1e9;
  const share = options.captureShare ?? 1;
  const books = new BookReplayer(batch);
  const n = batch.markets.length;
  const first = new Float64Array(n).fill(Infinity);
  const last = new Float64Array(n).fill(-Infinity);
  const trades = new Float64Array(n);
  const prevMid = new Float64Array(n).fill(NaN);
  const sum = new Float64Array(n);
  const sum2 = new Float64Array(n);
  const count = new Float64Array(n);
  const hs = new Float64Array(n);
  const hsCount = new Float64Array(n);
  let grid = NaN;
  const sample = (): void => {
    for (let m = 0; m < n; m++) {
      const b = books.books[m];
      if (!b) continue;
      const mid = bookMid(b);
      if (!(mid > 0)) continue;
      const half = ((b.bestAsk() - b.bestBid()) * b.tickSize) / 2 / mid;
      hs[m] = (hs[m] ?? 0) + half;
      hsCount[m] = (hsCount[m] ?? 0) + 1;
      const p = prevMid[m] ?? NaN;
      if (p > 0) {
        const r = Math.log(mid / p);
        sum[m] = (sum[m] ?? 0) + r;
        sum2[m] = (sum2[m] ?? 0) + r * r;
        count[m] = (count[m] ?? 0) + 1;
      }
      prevMid[m] = mid;
    }
  };
  for (let i = 0; i < batch.length; i++) {
    const t = batch.exchTs[i] ?? NaN;
    if (grid !== grid) grid = Math.ceil(t / sampleNs) * sampleNs;
    while (grid < t) {
      sample();
      grid += sampleNs;
    }
    const m = batch.market[i] ?? 0;
    if (t < (first[m] ?? Infinity)) first[m] = t;
    if (t > (last[m] ?? -Infinity)) last[m] = t;
    if (batch.kind[i] === EventKind.Trade) trades[m] = (trades[m] ?? 0) + 1;
    books.apply(batch, i);
  }
  return batch.markets.map((mk, m) => {
    const c = count[m] ?? 0;
    const mean = c > 0 ? (sum[m] ?? 0) / c : 0;
    const varPerSample = c > 1 ? ((sum2[m] ?? 0) - c * mean * mean) / (c - 1) : NaN;
    const spanSec = ((last[m] ?? 0) - (first[m] ?? 0)) / 1e9;
    return {
      market: `${mk.venue}:${mk.symbol}`,
      spanSec,
      variancePerSec: (varPerSample * 1e9) / sampleNs,
      fillIntensityPerSec: spanSec > 0 ? ((trades[m] ?? 0) / spanSec) * share : 0,
      halfSpread: (hsCount[m] ?? 0) > 0 ? (hs[m] ?? 0) / (hsCount[m] ?? 1) : NaN,
      trades: trades[m] ?? 0,
      samples: c,
    };
  });
}
