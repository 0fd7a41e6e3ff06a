import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DenseL2Book } from '../../../runtime/book/dense-l2-book.js';
import { Side, type SideValue } from '../../../runtime/events.js';
import { NaiveBook } from './naive-book.js';

const { Bid, Ask } = Side;

describe('DenseL2Book', () => {
  it('is empty at first', () => {
    const b = new DenseL2Book(0.01);
    expect(b.tickSize).toBe(0.01);
    expect(b.bestBid()).toBeNaN();
    expect(b.bestAsk()).toBeNaN();
    expect(b.levelCount(Bid)).toBe(0);
    expect(b.levelPrice(Ask, 1)).toBeNaN();
    expect(b.levelQty(Ask, 1)).toBe(0);
    expect(b.depthTo(Bid, 0)).toBe(0);
    expect(b.qtyAt(Bid, 100)).toBe(0);
  });

  it('keeps the touch as levels come and go', () => {
    const b = new DenseL2Book();
    b.set(Bid, 100, 1);
    b.set(Bid, 98, 2);
    b.set(Bid, 101, 3);
    b.set(Ask, 103, 4);
    b.set(Ask, 105, 5);
    expect([b.bestBid(), b.bestAsk()]).toEqual([101, 103]);
    expect(b.levelCount(Bid)).toBe(3);
    b.set(Bid, 101, 0);
    expect(b.bestBid()).toBe(100);
    b.set(Bid, 100, 0);
    expect(b.bestBid()).toBe(98);
    b.set(Bid, 98, 0);
    expect(b.bestBid()).toBeNaN();
    b.set(Ask, 103, 0);
    expect(b.bestAsk()).toBe(105);
    expect(b.levelCount(Ask)).toBe(1);
  });

  it('answers levels and depth from the touch outwards', () => {
    const b = new DenseL2Book();
    for (const [p, q] of [[100, 1], [97, 2], [90, 3]] as const) b.set(Bid, p, q);
    for (const [p, q] of [[101, 4], [104, 5], [2000, 6]] as const) b.set(Ask, p, q);
    expect([1, 2, 3, 4].map((n) => b.levelPrice(Bid, n))).toEqual([100, 97, 90, NaN]);
    expect([3, 1, 2].map((n) => b.levelQty(Ask, n))).toEqual([6, 4, 5]);
    expect(b.depthTo(Bid, 97)).toBe(3);
    expect(b.depthTo(Ask, 1999)).toBe(9);
    expect(b.depthTo(Ask, 100)).toBe(0);
  });

  it('does not prevent a crossed book', () => {
    const b = new DenseL2Book();
    b.set(Bid, 105, 1);
    b.set(Ask, 100, 1);
    expect(b.bestBid()).toBeGreaterThan(b.bestAsk());
  });

  it('treats float residue after add as an empty level', () => {
    const b = new DenseL2Book();
    b.add(Bid, 10, 0.3);
    b.add(Bid, 10, -0.1);
    expect(b.add(Bid, 10, -0.2)).toBe(0);
    expect(b.levelCount(Bid)).toBe(0);
    expect(b.bestBid()).toBeNaN();
  });

  it('handles prices far apart, across pages and negative ticks', () => {
    const b = new DenseL2Book();
    b.set(Ask, 20_000_000, 1);
    b.set(Ask, 6_183_764, 2);
    b.set(Bid, 1_546_080, 3);
    b.set(Bid, -5, 4);
    b.set(Bid, 6_183_763, 5);
    expect(b.levelPrice(Ask, 2)).toBe(20_000_000);
    expect(b.levelPrice(Bid, 3)).toBe(-5);
    b.set(Bid, 6_183_763, 0);
    b.set(Bid, 1_546_080, 0);
    expect(b.bestBid()).toBe(-5);
    b.clear();
    expect(b.levelCount(Ask) + b.levelCount(Bid)).toBe(0);
    b.set(Ask, 7, 1);
    expect(b.bestAsk()).toBe(7);
  });

  it('rejects prices that are not int32 ticks', () => {
    const b = new DenseL2Book();
    expect(() => b.set(Bid, 1.5, 1)).toThrow(RangeError);
    expect(() => b.set(Bid, 2 ** 40, 1)).toThrow(RangeError);
    expect(b.qtyAt(Bid, 1.5)).toBe(0);
  });

  // Every operation, then every question, compared with the naive book. Prices cluster (so levels
  // come and go at the touch) but sometimes jump far (so pages and the directory re-centre).
  it('agrees with a naive Map book on random operations', () => {
    const price = fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: 990, max: 1010 }) },
      { weight: 2, arbitrary: fc.integer({ min: -3000, max: 5000 }) },
      { weight: 1, arbitrary: fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }) },
    );
    const side = fc.constantFrom<SideValue>(Bid, Ask);
    const op = fc.oneof(
      { weight: 10, arbitrary: fc.record({ op: fc.constant('set' as const), side, price, qty: fc.oneof(fc.constant(0), fc.double({ min: 0.001, max: 50, noNaN: true })) }) },
      { weight: 5, arbitrary: fc.record({ op: fc.constant('add' as const), side, price, qty: fc.double({ min: -20, max: 20, noNaN: true }) }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('clear' as const), side, price, qty: fc.constant(0) }) },
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), fc.integer({ min: -3000, max: 5000 }), (ops, limit) => {
        const dense = new DenseL2Book();
        const naive = new NaiveBook();
        const touch = (): string => JSON.stringify([Bid, Ask].map((s) => [naive.levels(s)[0] ?? null, naive.qtyAt(s, naive.levels(s)[0] ?? NaN)]));
        for (const o of ops) {
          const touchBefore = touch();
          const versionBefore = dense.touchVersion;
          const changesBefore = dense.version;
          if (o.op === 'set') {
            dense.set(o.side, o.price, o.qty);
            naive.set(o.side, o.price, o.qty);
          } else if (o.op === 'add') {
            expect(dense.add(o.side, o.price, o.qty)).toBe(naive.add(o.side, o.price, o.qty));
          } else {
            dense.clear();
            naive.clear();
          }
          // The touch version moves whenever the best prices or their sizes changed (the engine
          // skips evaluations on that); the version moves at every operation.
          if (touch() !== touchBefore) expect(dense.touchVersion).not.toBe(versionBefore);
          expect(dense.version).not.toBe(changesBefore);
          for (const s of [Bid, Ask] as const) {
            const levels = naive.levels(s);
            expect(dense.levelCount(s)).toBe(levels.length);
            expect(s === Bid ? dense.bestBid() : dense.bestAsk()).toBe(levels[0] ?? NaN);
            expect(dense.qtyAt(s, o.price)).toBe(naive.qtyAt(s, o.price));
          }
        }
        for (const s of [Bid, Ask] as const) {
          const levels = naive.levels(s);
          for (let n = 1; n <= levels.length + 1; n++) {
            expect(dense.levelPrice(s, n)).toBe(levels[n - 1] ?? NaN);
            expect(dense.levelQty(s, n)).toBe(naive.qtyAt(s, levels[n - 1] ?? NaN));
          }
          // Out of order questions must not be spoilt by the level cursor.
          if (levels.length >= 2) expect(dense.levelPrice(s, 1)).toBe(levels[0]);
          expect(dense.depthTo(s, limit)).toBeCloseTo(naive.depthTo(s, limit), 9);
        }
      }),
      { numRuns: 300 },
    );
  });
});

// Sparse books as real ones are (levels far apart, stray levels millions of ticks away), with prices
// on both sides of page (1,024 ticks) and bit-word (32 ticks) boundaries and below 0, the touch
// removed again and again, and the range questions asked between updates, so that the ladders'
// occupancy bits, level counts, page sums and the level cursors are checked from every state.
describe('DenseL2Book on sparse books', () => {
  const EDGES = [-1025, -1024, -1023, -33, -32, -31, -1, 0, 1, 31, 32, 33, 511, 512, 1023, 1024, 1025];
  const price = fc.oneof(
    { weight: 5, arbitrary: fc.tuple(fc.integer({ min: -200, max: 200 }), fc.constantFrom(...EDGES)).map(([page, o]) => page * 1024 + o) },
    { weight: 4, arbitrary: fc.integer({ min: -3000, max: 3000 }) },
    { weight: 2, arbitrary: fc.integer({ min: 6_176_000, max: 6_192_000 }) },
    { weight: 1, arbitrary: fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }) },
  );
  const side = fc.constantFrom<SideValue>(Bid, Ask);
  type Op =
    | { op: 'set' | 'add'; side: SideValue; price: number; qty: number }
    | { op: 'popTouch' | 'clear'; side: SideValue }
    | { op: 'ask'; side: SideValue; limit: number; level: number };
  const ops = (qty: fc.Arbitrary<number>): fc.Arbitrary<Op[]> =>
    fc.array(
      fc.oneof(
        { weight: 10, arbitrary: fc.record({ op: fc.constant('set' as const), side, price, qty: fc.oneof(qty, fc.constant(0)) }) },
        { weight: 3, arbitrary: fc.record({ op: fc.constant('add' as const), side, price, qty: fc.oneof(qty, qty.map((q) => -q)) }) },
        { weight: 4, arbitrary: fc.record({ op: fc.constant('popTouch' as const), side }) },
        { weight: 1, arbitrary: fc.record({ op: fc.constant('clear' as const), side }) },
        { weight: 5, arbitrary: fc.record({ op: fc.constant('ask' as const), side, limit: fc.oneof(price, fc.constantFrom(-Infinity, Infinity, NaN)), level: fc.integer({ min: 1, max: 60 }) }) },
      ),
      { maxLength: 150, size: 'max' },
    );

  /** The largest total each side has held since the book was made or cleared (for error bounds). */
  const peak = [0, 0];
  const total = (naive: NaiveBook, s: SideValue): number => naive.levels(s).reduce((sum, p) => sum + naive.qtyAt(s, p), 0);

  function check(dense: DenseL2Book, naive: NaiveBook, s: SideValue, limit: number, level: number, exact: boolean): void {
    const levels = naive.levels(s);
    const touch = levels[0];
    expect(s === Bid ? dense.bestBid() : dense.bestAsk()).toBe(touch ?? NaN);
    expect(dense.levelCount(s)).toBe(levels.length);
    // The level asked for, then a walk out from the touch (the cursor continuing), then back.
    expect(dense.levelPrice(s, level)).toBe(levels[level - 1] ?? NaN);
    for (let n = 1; n <= levels.length + 1; n++) expect(dense.levelPrice(s, n)).toBe(levels[n - 1] ?? NaN);
    expect(dense.levelQty(s, level)).toBe(naive.qtyAt(s, levels[level - 1] ?? NaN));
    const limits = [limit, limit - 1, limit + 1, ...levels.slice(0, 4), ...levels.slice(-2), Math.floor((touch ?? 0) - 6180), Math.ceil((touch ?? 0) + 6180)];
    for (const l of limits) {
      const want = Number.isNaN(l) ? 0 : naive.depthTo(s, l);
      const got = dense.depthTo(s, l);
      if (exact) {
        expect(got).toBe(want);
      } else {
        // tick-ladder.ts's bound: < (3 × 1,024 + 1) × u × M per page (M <= the side's peak total),
        // plus adding up, over at most levels + 2 pages; and exactly 0 with no levels in the range.
        const pages = levels.filter((p) => (s === Bid ? p >= l : p <= l)).length + 2;
        const bound = (3 * 1024 + 1 + pages) * 2 ** -53 * (peak[s] ?? 0) * pages;
        if (want === 0) expect(got).toBe(0);
        else expect(Math.abs(got - want)).toBeLessThanOrEqual(bound);
      }
    }
  }

  function run(list: Op[], exact: boolean): void {
    const dense = new DenseL2Book();
    const naive = new NaiveBook();
    peak[Bid] = 0;
    peak[Ask] = 0;
    for (const o of list) {
      switch (o.op) {
        case 'set':
          dense.set(o.side, o.price, o.qty);
          naive.set(o.side, o.price, o.qty);
          break;
        case 'add':
          expect(dense.add(o.side, o.price, o.qty)).toBe(naive.add(o.side, o.price, o.qty));
          break;
        case 'popTouch': {
          const touch = naive.levels(o.side)[0];
          if (touch !== undefined) {
            dense.set(o.side, touch, 0);
            naive.set(o.side, touch, 0);
          }
          break;
        }
        case 'clear':
          dense.clear();
          naive.clear();
          peak[Bid] = 0;
          peak[Ask] = 0;
          break;
        case 'ask':
          check(dense, naive, o.side, o.limit, o.level, exact);
          break;
      }
      for (const s of [Bid, Ask] as const) peak[s] = Math.max(peak[s] ?? 0, total(naive, s));
    }
    for (const s of [Bid, Ask] as const) check(dense, naive, s, 0, 2, exact);
    // Empty each side from the touch: the next level must come up every time.
    for (const s of [Bid, Ask] as const) {
      for (let touch = naive.levels(s)[0]; touch !== undefined; touch = naive.levels(s)[0]) {
        dense.set(s, touch, 0);
        naive.set(s, touch, 0);
        expect(s === Bid ? dense.bestBid() : dense.bestAsk()).toBe(naive.levels(s)[0] ?? NaN);
      }
      expect(dense.depthTo(s, s === Bid ? -Infinity : Infinity)).toBe(0);
    }
  }

  it('agrees with the naive book (integer quantities: depth exact)', () => {
    fc.assert(fc.property(ops(fc.integer({ min: 1, max: 500 })), (list) => run(list, true)), { numRuns: 200 });
  });

  it('agrees with the naive book (float quantities: depth within the error bound)', () => {
    const qty = fc.oneof(fc.double({ min: 1e-8, max: 50, noNaN: true }), fc.constantFrom(0.1, 0.2, 0.3, 0.00012, 1e-8));
    fc.assert(fc.property(ops(qty), (list) => run(list, false)), { numRuns: 200 });
  });

  it('answers depth over the stray levels of a real-looking book', () => {
    // BTC/USDT spot at a 0.01 tick: bids down to 15,460, asks up to 200,000, a few levels near 61,840.
    const b = new DenseL2Book(0.01);
    for (const [p, q] of [[1_546_000, 3], [6_183_000, 0.5], [6_183_900, 1.25], [6_183_999, 2]] as const) b.set(Bid, p, q);
    for (const [p, q] of [[6_184_000, 1], [6_184_100, 0.75], [6_250_000, 4], [20_000_000, 9]] as const) b.set(Ask, p, q);
    expect(b.depthTo(Bid, 6_183_999 - 6180)).toBe(3.75);
    expect(b.depthTo(Ask, 6_184_000 + 6180)).toBe(1.75);
    expect(b.depthTo(Bid, -Infinity)).toBe(6.75);
    expect(b.depthTo(Ask, Infinity)).toBe(14.75);
    expect(b.levelPrice(Bid, 4)).toBe(1_546_000);
    expect(b.levelPrice(Ask, 4)).toBe(20_000_000);
    b.set(Bid, 6_183_999, 0);
    b.set(Bid, 6_183_900, 0);
    b.set(Bid, 6_183_000, 0);
    expect(b.bestBid()).toBe(1_546_000);
    expect(b.depthTo(Bid, 6_183_999 - 6180)).toBe(0);
  });
});
