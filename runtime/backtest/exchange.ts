// The exchange side of a backtest: the recorded market as the venue saw it (its own books, at
// exchange time), plus our orders resting in it. It matches our orders the way the venue would:
//   - a new passive order joins the back of the queue at its price (post-only: one that would take
//     liquidity on arrival is rejected, as a venue's post-only flag does);
//   - the queue ahead shrinks with trades at the price and, for L2 data, with cancellations as the
//     queue model estimates; for L3 data exactly, by order id (orders added after ours are behind
//     us, executions of orders behind us mean we were filled first);
//   - trades through our price, or a book that moves through it, fill us completely;
//   - marketable (taker) orders walk the book, partial fills included, and liquidity we take stays
//     taken until the data updates that level (no double use); an IOC remainder is cancelled;
//   - self-trade prevention: a taker order first cancels our own resting orders it would hit.
// It talks to the strategy only through the reports it returns (fills, orders gone), which the
// backtest driver delivers after the response latency.
import { BookReplayer } from '../book/replay.js';
import { EventKind, Side, type EventBatch, type SideValue } from '../events.js';
import { clearBooks } from './clear-books.js';
import type { FeeModel } from './fees.js';
import { IdSet } from './id-set.js';
import type { QueueModel, QueueState } from './queue.js';

// Imported constants as module consts, which V8 folds into the code (docs/performance.md, "Imported constants").
const BOOK_CLEAR = EventKind.BookClear;
const BOOK_LEVEL = EventKind.BookLevel;
const TRADE = EventKind.Trade;
const ORDER_ADD = EventKind.OrderAdd;
const ORDER_REDUCE = EventKind.OrderReduce;
const ORDER_DELETE = EventKind.OrderDelete;
const ORDER_EXECUTE = EventKind.OrderExecute;
const HIDDEN_EXECUTE = EventKind.HiddenExecute;
const BID = Side.Bid;
const ASK = Side.Ask;

export interface SimOrder extends QueueState {
  id: number;
  /** Plan market index, and the feed market that drives it. */
  market: number;
  feed: number;
  side: SideValue;
  /** Price in ticks of the feed's grid. */
  priceTicks: number;
  price: number;
  qty: number;
  hedge: boolean;
  taker: boolean;
  level: number;
  planHash: string;
  /** L3 data: order ids added at our price after we joined (they are behind us). */
  behind?: IdSet;
  /** Set by the exchange: when the order last joined the book (a reconnect cancels in this order). */
  restSeq: number;
}

export type ExchangeReport =
  | { kind: 'fill'; tNs: number; order: SimOrder; qty: number; price: number; fee: number; liquidity: 'maker' | 'taker' }
  | { kind: 'gone'; tNs: number; orderId: number; reason: 'cancelled' | 'rejected' | 'expired' | 'self_trade' | 'disconnected' };

const noReports: ExchangeReport[] = [];

export interface ExchangeStats {
  rejectedPostOnly: number;
  selfTradeCancels: number;
  iocRemainders: number;
}

export class SimExchange {
  readonly books: BookReplayer;
  /** Our resting orders by id; `restSeq` says in which order they (last) joined the book. */
  private readonly resting = new Map<number, SimOrder>();
  private restCount = 0;
  /** `behind` sets of orders that left the book, for the next ones (two typed arrays each). */
  private readonly spareIdSets: IdSet[] = [];
  /** Per feed and side: our resting orders (a handful), scanned when the data touches their side. */
  private readonly bySide: SimOrder[][][];
  /** Per feed and side: liquidity our taker orders consumed per price, until the data updates that level. */
  private readonly consumed: Array<[Map<number, number>, Map<number, number>]>;
  readonly stats: ExchangeStats = { rejectedPostOnly: 0, selfTradeCancels: 0, iocRemainders: 0 };
  private reports: ExchangeReport[] = [];

  constructor(
    private readonly batch: EventBatch,
    private readonly queue: QueueModel,
    private readonly fees: FeeModel,
  ) {
    // Levels only: queues by order id need just the ids that joined after ours (`behind`), never
    // the whole order-by-order book.
    this.books = new BookReplayer(batch, { orders: false });
    this.bySide = batch.markets.map(() => [[], []]);
    this.consumed = batch.markets.map(() => [new Map(), new Map()]);
  }

  /** Our resting orders in the order they (last) joined the book. */
  get restingOrders(): SimOrder[] {
    return [...this.resting.values()].sort((a, b) => a.restSeq - b.restSeq);
  }

  /** Our resting orders on one side of a feed, in joining order (undefined for a feed the batch lacks). */
  private ourOrders(feed: number, side: SideValue): SimOrder[] | undefined {
    const sides = this.bySide[feed];
    return sides !== undefined ? sides[side] : undefined;
  }

  /** Writes our best resting (non-hedge) bid and ask per plan market into the arrays (NaN where none). */
  bestQuotes(bids: number[], asks: number[]): void {
    for (let f = 0; f < this.bySide.length; f++) {
      const sides = this.bySide[f] as SimOrder[][];
      for (let s = 0; s < 2; s++) {
        const list = sides[s] as SimOrder[];
        for (let k = 0; k < list.length; k++) {
          const o = list[k] as SimOrder;
          if (o.hedge === true) continue;
          const out = s === BID ? bids : asks;
          const cur = out[o.market] ?? NaN;
          if (Number.isNaN(cur) || (s === BID ? o.price > cur : o.price < cur)) out[o.market] = o.price;
        }
      }
    }
  }

  /** Reports produced since the last call (fills and orders gone), in the order they happened. */
  takeReports(): ExchangeReport[] {
    if (this.reports.length === 0) return noReports;
    const r = this.reports;
    this.reports = [];
    return r;
  }

  get hasReports(): boolean {
    return this.reports.length > 0;
  }

  // ------------------------------------------------------------------ market data

  /**
   * Applies the rows [from, end] of one venue message at exchange time exchTs + offsetNs (a
   * replay loop's pass), then checks what the whole message moved through our orders (`settle`).
   */
  applyMessage(from: number, end: number, offsetNs: number): void {
    this.offsetNs = offsetNs;
    for (let i = from; i <= end; i++) this.row(i);
    this.settle(this.batch.market[end] ?? 0, end);
  }

  /**
   * Added to the batch's exchange times by `row`. A field, not an argument: a time is a double, and
   * a double passed to a call V8 does not inline is boxed — once per row, most of what the exchange
   * side allocated.
   */
  private offsetNs = -0; // a double from the start (docs/performance.md, "Field representations")

  /** Exchange time of row `i` in the current pass. */
  private timeOf(i: number): number {
    return (this.batch.exchTs[i] ?? 0) + this.offsetNs;
  }

  private row(i: number): void {
    const b = this.batch;
    const kind = b.kind[i] ?? 0;
    const feed = b.market[i] ?? 0;
    const side = (b.side[i] ?? 0) as SideValue;
    const price = b.priceTicks[i] ?? 0;
    const qty = b.qty[i] ?? 0;
    const ours = this.bySide[feed];
    switch (kind) {
      case BOOK_LEVEL: {
        const book = this.books.books[feed];
        const prev = book !== undefined ? book.qtyAt(side, price) : 0;
        this.books.applyRow(kind, feed, side, price, qty, b.orderId[i] ?? NaN);
        this.consumed[feed]?.[side].delete(price);
        const list = ours !== undefined ? ours[side] : undefined;
        if (list !== undefined) {
          for (let k = 0; k < list.length; k++) {
            const o = list[k] as SimOrder;
            if (o.priceTicks === price) this.queue.depthChanged(o, prev, qty);
          }
        }
        return;
      }
      case BOOK_CLEAR:
        this.books.applyRow(kind, feed, side, price, qty, b.orderId[i] ?? NaN);
        this.consumed[feed]?.[0].clear();
        this.consumed[feed]?.[1].clear();
        return;
      case TRADE:
        this.trade(feed, side, price, qty, this.timeOf(i));
        return;
      case ORDER_ADD: {
        this.books.applyRow(kind, feed, side, price, qty, b.orderId[i] ?? NaN);
        const list = ours !== undefined ? ours[side] : undefined;
        if (list !== undefined) {
          for (let k = 0; k < list.length; k++) {
            const o = list[k] as SimOrder;
            if (o.priceTicks === price && o.behind !== undefined) o.behind.add(b.orderId[i] ?? -1);
          }
        }
        return;
      }
      case ORDER_REDUCE:
      case ORDER_DELETE:
      case ORDER_EXECUTE: {
        const id = b.orderId[i] ?? -1;
        this.books.applyRow(kind, feed, side, price, qty, b.orderId[i] ?? NaN);
        const list = ours !== undefined ? ours[side] : undefined;
        if (list !== undefined && list.length > 0) {
          // Backwards: a fill may take the order out of the list.
          for (let k = list.length - 1; k >= 0; k--) {
            const o = list[k];
            if (o === undefined || o.priceTicks !== price) continue;
            const isBehind = o.behind !== undefined && o.behind.has(id);
            if (kind === ORDER_EXECUTE && isBehind) {
              // FIFO: the venue would have executed us before an order that arrived after us.
              this.fillMaker(o, Math.min(o.qty, qty), this.timeOf(i));
            } else if (!isBehind) {
              o.front = Math.max(0, o.front - qty);
            }
            if (kind !== ORDER_REDUCE && o.behind !== undefined) o.behind.delete(id);
          }
        }
        if (kind === ORDER_EXECUTE) {
          // The resting order was on `side`; the aggressor on the other.
          this.tradeThrough(feed, side, price, this.timeOf(i));
        }
        return;
      }
      case HIDDEN_EXECUTE:
        this.tradeThrough(feed, side, price, this.timeOf(i));
        return;
      default:
        return;
    }
  }

  /**
   * After a whole message (its last row `end`): a book that moved through our price means we would
   * have traded. The time is taken only for a fill: as an argument it was boxed at every message.
   */
  private settle(feed: number, end: number): void {
    const ours = this.bySide[feed];
    const book = this.books.books[feed];
    // `=== undefined`, not truthiness: see docs/performance.md, "Truthiness of loaded values".
    if (ours === undefined || book === undefined) return;
    const bestAsk = book.bestAsk();
    const bestBid = book.bestBid();
    const bids = ours[BID];
    const asks = ours[ASK];
    if (bids !== undefined && !Number.isNaN(bestAsk)) {
      for (let k = bids.length - 1; k >= 0; k--) {
        const o = bids[k];
        if (o !== undefined && o.priceTicks >= bestAsk) this.fillMaker(o, o.qty, this.timeOf(end));
      }
    }
    if (asks !== undefined && !Number.isNaN(bestBid)) {
      for (let k = asks.length - 1; k >= 0; k--) {
        const o = asks[k];
        if (o !== undefined && o.priceTicks <= bestBid) this.fillMaker(o, o.qty, this.timeOf(end));
      }
    }
  }

  /** A public trade at `price`; `aggressor` Bid = buyer-initiated (it hits asks). */
  private trade(feed: number, aggressor: SideValue, price: number, qty: number, tNs: number): void {
    const restingSide: SideValue = aggressor === BID ? ASK : BID;
    const list = this.ourOrders(feed, restingSide);
    if (list === undefined || list.length === 0) return;
    for (let k = list.length - 1; k >= 0; k--) {
      const o = list[k];
      if (o === undefined) continue;
      const through = restingSide === ASK ? price > o.priceTicks : price < o.priceTicks;
      if (through) {
        this.fillMaker(o, o.qty, tNs);
      } else if (price === o.priceTicks) {
        // The trade eats the queue from the front; what is left of it reaches us.
        const reach = qty - o.front;
        o.front = Math.max(0, o.front - qty);
        o.tradedSinceDepth += qty;
        if (reach > 0) this.fillMaker(o, Math.min(o.qty, reach), tNs);
      }
    }
  }

  /** An execution at `price` against resting `side`: our orders at better prices were hit first. */
  private tradeThrough(feed: number, restingSide: SideValue, price: number, tNs: number): void {
    const list = this.ourOrders(feed, restingSide);
    if (list === undefined || list.length === 0) return;
    for (let k = list.length - 1; k >= 0; k--) {
      const o = list[k];
      if (o !== undefined && (restingSide === ASK ? price > o.priceTicks : price < o.priceTicks)) this.fillMaker(o, o.qty, tNs);
    }
  }

  /**
   * The connection to the venue was reset (a replay starting over): the venue cancels our resting
   * orders, as cancel-on-disconnect does, and the books are rebuilt from the data that follows.
   * Without it an order left at the old pass's prices would be filled by the jump to the new one.
   */
  reconnect(tNs: number): void {
    for (const o of this.restingOrders) {
      this.unrest(o);
      this.reports.push({ kind: 'gone', tNs, orderId: o.id, reason: 'disconnected' });
    }
    clearBooks(this.books);
    for (const [bids, asks] of this.consumed) {
      bids.clear();
      asks.clear();
    }
  }

  // ------------------------------------------------------------------ our orders

  /** A new order arrives at the exchange. */
  place(o: SimOrder, tNs: number): void {
    const book = this.books.books[o.feed];
    if (book === undefined) return;
    const opposite = o.side === BID ? book.bestAsk() : book.bestBid();
    const crosses = !Number.isNaN(opposite) && (o.side === BID ? o.priceTicks >= opposite : o.priceTicks <= opposite);
    if (o.taker === true) {
      this.take(o, tNs);
      return;
    }
    if (crosses) {
      this.stats.rejectedPostOnly++;
      this.reports.push({ kind: 'gone', tNs, orderId: o.id, reason: 'rejected' });
      return;
    }
    o.front = book.qtyAt(o.side, o.priceTicks);
    o.tradedSinceDepth = 0;
    if (this.books.orderRowsSeen[o.feed] === true) {
      const ids = this.spareIdSets.pop() ?? new IdSet();
      ids.clear();
      o.behind = ids;
    }
    this.rest(o);
  }

  cancel(id: number, tNs: number): void {
    const o = this.resting.get(id);
    if (o === undefined) {
      // Already filled or gone: the venue answers "unknown order"; the strategy learns it is gone.
      this.reports.push({ kind: 'gone', tNs, orderId: id, reason: 'cancelled' });
      return;
    }
    this.unrest(o);
    this.reports.push({ kind: 'gone', tNs, orderId: id, reason: 'cancelled' });
  }

  /** Price or size change: a new price (or a larger size) goes to the back of the queue. */
  amend(id: number, priceTicks: number, price: number, qty: number, planHash: string, level: number, tNs: number): void {
    const o = this.resting.get(id);
    if (o === undefined) return; // filled or cancelled meanwhile; the strategy has been or will be told
    const book = this.books.books[o.feed];
    if (book === undefined) return;
    const keepsPriority = priceTicks === o.priceTicks && qty <= o.qty;
    const opposite = o.side === BID ? book.bestAsk() : book.bestBid();
    const crosses = !Number.isNaN(opposite) && (o.side === BID ? priceTicks >= opposite : priceTicks <= opposite);
    if (crosses) {
      this.unrest(o);
      this.stats.rejectedPostOnly++;
      this.reports.push({ kind: 'gone', tNs, orderId: id, reason: 'rejected' });
      return;
    }
    o.priceTicks = priceTicks;
    o.price = price;
    o.qty = qty;
    o.planHash = planHash;
    o.level = level;
    if (!keepsPriority) {
      o.front = book.qtyAt(o.side, priceTicks);
      o.tradedSinceDepth = 0;
      if (o.behind !== undefined) o.behind.clear();
    }
    // It rests again: last in joining order and in its side's list (what matching scans), as a new
    // order would be; the list is only moved when it is not last already (one order a side, mostly).
    // A sequence number rather than a Map delete and set: re-inserting left the Map's table to be
    // rehashed every few amends, most of what the exchange allocated.
    o.restSeq = ++this.restCount;
    const list = this.ourOrders(o.feed, o.side);
    if (list !== undefined && list[list.length - 1] !== o) {
      const i = list.indexOf(o);
      if (i >= 0) list.splice(i, 1);
      list.push(o);
    }
  }

  /** A marketable order walks the book up to its limit; the rest is cancelled (immediate-or-cancel). */
  private take(o: SimOrder, tNs: number): void {
    const book = this.books.books[o.feed];
    if (!book) return;
    const oppSide: SideValue = o.side === BID ? ASK : BID;
    // Self-trade prevention: our own resting orders the taker would reach are cancelled first.
    for (const r of [...(this.bySide[o.feed]?.[oppSide] ?? [])]) {
      if (o.side === BID ? r.priceTicks <= o.priceTicks : r.priceTicks >= o.priceTicks) {
        this.unrest(r);
        this.stats.selfTradeCancels++;
        this.reports.push({ kind: 'gone', tNs, orderId: r.id, reason: 'self_trade' });
      }
    }
    const used = this.consumed[o.feed]?.[oppSide];
    let level = 1;
    while (o.qty > 1e-12) {
      const p = book.levelPrice(oppSide, level);
      if (Number.isNaN(p)) break;
      if (o.side === BID ? p > o.priceTicks : p < o.priceTicks) break;
      const available = book.qtyAt(oppSide, p) - (used?.get(p) ?? 0);
      if (available > 1e-12) {
        const q = Math.min(available, o.qty);
        used?.set(p, (used.get(p) ?? 0) + q);
        const px = p * book.tickSize;
        o.qty -= q;
        this.reports.push({ kind: 'fill', tNs, order: o, qty: q, price: px, fee: this.fees.fee(px, q, 'taker'), liquidity: 'taker' });
      }
      level++;
    }
    if (o.qty > 1e-12) {
      this.stats.iocRemainders++;
      this.reports.push({ kind: 'gone', tNs, orderId: o.id, reason: 'expired' });
    }
  }

  private fillMaker(o: SimOrder, qty: number, tNs: number): void {
    if (qty <= 1e-15) return;
    const q = Math.min(qty, o.qty);
    o.qty -= q;
    this.reports.push({ kind: 'fill', tNs, order: o, qty: q, price: o.price, fee: this.fees.fee(o.price, q, 'maker'), liquidity: 'maker' });
    if (o.qty <= 1e-12) this.unrest(o);
  }

  private rest(o: SimOrder): void {
    o.restSeq = ++this.restCount;
    this.resting.set(o.id, o);
    this.ourOrders(o.feed, o.side)?.push(o);
  }

  private unrest(o: SimOrder): void {
    this.resting.delete(o.id);
    if (o.behind !== undefined) {
      this.spareIdSets.push(o.behind);
      o.behind = undefined;
    }
    const list = this.ourOrders(o.feed, o.side);
    if (list === undefined) return;
    const i = list.indexOf(o);
    if (i >= 0) list.splice(i, 1);
  }
}
