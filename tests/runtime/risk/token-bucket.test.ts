import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../../runtime/risk/token-bucket.js';

describe('order-rate token bucket', () => {
  it('admits at most `capacity` actions in any window, whatever the arrival pattern', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(fc.integer({ min: 0, max: 400e6 }), { maxLength: 300 }), (cap, gaps) => {
        const window = 1e9;
        const b = new TokenBucket(cap, window);
        let t = 0;
        const admitted: number[] = [];
        for (const g of gaps) {
          t += g;
          if (b.take(t)) admitted.push(t);
        }
        for (let i = 0; i + cap < admitted.length; i++) {
          expect((admitted[i + cap] ?? 0) - (admitted[i] ?? 0)).toBeGreaterThanOrEqual(window);
        }
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it('gives each token back one window after it was spent', () => {
    const b = new TokenBucket(2, 1e9);
    expect([b.take(0), b.take(0.1e9), b.take(0.5e9)]).toEqual([true, true, false]);
    expect(b.take(1e9)).toBe(true);
    expect(b.take(1.05e9)).toBe(false);
    expect(b.take(1.1e9)).toBe(true);
  });

  it('survives an export/import round trip', () => {
    const a = new TokenBucket(3, 1e9);
    a.take(0);
    a.take(0.2e9);
    const b = new TokenBucket(3, 1e9);
    b.import(JSON.parse(JSON.stringify(a.export())));
    for (const t of [0.3e9, 0.4e9, 1.0e9, 1.1e9, 1.2e9, 1.3e9]) expect(b.take(t)).toBe(a.take(t));
  });
});
