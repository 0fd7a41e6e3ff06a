// Interface of the L2 order book the engine reads. Implementation: ./dense-l2-book.ts.
import type { SideValue } from '../events.js';

export interface L2Book {
  readonly tickSize: number;
  /** Counts changes: differs from an earlier reading when anything in the book changed since. */
  readonly version: number;
  /** Counts changes that can have moved the touch (best price or its size, either side). */
  readonly touchVersion: number;
  /** Best bid in ticks, or NaN when the side is empty. */
  bestBid(): number;
  bestAsk(): number;
  /** Quantity resting at a price on a side (0 when none). */
  qtyAt(side: SideValue, priceTicks: number): number;
  /** Price (ticks) of the n-th non-empty level from the touch, 1-based; NaN when there are fewer levels. */
  levelPrice(side: SideValue, level: number): number;
  levelQty(side: SideValue, level: number): number;
  /** Total quantity on a side at prices from the touch out to `limitTicks` inclusive. */
  depthTo(side: SideValue, limitTicks: number): number;
  /** Number of non-empty levels on a side. */
  levelCount(side: SideValue): number;
  /** Sets the absolute quantity at a level (0 removes it). */
  set(side: SideValue, priceTicks: number, qty: number): void;
  /** Adds (or with a negative delta removes) quantity at a level; returns the new quantity. */
  add(side: SideValue, priceTicks: number, delta: number): number;
  clear(): void;
}
