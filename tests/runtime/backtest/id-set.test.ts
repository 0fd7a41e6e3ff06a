import { describe, expect, it } from 'vitest';
import { IdSet } from '../../../runtime/backtest/id-set.js';
import { Random } from '../../../runtime/backtest/random.js';

describe('IdSet', () => {
  it('answers as a Set does over random adds, deletes, lookups and clears', () => {
    for (const [seed, range, maxSize] of [
      // 40 ids over the 16 slots of a set kept at 8 members or fewer: homes collide, and probe
      // runs often wrap around the table's end (where backward-shift deletion is subtle).
      [4, 40, 8],
      [1, 40, Infinity], // few distinct ids: long probe runs, many deletes of members
      [2, 5000, Infinity],
      [3, 2 ** 40, Infinity], // ids beyond 32 bits (the hash mixes the high part)
    ] as const) {
      const rng = new Random(seed);
      const next = (): number => rng.next();
      const ids = new IdSet();
      const ref = new Set<number>();
      for (let step = 0; step < 50_000; step++) {
        const id = Math.floor(next() * range);
        const r = next();
        if (r < 0.45 && ref.size < maxSize) {
          ids.add(id);
          ref.add(id);
        } else if (r < 0.8 || ref.size >= maxSize) {
          expect(ids.delete(id)).toBe(ref.delete(id));
        } else if (r < 0.999) {
          expect(ids.has(id)).toBe(ref.has(id));
        } else {
          ids.clear();
          ref.clear();
        }
        expect(ids.size).toBe(ref.size);
      }
      for (const id of ref) expect(ids.has(id)).toBe(true);
    }
  });

  it('keeps every member through growth and backward-shift deletion in one probe run', () => {
    // Consecutive ids hash apart; many ids in a small table make runs that wrap around its end.
    const ids = new IdSet();
    for (let i = 0; i < 1000; i++) ids.add(i * 7919);
    for (let i = 0; i < 1000; i += 2) expect(ids.delete(i * 7919)).toBe(true);
    for (let i = 0; i < 1000; i++) expect(ids.has(i * 7919)).toBe(i % 2 === 1);
    expect(ids.size).toBe(500);
  });

  it('clears in place: nothing is a member after a clear, and the set fills again', () => {
    const ids = new IdSet();
    for (let round = 0; round < 100; round++) {
      for (let i = 0; i < 10; i++) ids.add(round * 100 + i);
      expect(ids.size).toBe(10);
      expect(ids.has(round * 100 + 3)).toBe(true);
      ids.clear();
      expect(ids.size).toBe(0);
      expect(ids.has(round * 100 + 3)).toBe(false);
      expect(ids.delete(round * 100 + 3)).toBe(false);
    }
  });
});
