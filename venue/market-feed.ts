// The venue's market: recorded (or simulated) events replayed in wall-clock time from the server's
// start, `speed` times faster than recorded, looping at the end. The books are rebuilt with the
// runtime's BookReplayer from the same EventBatch the backtests use, so the venue shows exactly
// what a backtest over the same data sees. Listeners (the matcher, the WebSocket streams) are told
// about every level the data sets, every public trade and the end of every venue message, in order.
//
// Replay is lazy: `advance()` applies the rows due by now; the server calls it before each request
// and on a short timer, so resting orders fill even while nobody asks.
import { BookReplayer } from '../runtime/book/replay.js';
import type { DenseL2Book } from '../runtime/book/dense-l2-book.js';
import { EventFlag, EventKind, Side, type EventBatch, type SideValue } from '../runtime/events.js';
import { clearBooks } from '../runtime/backtest/clear-books.js';
import type { VenueMarketInfo } from '../runtime/venue/venue.js';

/** A market as venue adapters describe it (runtime/venue/venue.ts), plus where the server keeps it. */
export interface VenueMarket extends VenueMarketInfo {
  /** Index of the market in the batch. */
  index: number;
  /** Binance's symbol (BTCUSDT); `symbol` is the unified one (BTC/USDT). */
  id: string;
}

export interface PublicTrade {
  id: number;
  price: number;
  qty: number;
  /** Binance's flag: true when the buyer was the maker (a seller-initiated trade). */
  buyerIsMaker: boolean;
  timeMs: number;
}

export interface FeedListener {
  /** The data set the quantity at a level (liquidity a taker consumed there is back). */
  onLevel(market: number, side: SideValue, priceTicks: number, qty: number): void;
  /** The data cleared a market's book (a snapshot follows). */
  onBookClear(market: number): void;
  /** A public trade; aggressor Bid = buyer-initiated; `tradeId` as /api/v3/trades shows it. */
  onTrade(market: number, aggressor: SideValue, priceTicks: number, qty: number, timeMs: number, tradeId: number): void;
  /** A whole venue message is applied: the book is consistent. */
  onMessageEnd(market: number, timeMs: number): void;
  /** The recording ended and starts over. */
  onLoop(timeMs: number): void;
}

export interface MarketFeedOptions {
  batch: EventBatch;
  markets: VenueMarket[];
  /** Wall clock (ms). */
  clock: () => number;
  /** Recorded seconds per wall second (default 1). */
  speed?: number;
  /** Public trades kept per market for /trades and /aggTrades. */
  tradeHistory?: number;
}

const NS_PER_MS = 1e6;

export class MarketFeed {
  readonly markets: VenueMarket[];
  private readonly batch: EventBatch;
  private readonly replayer: BookReplayer;
  private readonly clock: () => number;
  readonly speed: number;
  private readonly listeners: FeedListener[] = [];
  /** Row time at which replay starts (every market has its first snapshot) and the rows after it. */
  private readonly startNs: number;
  private readonly startRow: number;
  private readonly endNs: number;
  /** Wall time that corresponds to `startNs` in the current pass. */
  private passStartMs: number;
  private next = 0;
  private loops = 0;
  private tradeSeq = 1;
  private readonly trades: PublicTrade[][];
  private readonly tradeHistory: number;
  /**
   * Bumped by every book change, over all markets: the REST depth's lastUpdateId and the diff-depth
   * stream's U/u count the same changes, which is what lets a client sync the two.
   */
  private updateId = 1;

  constructor(options: MarketFeedOptions) {
    const b = options.batch;
    if (b.length === 0) throw new RangeError('the market data has no events');
    this.batch = b;
    this.markets = options.markets;
    this.clock = options.clock;
    this.speed = options.speed ?? 1;
    if (!(this.speed > 0) || !Number.isFinite(this.speed)) throw new RangeError(`speed must be a positive number, not ${options.speed}`);
    this.tradeHistory = options.tradeHistory ?? 1000;
    this.replayer = new BookReplayer(b);
    this.trades = b.markets.map(() => []);
    // Replay starts once every market has had its first snapshot, so no book starts empty.
    const firstClear = b.markets.map(() => -1);
    for (let i = 0; i < b.length && firstClear.includes(-1); i++) {
      const m = b.market[i] ?? 0;
      if (b.kind[i] === EventKind.BookClear && firstClear[m] === -1) firstClear[m] = i;
    }
    let startRow = Math.max(0, ...firstClear);
    // … and after that snapshot's whole message.
    while (startRow < b.length - 1 && ((b.flags[startRow] ?? 0) & EventFlag.EndOfMessage) === 0) startRow++;
    this.startRow = startRow + 1;
    this.startNs = b.exchTs[startRow] ?? 0;
    this.endNs = b.exchTs[b.length - 1] ?? this.startNs;
    this.passStartMs = this.clock();
    this.applyUpTo(this.startRow, false);
  }

  /** The matcher, the streams; added before the first advance, told in the order added. */
  addListener(listener: FeedListener): void {
    this.listeners.push(listener);
  }

  book(market: number): DenseL2Book {
    const book = this.replayer.books[market];
    if (!book) throw new RangeError(`no market ${market}`);
    return book;
  }

  get lastUpdateId(): number {
    return this.updateId;
  }

  get passes(): number {
    return this.loops + 1;
  }

  /** Recorded time being shown now, as Unix ms of the recording. */
  get recordedTimeMs(): number {
    const ns = this.next > 0 ? (this.batch.exchTs[this.next - 1] ?? this.startNs) : this.startNs;
    return this.batch.dayEpochMs + ns / NS_PER_MS;
  }

  /** Newest public trades of a market, oldest first. */
  recentTrades(market: number, limit: number): PublicTrade[] {
    const t = this.trades[market] ?? [];
    return t.slice(Math.max(0, t.length - limit));
  }

  /** Applies every row due by the wall clock, looping over the recording as often as needed. */
  advance(): void {
    const now = this.clock();
    const passMs = Math.max(1, (this.endNs - this.startNs) / NS_PER_MS / this.speed);
    for (;;) {
      const dueNs = this.startNs + (now - this.passStartMs) * this.speed * NS_PER_MS;
      let end = this.next;
      const b = this.batch;
      while (end < b.length && (b.exchTs[end] ?? 0) <= dueNs) end++;
      this.applyUpTo(end, true);
      if (end < b.length || dueNs < this.endNs) return;
      // The recording is over: start a new pass where the last one ended.
      this.passStartMs += passMs;
      this.loops++;
      clearBooks(this.replayer);
      this.updateId++;
      this.next = 0;
      for (const l of this.listeners) l.onLoop(this.passStartMs);
      this.applyUpTo(this.startRow, false);
      if (now < this.passStartMs) return;
    }
  }

  /** Wall time (ms) at which a row's event shows in the current pass. */
  private wallMs(rowNs: number): number {
    return Math.round(this.passStartMs + (rowNs - this.startNs) / NS_PER_MS / this.speed);
  }

  private applyUpTo(end: number, notify: boolean): void {
    const b = this.batch;
    const ls = notify ? this.listeners : [];
    for (let i = this.next; i < end; i++) {
      const kind = b.kind[i] ?? 0;
      const m = b.market[i] ?? 0;
      const side = (b.side[i] ?? 0) as SideValue;
      const price = b.priceTicks[i] ?? 0;
      const qty = b.qty[i] ?? 0;
      if (kind === EventKind.Trade) {
        const timeMs = this.wallMs(b.exchTs[i] ?? 0);
        const id = this.recordTrade(m, side, price, qty, timeMs);
        for (const l of ls) l.onTrade(m, side, price, qty, timeMs, id);
      } else {
        this.replayer.apply(b, i);
        if (kind === EventKind.BookLevel) {
          this.updateId++;
          for (const l of ls) l.onLevel(m, side, price, qty);
        } else if (kind === EventKind.BookClear) {
          this.updateId++;
          for (const l of ls) l.onBookClear(m);
        }
      }
      if (ls.length > 0 && ((b.flags[i] ?? 0) & EventFlag.EndOfMessage) !== 0) {
        const timeMs = this.wallMs(b.exchTs[i] ?? 0);
        for (const l of ls) l.onMessageEnd(m, timeMs);
      }
    }
    this.next = end;
  }

  private recordTrade(m: number, aggressor: SideValue, priceTicks: number, qty: number, timeMs: number): number {
    const id = this.tradeSeq++;
    const list = this.trades[m];
    const market = this.markets[m];
    if (!list || !market) return id;
    list.push({ id, price: priceTicks * market.tickSize, qty, buyerIsMaker: aggressor === Side.Ask, timeMs });
    if (list.length > this.tradeHistory * 2) list.splice(0, list.length - this.tradeHistory);
    return id;
  }
}
