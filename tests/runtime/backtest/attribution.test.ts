import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attributePnl, attributionOverTime, type PnlParts } from '../../../runtime/backtest/attribution.js';
import { MarketAccount } from '../../../runtime/account.js';
import { fill, fillsArb, mark } from './records.js';

/** |parts − total| relative to the largest number involved. */
function identityError(p: PnlParts): number {
  const sum = p.spreadCapture + p.inventory + p.fees + p.hedging;
  const scale = Math.max(Math.abs(p.total), Math.abs(p.spreadCapture), Math.abs(p.inventory), Math.abs(p.fees), Math.abs(p.hedging), Number.MIN_VALUE);
  return Math.abs(sum - p.total) / scale;
}

// Worked on paper. Market m, final mid 103:
//   1. quote buy  2   @ 99    mid 100  fee  0.02   spread +1·2·(100 − 99)    = 2
//   2. quote sell 1   @ 102   mid 101  fee −0.01   spread −1·1·(101 − 102)   = 1
//   3. hedge sell 0.5 @ 100.5 mid 101  fee  0.05   hedge spread −0.5·(101 − 100.5) = −0.25
// position 2 − 1 − 0.5 = 0.5; cash −198 + 102 + 50.25 = −45.75; fees 0.06
// total      = −45.75 + 0.5·103 − 0.06           = 5.69
// spread     = 2 + 1                              = 3
// inventory  = 2·(103 − 100) − 1·(103 − 101)      = 4
// hedging    = −0.5·(103 − 100.5)                 = −1.25   (hedge spread −0.25, carry −0.5·(103 − 101) = −1)
// fees       = −0.06                              (quoting −0.01, hedging −0.05)
// 3 + 4 − 1.25 − 0.06 = 5.69 ✓
const golden = [
  fill({ at: 1, buy: 2, price: 99, mid: 100, fee: 0.02 }),
  fill({ at: 2, sell: 1, price: 102, mid: 101, fee: -0.01 }),
  fill({ at: 3, sell: 0.5, price: 100.5, mid: 101, fee: 0.05, hedge: true, liquidity: 'taker' }),
];

describe('attributePnl', () => {
  it('splits a hand-worked run into spread, inventory, hedging and fees', () => {
    const a = attributePnl({ fills: golden, finalMids: [103] });
    expect(a.total).toBeCloseTo(5.69, 12);
    expect(a.spreadCapture).toBeCloseTo(3, 12);
    expect(a.inventory).toBeCloseTo(4, 12);
    expect(a.hedging).toBeCloseTo(-1.25, 12);
    expect(a.fees).toBeCloseTo(-0.06, 12);
    const m = a.markets[0];
    expect(m).toMatchObject({ alias: 'm', position: 0.5, mark: 103, markSource: 'mid', quotingFills: 2, hedgeFills: 1 });
    expect(m?.hedgeSpread).toBeCloseTo(-0.25, 12);
    expect(m?.hedgeCarry).toBeCloseTo(-1, 12);
    expect(m?.feesQuoting).toBeCloseTo(-0.01, 12);
    expect(m?.feesHedging).toBeCloseTo(-0.05, 12);
  });

  it('marks a market without a final mid at its average entry price, as the engine does', () => {
    // Market h: buy 1 @ 50 (mid 50.5), no final mid → mark 50, total 0;
    // spread 1·(50.5 − 50) = 0.5, inventory 1·(50 − 50.5) = −0.5.
    const fills = [...golden, fill({ at: 4, buy: 1, price: 50, mid: 50.5, market: 1, marketAlias: 'h' })];
    const a = attributePnl({ fills, finalMids: [103, NaN] });
    const h = a.markets[1];
    expect(h).toMatchObject({ alias: 'h', mark: 50, markSource: 'avgPrice', total: 0 });
    expect(h?.spreadCapture).toBeCloseTo(0.5, 12);
    expect(h?.inventory).toBeCloseTo(-0.5, 12);
    expect(a.total).toBeCloseTo(5.69, 12);
    expect(a.spreadCapture).toBeCloseTo(3.5, 12);
    expect(a.inventory).toBeCloseTo(3.5, 12);
  });

  it('gives all zeros for a run without fills', () => {
    const a = attributePnl({ fills: [], finalMids: [100, 200] });
    expect(a).toMatchObject({ total: 0, spreadCapture: 0, inventory: 0, fees: 0, hedging: 0 });
    expect(a.markets).toHaveLength(2);
  });

  it('puts a fill without a mid entirely into inventory', () => {
    const a = attributePnl({ fills: [fill({ buy: 1, price: 99, mid: NaN })], finalMids: [101] });
    expect(a.spreadCapture).toBe(0);
    expect(a.inventory).toBe(2);
  });

  it('makes the four parts add up to the total on random fills (property)', () => {
    let nonZero = 0;
    fc.assert(
      fc.property(fillsArb(), ({ fills, finalMids }) => {
        const a = attributePnl({ fills, finalMids });
        expect(identityError(a)).toBeLessThanOrEqual(1e-9);
        for (const m of a.markets) expect(identityError(m)).toBeLessThanOrEqual(1e-9);
        if (Math.abs(a.spreadCapture) > 0 && Math.abs(a.total) > 0) nonZero++;
      }),
      { numRuns: 500 },
    );
    expect(nonZero).toBeGreaterThan(300);
  });

  it('matches the engine total and the direct formulas for each part (property)', () => {
    fc.assert(
      fc.property(fillsArb(), ({ fills, finalMids }) => {
        const a = attributePnl({ fills, finalMids });
        // The engine: one MarketAccount per market, PnL at the mid or, without one, the average price.
        const accounts = finalMids.map(() => new MarketAccount());
        for (const f of fills) accounts[f.market]?.fill(f.side === 0 ? f.qty : -f.qty, f.price, f.fee);
        let engineTotal = 0;
        accounts.forEach((acc, m) => {
          const mid = finalMids[m] ?? NaN;
          engineTotal += acc.pnl(Number.isFinite(mid) ? mid : acc.avgPrice);
        });
        expect(a.total).toBe(engineTotal);
        // Direct sums, term by term, against the parts (inventory is computed as a residual).
        let scale = 0;
        const direct = { spread: 0, inventory: 0, hedging: 0, fees: 0 };
        for (const f of fills) {
          const s = f.side === 0 ? 1 : -1;
          const m = a.markets[f.market]?.mark ?? NaN;
          const mid = Number.isFinite(f.mid) ? f.mid : f.price;
          if (f.hedge) direct.hedging += s * f.qty * (m - f.price);
          else {
            direct.spread += s * f.qty * (mid - f.price);
            direct.inventory += s * f.qty * (m - mid);
          }
          direct.fees -= f.fee;
          scale += f.qty * Math.max(f.price, Math.abs(m));
        }
        const tol = 1e-9 * Math.max(scale, 1e-12);
        expect(Math.abs(a.spreadCapture - direct.spread)).toBeLessThanOrEqual(tol);
        expect(Math.abs(a.inventory - direct.inventory)).toBeLessThanOrEqual(tol);
        expect(Math.abs(a.hedging - direct.hedging)).toBeLessThanOrEqual(tol);
        expect(Math.abs(a.fees - direct.fees)).toBeLessThanOrEqual(tol);
      }),
      { numRuns: 300 },
    );
  });
});

describe('attributionOverTime', () => {
  // Samples on the golden fills: cumulative parts worked by hand.
  //   t=0   mid 100: nothing yet                          total 0
  //   t=1.5 mid 100: after fill 1: cash −198, pos 2       total −198 + 200 − 0.02 = 1.98; spread 2, inventory 0, fees −0.02
  //   t=2.5 mid 101: after fill 2: cash −96, pos 1        total −96 + 101 − 0.01 = 4.99; spread 3, inventory 2·1 − 1·0 = 2, fees −0.01
  //   t=4   mid 103: all fills                            total 5.69 (as attributePnl)
  const marks = [mark(0, 0), mark(1.5, 1.98, { mids: [100] }), mark(2.5, 4.99, { mids: [101] }), mark(4, 5.69, { mids: [103] })];

  it('accumulates the parts at each sample', () => {
    const points = attributionOverTime({ fills: golden, marks });
    expect(points.map((p) => p.tNs / 1e9)).toEqual([0, 1.5, 2.5, 4]);
    expect(points[0]).toMatchObject({ total: 0, spreadCapture: 0, inventory: 0, fees: 0, hedging: 0 });
    expect(points[1]?.total).toBeCloseTo(1.98, 12);
    expect(points[1]?.spreadCapture).toBeCloseTo(2, 12);
    expect(points[1]?.inventory).toBeCloseTo(0, 12);
    expect(points[2]?.total).toBeCloseTo(4.99, 12);
    expect(points[2]?.inventory).toBeCloseTo(2, 12);
    expect(points[2]?.fees).toBeCloseTo(-0.01, 12);
    const end = attributePnl({ fills: golden, finalMids: [103] });
    expect(points[3]).toMatchObject({ total: end.total, spreadCapture: end.spreadCapture, inventory: end.inventory, fees: end.fees, hedging: end.hedging });
    for (const p of points) expect(p.total).toBeCloseTo(p.reportedPnl, 12);
  });

  it('counts fills by when the strategy learned of them with clock: local', () => {
    const late = golden.map((f) => ({ ...f, localNs: f.tNs + 0.6e9 }));
    const points = attributionOverTime({ fills: late, marks, clock: 'local' });
    expect(points[1]?.total).toBe(0); // fill 1 arrives at 1.6 s
    expect(points[2]?.total).toBeCloseTo(-198 + 2 * 101 - 0.02, 12);
  });

  it('ends where attributePnl ends, and adds up at every sample (property)', () => {
    fc.assert(
      fc.property(fillsArb({ markets: 2 }), fc.integer({ min: 1, max: 8 }), ({ fills, finalMids }, samples) => {
        const end = (fills[fills.length - 1]?.tNs ?? 0) + 1;
        const marks = Array.from({ length: samples }, (_, k) => ({
          ...mark(0, 0),
          tNs: (end * (k + 1)) / samples,
          mids: k === samples - 1 ? finalMids : finalMids.map((m, i) => m * (1 + 0.01 * (k - i))),
          positions: [0, 0],
        }));
        const points = attributionOverTime({ fills, marks });
        for (const p of points) expect(identityError(p)).toBeLessThanOrEqual(1e-9);
        const last = points[points.length - 1];
        const a = attributePnl({ fills, finalMids });
        expect(last?.total).toBe(a.total);
        expect(last?.spreadCapture).toBe(a.spreadCapture);
        expect(last?.hedging).toBe(a.hedging);
      }),
      { numRuns: 200 },
    );
  });
});
