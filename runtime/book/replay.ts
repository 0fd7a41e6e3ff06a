// Applies EventBatch rows to one book per feed market: the one place that knows which row kind
// changes which book. L2 rows (BookClear, BookLevel) go to a DenseL2Book; the first L3 row of a
// market turns that market's book into an L3Book around the same L2 view, so a snapshot loaded
// before the first order message becomes the L3 book's unattributed quantity.
//
// A reader that needs only price levels (the strategy side: plans read L2 fields) can ask for
// `orders: false`: L3 rows then move their level by the row's size, which is exactly what the L3
// book does to its L2 view (it always moves a level by the message's size, known order or not), so
// the levels are the same while the order index, queues and slots are never kept.
import { EventKind, type EventBatch, type SideValue } from '../events.js';
import { DenseL2Book } from './dense-l2-book.js';
import { L3Book } from './l3-book.js';

// Imported constants as module consts, which V8 folds into the code (docs/performance.md, "Imported constants").
const BOOK_CLEAR = EventKind.BookClear;
const BOOK_LEVEL = EventKind.BookLevel;
const ORDER_ADD = EventKind.OrderAdd;
const ORDER_REDUCE = EventKind.OrderReduce;
const ORDER_DELETE = EventKind.OrderDelete;
const ORDER_EXECUTE = EventKind.OrderExecute;

export class BookReplayer {
  /** L2 view per market (index = the batch's market number). */
  readonly books: DenseL2Book[];
  /** L3 book per market, once the market has shown an L3 row. */
  readonly orderBooks: Array<L3Book | undefined>;

  /** Keep order-by-order books for L3 rows (default); false: levels only (see the header). */
  readonly orders: boolean;
  /** Per market: an L3 (order id) row has been applied — the feed is order by order. */
  readonly orderRowsSeen: boolean[];

  constructor(batch: Pick<EventBatch, 'markets'>, options: { orders?: boolean } = {}) {
    this.books = batch.markets.map((m) => new DenseL2Book(m.tickSize));
    this.orderBooks = batch.markets.map(() => undefined);
    this.orders = options.orders ?? true;
    this.orderRowsSeen = batch.markets.map(() => false);
  }

  /** Applies row `i`; rows that change no book (trades, tickers, halts, calendar) are ignored. */
  apply(batch: EventBatch, i: number): void {
    this.applyRow(batch.kind[i] ?? 0, batch.market[i] ?? 0, (batch.side[i] ?? 0) as SideValue, batch.priceTicks[i] ?? NaN, batch.qty[i] ?? 0, batch.orderId[i] ?? NaN);
  }

  /** `apply` for a row whose fields the caller has read already. */
  applyRow(kind: number, market: number, side: SideValue, price: number, qty: number, orderId: number): void {
    if (this.orders !== true) {
      this.applyLevels(kind, market, side, price, qty);
      return;
    }
    switch (kind) {
      case BOOK_CLEAR: {
        const l3 = this.orderBooks[market];
        if (l3) l3.clear();
        else this.books[market]?.clear();
        return;
      }
      case BOOK_LEVEL: {
        const l3 = this.orderBooks[market];
        if (l3) l3.setLevel(side, price, qty);
        else this.books[market]?.set(side, price, qty);
        return;
      }
      case ORDER_ADD:
        this.l3(market).add(orderId, side, price, qty);
        return;
      case ORDER_REDUCE:
        this.l3(market).reduce(orderId, side, price, qty);
        return;
      case ORDER_DELETE:
        this.l3(market).delete(orderId, side, price, qty);
        return;
      case ORDER_EXECUTE:
        this.l3(market).execute(orderId, side, price, qty);
        return;
      default:
        return;
    }
  }

  /** `apply` without order books: every L3 row moves its level by its size, as L3Book does to its view. */
  private applyLevels(kind: number, market: number, side: SideValue, price: number, qty: number): void {
    const book = this.books[market];
    if (book === undefined) {
      if (kind === BOOK_CLEAR || kind === BOOK_LEVEL || (kind >= ORDER_ADD && kind <= ORDER_EXECUTE)) {
        throw new RangeError(`row refers to market ${market}, but the batch has ${this.books.length}`);
      }
      return;
    }
    if (kind === ORDER_ADD) {
      book.add(side, price, qty);
      this.orderRowsSeen[market] = true;
    } else if (kind >= ORDER_REDUCE && kind <= ORDER_EXECUTE) {
      book.add(side, price, -qty);
      this.orderRowsSeen[market] = true;
    } else if (kind === BOOK_LEVEL) book.set(side, price, qty);
    else if (kind === BOOK_CLEAR) book.clear();
  }

  /** Applies rows [from, to). */
  applyRange(batch: EventBatch, from = 0, to = batch.length): void {
    for (let i = from; i < to; i++) this.apply(batch, i);
  }

  l3(market: number): L3Book {
    let l3 = this.orderBooks[market];
    if (!l3) {
      const book = this.books[market];
      if (!book) throw new RangeError(`row refers to market ${market}, but the batch has ${this.books.length}`);
      l3 = new L3Book({ book });
      this.orderBooks[market] = l3;
      this.orderRowsSeen[market] = true;
    }
    return l3;
  }
}
