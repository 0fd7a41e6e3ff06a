// Binance's diff-depth stream computed from the replay. Per market it remembers which levels the data
// touched since the last event and, when drained, sends each such level's quantity now (0: gone) with
// the update ids the event covers: U = the previous event's u + 1, u = the feed's update id now. That
// id is the one the REST depth snapshot reports as lastUpdateId, so a client that follows Binance's
// recipe (buffer events, fetch the snapshot, drop events with u ≤ lastUpdateId, apply from the one
// with U ≤ lastUpdateId + 1 ≤ u, then each U = previous u + 1) ends up with the venue's book:
//   - every level touched in (U, u] is in the event, at its quantity at u, so applying the event to
//     the book at any id inside the range gives the book at u;
//   - a market whose book did not change sends nothing; its next event starts where its last ended,
//     so the sequence stays contiguous even though other markets move the shared id meanwhile.
// A cleared book (a snapshot row in the data, or the recording looping) has no per-level rows for
// what it removed, so the differ also keeps the set of levels subscribers currently hold and, on a
// clear, sends every one of them together with every level of the new book.
import type { DenseL2Book } from '../runtime/book/dense-l2-book.js';
import { Side, type SideValue } from '../runtime/events.js';

export interface DepthDiff {
  /** Binance's U and u: the first and last update id the event covers. */
  firstUpdateId: number;
  lastUpdateId: number;
  /** [priceTicks, qty]; qty 0 removes the level. */
  bids: Array<[number, number]>;
  asks: Array<[number, number]>;
}

interface MarketState {
  /** Levels touched since the last event, by side (0 bids, 1 asks). */
  touched: [Set<number>, Set<number>];
  /** Levels a subscriber in sync holds (non-zero at the last event). */
  shown: [Set<number>, Set<number>];
  /** The book was cleared since the last event: send everything. */
  resync: boolean;
  lastUpdateId: number;
}

export class DepthDiffs {
  private readonly markets: MarketState[];

  constructor(
    private readonly book: (market: number) => DenseL2Book,
    marketCount: number,
    updateId: number,
  ) {
    this.markets = [];
    for (let m = 0; m < marketCount; m++) {
      const shown: [Set<number>, Set<number>] = [levels(book(m), Side.Bid), levels(book(m), Side.Ask)];
      this.markets.push({ touched: [new Set(), new Set()], shown, resync: false, lastUpdateId: updateId });
    }
  }

  touch(market: number, side: SideValue, priceTicks: number): void {
    this.markets[market]?.touched[side === Side.Bid ? 0 : 1].add(priceTicks);
  }

  /** The market's book was cleared: its next event re-sends every level. */
  cleared(market: number): void {
    const s = this.markets[market];
    if (s) s.resync = true;
  }

  clearedAll(): void {
    for (const s of this.markets) s.resync = true;
  }

  /** The event for everything since the last one, or undefined when the market's book is unchanged. */
  drain(market: number, updateId: number): DepthDiff | undefined {
    const s = this.markets[market];
    if (!s) return undefined;
    if (!s.resync && s.touched[0].size === 0 && s.touched[1].size === 0) return undefined;
    const book = this.book(market);
    const side = (i: 0 | 1): Array<[number, number]> => {
      const sideValue = i === 0 ? Side.Bid : Side.Ask;
      const touched = s.touched[i];
      const shown = s.shown[i];
      if (s.resync) {
        for (const p of shown) touched.add(p);
        for (const p of levels(book, sideValue)) touched.add(p);
      }
      const out: Array<[number, number]> = [];
      for (const p of touched) {
        const qty = book.qtyAt(sideValue, p);
        out.push([p, qty]);
        if (qty > 0) shown.add(p);
        else shown.delete(p);
      }
      touched.clear();
      return out;
    };
    const diff: DepthDiff = { firstUpdateId: s.lastUpdateId + 1, lastUpdateId: updateId, bids: side(0), asks: side(1) };
    s.resync = false;
    s.lastUpdateId = updateId;
    return diff;
  }
}

function levels(book: DenseL2Book, side: SideValue): Set<number> {
  const out = new Set<number>();
  const n = book.levelCount(side);
  for (let level = 1; level <= n; level++) {
    const p = book.levelPrice(side, level);
    if (Number.isNaN(p)) break;
    out.add(p);
  }
  return out;
}
