// The L2 book the engine reads: quantity per integer tick in two paged ladders (./tick-ladder.ts),
// with the touch kept incrementally. An update is O(1) and allocation-free. Removing the touch and
// range questions (levelPrice, depthTo) go through the ladders' occupancy bits, level counts and
// page sums, so they cost the levels and pages they touch, not the ticks they span. Crossed books
// are stored as they come: the loaders report them, the book does not second-guess the feed.
import { Side, type SideValue } from '../events.js';
import type { L2Book } from './l2-book.js';
import { TickLadder } from './tick-ladder.js';

// Imported constants as module consts, which V8 folds into the code (docs/performance.md, "Imported constants").
const BID = Side.Bid;

/**
 * Quantities at or below this are treated as zero after `add`: float deltas (0.3 - 0.1 - 0.2)
 * must not leave ghost levels. Far below any real lot (crypto lots are >= 1e-8, shares are 1).
 */
export const QTY_EPSILON = 1e-9;
// An exported const is a cell even in its own module; `add` reads this one, which V8 folds.
const EPSILON = QTY_EPSILON;

export class DenseL2Book implements L2Book {
  readonly tickSize: number;
  private readonly bids = new TickLadder();
  private readonly asks = new TickLadder();
  private bid = NaN;
  private ask = NaN;
  /** Bumped by every change; the level cursors below are valid only for the version they saw. */
  version = 0;
  /**
   * Bumped by every change that can move the touch: a level at or better than a side's best (its
   * price or size), a new best, an emptied side, a clear. The engine evaluates plans that read only
   * the touch when this moved, so a change deeper in the book costs them nothing.
   */
  touchVersion = 0;
  // levelPrice(side, n) walks from the touch; callers usually ask n = 1, 2, 3… in turn, so the last
  // answer per side is kept and the next call continues from it instead of starting over.
  private bidCursorVersion = -1;
  private bidCursorLevel = 0;
  private bidCursorPrice = NaN;
  private askCursorVersion = -1;
  private askCursorLevel = 0;
  private askCursorPrice = NaN;

  constructor(tickSize = 1) {
    this.tickSize = tickSize;
  }

  bestBid(): number {
    return this.bid;
  }

  bestAsk(): number {
    return this.ask;
  }

  qtyAt(side: SideValue, priceTicks: number): number {
    return side === BID ? this.bids.get(priceTicks) : this.asks.get(priceTicks);
  }

  levelCount(side: SideValue): number {
    return side === BID ? this.bids.count : this.asks.count;
  }

  /**
   * Price of the n-th level from the touch (1-based), or NaN. Prices must be int32 ticks. Costs
   * O(pages crossed) (the ladder skips whole pages by their level counts), not O(n).
   */
  levelPrice(side: SideValue, level: number): number {
    if (side === BID) {
      if (!(level >= 1 && level <= this.bids.count) || level !== Math.floor(level)) return NaN;
      let k = 1;
      let p = this.bid;
      if (this.bidCursorVersion === this.version && this.bidCursorLevel <= level) {
        k = this.bidCursorLevel;
        p = this.bidCursorPrice;
      }
      if (k < level) p = this.bids.nthBelow(p, level - k);
      this.bidCursorVersion = this.version;
      this.bidCursorLevel = level;
      this.bidCursorPrice = p;
      return p;
    }
    if (!(level >= 1 && level <= this.asks.count) || level !== Math.floor(level)) return NaN;
    let k = 1;
    let p = this.ask;
    if (this.askCursorVersion === this.version && this.askCursorLevel <= level) {
      k = this.askCursorLevel;
      p = this.askCursorPrice;
    }
    if (k < level) p = this.asks.nthAbove(p, level - k);
    this.askCursorVersion = this.version;
    this.askCursorLevel = level;
    this.askCursorPrice = p;
    return p;
  }

  /** Quantity of the n-th level from the touch; 0 when the side has fewer levels. */
  levelQty(side: SideValue, level: number): number {
    const p = this.levelPrice(side, level);
    return p === p ? this.qtyAt(side, p) : 0;
  }

  /** Price of the next level beyond `priceTicks` away from the touch (lower for bids), or NaN. */
  nextLevel(side: SideValue, priceTicks: number): number {
    return side === BID ? this.bids.nextBelow(priceTicks) : this.asks.nextAbove(priceTicks);
  }

  /**
   * Total quantity from the touch out to `limitTicks` inclusive. The touch is the side's extreme
   * level, so the ladder adds every page but the limit's from its page sum and visits only levels of
   * the limit's page, in at most half a page of ticks: O(pages spanned + levels of half a page), not
   * O(ticks spanned). Float error bound: see tick-ladder.ts.
   */
  depthTo(side: SideValue, limitTicks: number): number {
    if (side === BID) return this.bid >= limitTicks ? this.bids.sumDownFrom(this.bid, limitTicks) : 0;
    return this.ask <= limitTicks ? this.asks.sumUpFrom(this.ask, limitTicks) : 0;
  }

  /** Sets the absolute quantity at a level; a quantity <= 0 (or NaN) removes the level. */
  set(side: SideValue, priceTicks: number, qty: number): void {
    const q = qty > 0 ? qty : 0;
    this.version++;
    // One call site for both ladders, so that TickLadder.set is inlined once, not twice.
    const isBid = side === BID;
    // NaN best (empty side): every change is at the touch.
    if (isBid ? !(priceTicks < this.bid) : !(priceTicks > this.ask)) this.touchVersion++;
    const old = (isBid ? this.bids : this.asks).set(priceTicks, q);
    this.retouch(isBid, priceTicks, q, old);
  }

  /** Keeps the best prices after a level went from `old` to `q` (set and add). */
  private retouch(isBid: boolean, priceTicks: number, q: number, old: number): void {
    if (isBid) {
      if (q > 0) {
        if (!(priceTicks <= this.bid)) this.bid = priceTicks;
      } else if (old !== 0 && priceTicks === this.bid) {
        this.bid = this.bids.nextBelow(priceTicks);
      }
    } else if (q > 0) {
      if (!(priceTicks >= this.ask)) this.ask = priceTicks;
    } else if (old !== 0 && priceTicks === this.ask) {
      this.ask = this.asks.nextAbove(priceTicks);
    }
  }

  /** Adds `delta` at a level and returns the new quantity; a result <= QTY_EPSILON removes the level (returns 0). */
  add(side: SideValue, priceTicks: number, delta: number): number {
    // set(side, price, qtyAt(side, price) + delta) with one ladder lookup instead of two.
    this.version++;
    const isBid = side === BID;
    if (isBid ? !(priceTicks < this.bid) : !(priceTicks > this.ask)) this.touchVersion++;
    const ladder = isBid ? this.bids : this.asks;
    const q = ladder.add(priceTicks, delta, EPSILON);
    this.retouch(isBid, priceTicks, q, ladder.lastOld);
    return q;
  }

  clear(): void {
    this.bids.clear();
    this.asks.clear();
    this.bid = NaN;
    this.ask = NaN;
    this.version++;
    this.touchVersion++;
  }
}
