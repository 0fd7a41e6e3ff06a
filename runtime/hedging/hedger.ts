// The hedge decision and its simulated execution, one decision step at a time. A step marks the
// inventory and the hedge to their mids, updates the hedge ratio, and — when the net exposure is
// past the threshold — takes whole clips on the hedge market's book. Pure state machine: the caller
// supplies time, our inventory, its mid and the hedge book (replayed or live); nothing here reads a
// clock or does I/O. Same inputs → same trades, bit for bit.
import { MidReturnBeta, type OlsFit } from './rolling-ols.js';
import { bookMid, walkBook, type WalkableBook, type WalkResult } from './walk-book.js';

/**
 * How the hedge quantity follows the inventory (quantities in the hedge market's base units):
 * - delta: the same asset on another venue; hedge-equivalent of inventory q is ratio × q (ratio 1
 *   for a linear contract of the same underlying and size).
 * - beta: a correlated asset; the equivalent of q is β × q × midA / midB, β the rolling OLS beta of
 *   the inventory market's log mid returns on the hedge market's, sampled at every step, over
 *   `windowNs`. Until the fit is ready `fallbackBeta` is used (default NaN: no hedging yet).
 */
export type HedgePolicy = { kind: 'delta'; ratio?: number } | { kind: 'beta'; windowNs: number; minSamples?: number; fallbackBeta?: number };

export interface HedgeParams {
  policy: HedgePolicy;
  /** Hedge when |net exposure| > threshold (hedge-market base units, ≥ 0). */
  thresholdQty: number;
  /** Trade size unit (hedge-market base units, > 0): every hedge trade is a whole number of clips. */
  clipQty: number;
  /** Taker fee as a fraction of notional (0.0005 = 5 bps). */
  takerFeeRate: number;
  /** At most this many clips per step (default unlimited). */
  maxClipsPerStep?: number;
  /** Book levels a hedge may walk (default unlimited). */
  maxLevels?: number;
}

export interface HedgeStepInput {
  tNs: number;
  /** Our position in the inventory market (its base units). */
  inventoryQty: number;
  /** Mid of the inventory market (price units); NaN when unknown. */
  inventoryMid: number;
  hedgeBook: WalkableBook;
}

/** What one step did. The object is reused by the next step: copy what you keep. */
export interface HedgeStepResult {
  tNs: number;
  /** False when a mid was missing: nothing marked, nothing traded. */
  valid: boolean;
  inventoryQty: number;
  inventoryMid: number;
  hedgeMid: number;
  /** The ratio used (1 for delta unless set; β for beta; NaN while beta warms up with no fallback). */
  ratio: number;
  /** ratio × inventory (× midA / midB for beta), hedge units. */
  equivalentQty: number;
  /** equivalentQty + hedge position, before and after this step's trade. */
  exposureBefore: number;
  exposureAfter: number;
  hedgePosition: number;
  /** Signed hedge trade filled this step (+ buy), hedge units. */
  tradeQty: number;
  /** |tradeQty| asked but not filled (book too thin within maxLevels). */
  unfilledQty: number;
  tradeNotional: number;
  fee: number;
  /** (vwap − mid) × qty for a buy, (mid − vwap) × qty for a sell: what crossing the spread and walking cost vs the mid. */
  spreadCost: number;
  /** Mark-to-market PnL of the inventory over the step (inventory held since the last step × Δ mid). */
  unhedgedPnlStep: number;
  /** Hedge position's mark-to-market over the step, minus this step's spread cost and fee. */
  hedgePnlStep: number;
}

export interface HedgeTotals {
  steps: number;
  validSteps: number;
  trades: number;
  tradedQty: number;
  tradedNotional: number;
  fees: number;
  spreadCost: number;
  unfilledQty: number;
  /** Σ signed qty × vwap paid (buys positive). */
  cashSpent: number;
  unhedgedPnl: number;
  hedgePnl: number;
}

export class Hedger {
  readonly params: HedgeParams;
  private readonly beta: MidReturnBeta | undefined;
  private readonly fitOut: OlsFit = { n: 0, beta: NaN, alpha: NaN, r2: NaN, residualStdev: NaN };
  private readonly walk: WalkResult = { filledQty: 0, notional: 0, vwap: NaN, worstPrice: NaN, levels: 0 };
  private readonly out: HedgeStepResult = {
    tNs: NaN, valid: false, inventoryQty: 0, inventoryMid: NaN, hedgeMid: NaN, ratio: NaN, equivalentQty: 0, exposureBefore: 0, exposureAfter: 0,
    hedgePosition: 0, tradeQty: 0, unfilledQty: 0, tradeNotional: 0, fee: 0, spreadCost: 0, unhedgedPnlStep: 0, hedgePnlStep: 0,
  };
  private hedgeQty = 0;
  private prevInventory = 0;
  private prevInventoryMid = NaN;
  private prevHedgeMid = NaN;
  readonly totals: HedgeTotals = { steps: 0, validSteps: 0, trades: 0, tradedQty: 0, tradedNotional: 0, fees: 0, spreadCost: 0, unfilledQty: 0, cashSpent: 0, unhedgedPnl: 0, hedgePnl: 0 };

  constructor(params: HedgeParams) {
    checkParams(params);
    this.params = params;
    this.beta = params.policy.kind === 'beta' ? new MidReturnBeta({ windowNs: params.policy.windowNs, minSamples: params.policy.minSamples ?? 30 }) : undefined;
  }

  get hedgePosition(): number {
    return this.hedgeQty;
  }

  /** The rolling fit (beta policy), or undefined for delta. */
  fit(): OlsFit | undefined {
    return this.beta?.ols.fit(this.fitOut);
  }

  step(input: HedgeStepInput): HedgeStepResult {
    const r = this.out;
    const p = this.params;
    const hedgeMid = bookMid(input.hedgeBook);
    const invMid = input.inventoryMid;
    r.tNs = input.tNs;
    r.inventoryQty = input.inventoryQty;
    r.inventoryMid = invMid;
    r.hedgeMid = hedgeMid;
    r.tradeQty = r.unfilledQty = r.tradeNotional = r.fee = r.spreadCost = r.unhedgedPnlStep = r.hedgePnlStep = 0;
    this.totals.steps++;
    const valid = invMid > 0 && hedgeMid > 0 && Number.isFinite(invMid) && Number.isFinite(hedgeMid);
    r.valid = valid;
    if (!valid) {
      // Nothing is marked across a step without prices: the next valid step marks the whole move.
      r.ratio = NaN;
      r.equivalentQty = NaN;
      r.exposureBefore = r.exposureAfter = NaN;
      r.hedgePosition = this.hedgeQty;
      return r;
    }
    this.totals.validSteps++;
    if (this.prevInventoryMid > 0) {
      r.unhedgedPnlStep = this.prevInventory * (invMid - this.prevInventoryMid);
      r.hedgePnlStep = this.hedgeQty * (hedgeMid - this.prevHedgeMid);
    }
    this.prevInventory = input.inventoryQty;
    this.prevInventoryMid = invMid;
    this.prevHedgeMid = hedgeMid;

    let ratio: number;
    let equivalent: number;
    if (p.policy.kind === 'delta') {
      ratio = p.policy.ratio ?? 1;
      equivalent = ratio * input.inventoryQty;
    } else {
      const beta = this.beta;
      beta?.sample(invMid, hedgeMid, input.tNs);
      ratio = beta?.ready ? beta.beta : p.policy.fallbackBeta ?? NaN;
      equivalent = (ratio * input.inventoryQty * invMid) / hedgeMid;
    }
    r.ratio = ratio;
    r.equivalentQty = equivalent;
    const exposure = equivalent + this.hedgeQty;
    r.exposureBefore = exposure;
    // NaN exposure (beta warming up, no fallback): compare false, no trade.
    if (Math.abs(exposure) > p.thresholdQty) {
      // The whole number of clips that brings the exposure nearest zero. None when that is zero
      // (|exposure| < clip / 2): one clip would overshoot further than it corrects, and flip back.
      let clips = Math.round(Math.abs(exposure) / p.clipQty);
      if (p.maxClipsPerStep !== undefined && clips > p.maxClipsPerStep) clips = p.maxClipsPerStep;
      const qty = clips * p.clipQty;
      const buy = exposure < 0;
      const w = clips > 0 ? walkBook(input.hedgeBook, buy, qty, p.maxLevels, this.walk) : noFill(this.walk);
      if (w.filledQty > 0) {
        const signed = buy ? w.filledQty : -w.filledQty;
        const fee = w.notional * p.takerFeeRate;
        const spread = buy ? w.notional - hedgeMid * w.filledQty : hedgeMid * w.filledQty - w.notional;
        this.hedgeQty += signed;
        r.tradeQty = signed;
        r.tradeNotional = w.notional;
        r.fee = fee;
        r.spreadCost = spread;
        r.hedgePnlStep -= spread + fee;
        const t = this.totals;
        t.trades++;
        t.tradedQty += w.filledQty;
        t.tradedNotional += w.notional;
        t.fees += fee;
        t.spreadCost += spread;
        t.cashSpent += buy ? w.notional : -w.notional;
      }
      r.unfilledQty = qty - w.filledQty;
      this.totals.unfilledQty += r.unfilledQty;
    }
    r.hedgePosition = this.hedgeQty;
    r.exposureAfter = equivalent + this.hedgeQty;
    this.totals.unhedgedPnl += r.unhedgedPnlStep;
    this.totals.hedgePnl += r.hedgePnlStep;
    return r;
  }
}

function checkParams(p: HedgeParams): void {
  if (!(p.thresholdQty >= 0) || !Number.isFinite(p.thresholdQty)) throw new RangeError(`hedge: thresholdQty must be a finite number ≥ 0, not ${p.thresholdQty}`);
  if (!(p.clipQty > 0) || !Number.isFinite(p.clipQty)) throw new RangeError(`hedge: clipQty must be a finite number > 0, not ${p.clipQty}`);
  if (!(p.takerFeeRate >= 0) || !(p.takerFeeRate < 1)) throw new RangeError(`hedge: takerFeeRate must be in [0, 1), not ${p.takerFeeRate}`);
  if (p.maxClipsPerStep !== undefined && !(Number.isInteger(p.maxClipsPerStep) && p.maxClipsPerStep >= 1)) throw new RangeError(`hedge: maxClipsPerStep must be a whole number ≥ 1, not ${p.maxClipsPerStep}`);
  if (p.policy.kind === 'delta' && p.policy.ratio !== undefined && !Number.isFinite(p.policy.ratio)) throw new RangeError(`hedge: delta ratio must be finite, not ${p.policy.ratio}`);
  if (p.policy.kind === 'beta' && !(p.policy.windowNs > 0)) throw new RangeError(`hedge: beta windowNs must be > 0, not ${p.policy.windowNs}`);
}

function noFill(w: WalkResult): WalkResult {
  w.filledQty = w.notional = w.levels = 0;
  w.vwap = w.worstPrice = NaN;
  return w;
}
