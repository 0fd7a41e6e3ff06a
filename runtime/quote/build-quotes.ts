// Turns a plan's raw quote values (bid, ask, sizes, ladder) into orders a venue accepts: rounded
// to the tick (bids down, asks up) and the lot (down), never crossing or locking our own quotes or
// taking liquidity (post-only against the current touch), above the venue's minimum size and
// notional. Pure: inputs in, DesiredQuotes out.
import type { DesiredQuotes, DesiredSide } from './desired.js';

export interface QuoteValues {
  bid: number;
  ask: number;
  bidSize: number;
  askSize: number;
  /** Ladder levels per side (1 when there is no ladder). */
  levels: number;
  /** Distance between levels: a fraction of the level-1 price when stepIsPrice is false, else a price. */
  step: number;
  stepIsPrice: boolean;
}

export interface MarketRules {
  tickSize: number;
  lotSize: number;
  minQty: number;
  minNotional: number;
}

export interface BuildContext {
  /** The book's touch as prices (NaN when a side is empty). */
  bestBid: number;
  bestAsk: number;
  /** Sides that may be quoted (reduce-only states turn one off). */
  allowBid: boolean;
  allowAsk: boolean;
}

/** Absorbs float noise in price / tick before rounding: 61800.3 / 0.1 is 618002.9999999999. */
const EPS = 1e-7;

export function floorTicks(price: number, tick: number): number {
  return Math.floor(price / tick + EPS);
}
export function ceilTicks(price: number, tick: number): number {
  return Math.ceil(price / tick - EPS);
}
export function floorLots(qty: number, lot: number): number {
  return Math.floor(qty / lot + EPS) * lot;
}

/** Why a side (or a level) the plan asked for was left out: bits of buildQuotes' answer. */
export const Withheld = {
  /** The plan's price or size was not a positive number (NaN before warm-up, a negative spread…). */
  notPositive: 1,
  /** The size rounded down to the lot was under the venue's minimum size. */
  belowMinQty: 2,
  /** A level's notional (size × price) was under the venue's minimum. */
  belowMinNotional: 4,
} as const;

/** Fills `out`; returns the Withheld bits of whatever the plan asked for that could not be quoted (0: nothing). */
export function buildQuotes(v: QuoteValues, rules: MarketRules, ctx: BuildContext, out: DesiredQuotes): number {
  out.clear();
  const levels = Math.max(0, Math.min(out.bids.capacity, Math.floor(v.levels)));
  if (levels === 0) return 0;
  let withheld = 0;
  const tick = rules.tickSize;
  // Post-only: never at or through the opposite touch.
  const maxBidTicks = Number.isFinite(ctx.bestAsk) ? ceilTicks(ctx.bestAsk, tick) - 1 : Infinity;
  const minAskTicks = Number.isFinite(ctx.bestBid) ? floorTicks(ctx.bestBid, tick) + 1 : -Infinity;

  // `=== true`: a boolean field is tested with seven checks otherwise (docs/performance.md, "Truthiness of loaded values").
  const allowBid = ctx.allowBid === true;
  const allowAsk = ctx.allowAsk === true;
  if (allowBid) {
    if (valid(v.bid) && valid(v.bidSize)) {
      let first = Math.min(floorTicks(v.bid, tick), maxBidTicks);
      // Never lock or cross our own ask: with both sides quoted, the bid stays a tick under the ask.
      if (allowAsk && valid(v.ask)) first = Math.min(first, Math.max(ceilTicks(v.ask, tick), minAskTicks) - 1);
      withheld |= fillSide(out.bids, first, -1, v.bid, v.bidSize, levels, v, rules);
    } else {
      withheld |= Withheld.notPositive;
    }
  }
  if (allowAsk) {
    if (valid(v.ask) && valid(v.askSize)) {
      let first = Math.max(ceilTicks(v.ask, tick), minAskTicks);
      if (out.bids.count > 0) first = Math.max(first, (out.bids.priceTicks[0] ?? -Infinity) + 1);
      withheld |= fillSide(out.asks, first, +1, v.ask, v.askSize, levels, v, rules);
    } else {
      withheld |= Withheld.notPositive;
    }
  }
  return withheld;
}

function valid(x: number): boolean {
  return Number.isFinite(x) && x > 0;
}

/** Levels outward from `firstTicks`: each strictly worse than the one before, sizes on the lot grid. */
function fillSide(side: DesiredSide, firstTicks: number, dir: -1 | 1, price: number, size: number, levels: number, v: QuoteValues, rules: MarketRules): number {
  const qty = floorLots(size, rules.lotSize);
  if (!(qty >= rules.minQty) || qty <= 0) return Withheld.belowMinQty;
  let withheld = 0;
  let prev = NaN;
  for (let k = 0; k < levels; k++) {
    let ticks: number;
    if (k === 0) {
      ticks = firstTicks;
    } else {
      const raw = v.stepIsPrice === true ? price + dir * k * v.step : price * (1 + dir * k * v.step);
      ticks = dir < 0 ? floorTicks(raw, rules.tickSize) : ceilTicks(raw, rules.tickSize);
      // A step under one tick still moves each level by a tick; levels never merge.
      ticks = dir < 0 ? Math.min(ticks, prev - 1) : Math.max(ticks, prev + 1);
    }
    if (!Number.isFinite(ticks) || ticks <= 0) return withheld | Withheld.notPositive;
    if (qty * ticks * rules.tickSize < rules.minNotional) {
      withheld |= Withheld.belowMinNotional;
      prev = ticks;
      continue;
    }
    side.push(ticks, qty);
    prev = ticks;
  }
  return withheld;
}
