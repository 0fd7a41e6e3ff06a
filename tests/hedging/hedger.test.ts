// The hedger on synthetic books: the book walk, the threshold/clip rule, costs and the PnL identity.
import { describe, expect, it } from 'vitest';
import { DenseL2Book } from '../../runtime/book/dense-l2-book.js';
import { Side } from '../../runtime/events.js';
import { hedgeEffectiveness } from '../../runtime/hedging/effectiveness.js';
import { Hedger, type HedgeParams } from '../../runtime/hedging/hedger.js';
import { appendStep, emptyLedger } from '../../runtime/hedging/replay.js';
import { walkBook } from '../../runtime/hedging/walk-book.js';

/** A book around `mid` (price units, tick 0.1): `levels` levels of `qty` each side, 1 tick apart from a 1-tick spread. */
function book(mid: number, qty = 1, levels = 5): DenseL2Book {
  const b = new DenseL2Book(0.1);
  const m = Math.round(mid / 0.1);
  for (let k = 0; k < levels; k++) {
    b.set(Side.Bid, m - 1 - k, qty);
    b.set(Side.Ask, m + 1 + k, qty);
  }
  return b;
}

describe('walkBook', () => {
  it('takes levels from the touch outwards, and stops where the book ends', () => {
    const b = book(100, 1, 3);
    const buy = walkBook(b, true, 2.5);
    expect(buy.filledQty).toBeCloseTo(2.5, 12);
    expect(buy.notional).toBeCloseTo(100.1 + 100.2 + 0.5 * 100.3, 9);
    expect(buy.worstPrice).toBeCloseTo(100.3, 9);
    const sell = walkBook(b, false, 10);
    expect(sell.filledQty).toBe(3);
    expect(sell.vwap).toBeCloseTo(99.8, 9);
    expect(walkBook(b, true, 10, 1).filledQty).toBe(1);
  });
});

/** A deterministic random walk of both mids and a mean-reverting inventory. */
function simulate(params: HedgeParams, steps = 2000, seed = 7) {
  let s = seed;
  const rnd = (): number => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
  const h = new Hedger(params);
  const ledger = emptyLedger();
  let a = 100;
  let b = 200;
  let inv = 0;
  const results = [];
  for (let k = 0; k < steps; k++) {
    const common = rnd() * 0.4;
    a += common + rnd() * 0.05;
    b += 2 * common + rnd() * 0.05;
    inv = Math.max(-5, Math.min(5, inv * 0.98 + rnd() * 0.8));
    const r = h.step({ tNs: k * 1e9, inventoryQty: inv, inventoryMid: a, hedgeBook: book(b, 3, 10) });
    results.push({ ...r });
    appendStep(ledger, r);
  }
  return { h, results, ledger };
}

describe('Hedger', () => {
  const delta: HedgeParams = { policy: { kind: 'delta' }, thresholdQty: 0.3, clipQty: 0.1, takerFeeRate: 0.0005 };

  it('never leaves |exposure| above threshold + one clip after a step, and trades whole clips', () => {
    for (const p of [delta, { ...delta, thresholdQty: 0, clipQty: 0.25 }, { ...delta, policy: { kind: 'beta', windowNs: 60e9, minSamples: 20 } } as HedgeParams]) {
      const { results } = simulate(p);
      for (const r of results) {
        if (Number.isNaN(r.exposureAfter)) continue;
        expect(Math.abs(r.exposureAfter)).toBeLessThanOrEqual(p.thresholdQty + p.clipQty + 1e-9);
        const clips = Math.abs(r.tradeQty) / p.clipQty;
        expect(Math.abs(clips - Math.round(clips))).toBeLessThan(1e-9);
        if (Math.abs(r.exposureBefore) <= p.thresholdQty) expect(r.tradeQty).toBe(0);
      }
    }
  });

  it('costs are non-negative and the figures add up', () => {
    const { h, ledger } = simulate(delta);
    const lastHedgeMid = ledger.hedgeMid[ledger.hedgeMid.length - 1] ?? NaN;
    const t = h.totals;
    expect(t.trades).toBeGreaterThan(50);
    expect(t.fees).toBeGreaterThan(0);
    expect(t.spreadCost).toBeGreaterThan(0);
    for (let k = 0; k < ledger.tNs.length; k++) {
      expect(ledger.fee[k]).toBeGreaterThanOrEqual(0);
      expect(ledger.spreadCost[k]).toBeGreaterThanOrEqual(0);
    }
    // Hedge PnL marked step by step = cash accounting: −cash spent + position at the last mid − fees.
    const cashPnl = -t.cashSpent + h.hedgePosition * lastHedgeMid - t.fees;
    expect(t.hedgePnl).toBeCloseTo(cashPnl, 6);
    const r = hedgeEffectiveness(ledger, { thresholdQty: delta.thresholdQty, clipQty: delta.clipQty, stepNs: 1e9, horizonSteps: 5 });
    expect(r.hedged.pnl).toBeCloseTo(r.unhedged.pnl + r.hedgePnl, 6);
    expect(r.hedgedBeforeCosts.pnl).toBeCloseTo(r.hedged.pnl + r.cost.total, 6);
    expect(r.cost.total).toBeCloseTo(r.cost.fees + r.cost.spread, 9);
    expect(r.cost.fees).toBeCloseTo(t.tradedNotional * 0.0005, 6);
    expect(r.trades.count).toBe(t.trades);
    expect(r.slippageBps.mean).toBeGreaterThan(0);
    expect(r.residualExposure.maxAbsOverThresholdPlusClip).toBeLessThanOrEqual(0);
    expect(r.increments).toBe(Math.floor((ledger.tNs.length - 1) / 5));
  });

  it('a delta hedge of the wrong asset (b moves 2× a) over-hedges; the beta policy finds the ratio', () => {
    const d = simulate(delta);
    const b = simulate({ ...delta, policy: { kind: 'beta', windowNs: 300e9 } });
    const rd = hedgeEffectiveness(d.ledger, { thresholdQty: 0.3, clipQty: 0.1, stepNs: 1e9 });
    const rb = hedgeEffectiveness(b.ledger, { thresholdQty: 0.3, clipQty: 0.1, stepNs: 1e9 });
    // Returns of a (≈100) on b (≈200) with Δb ≈ 2Δa: β ≈ (Δa/a)/(Δb/b) ≈ 1; the equivalent is β·q·a/b ≈ q/2.
    expect(rb.ratio.last).toBeGreaterThan(0.7);
    expect(rb.ratio.last).toBeLessThan(1.3);
    expect(rb.varianceReductionPct).toBeGreaterThan(80);
    expect(rd.varianceReductionPct).toBeLessThan(rb.varianceReductionPct);
  });

  it('does nothing without both mids, and nothing while beta warms up without a fallback', () => {
    const h = new Hedger({ policy: { kind: 'beta', windowNs: 60e9 }, thresholdQty: 0, clipQty: 0.1, takerFeeRate: 0 });
    const r = h.step({ tNs: 0, inventoryQty: 3, inventoryMid: NaN, hedgeBook: book(100) });
    expect(r.valid).toBe(false);
    const r2 = h.step({ tNs: 1e9, inventoryQty: 3, inventoryMid: 100, hedgeBook: book(100) });
    expect(r2.valid).toBe(true);
    expect(r2.tradeQty).toBe(0);
    const f = new Hedger({ policy: { kind: 'beta', windowNs: 60e9, fallbackBeta: 1 }, thresholdQty: 0, clipQty: 0.1, takerFeeRate: 0 });
    expect(f.step({ tNs: 0, inventoryQty: 3, inventoryMid: 100, hedgeBook: book(100, 10) }).tradeQty).toBeCloseTo(-3, 9);
  });

  it('rejects bad parameters with the parameter named', () => {
    expect(() => new Hedger({ ...delta, clipQty: 0 })).toThrow(/clipQty/);
    expect(() => new Hedger({ ...delta, thresholdQty: -1 })).toThrow(/thresholdQty/);
    expect(() => new Hedger({ ...delta, takerFeeRate: 2 })).toThrow(/takerFeeRate/);
  });
});
