// TickLadder against a Map that sorts on every question, on sparse ladders: levels far apart, on
// both sides of page (1,024 ticks) and bit-word (32 ticks) boundaries, negative ticks, removals of
// the extremes, and ordered questions asked at random points, so the occupancy bits and page sums
// (built on the first question and kept from then on) are checked from every starting state.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TickLadder } from '../../../runtime/book/tick-ladder.js';
import { NaiveLadder } from './naive-book.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
/** Offsets around the page (1,024) and word (32) boundaries. */
const EDGES = [-1025, -1024, -1023, -513, -512, -33, -32, -31, -1, 0, 1, 31, 32, 33, 63, 64, 511, 512, 1023, 1024, 1025];

/**
 * Sparse prices (page and word edges over a few thousand pages, clusters, negatives, the int32 ends)
 * and some dense ones (a few pages around 0 holding many levels each).
 */
const price = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.integer({ min: -3000, max: 3000 }), fc.constantFrom(...EDGES)).map(([page, o]) => page * 1024 + o) },
  { weight: 4, arbitrary: fc.integer({ min: -70_000, max: 70_000 }) },
  { weight: 4, arbitrary: fc.integer({ min: -1100, max: 1100 }) },
  { weight: 3, arbitrary: fc.integer({ min: 6_170_000, max: 6_190_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: INT32_MIN, max: INT32_MAX }) },
  { weight: 1, arbitrary: fc.constantFrom(INT32_MIN, INT32_MIN + 1, INT32_MAX - 1, INT32_MAX, -1, 0) },
);
/** Where questions start: prices, fractions between ticks, and beyond the int32 range. */
const probe = fc.oneof(
  { weight: 8, arbitrary: price },
  { weight: 1, arbitrary: price.map((p) => p + 0.5) },
  { weight: 1, arbitrary: fc.constantFrom(-Infinity, Infinity, NaN, 2 ** 40, -(2 ** 40), INT32_MAX + 0.5, INT32_MIN - 0.5) },
);

type Op =
  | { op: 'set'; price: number; value: number }
  | { op: 'change'; index: number; value: number }
  | { op: 'popLow' | 'popHigh' | 'clear' }
  | { op: 'ask'; at: number; to: number; n: number };

const op = (value: fc.Arbitrary<number>): fc.Arbitrary<Op> =>
  fc.oneof(
    { weight: 12, arbitrary: fc.record({ op: fc.constant('set' as const), price, value }) },
    // A removal: half of them of prices likely to hold a level (the same generator, so repeats).
    { weight: 5, arbitrary: fc.record({ op: fc.constant('set' as const), price, value: fc.constant(0) }) },
    // A level's value changes, or it goes (value 0): any level, picked by rank.
    { weight: 6, arbitrary: fc.record({ op: fc.constant('change' as const), index: fc.nat(), value: fc.oneof(value, fc.constant(0)) }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constantFrom('popLow' as const, 'popHigh' as const) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('clear' as const) }) },
    { weight: 4, arbitrary: fc.record({ op: fc.constant('ask' as const), at: probe, to: probe, n: fc.integer({ min: 1, max: 40 }) }) },
  );

/** Every ordered question at `at` (and around the ladder's levels), against the naive ladder. */
function checkQuestions(ladder: TickLadder, naive: NaiveLadder, at: number, to: number, n: number, exact: boolean): void {
  expect(ladder.count).toBe(naive.count);
  const prices = naive.prices();
  const starts = [at, ...prices.slice(0, 3), ...prices.slice(-3)].flatMap((p) => [p, p - 1, p + 1]);
  for (const p of starts) {
    expect(ladder.nextBelow(p)).toBe(naive.nthBelow(p, 1));
    expect(ladder.nextAbove(p)).toBe(naive.nthAbove(p, 1));
    expect(ladder.nthBelow(p, n)).toBe(naive.nthBelow(p, n));
    expect(ladder.nthAbove(p, n)).toBe(naive.nthAbove(p, n));
  }
  // Every level from each end, as levelPrice walks them.
  expect(prices.map((_, k) => ladder.nthAbove(-Infinity, k + 1))).toEqual(prices);
  expect(prices.map((_, k) => ladder.nthBelow(Infinity, k + 1))).toEqual([...prices].reverse());
  expect(ladder.nthBelow(Infinity, prices.length + 1)).toBeNaN();
  const ranges: Array<[number, number]> = [
    [at, to],
    [to, at],
    [-Infinity, at],
    [at, Infinity],
    [-Infinity, Infinity],
    [Math.floor(at) - 1024, Math.floor(at) + 1024],
  ];
  for (const [lo, hi] of ranges) checkSum(ladder.sumRange(lo, hi), naive, lo, hi, exact);
  const low = prices[0];
  const high = prices[prices.length - 1];
  if (low !== undefined && high !== undefined) {
    checkSum(ladder.sumDownFrom(high, at), naive, at, high, exact);
    checkSum(ladder.sumUpFrom(low, at), naive, low, at, exact);
    checkSum(ladder.sumDownFrom(high, -Infinity), naive, -Infinity, high, exact);
  }
}

function checkSum(got: number, naive: NaiveLadder, lo: number, hi: number, exact: boolean): void {
  const want = lo <= hi ? naive.range(lo, hi) : { sum: 0, levels: 0 };
  if (exact || want.levels === 0) {
    expect(got).toBe(want.sum);
    return;
  }
  // The bound of tick-ladder.ts: < 3 × 1,024 × u × M per page sum (M <= the ladder's peak total),
  // one more u × M for an end page taken as its sum less the levels outside the range, and the
  // adding up; over at most levels + 2 pages.
  const u = 2 ** -53;
  expect(Math.abs(got - want.sum)).toBeLessThanOrEqual((3 * 1024 + 1 + want.levels + 2) * u * naive.peak * (want.levels + 2));
}

function run(ops: Op[], exact: boolean): void {
  const ladder = new TickLadder();
  const naive = new NaiveLadder();
  for (const o of ops) {
    switch (o.op) {
      case 'set':
        expect(ladder.set(o.price, o.value)).toBe(naive.set(o.price, o.value));
        break;
      case 'change': {
        const prices = naive.prices();
        const p = prices[o.index % Math.max(1, prices.length)];
        if (p !== undefined) expect(ladder.set(p, o.value)).toBe(naive.set(p, o.value));
        break;
      }
      case 'popLow':
      case 'popHigh': {
        const prices = naive.prices();
        const p = o.op === 'popLow' ? prices[0] : prices[prices.length - 1];
        if (p !== undefined) expect(ladder.set(p, 0)).toBe(naive.set(p, 0));
        break;
      }
      case 'clear':
        ladder.clear();
        naive.clear();
        break;
      case 'ask':
        checkQuestions(ladder, naive, o.at, o.to, o.n, exact);
        break;
    }
    expect(ladder.count).toBe(naive.count);
  }
  checkQuestions(ladder, naive, 0, 1e6, 2, exact);
  for (const p of naive.prices()) expect(ladder.get(p)).toBe(naive.get(p));
}

describe('TickLadder', () => {
  it('agrees with a naive ladder on sparse random ladders (integer values: sums exact)', () => {
    fc.assert(
      fc.property(fc.array(op(fc.integer({ min: 1, max: 1000 })), { maxLength: 150, size: 'max' }), (ops) => run(ops, true)),
      { numRuns: 200 },
    );
  });

  it('agrees with a naive ladder on sparse random ladders (float values: sums within the bound)', () => {
    const value = fc.oneof(fc.double({ min: 1e-8, max: 1e4, noNaN: true }), fc.constantFrom(0.1, 0.2, 0.3, 1e-8, 12_345.678));
    fc.assert(
      fc.property(fc.array(op(value), { maxLength: 150, size: 'max' }), (ops) => run(ops, false)),
      { numRuns: 200 },
    );
  });

  it('walks level by level across empty pages and directory words', () => {
    const ladder = new TickLadder();
    // One level per 37 pages, then one per 1,100 pages: far more than a word of page bits apart.
    const prices: number[] = [];
    for (let k = -40; k <= 40; k++) prices.push(k * 37 * 1024 + (k & 31));
    for (let k = 1; k <= 20; k++) prices.push(5_000_000 + k * 1100 * 1024 - k);
    for (const p of prices) ladder.set(p, 1);
    prices.sort((a, b) => a - b);
    const up: number[] = [];
    for (let p = ladder.nextAbove(-Infinity); p === p; p = ladder.nextAbove(p)) up.push(p);
    expect(up).toEqual(prices);
    const down: number[] = [];
    for (let p = ladder.nextBelow(Infinity); p === p; p = ladder.nextBelow(p)) down.push(p);
    expect(down).toEqual([...prices].reverse());
    expect(prices.map((_, k) => ladder.nthAbove(INT32_MIN - 1, k + 1))).toEqual(prices);
    expect(ladder.sumRange(-Infinity, Infinity)).toBe(prices.length);
    expect(ladder.sumRange((prices[10] ?? 0) + 1, (prices[11] ?? 0) - 1)).toBe(0);
  });

  it('answers at the ends of the int32 range', () => {
    const ladder = new TickLadder();
    ladder.set(INT32_MIN, 1);
    ladder.set(INT32_MAX, 2);
    ladder.set(-1, 4);
    ladder.set(0, 8);
    expect(ladder.nextAbove(-Infinity)).toBe(INT32_MIN);
    expect(ladder.nextBelow(Infinity)).toBe(INT32_MAX);
    expect(ladder.nextBelow(INT32_MIN)).toBeNaN();
    expect(ladder.nextAbove(INT32_MAX)).toBeNaN();
    expect(ladder.nextBelow(0)).toBe(-1);
    expect(ladder.nextAbove(-1)).toBe(0);
    expect(ladder.nthAbove(INT32_MIN, 3)).toBe(INT32_MAX);
    expect(ladder.sumRange(-Infinity, Infinity)).toBe(15);
    expect(ladder.sumRange(-1, 0)).toBe(12);
    expect(ladder.sumDownFrom(INT32_MAX, INT32_MIN)).toBe(15);
    expect(ladder.sumUpFrom(INT32_MIN, INT32_MAX)).toBe(15);
    ladder.set(INT32_MAX, 0);
    expect(ladder.nextBelow(Infinity)).toBe(0);
  });

  it('keeps page sums within the stated bound over a long run of absolute updates', () => {
    // The touch pages of a busy book: many updates with float quantities on few pages, questions now
    // and then. Against sums recomputed naively from the current values.
    const ladder = new TickLadder();
    const naive = new NaiveLadder();
    let seed = 12345;
    const random = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    for (let i = 0; i < 200_000; i++) {
      const p = 6_180_000 + Math.floor(random() * 3000);
      const v = random() < 0.3 ? 0 : Math.round(random() * 1e8) / 1e5 + (random() < 0.01 ? 5000 : 0);
      ladder.set(p, v);
      naive.set(p, v);
      if (i % 997 === 0) {
        const lo = 6_180_000 + Math.floor(random() * 3000);
        checkSum(ladder.sumRange(lo, lo + 2000), naive, lo, lo + 2000, false);
        checkSum(ladder.sumRange(-Infinity, Infinity), naive, -Infinity, Infinity, false);
      }
    }
  });

  it('recomputes a page sum once updates since its last computation reach its level count', () => {
    const ladder = new TickLadder();
    ladder.set(5000, 1e4);
    ladder.set(5001, 0.1);
    expect(ladder.sumRange(4096, 5119)).toBe(1e4 + 0.1); // page sums start here
    let v = 0.1;
    for (let i = 0; i < 1001; i++) {
      v = 0.1 + (i % 7) * 0.013 + (i % 3) * 1e-7;
      ladder.set(5001, v);
    }
    // Updates rounded the running sum; the read recomputes it, in tick order, as the naive sum.
    expect(ladder.sumRange(4096, 5119)).toBe(1e4 + v);
    expect(ladder.sumRange(-Infinity, Infinity)).toBe(1e4 + v);
  });

  it('sums exactly to 0 over a range without levels, whatever the page sums hold', () => {
    const ladder = new TickLadder();
    for (let i = 0; i < 1000; i++) ladder.set(2048 + (i % 700), 0.1 + i * 1e-3);
    expect(ladder.sumRange(2048 + 700, 2048 + 1023)).toBe(0);
    expect(ladder.sumRange(0, 2047)).toBe(0);
    expect(ladder.sumRange(2048 + 600, 2048 + 1023)).toBeGreaterThan(0);
    for (let i = 0; i < 700; i++) ladder.set(2048 + i, 0);
    expect(ladder.sumRange(-Infinity, Infinity)).toBe(0);
    expect(ladder.count).toBe(0);
  });
});
