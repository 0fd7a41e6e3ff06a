// Taker execution against a recorded L2 book: walk the levels from the touch outwards until the
// quantity is filled or the book (or the level limit) runs out. The recorded book is not changed:
// the hedge is assumed small next to the depth it takes, and the next recorded update replaces the
// levels anyway (no impact carried over between decisions; see docs/hedging.md).
import { Side } from '../events.js';
import type { L2Book } from '../book/l2-book.js';

export type WalkableBook = Pick<L2Book, 'tickSize' | 'bestBid' | 'bestAsk' | 'levelPrice' | 'levelQty'>;

export interface WalkResult {
  /** Quantity filled (≤ the quantity asked). */
  filledQty: number;
  /** Σ price × qty over the levels taken (quote currency). */
  notional: number;
  /** notional / filledQty; NaN when nothing filled. */
  vwap: number;
  /** Worst price reached; NaN when nothing filled. */
  worstPrice: number;
  /** Levels touched. */
  levels: number;
}

/**
 * Fills a taker order of `qty` (> 0) on `book`: a buy takes asks from the best ask up, a sell takes
 * bids from the best bid down, at most `maxLevels` levels. Writes into `out` (no allocation when
 * given).
 */
export function walkBook(book: WalkableBook, buy: boolean, qty: number, maxLevels = Infinity, out: WalkResult = { filledQty: 0, notional: 0, vwap: NaN, worstPrice: NaN, levels: 0 }): WalkResult {
  const side = buy ? Side.Ask : Side.Bid;
  let left = qty > 0 ? qty : 0;
  let notional = 0;
  let filled = 0;
  let worst = NaN;
  let level = 0;
  while (left > 0 && level < maxLevels) {
    const priceTicks = book.levelPrice(side, level + 1);
    if (priceTicks !== priceTicks) break;
    level++;
    const avail = book.levelQty(side, level);
    const take = avail < left ? avail : left;
    if (!(take > 0)) continue;
    const price = priceTicks * book.tickSize;
    notional += price * take;
    filled += take;
    left -= take;
    worst = price;
  }
  // The last level's subtraction can leave float dust: a fill within 1e-12 of the ask is the ask.
  if (left > 0 && left <= qty * 1e-12) filled = qty;
  out.filledQty = filled;
  out.notional = notional;
  out.vwap = filled > 0 ? notional / filled : NaN;
  out.worstPrice = worst;
  out.levels = level;
  return out;
}

/** Mid of the book in price units, NaN when a side is empty or the book is crossed. */
export function bookMid(book: WalkableBook): number {
  const bid = book.bestBid();
  const ask = book.bestAsk();
  if (!(ask > bid)) return NaN;
  return ((bid + ask) / 2) * book.tickSize;
}
