import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyseTrades, defaultSizeEdges, groupFills, parseRunRecords, RunFileError, TRADE_DIMENSIONS } from '../../../runtime/backtest/trades.js';
import type { FillRecord, MarkSample } from '../../../runtime/backtest/records.js';
import { Side } from '../../../runtime/events.js';
import { fill, mark, S } from './records.js';

// Mid path: 100 at 0 s, 101 at 1 s, 99 at 2 s, 100 at 3 s and 4 s (the run ends at 4 s).
const marks: MarkSample[] = [
  mark(0, 0, { mids: [100] }),
  mark(1, 0, { mids: [101] }),
  mark(2, 0, { mids: [99] }),
  mark(3, 0, { mids: [100] }),
  mark(4, 0, { mids: [100] }),
];
// Markouts at +1 s, worked by hand:
//   A buy  1   @ 99.5  at 0.5 (mid 100, level 0, normal)    mid(1.5) = 101: +1.5 (150.75 bps); spread +0.5
//   B sell 2   @ 101.5 at 2.5 (mid 99,  level 1, high_vol)  mid(3.5) = 100: +3   (147.78 bps); spread +5
//   C sell 1   @ 100   at 0.2 (mid 100, level 0, normal)    mid(1.2) = 101: −1   (−100 bps);   spread 0
//   D buy  0.5 @ 100.2 at 3.5 (mid 100, hedge, taker)       4.5 s is past the end: no markout; spread −0.1
const book = { bid: 99.9, ask: 100.1, bidQty: 3, askQty: 4 };
const fills: FillRecord[] = [
  fill({ at: 0.5, buy: 1, price: 99.5, mid: 100 }),
  fill({ at: 2.5, sell: 2, price: 101.5, mid: 99, level: 1, scenario: 'high_vol' }),
  fill({ at: 0.2, sell: 1, price: 100, mid: 100, book }),
  fill({ at: 3.5, buy: 0.5, price: 100.2, mid: 100, hedge: true, liquidity: 'taker' }),
];

describe('analyseTrades on a hand-worked run', () => {
  const a = analyseTrades({ fills, marks }, { horizonNs: S });

  it('summarises every fill', () => {
    expect(a.fills).toBe(4);
    expect(a.total).toMatchObject({ count: 4, volumeQty: 4.5, markoutMissing: 1, losingShare: 1 / 3 });
    expect(a.total.notionalQuote).toBeCloseTo(99.5 + 203 + 100 + 50.1, 9);
    expect(a.total.spreadCaptureQuote).toBeCloseTo(0.5 + 5 + 0 - 0.1, 12);
    expect(a.total.markoutTotalQuote).toBeCloseTo(3.5, 12);
  });

  it('groups by side', () => {
    const [buy, sell] = a.groups.side;
    expect(buy).toMatchObject({ key: 'buy', count: 2, volumeQty: 1.5, markoutMissing: 1, losingShare: 0 });
    expect(buy?.spreadCaptureQuote).toBeCloseTo(0.4, 12);
    expect(buy?.markoutMeanQuote).toBeCloseTo(1.5, 12);
    expect(buy?.markoutMeanBps).toBeCloseTo((1.5 / 99.5) * 1e4, 9);
    expect(sell).toMatchObject({ key: 'sell', count: 2, volumeQty: 3, markoutMissing: 0, losingShare: 0.5 });
    expect(sell?.spreadCaptureQuote).toBeCloseTo(5, 12);
    expect(sell?.markoutMeanQuote).toBeCloseTo(1, 12);
    expect(sell?.markoutMeanBps).toBeCloseTo(((1.5 / 101.5) * 1e4 - 100) / 2, 9);
  });

  it('groups by level, scenario, kind and size', () => {
    expect(a.groups.level.map((g) => [g.key, g.count])).toEqual([['0', 3], ['1', 1]]);
    expect(a.groups.scenario.map((g) => [g.key, g.count])).toEqual([['high_vol', 1], ['normal', 3]]);
    expect(a.groups.kind.map((g) => [g.key, g.count])).toEqual([['quote', 3], ['hedge', 1]]);
    expect(a.groups.market.map((g) => [g.key, g.count])).toEqual([['m', 4]]);
    // Sizes 0.5, 1, 1, 2: quartiles (type 7) 0.875, 1, 1.25; the 1–1.25 bucket is empty and not shown.
    expect(a.sizeEdges).toEqual([0.875, 1, 1.25]);
    expect(a.groups.size.map((g) => [g.key, g.count])).toEqual([['≤ 0.875', 1], ['0.875–1', 2], ['> 1.25', 1]]);
    expect(a.groups.hour.map((g) => [g.key, g.count])).toEqual([['00:00', 4]]);
  });

  it('lists the losing fills, worst first, with the book as it was', () => {
    expect(a.losing.count).toBe(1);
    expect(a.losing.worst).toEqual([
      expect.objectContaining({ index: 2, side: 'sell', kind: 'quote', price: 100, mid: 100, midAfter: 101, markoutQuote: -1, markoutBps: -100, book, time: null }),
    ]);
  });

  it('orders losers by loss and limits them to top', () => {
    const more = [...fills, fill({ at: 0.7, buy: 3, price: 101.5, mid: 101 }), fill({ at: 1.1, buy: 1, price: 101.2, mid: 101 })];
    // +1 s: the 3 @ 101.5 at 0.7 s sees 101 → −1.5; the 1 @ 101.2 at 1.1 s sees 99 → −2.2.
    const b = analyseTrades({ fills: more, marks }, { horizonNs: S, top: 2 });
    expect(b.losing.count).toBe(3);
    expect(b.losing.worst.map((f) => f.index)).toEqual([5, 4]);
    expect(b.losing.worst[0]?.markoutQuote).toBeCloseTo(-2.2, 12);
    expect(analyseTrades({ fills: more, marks }, { horizonNs: S, top: 0 }).losing.worst).toEqual([]);
  });

  it('reads the hour of day from the data clock', () => {
    const day = Date.UTC(2024, 0, 2);
    const at = (h: number, m: number): FillRecord => fill({ tNs: (h * 3600 + m * 60) * S });
    const b = analyseTrades({ fills: [at(9, 30), at(10, 15), at(9, 59), at(23, 59)], marks: [] }, { dayEpochMs: day });
    expect(b.groups.hour.map((g) => [g.key, g.count])).toEqual([['09:00', 2], ['10:00', 1], ['23:00', 1]]);
    // Without samples there are no markouts at all.
    expect(b.total).toMatchObject({ markoutMissing: 4, markoutMeanBps: null, losingShare: null });
  });

  it('handles a run without fills', () => {
    const b = analyseTrades({ fills: [], marks });
    expect(b.total).toMatchObject({ count: 0, volumeQty: 0, markoutMeanBps: null, losingShare: null });
    for (const d of TRADE_DIMENSIONS) expect(b.groups[d]).toEqual([]);
    expect(defaultSizeEdges([])).toEqual([]);
  });
});

describe('groups partition the fills (property)', () => {
  const fillArb = fc.record({
    tNs: fc.integer({ min: 0, max: 48 * 3600 }).map((s) => s * S),
    market: fc.integer({ min: 0, max: 2 }),
    sell: fc.boolean(),
    qty: fc.integer({ min: 1, max: 500 }).map((k) => k / 100),
    level: fc.integer({ min: 0, max: 4 }),
    scenario: fc.constantFrom('normal', 'high_vol', 'thin', 'news'),
    hedge: fc.boolean(),
  });

  it('puts every fill in exactly one group of each dimension, and the groups add up to the total', () => {
    fc.assert(
      fc.property(fc.array(fillArb, { minLength: 1, maxLength: 80 }), fc.option(fc.array(fc.integer({ min: 1, max: 500 }).map((k) => k / 100), { maxLength: 4 })), (raw, edges) => {
        const fs = raw.map(({ sell, ...r }) => fill({ ...r, side: sell ? Side.Ask : Side.Bid, marketAlias: `m${r.market}`, price: 100 + r.level }));
        const ms = [mark(0, 0, { mids: [100, 100, 100] }), mark(50 * 3600, 0, { mids: [101, 99, 100] })];
        const a = analyseTrades({ fills: fs, marks: ms }, { horizonNs: 60 * S, ...(edges ? { sizeEdges: edges } : {}) });
        const ctx = { aliases: ['m0', 'm1', 'm2'], sizeEdges: a.sizeEdges, dayOffsetMs: 0 };
        for (const d of TRADE_DIMENSIONS) {
          const groups = groupFills(fs, d, ctx);
          const seen = groups.flatMap((g) => g.indices).sort((x, y) => x - y);
          expect(seen).toEqual(fs.map((_, i) => i));
          expect(new Set(groups.map((g) => g.key)).size).toBe(groups.length);
          const stats = a.groups[d];
          expect(stats.map((g) => g.key)).toEqual(groups.map((g) => g.key));
          expect(stats.reduce((n, g) => n + g.count, 0)).toBe(fs.length);
          expect(stats.reduce((v, g) => v + g.volumeQty, 0)).toBeCloseTo(a.total.volumeQty, 9);
          expect(stats.reduce((v, g) => v + g.markoutTotalQuote, 0)).toBeCloseTo(a.total.markoutTotalQuote, 9);
          expect(stats.every((g) => g.count > 0)).toBe(true);
        }
        expect(a.groups.side.map((g) => g.key)).toEqual([...new Set(fs.map((f) => (f.side === Side.Bid ? 'buy' : 'sell')))].sort());
        expect(a.total.volumeQty).toBeCloseTo(raw.reduce((v, r) => v + r.qty, 0), 9);
        expect(a.groups.hour.every((g) => /^([01]\d|2[0-3]):00$/.test(g.key))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('parseRunRecords', () => {
  const good = (): { fills: unknown[]; marks: unknown[]; dayEpochMs: number; summary: string } =>
    JSON.parse(JSON.stringify({ fills, marks: [...marks, mark(5, 1, { quoteAsk: [NaN] })], dayEpochMs: Date.UTC(2024, 0, 2), summary: 'other fields are the backtester’s' }));

  it('reads what JSON.stringify wrote, nulls back to NaN', () => {
    const run = parseRunRecords(good());
    expect(run.fills).toEqual(fills);
    expect(run.marks[5]?.quoteAsk[0]).toBeNaN();
    expect(run.dayEpochMs).toBe(Date.UTC(2024, 0, 2));
    expect(run.marketAliases).toBeNull();
    expect(parseRunRecords({ ...good(), markets: ['btc'] }).marketAliases).toEqual(['btc']);
  });

  const cases: Array<[string, (r: ReturnType<typeof good>) => unknown, RegExp]> = [
    ['not an object', () => [1, 2], /^expected a run file object with fills and marks, got \[1,2\]$/],
    ['no fills', (r) => ({ marks: r.marks }), /^fills: expected an array, got nothing$/],
    ['bad side', (r) => ((r.fills[1] as Record<string, unknown>).side = 2, r), /^fills\[1\]\.side: expected 0 \(our buy\) or 1 \(our sell\), got 2$/],
    ['bad price', (r) => ((r.fills[0] as Record<string, unknown>).price = '99.5', r), /^fills\[0\]\.price: expected a positive number, got "99\.5"$/],
    ['bad book', (r) => (((r.fills[3] as { book: Record<string, unknown> }).book.askQty = 'x'), r), /^fills\[3\]\.book\.askQty: expected a number or null, got "x"$/],
    ['bad liquidity', (r) => ((r.fills[0] as Record<string, unknown>).liquidity = 'both', r), /^fills\[0\]\.liquidity: expected "maker" or "taker", got "both"$/],
    ['unknown market', (r) => ((r.fills[0] as Record<string, unknown>).market = 3, r), /^fills\[0\]\.market: is 3, but the samples have 1 market$/],
    ['samples out of order', (r) => (r.marks.reverse(), r), /^marks\[1\]\.tNs: samples must be in time order/],
    ['ragged samples', (r) => ((r.marks[2] as Record<string, unknown>).positions = [0, 1], r), /^marks\[2\]\.positions: has 2 markets, but the samples before have 1$/],
    ['bad day', (r) => ({ ...r, dayEpochMs: 'monday' }), /^dayEpochMs: expected a number of ms since 1970, got "monday"$/],
    ['too many market names', (r) => ({ ...r, markets: ['a', 'b'] }), /^markets: names 2 markets, but the samples have 1$/],
    ['a market name that is not a string', (r) => ({ ...r, markets: [1] }), /^markets\[0\]: expected a string, got 1$/],
  ];
  it.each(cases)('refuses %s with the path of the problem', (_, corrupt, message) => {
    expect(() => parseRunRecords(corrupt(good()))).toThrow(RunFileError);
    expect(() => parseRunRecords(corrupt(good()))).toThrow(message);
  });
});
