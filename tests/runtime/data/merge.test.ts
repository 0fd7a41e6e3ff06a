import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mergeFeeds } from '../../../runtime/data/merge.js';
import { stableOrder } from '../../../runtime/data/radix-order.js';
import { DataError } from '../../../runtime/data/errors.js';
import type { Feed } from '../../../runtime/data/feed.js';
import { EventKind, allocateBatch } from '../../../runtime/events.js';

const DAY = 86_400_000;

function feed(symbol: string, dayEpochMs: number, times: number[], ids: number[] = times.map((_, i) => i)): Feed {
  const batch = allocateBatch(times.length, { dayEpochMs, markets: [{ venue: 'v', symbol, tickSize: 1, source: symbol }] });
  times.forEach((t, i) => {
    batch.kind[i] = EventKind.Trade;
    batch.exchTs[i] = t;
    batch.localTs[i] = t + 1;
    batch.orderId[i] = ids[i] ?? 0;
  });
  batch.length = times.length;
  return { batch, issues: [{ kind: 'out_of_order', source: symbol, line: 1, message: 'x' }] };
}

describe('mergeFeeds', () => {
  it('orders by exchange time, stably, numbering markets in the order given', () => {
    const m = mergeFeeds([feed('A', 0, [1, 3, 3, 5]), feed('B', 0, [2, 3, 4]), feed('C', 0, [3])]);
    const b = m.batch;
    expect(b.markets.map((x) => x.symbol)).toEqual(['A', 'B', 'C']);
    expect([...b.exchTs]).toEqual([1, 2, 3, 3, 3, 3, 4, 5]);
    expect([...b.market]).toEqual([0, 1, 0, 0, 1, 2, 1, 0]);
    expect([...b.orderId]).toEqual([0, 0, 1, 2, 1, 0, 2, 3]);
    expect(m.issues.map((i) => i.source)).toEqual(['A', 'B', 'C']);
  });

  it('sorts a feed whose own rows are out of time order', () => {
    const m = mergeFeeds([feed('A', 0, [5, 1, 3, 1])]);
    expect([...m.batch.exchTs]).toEqual([1, 1, 3, 5]);
    expect([...m.batch.orderId]).toEqual([1, 3, 2, 0]);
    expect([...m.batch.localTs]).toEqual([2, 2, 4, 6]);
  });

  it('re-bases later days onto the earliest day', () => {
    const m = mergeFeeds([feed('late', DAY, [10]), feed('early', 0, [20])]);
    expect(m.batch.dayEpochMs).toBe(0);
    expect([...m.batch.exchTs]).toEqual([20, DAY * 1e6 + 10]);
    expect([...m.batch.market]).toEqual([1, 0]);
  });

  it('refuses feeds too far apart for exact float64 nanoseconds', () => {
    expect(() => mergeFeeds([feed('A', 0, [1]), feed('B', 200 * DAY, [1])])).toThrow(DataError);
    expect(() => mergeFeeds([feed('A', 0, [1]), feed('B', 200 * DAY, [1])])).toThrow('cannot merge feeds 200 days apart (A starts 1970-01-01, B starts 1970-07-20): load them separately');
  });
});

describe('stableOrder (radix)', () => {
  it('matches a stable comparator sort on random keys, negative, fractional and repeated', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: -50, max: 50 }), fc.double({ noNaN: true }), fc.constantFrom(0, -0, 8.64e13, 1e15 + 1)), { maxLength: 300 }), (keys) => {
        const k = Float64Array.from(keys);
        const expected = keys.map((_, i) => i).sort((a, b) => (k[a] ?? 0) - (k[b] ?? 0) || a - b);
        expect([...stableOrder(k)]).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
