// The engine room of the price and size transforms (gap, flash crash, volatility, liquidity drought,
// toxic flow). Each of them says, per market and at the end of every message that changed the book,
// how the consumer should see the ORIGINAL book from now on: a ViewState (bid and ask price shifts
// in whole ticks, a size scale, and a depth limit). This module keeps the original book (replayed
// from the input with BookReplayer, so L2 and L3 input alike) and writes rows so that, at every
// message end, the consumer's book equals the original book seen through the view in force:
//
//   shown bid level (p + bidShift, q × qtyScale) for every original bid level (p, q), and likewise
//   for asks with askShift; levels whose shifted price would be below 1 tick are left out.
//
// Two ways to keep that true:
// - full depth (depthLevels 0): input rows are mapped one by one (prices shifted, sizes scaled, L3
//   rows keep their order ids), which is exact while the view stays the same; when the view
//   changes, a snapshot (BookClear + every level of the original book through the new view) is
//   appended to the message. Cost: O(levels) per view change.
// - windowed (depthLevels N > 0): only the best N levels per side are shown; input book rows are
//   absorbed, and at each book message end the rows that turn the previously shown N levels into the
//   new ones are written (a diff). Cost: O(N) per book message, whatever the view does, which is what
//   views that move at every message (flash crash, volatility) need. L3 executions are then written
//   as Trade rows (the aggressor is the other side), and order-by-order rows resume after the
//   window, following a full snapshot.
// Trades, hidden executions and tickers are always mapped with the view in force: a trade by a
// buyer (it hit an ask) moves with askShift, one by a seller with bidShift, so trades stay
// consistent with the book the consumer was shown.
//
// L3 consequence of a snapshot: the consumer's L3 book forgets its orders at a BookClear, so orders
// resting before a view change become unattributed quantity at their (shifted) levels; later
// messages about them move those levels by the messages' sizes (the L3 book counts them as unknown
// orders). The aggregated book stays exact; queue positions of those orders are what is lost.
import { BookReplayer } from '../book/replay.js';
import type { DenseL2Book } from '../book/dense-l2-book.js';
import { EventKind, Side, type EventBatch, type SideValue } from '../events.js';
import { BatchWriter, MessageTracker, hasPrice, isBookKind } from './writer.js';

export interface ViewState {
  /** Ticks added to every bid price (integer). */
  bidShift: number;
  /** Ticks added to every ask price (integer). */
  askShift: number;
  /** Every size (book, trades, tickers) is multiplied by this (> 0). */
  qtyScale: number;
  /** 0: full depth, rows mapped one by one. N > 0: only the best N levels per side, re-rendered at each book message. */
  depthLevels: number;
}

export const IDENTITY_VIEW: Readonly<ViewState> = Object.freeze({ bidShift: 0, askShift: 0, qtyScale: 1, depthLevels: 0 });

export function sameMapping(a: ViewState, b: ViewState): boolean {
  return a.bidShift === b.bidShift && a.askShift === b.askShift && a.qtyScale === b.qtyScale;
}

function isIdentity(v: ViewState): boolean {
  return v.bidShift === 0 && v.askShift === 0 && v.qtyScale === 1;
}

/** One side's shown levels in windowed mode, best first. */
class Shown {
  price: Float64Array;
  qty: Float64Array;
  count = 0;
  constructor(capacity: number) {
    this.price = new Float64Array(capacity);
    this.qty = new Float64Array(capacity);
  }
}

/** Where rows written at a message end take their times and source line from. */
export interface RowStamp {
  exchTs: number;
  localTs: number;
  line: number;
}

export class ShiftedBooks {
  /** The original book, replayed from the input. */
  readonly original: BookReplayer;
  private readonly views: ViewState[];
  private readonly windowed: boolean[];
  private readonly shown: Array<[Shown, Shown]>;
  private readonly next: [Shown, Shown] = [new Shown(0), new Shown(0)];

  constructor(
    private readonly src: EventBatch,
    readonly out: BatchWriter,
  ) {
    this.original = new BookReplayer(src);
    this.views = src.markets.map(() => IDENTITY_VIEW);
    this.windowed = src.markets.map(() => false);
    this.shown = src.markets.map(() => [new Shown(0), new Shown(0)]);
  }

  /** The original book of market m (the L2 view when the market is L3). */
  book(m: number): DenseL2Book {
    const b = this.original.books[m];
    if (!b) throw new RangeError(`no market ${m}`);
    return b;
  }

  view(m: number): ViewState {
    return this.views[m] ?? IDENTITY_VIEW;
  }

  /** Applies input row i to the original book and writes what the consumer sees of it. */
  row(i: number): void {
    const s = this.src;
    const k = s.kind[i] ?? 0;
    const m = s.market[i] ?? 0;
    this.original.apply(s, i);
    const v = this.views[m] ?? IDENTITY_VIEW;
    const win = this.windowed[m] ?? false;
    if (!hasPrice(k) && k !== EventKind.BookClear) {
      this.out.copy(i);
      return;
    }
    if (!win && isIdentity(v)) {
      this.out.copy(i);
      return;
    }
    const side = (s.side[i] ?? 0) as SideValue;
    const price = s.priceTicks[i] ?? 0;
    const qty = (s.qty[i] ?? 0) * v.qtyScale;
    const shift = side === Side.Bid ? v.bidShift : v.askShift;
    if (isBookKind(k)) {
      if (win) {
        // The book comes from the diff at the message end; an execution still is a trade.
        if (k === EventKind.OrderExecute) {
          const j = this.out.copy(i);
          const c = this.out.columns;
          c.kind[j] = EventKind.Trade;
          c.side[j] = side === Side.Bid ? Side.Ask : Side.Bid;
          c.priceTicks[j] = Math.max(1, price + shift);
          c.qty[j] = qty;
        }
        return;
      }
      if (k === EventKind.BookClear) {
        this.out.copy(i);
        return;
      }
      const p = price + shift;
      // Shifted off the bottom of the price scale: the level is not shown (its removal neither).
      if (p < 1) return;
      const j = this.out.copy(i);
      const c = this.out.columns;
      c.priceTicks[j] = p;
      c.qty[j] = qty;
      return;
    }
    const j = this.out.copy(i);
    const c = this.out.columns;
    if (k === EventKind.Trade) {
      // side = aggressor: a buyer took an ask.
      c.priceTicks[j] = Math.max(1, price + (side === Side.Bid ? v.askShift : v.bidShift));
      c.qty[j] = qty;
    } else if (k === EventKind.HiddenExecute) {
      c.priceTicks[j] = Math.max(1, price + shift);
      c.qty[j] = qty;
    } else if (k === EventKind.Ticker) {
      if (price > 0) c.priceTicks[j] = Math.max(1, price + v.bidShift);
      const ask = s.price2Ticks[i] ?? 0;
      if (ask > 0) c.price2Ticks[j] = Math.max(1, ask + v.askShift);
      c.qty[j] = qty;
      c.qty2[j] = (s.qty2[i] ?? 0) * v.qtyScale;
    }
  }

  /**
   * At the end of a message of market m that changed the book (or of a message of our own): makes
   * the consumer's book the original seen through `next`, writing rows stamped with `at`. Does not
   * end the message (the caller does, with out.endMessage).
   */
  settle(m: number, next: ViewState, at: RowStamp): void {
    const cur = this.views[m] ?? IDENTITY_VIEW;
    const wasWindowed = this.windowed[m] ?? false;
    const windowed = next.depthLevels > 0;
    if (windowed) {
      if (!wasWindowed) {
        this.writeClear(m, at);
        const shown = this.shownOf(m, next.depthLevels);
        this.collect(m, next, Side.Bid, shown[0]);
        this.collect(m, next, Side.Ask, shown[1]);
        for (const side of [Side.Bid, Side.Ask] as const) {
          const sh = shown[side];
          for (let k = 0; k < sh.count; k++) this.writeLevel(m, side, sh.price[k] ?? 0, sh.qty[k] ?? 0, at);
        }
      } else {
        this.diff(m, next, at);
      }
    } else if (wasWindowed || !sameMapping(cur, next)) {
      this.writeClear(m, at);
      this.writeAll(m, next, at);
    }
    this.views[m] = next;
    this.windowed[m] = windowed;
  }

  /** A trade of our own (toxic flow): side is the aggressor, price in the consumer's ticks. */
  writeTrade(m: number, aggressor: SideValue, priceTicks: number, qty: number, at: RowStamp): void {
    this.out.write({ kind: EventKind.Trade, market: m, side: aggressor, exchTs: at.exchTs, localTs: at.localTs, priceTicks, qty, line: at.line });
  }

  private writeClear(m: number, at: RowStamp): void {
    this.out.write({ kind: EventKind.BookClear, market: m, side: 0, exchTs: at.exchTs, localTs: at.localTs, priceTicks: 0, qty: 0, line: at.line });
  }

  private writeLevel(m: number, side: SideValue, priceTicks: number, qty: number, at: RowStamp): void {
    this.out.write({ kind: EventKind.BookLevel, market: m, side, exchTs: at.exchTs, localTs: at.localTs, priceTicks, qty, line: at.line });
  }

  /** Every level of the original book through view v. */
  private writeAll(m: number, v: ViewState, at: RowStamp): void {
    const book = this.book(m);
    for (let p = book.bestBid(); p === p; p = nextAway(book, Side.Bid, p)) {
      const shifted = p + v.bidShift;
      if (shifted < 1) break;
      this.writeLevel(m, Side.Bid, shifted, book.qtyAt(Side.Bid, p) * v.qtyScale, at);
    }
    for (let p = book.bestAsk(); p === p; p = nextAway(book, Side.Ask, p)) {
      const shifted = p + v.askShift;
      if (shifted >= 1) this.writeLevel(m, Side.Ask, shifted, book.qtyAt(Side.Ask, p) * v.qtyScale, at);
    }
  }

  /** The best v.depthLevels levels of one side through view v, into `into`. */
  private collect(m: number, v: ViewState, side: SideValue, into: Shown): void {
    const book = this.book(m);
    const shift = side === Side.Bid ? v.bidShift : v.askShift;
    let n = 0;
    for (let p = side === Side.Bid ? book.bestBid() : book.bestAsk(); p === p && n < v.depthLevels; p = nextAway(book, side, p)) {
      const shifted = p + shift;
      if (shifted < 1) {
        if (side === Side.Bid) break;
        continue;
      }
      into.price[n] = shifted;
      into.qty[n] = book.qtyAt(side, p) * v.qtyScale;
      n++;
    }
    into.count = n;
  }

  /** Writes the rows that turn the shown levels into those of view v, then remembers the new ones. */
  private diff(m: number, v: ViewState, at: RowStamp): void {
    const shown = this.shownOf(m, v.depthLevels);
    for (const side of [Side.Bid, Side.Ask] as const) {
      const old = shown[side];
      const now = this.nextOf(side, v.depthLevels);
      this.collect(m, v, side, now);
      const better = side === Side.Bid ? (a: number, b: number) => a > b : (a: number, b: number) => a < b;
      let i = 0;
      let j = 0;
      while (i < old.count || j < now.count) {
        const op = i < old.count ? (old.price[i] ?? NaN) : NaN;
        const np = j < now.count ? (now.price[j] ?? NaN) : NaN;
        if (j >= now.count || (i < old.count && better(op, np))) {
          this.writeLevel(m, side, op, 0, at);
          i++;
        } else if (i >= old.count || better(np, op)) {
          this.writeLevel(m, side, np, now.qty[j] ?? 0, at);
          j++;
        } else {
          const nq = now.qty[j] ?? 0;
          if (nq !== old.qty[i]) this.writeLevel(m, side, np, nq, at);
          i++;
          j++;
        }
      }
      // The new levels become the shown ones; the old arrays are reused next time.
      shown[side] = now;
      this.next[side] = old;
    }
  }

  private shownOf(m: number, levels: number): [Shown, Shown] {
    const s = this.shown[m];
    if (!s) throw new RangeError(`no market ${m}`);
    for (const side of [Side.Bid, Side.Ask] as const) {
      const cur = s[side];
      if (cur.price.length < levels) {
        const bigger = new Shown(levels);
        bigger.price.set(cur.price.subarray(0, cur.count));
        bigger.qty.set(cur.qty.subarray(0, cur.count));
        bigger.count = cur.count;
        s[side] = bigger;
      }
    }
    return s;
  }

  private nextOf(side: SideValue, levels: number): Shown {
    let n = this.next[side];
    if (n.price.length < levels) {
      n = new Shown(levels);
      this.next[side] = n;
    }
    return n;
  }
}

/**
 * Runs a book-view transform: `decide` is called at the end of every message that changed the book
 * of a selected market, with the message's exchange time and the original book after it, and
 * returns the view to show from then on.
 */
export function transformBookView(
  batch: EventBatch,
  selected: readonly boolean[],
  decide: (m: number, tNs: number, book: DenseL2Book, current: ViewState) => ViewState,
): EventBatch {
  const out = new BatchWriter(batch);
  const books = new ShiftedBooks(batch, out);
  const messages = new MessageTracker(batch.markets.length);
  for (let i = 0; i < batch.length; i++) {
    messages.row(batch, i);
    books.row(i);
    if (!messages.end(batch, i)) continue;
    const m = batch.market[i] ?? 0;
    if (messages.touchedBook(m) && selected[m]) {
      const t = batch.exchTs[i] ?? 0;
      books.settle(m, decide(m, t, books.book(m), books.view(m)), { exchTs: t, localTs: batch.localTs[i] ?? t, line: batch.line[i] ?? 0 });
    }
    messages.clearBook(m);
    out.endMessage(m);
  }
  return out.finish();
}

/**
 * The next level of a side away from the touch after `p`, or NaN. Throws if the book answers a
 * level that is not further away: a walk must end, and a book that loops is a bug to report, not
 * something to paper over.
 */
export function nextAway(book: DenseL2Book, side: SideValue, p: number): number {
  const q = book.nextLevel(side, p);
  if (q === q && (side === Side.Bid ? !(q < p) : !(q > p))) {
    throw new Error(`order book walk went backwards: next ${side === Side.Bid ? 'bid' : 'ask'} level after ${p} is ${q} (runtime/book nextLevel)`);
  }
  return q;
}

/** Mid of a book in ticks, NaN when a side is empty. */
export function midOf(book: DenseL2Book): number {
  return (book.bestBid() + book.bestAsk()) / 2;
}

/** The most negative shift that keeps the book's lowest touch price at 1 tick or more. */
export function lowestShift(book: DenseL2Book): number {
  const bid = book.bestBid();
  if (bid === bid) return 1 - bid;
  const ask = book.bestAsk();
  return ask === ask ? 1 - ask : -Infinity;
}
