// Allocation of a shared quoting budget (R2): the rule's properties on synthetic inputs, and the
// figures measured on real Binance spot BTC/USDT and ETH/USDT.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocateBudget, edgeScore, type MarketEdge } from '../../runtime/allocation/allocate.js';
import { measureEdges } from '../../runtime/allocation/market-edge.js';
import { mergeFeeds } from '../../runtime/data/merge.js';
import { haveData, load } from './data.js';

const m = (market: string, intensity: number, min = 0, max = 1000, halfSpread = 1e-4, variance = 1e-8): MarketEdge => ({ market, fillIntensityPerSec: intensity, halfSpread, variancePerSec: variance, horizonSec: 30, min, max });
const sum = (xs: Array<{ amount: number }>): number => xs.reduce((s, x) => s + x.amount, 0);

describe('allocateBudget', () => {
  it('splits in proportion to the score when no bound binds', () => {
    const a = allocateBudget(300, [m('a', 1), m('b', 2)]);
    expect(a[0]?.amount).toBeCloseTo(100, 9);
    expect(a[1]?.amount).toBeCloseTo(200, 9);
    expect(sum(a)).toBe(300);
  });

  it('zero-edge markets get their minimum; caps bind and the rest is shared', () => {
    const a = allocateBudget(1000, [m('dead', 0, 50, 500), m('a', 1, 10, 300), m('b', 1, 10, 1000)]);
    expect(a[0]?.amount).toBe(50);
    expect(a[0]?.bound).toBe('min');
    expect(a[1]?.amount).toBe(300);
    expect(a[1]?.bound).toBe('max');
    expect(a[2]?.amount).toBeCloseTo(650, 9);
    expect(sum(a)).toBe(1000);
  });

  it('refuses a budget outside [Σ min, Σ max] and bad bounds, naming them', () => {
    expect(() => allocateBudget(10, [m('a', 1, 20, 30)])).toThrow(/below the sum of the minimums/);
    expect(() => allocateBudget(100, [m('a', 1, 0, 30)])).toThrow(/above the sum of the caps/);
    expect(() => allocateBudget(10, [m('a', 1, 5, 2)])).toThrow(/a: need 0 ≤ min ≤ max/);
    expect(() => allocateBudget(10, [m('a', 1), m('a', 2)])).toThrow(/listed twice/);
  });

  it('sums to the budget, respects bounds, is monotone in edge (property)', () => {
    const market = fc.record({ intensity: fc.oneof(fc.constant(0), fc.double({ min: 0.01, max: 100, noNaN: true })), min: fc.double({ min: 0, max: 50, noNaN: true }), span: fc.double({ min: 0, max: 500, noNaN: true }) });
    fc.assert(
      fc.property(fc.array(market, { minLength: 1, maxLength: 8 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(7), (ms, where, bump) => {
        const edges = ms.map((x, i) => m(`m${i}`, x.intensity, x.min, x.min + x.span));
        const lo = edges.reduce((s, e) => s + e.min, 0);
        const hi = edges.reduce((s, e) => s + e.max, 0);
        const budget = lo + where * (hi - lo);
        const a = allocateBudget(budget, edges);
        // What the markets with an edge can absorb on top of everyone's minimum.
        const edgeCapacity = edges.reduce((s, e) => s + (e.fillIntensityPerSec > 0 ? e.max : e.min), 0);
        expect(Math.abs(sum(a) - budget)).toBeLessThanOrEqual(1e-9 * Math.max(1, budget));
        a.forEach((x, i) => {
          const e = edges[i] as MarketEdge;
          expect(x.amount).toBeGreaterThanOrEqual(e.min - 1e-9);
          expect(x.amount).toBeLessThanOrEqual(e.max + 1e-9);
          if (e.fillIntensityPerSec === 0 && edgeCapacity >= budget) expect(x.amount).toBeCloseTo(e.min, 9);
        });
        // Doubling one market's edge never lowers its allocation.
        const j = bump % edges.length;
        const more = edges.map((e, i) => (i === j ? { ...e, fillIntensityPerSec: e.fillIntensityPerSec * 2 + 0.5 } : e));
        const b = allocateBudget(budget, more);
        expect(b[j]?.amount ?? 0).toBeGreaterThanOrEqual((a[j]?.amount ?? 0) - 1e-9 * Math.max(1, budget));
      }),
      { numRuns: 300, seed: 808 },
    );
  });

  it('the score is (λ × half-spread) / (σ² × horizon)', () => {
    expect(edgeScore({ fillIntensityPerSec: 2, halfSpread: 1e-4, variancePerSec: 1e-8, horizonSec: 10 })).toBeCloseTo(2000, 9);
    expect(edgeScore({ fillIntensityPerSec: 2, halfSpread: 1e-4, variancePerSec: 0, horizonSec: 10 })).toBe(0);
  });
});

describe.skipIf(!haveData)('allocation measured on real BTC/USDT and ETH/USDT spot', () => {
  it('measures σ², trade intensity and half-spread, and allocates the budget', async () => {
    const batch = mergeFeeds([
      { batch: await load('btcSpot'), issues: [] },
      { batch: await load('ethSpot'), issues: [] },
    ]).batch;
    const [btc, eth] = measureEdges(batch);
    if (!btc || !eth) throw new Error('two markets expected');
    expect(btc.market).toBe('binance:BTC/USDT');
    // Measured: BTC 30.6 trades/s, half-spread 0.0022 bps, σ(1 s) 1.10 bps; ETH 22.3 trades/s, 0.0195 bps, 1.24 bps.
    // With min 2000, max 40000 and a 50000 budget: ETH 40000 (cap binds), BTC 10000.
    for (const e of [btc, eth]) {
      expect(e.spanSec).toBeGreaterThan(600);
      expect(Math.sqrt(e.variancePerSec) * 1e4).toBeGreaterThan(0.3);
      expect(Math.sqrt(e.variancePerSec) * 1e4).toBeLessThan(5);
      expect(e.halfSpread * 1e4).toBeGreaterThan(0);
      expect(e.halfSpread * 1e4).toBeLessThan(0.1);
      expect(e.fillIntensityPerSec).toBeGreaterThan(10);
    }
    const edges = [btc, eth].map((e) => ({ ...e, horizonSec: 30, min: 2000, max: 40000 }));
    const a = allocateBudget(50000, edges);
    expect(sum(a)).toBeCloseTo(50000, 6);
    for (const x of a) {
      expect(x.amount).toBeGreaterThanOrEqual(2000);
      expect(x.amount).toBeLessThanOrEqual(40000);
    }
    // ETH's wider touch outweighs its lower trade rate: it gets the larger share.
    expect(a[1]?.amount ?? 0).toBeGreaterThan(a[0]?.amount ?? 0);
  });
});
