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
        for (const o of ops) {
          if (o.op === 'set') {
            dense.set(o.side, o.price, o.qty);
            naive.set(o.side, o.price, o.qty);
          } else if (o.op === 'add') {
            expect(dense.add(o.side, o.price, o.qty)).toBe(naive.add(o.side, o.price, o.qty));
          } else {
            dense.clear();
            naive.clear();
          }
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
