import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NONE, OrderIndex } from '../../../runtime/book/order-index.js';

describe('OrderIndex', () => {
  it('finds, replaces and deletes keys with Map equality (NaN finds NaN, -0 finds 0)', () => {
    const ix = new OrderIndex();
    ix.set(5, 1);
    ix.set(NaN, 2);
    ix.set(-0, 3);
    ix.set(2 ** 40 + 0.5, 4);
    expect([ix.get(5), ix.get(NaN), ix.get(0), ix.get(2 ** 40 + 0.5), ix.get(6)]).toEqual([1, 2, 3, 4, NONE]);
    ix.set(5, 9);
    expect(ix.get(5)).toBe(9);
    expect(ix.size).toBe(4);
    expect(ix.delete(NaN)).toBe(true);
    expect(ix.delete(NaN)).toBe(false);
    expect(ix.has(NaN)).toBe(false);
    ix.clear();
    expect([ix.size, ix.get(5)]).toEqual([0, NONE]);
  });

  it('agrees with a Map over random inserts, deletes and lookups (colliding keys, growth)', () => {
    const key = fc.oneof(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 40 }).map((k) => k * 1024), fc.double({ noNaN: false }));
    const op = fc.tuple(fc.constantFrom('set', 'delete', 'get'), key, fc.nat(1_000_000));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 4000 }), (ops) => {
        const ix = new OrderIndex();
        const ref = new Map<number, number>();
        for (const [what, k, v] of ops) {
          if (what === 'set') {
            ix.set(k, v);
            ref.set(k, v);
          } else if (what === 'delete') {
            expect(ix.delete(k)).toBe(ref.delete(k));
          } else {
            expect(ix.get(k)).toBe(ref.get(k) ?? NONE);
          }
          expect(ix.size).toBe(ref.size);
        }
        for (const [k, v] of ref) expect(ix.get(k)).toBe(v);
      }),
      { numRuns: 60 },
    );
  });
});
