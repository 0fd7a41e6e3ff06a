// Merges feeds into one batch in exchange-time order. The sort is stable: rows with equal times keep
// the order of the feeds as given, then their order within the feed (so a venue message's rows stay
// together and in order). Feed markets are numbered in the order the feeds come.
import { EventKind, allocateBatch, type EventBatch } from '../events.js';
import { DataError } from './errors.js';
import { MS_PER_DAY, NS_PER_MS, type Feed } from './feed.js';
import { stableOrder } from './radix-order.js';

/** Times are exact float64 ns for ~104 days past dayEpochMs; feeds further apart would lose precision. */
const MAX_SPAN_DAYS = 100;

export function mergeFeeds(feeds: Feed[]): Feed {
  if (feeds.length === 0) throw new DataError('no feeds to merge');
  const dayEpochMs = Math.min(...feeds.map((f) => f.batch.dayEpochMs));
  const lastDay = Math.max(...feeds.map((f) => f.batch.dayEpochMs));
  if ((lastDay - dayEpochMs) / MS_PER_DAY > MAX_SPAN_DAYS) {
    const days = Math.round((lastDay - dayEpochMs) / MS_PER_DAY);
    const sourceOf = (day: number): string => feeds.find((f) => f.batch.dayEpochMs === day)?.batch.markets[0]?.source ?? '?';
    const date = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
    throw new DataError(`cannot merge feeds ${days} days apart (${sourceOf(dayEpochMs)} starts ${date(dayEpochMs)}, ${sourceOf(lastDay)} starts ${date(lastDay)}): load them separately`);
  }
  const markets = feeds.flatMap((f) => f.batch.markets);
  if (markets.length > 256) throw new DataError(`too many markets to merge (${markets.length}; at most 256)`);
  const names = feeds.flatMap((f) => f.batch.names);
  const total = feeds.reduce((n, f) => n + f.batch.length, 0);
  const all = allocateBatch(total, { dayEpochMs, markets, names });
  all.length = total;
  let at = 0;
  let marketBase = 0;
  let nameBase = 0;
  for (const { batch: b } of feeds) {
    const n = b.length;
    const shiftNs = (b.dayEpochMs - dayEpochMs) * NS_PER_MS;
    all.kind.set(b.kind.subarray(0, n), at);
    all.side.set(b.side.subarray(0, n), at);
    all.flags.set(b.flags.subarray(0, n), at);
    all.priceTicks.set(b.priceTicks.subarray(0, n), at);
    all.qty.set(b.qty.subarray(0, n), at);
    all.price2Ticks.set(b.price2Ticks.subarray(0, n), at);
    all.qty2.set(b.qty2.subarray(0, n), at);
    all.orderId.set(b.orderId.subarray(0, n), at);
    all.line.set(b.line.subarray(0, n), at);
    for (let i = 0; i < n; i++) {
      all.market[at + i] = (b.market[i] ?? 0) + marketBase;
      all.exchTs[at + i] = (b.exchTs[i] ?? NaN) + shiftNs;
      all.localTs[at + i] = (b.localTs[i] ?? NaN) + shiftNs;
      if (b.kind[i] === EventKind.Calendar) all.orderId[at + i] = (b.orderId[i] ?? 0) + nameBase;
    }
    at += n;
    marketBase += b.markets.length;
    nameBase += b.names.length;
  }
  return { batch: sortByExchangeTime(all), issues: feeds.flatMap((f) => f.issues) };
}

/** Stable sort by exchTs; returns the batch itself when it is already in order. */
export function sortByExchangeTime(b: EventBatch): EventBatch {
  const n = b.length;
  const ts = b.exchTs;
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) sorted = (ts[i - 1] ?? 0) <= (ts[i] ?? 0);
  if (sorted) return b;
  const order = stableOrder(ts, n);
  const out = allocateBatch(n, { dayEpochMs: b.dayEpochMs, markets: b.markets, names: b.names });
  out.length = n;
  for (let j = 0; j < n; j++) {
    const i = order[j] ?? 0;
    out.kind[j] = b.kind[i] ?? 0;
    out.market[j] = b.market[i] ?? 0;
    out.side[j] = b.side[i] ?? 0;
    out.flags[j] = b.flags[i] ?? 0;
    out.exchTs[j] = ts[i] ?? NaN;
    out.localTs[j] = b.localTs[i] ?? NaN;
    out.priceTicks[j] = b.priceTicks[i] ?? 0;
    out.qty[j] = b.qty[i] ?? 0;
    out.price2Ticks[j] = b.price2Ticks[i] ?? 0;
    out.qty2[j] = b.qty2[i] ?? 0;
    out.orderId[j] = b.orderId[i] ?? 0;
    out.line[j] = b.line[i] ?? 0;
  }
  return out;
}
