// Hedge effectiveness figures from a ledger of decision steps (runtime/hedging/replay.ts, or a live
// runner that records the same columns). Pure: the same ledger gives the same report.
import { sampleCorrelation, sampleVariance } from 'simple-statistics';
import type { HedgeLedger } from './replay.js';

export interface HedgeReportOptions {
  /** PnL increments are taken over this many steps, non-overlapping (default 1). */
  horizonSteps?: number;
  thresholdQty: number;
  clipQty: number;
  stepNs: number;
}

export interface PnlStats {
  /** Final cumulative PnL (quote currency). */
  pnl: number;
  /** Sample variance of the PnL increments over the horizon (quote currency²). */
  variance: number;
  stdev: number;
}

export interface HedgeEffectiveness {
  steps: number;
  /** Steps where both mids were known. */
  validSteps: number;
  horizonSteps: number;
  /** Increments the variances are taken over. */
  increments: number;
  unhedged: PnlStats;
  /** Inventory + hedge, costs (fees, spread) included. */
  hedged: PnlStats;
  /** Inventory + hedge marked to mid, costs left out: the price risk the hedge leaves. */
  hedgedBeforeCosts: PnlStats;
  /** Cumulative hedge PnL: marked-to-mid hedge position minus spread cost and fees. hedged.pnl = unhedged.pnl + hedgePnl. */
  hedgePnl: number;
  /** 1 − var(hedgedBeforeCosts) / var(unhedged), %: how much price risk the hedge removed. */
  varianceReductionPct: number;
  /** 1 − var(hedged) / var(unhedged), %: the same with the lumpy trade costs inside the increments. */
  varianceReductionAfterCostsPct: number;
  /** Correlation of inventory and hedge mark-to-market PnL increments (−1 is a perfect hedge). */
  incrementCorrelation: number;
  cost: {
    /** Taker fees paid (quote currency, ≥ 0). */
    fees: number;
    /** Σ |vwap − mid at decision| × qty: half-spread and depth walked (quote currency). */
    spread: number;
    total: number;
    /** total / traded notional, bps. */
    totalBps: number;
  };
  /** Execution price vs the hedge market's mid at the decision, bps of notional: notional-weighted mean and worst trade. */
  slippageBps: { mean: number; max: number };
  trades: { count: number; qty: number; notional: number; unfilledQty: number };
  /** Net exposure after each step's hedge (hedge-market units), over the steps where it is defined (beta warm-up without a fallback has none). */
  residualExposure: { meanAbs: number; rms: number; maxAbs: number; final: number; stepsAboveThreshold: number; maxAbsOverThresholdPlusClip: number };
  /** |inventory| on valid steps, for scale (inventory-market units). */
  inventoryExposure: { meanAbs: number; maxAbs: number };
  /**
   * Tracking error: stdev of the hedged PnL increments before costs per horizon, in quote currency
   * and in bps of the mean |inventory notional| (what the hedge failed to offset, per horizon).
   */
  trackingError: { quote: number; bps: number };
  /** Hedge ratios seen on valid steps (1 for delta; β for beta). */
  ratio: { mean: number; min: number; max: number; last: number };
}

export function hedgeEffectiveness(ledger: HedgeLedger, options: HedgeReportOptions): HedgeEffectiveness {
  const h = options.horizonSteps ?? 1;
  if (!Number.isInteger(h) || h < 1) throw new RangeError(`hedge report: horizonSteps must be a whole number ≥ 1, not ${h}`);
  const n = ledger.tNs.length;
  const unhedgedInc: number[] = [];
  const hedgedInc: number[] = [];
  const hedgeInc: number[] = [];
  const hedgedGrossInc: number[] = [];
  let accU = 0;
  let accH = 0;
  let accC = 0;
  let inBucket = 0;
  let unhedgedPnl = 0;
  let hedgePnl = 0;
  let validSteps = 0;
  let fees = 0;
  let spread = 0;
  let notional = 0;
  let qty = 0;
  let trades = 0;
  let unfilled = 0;
  let slipMax = 0;
  let sumAbsE = 0;
  let sumE2 = 0;
  let maxAbsE = 0;
  let aboveThreshold = 0;
  let worstExcess = -Infinity;
  let finalE = 0;
  let exposureSteps = 0;
  let sumAbsInv = 0;
  let maxAbsInv = 0;
  let sumInvNotional = 0;
  let rSum = 0;
  let rMin = Infinity;
  let rMax = -Infinity;
  let rLast = NaN;
  let rCount = 0;
  let started = false;
  for (let k = 0; k < n; k++) {
    if (!ledger.valid[k]) continue;
    validSteps++;
    const du = ledger.unhedgedPnlStep[k] ?? 0;
    const dh = ledger.hedgePnlStep[k] ?? 0;
    const dc = (ledger.fee[k] ?? 0) + (ledger.spreadCost[k] ?? 0);
    unhedgedPnl += du;
    hedgePnl += dh;
    // Increments start at the first valid step (its own increment is zero: nothing was held before).
    if (started) {
      accU += du;
      accH += dh;
      accC += dc;
      inBucket++;
      if (inBucket === h) {
        unhedgedInc.push(accU);
        hedgeInc.push(accH + accC);
        hedgedInc.push(accU + accH);
        hedgedGrossInc.push(accU + accH + accC);
        accU = accH = accC = 0;
        inBucket = 0;
      }
    } else {
      started = true;
      // Trade costs at the first step still count: they belong to the first increment.
      accH += dh;
      accC += dc;
    }
    const fee = ledger.fee[k] ?? 0;
    const sc = ledger.spreadCost[k] ?? 0;
    const tn = ledger.tradeNotional[k] ?? 0;
    const tq = Math.abs(ledger.tradeQty[k] ?? 0);
    fees += fee;
    spread += sc;
    unfilled += ledger.unfilledQty[k] ?? 0;
    if (tq > 0) {
      trades++;
      qty += tq;
      notional += tn;
      const slip = (sc / tn) * 1e4;
      if (slip > slipMax) slipMax = slip;
    }
    const e = ledger.exposureAfter[k] ?? NaN;
    if (e === e) {
      const a = Math.abs(e);
      sumAbsE += a;
      sumE2 += e * e;
      if (a > maxAbsE) maxAbsE = a;
      if (a > options.thresholdQty) aboveThreshold++;
      if (a - options.thresholdQty - options.clipQty > worstExcess) worstExcess = a - options.thresholdQty - options.clipQty;
      finalE = e;
      exposureSteps++;
    }
    const inv = ledger.inventoryQty[k] ?? 0;
    const ratio = ledger.ratio[k] ?? NaN;
    const gross = Math.abs(inv);
    sumAbsInv += gross;
    if (gross > maxAbsInv) maxAbsInv = gross;
    sumInvNotional += gross * (ledger.inventoryMid[k] ?? 0);
    if (ratio === ratio) {
      rSum += ratio;
      rCount++;
      if (ratio < rMin) rMin = ratio;
      if (ratio > rMax) rMax = ratio;
      rLast = ratio;
    }
  }
  const varU = unhedgedInc.length > 1 ? sampleVariance(unhedgedInc) : NaN;
  const varH = hedgedInc.length > 1 ? sampleVariance(hedgedInc) : NaN;
  const varG = hedgedGrossInc.length > 1 ? sampleVariance(hedgedGrossInc) : NaN;
  const total = fees + spread;
  const meanInvNotional = validSteps > 0 ? sumInvNotional / validSteps : NaN;
  const te = Math.sqrt(varG);
  let corr = NaN;
  if (unhedgedInc.length > 2) {
    try {
      corr = sampleCorrelation(unhedgedInc, hedgeInc);
    } catch {
      corr = NaN;
    }
  }
  return {
    steps: n,
    validSteps,
    horizonSteps: h,
    increments: hedgedInc.length,
    unhedged: { pnl: unhedgedPnl, variance: varU, stdev: Math.sqrt(varU) },
    hedged: { pnl: unhedgedPnl + hedgePnl, variance: varH, stdev: Math.sqrt(varH) },
    hedgedBeforeCosts: { pnl: unhedgedPnl + hedgePnl + fees + spread, variance: varG, stdev: te },
    hedgePnl,
    varianceReductionPct: varU > 0 ? (1 - varG / varU) * 100 : NaN,
    varianceReductionAfterCostsPct: varU > 0 ? (1 - varH / varU) * 100 : NaN,
    incrementCorrelation: corr,
    cost: { fees, spread, total, totalBps: notional > 0 ? (total / notional) * 1e4 : 0 },
    slippageBps: { mean: notional > 0 ? (spread / notional) * 1e4 : 0, max: slipMax },
    trades: { count: trades, qty, notional, unfilledQty: unfilled },
    residualExposure: {
      meanAbs: exposureSteps > 0 ? sumAbsE / exposureSteps : NaN,
      rms: exposureSteps > 0 ? Math.sqrt(sumE2 / exposureSteps) : NaN,
      maxAbs: maxAbsE,
      final: finalE,
      stepsAboveThreshold: aboveThreshold,
      maxAbsOverThresholdPlusClip: worstExcess,
    },
    inventoryExposure: { meanAbs: validSteps > 0 ? sumAbsInv / validSteps : NaN, maxAbs: maxAbsInv },
    trackingError: { quote: te, bps: meanInvNotional > 0 ? (te / meanInvNotional) * 1e4 : NaN },
    ratio: { mean: rCount > 0 ? rSum / rCount : NaN, min: rCount > 0 ? rMin : NaN, max: rCount > 0 ? rMax : NaN, last: rLast },
  };
}
