// Loader for a LOBSTER message/orderbook pair (NASDAQ, order by order).
//
// The message file alone cannot rebuild the book: it starts with orders already resting, and it
// only holds messages inside the requested N levels, so when a top-N level empties, the level that
// moves into view was never mentioned. The orderbook file (row k = the top N levels after message
// k) fills those holes. So the two files are read in lockstep through an L3 book and, after each
// message, the book is reconciled with row k:
// - levels inside the range visible before the message (up to row k-1's deepest level) must match
//   from message replay alone; a difference is a `book_mismatch` issue (and is corrected);
// - levels beyond that range are adopted from the row (BookLevel rows), as are removals of levels
//   the row shows to be gone.
// The batch therefore replays to the orderbook file exactly, and every row that did not come from a
// message is a BookLevel row after the message's own row (EndOfMessage on the last).
// Before message 1 a snapshot (BookClear + BookLevel rows) gives the state before it: row 1 with
// message 1 undone.
//
// Rows: type 1..5 → OrderAdd, OrderReduce, OrderDelete, OrderExecute, HiddenExecute with side = the
// resting order's side (the aggressor of an execution is the other side); type 7 → TradingHalt with
// orderId 0 halt, 1 quoting resumes, 2 trading resumes. Prices are dollars × 10000 → ticks of $0.01
// (price / 100). Times are LOBSTER's seconds after midnight → ns after 00:00 of the file's date;
// dayEpochMs is that date at 00:00 UTC, so the clock reads exchange-local (New York) time of day.
// `line` is the 1-based line of the message file (row k of the orderbook file has the same number).
import { L3Book } from '../book/l3-book.js';
import { EventFlag, EventKind, Side, type EventKindValue, type FeedMarket, type SideValue } from '../events.js';
import { BatchBuilder } from './batch-builder.js';
import { DataError, IssueLog } from './errors.js';
import type { Feed, LoadProgress } from './feed.js';
import { LineReader } from './lines.js';
import type { LobsterPair } from './lobster-files.js';

/** Bump when the rows this loader produces change: it is part of the cache key. */
export const LOBSTER_LOADER_VERSION = 2;
export const LOBSTER_TICK_SIZE = 0.01;
/** LOBSTER prices are dollars × 10000; a $0.01 tick is 100 of them. */
const PRICE_UNITS_PER_TICK = 100;
/** Placeholder prices of empty levels in orderbook rows. */
const EMPTY_ASK = 9999999999;
const EMPTY_BID = -9999999999;

const KIND_OF_TYPE: Readonly<Record<number, EventKindValue>> = {
  1: EventKind.OrderAdd,
  2: EventKind.OrderReduce,
  3: EventKind.OrderDelete,
  4: EventKind.OrderExecute,
  5: EventKind.HiddenExecute,
  7: EventKind.TradingHalt,
};

export interface LobsterLoadOptions {
  onProgress?: LoadProgress;
}

/** One parsed message (reused: no object per line). */
interface Message {
  timeNs: number;
  type: number;
  orderId: number;
  size: number;
  priceTicks: number;
  side: SideValue;
  /** LOBSTER's price column as given (the halt code of type 7). */
  rawPrice: number;
}

/** Top N levels of one orderbook row, best first; `bids`/`asks` levels are in use. */
class BookRow {
  readonly askPrice: Float64Array;
  readonly askQty: Float64Array;
  readonly bidPrice: Float64Array;
  readonly bidQty: Float64Array;
  asks = 0;
  bids = 0;
  constructor(readonly levels: number) {
    this.askPrice = new Float64Array(levels);
    this.askQty = new Float64Array(levels);
    this.bidPrice = new Float64Array(levels);
    this.bidQty = new Float64Array(levels);
  }
}

export async function loadLobster(pair: LobsterPair, options: LobsterLoadOptions = {}): Promise<Feed> {
  const market: FeedMarket = { venue: 'nasdaq', symbol: `${pair.ticker}/USD`, tickSize: LOBSTER_TICK_SIZE, source: pair.message.name };
  const dayEpochMs = Date.parse(`${pair.date}T00:00:00Z`);
  if (!Number.isFinite(dayEpochMs)) throw new DataError(`${pair.message.name}: bad date ${pair.date} in the file name`);
  const [msgOpened, obOpened] = await Promise.all([pair.message.open(), pair.orderbook.open()]);
  const messages = new LineReader(msgOpened.stream, pair.message.name);
  const rows = new LineReader(obOpened.stream, pair.orderbook.name);
  const replay = new LobsterReplay(market, pair, dayEpochMs);
  const bytesTotal = pair.message.size + pair.orderbook.size;
  const msg: Message = { timeNs: 0, type: 0, orderId: 0, size: 0, priceTicks: 0, side: Side.Bid, rawPrice: 0 };
  let lastNs = 0;
  try {
    for (;;) {
      let text = messages.take();
      if (text === undefined) {
        if (!(await messages.fill())) break;
        options.onProgress?.({ source: pair.message.name, bytesRead: msgOpened.bytesRead() + obOpened.bytesRead(), bytesTotal });
        continue;
      }
      parseMessage(text, pair.message.name, messages.line, msg, replay.log);
      // LOBSTER times are seconds after midnight, in order: one outside the day, or before the
      // message ahead of it, is a broken file (and would stretch a replay over years of clock).
      if (!(msg.timeNs >= 0 && msg.timeNs < MAX_DAY_NS)) {
        throw new DataError(`${pair.message.name}:${messages.line}: time ${msg.timeNs / 1e9} s is not a time of day (0 to 172,800 s after midnight)`);
      }
      if (msg.timeNs < lastNs) {
        throw new DataError(`${pair.message.name}:${messages.line}: time ${msg.timeNs / 1e9} s is before the previous message's ${lastNs / 1e9} s (LOBSTER files are in time order)`);
      }
      lastNs = msg.timeNs;
      text = rows.take() ?? (await rows.next());
      if (text === undefined) throw new DataError(`${pair.orderbook.name}: ends at line ${rows.line}, but ${pair.message.name} goes on (line ${messages.line})`);
      parseRow(text, pair.orderbook.name, rows.line, replay.row);
      replay.message(msg, messages.line);
    }
    if ((rows.take() ?? (await rows.next())) !== undefined) {
      throw new DataError(`${pair.orderbook.name}:${rows.line}: more rows than ${pair.message.name} has messages (${messages.line})`);
    }
    if (messages.line === 0) throw new DataError(`${pair.message.name}: empty message file`);
  } finally {
    msgOpened.stream.destroy();
    obOpened.stream.destroy();
  }
  return replay.finish();
}

/** Replays messages through an L3 book and reconciles it with each orderbook row. */
class LobsterReplay {
  readonly log = new IssueLog();
  /** The orderbook row of the current message (parsed into by the reader). */
  readonly row: BookRow;
  private readonly out = new BatchBuilder(1 << 17);
  private readonly book = new L3Book({ tickSize: LOBSTER_TICK_SIZE });
  private readonly source: string;
  /** Deepest level visible before the current message (bid: lowest price; -Inf/+Inf when the whole side was visible). */
  private visibleBid = -Infinity;
  private visibleAsk = Infinity;
  private started = false;
  private mismatchAt = '';
  private unknownFirstLine = 0;

  constructor(
    private readonly market: FeedMarket,
    private readonly pair: LobsterPair,
    private readonly dayEpochMs: number,
  ) {
    this.row = new BookRow(pair.levels);
    this.source = pair.message.name;
  }

  message(m: Message, line: number): void {
    if (!this.started) {
      this.started = true;
      this.seed(m, line);
    }
    const from = this.out.length;
    const i = this.out.row(KIND_OF_TYPE[m.type] ?? EventKind.TradingHalt, m.timeNs, m.timeNs, line);
    const c = this.out.columns;
    if (m.type === 7) {
      // LOBSTER's price column: -1 halt, 0 quoting resumes, 1 trading resumes.
      c.orderId[i] = m.rawPrice + 1;
    } else {
      c.side[i] = m.side;
      c.priceTicks[i] = m.priceTicks;
      c.qty[i] = m.size;
      c.orderId[i] = m.orderId;
    }
    const unknownBefore = this.book.stats.unknownOrders;
    const mismatchBefore = this.book.stats.sizeMismatches;
    switch (m.type) {
      case 1:
        if (this.book.add(m.orderId, m.side, m.priceTicks, m.size) !== 0) this.log.add('malformed_row', this.source, line, `order ${m.orderId} added twice`);
        break;
      case 2:
        this.book.reduce(m.orderId, m.side, m.priceTicks, m.size);
        break;
      case 3:
        this.book.delete(m.orderId, m.side, m.priceTicks, m.size);
        break;
      case 4:
        this.book.execute(m.orderId, m.side, m.priceTicks, m.size);
        break;
      default:
        break;
    }
    if (this.book.stats.unknownOrders > unknownBefore && this.unknownFirstLine === 0) this.unknownFirstLine = line;
    if (this.book.stats.sizeMismatches > mismatchBefore) {
      this.log.add('book_mismatch', this.source, line, `size ${m.size} does not match order ${m.orderId}'s remaining quantity`);
    }
    this.mismatchAt = '';
    this.reconcile(Side.Bid, m.timeNs, line);
    this.reconcile(Side.Ask, m.timeNs, line);
    if (this.mismatchAt !== '') {
      this.log.add('book_mismatch', this.source, line, `replayed book differs from ${this.pair.orderbook.name} row ${line} inside the visible levels (${this.mismatchAt}); corrected from the row`);
    }
    this.endMessage(from);
    this.visibleBid = this.row.bids === this.row.levels ? (this.row.bidPrice[this.row.levels - 1] ?? -Infinity) : -Infinity;
    this.visibleAsk = this.row.asks === this.row.levels ? (this.row.askPrice[this.row.levels - 1] ?? Infinity) : Infinity;
  }

  finish(): Feed {
    const unknown = this.book.stats.unknownOrders;
    if (unknown > 0) {
      this.log.add('unknown_order', this.source, this.unknownFirstLine, `${unknown} messages refer to orders the file never added (resting before it starts, or placed outside the visible levels); their levels moved by the messages' sizes`);
    }
    return { batch: this.out.finish({ dayEpochMs: this.dayEpochMs, markets: [this.market] }), issues: this.log.finish() };
  }

  /** The book before message 1: row 1 with message 1 undone, as BookClear + BookLevel rows. */
  private seed(m: Message, line: number): void {
    const r = this.row;
    const bids = new Map<number, number>();
    const asks = new Map<number, number>();
    for (let k = 0; k < r.bids; k++) bids.set(r.bidPrice[k] ?? 0, r.bidQty[k] ?? 0);
    for (let k = 0; k < r.asks; k++) asks.set(r.askPrice[k] ?? 0, r.askQty[k] ?? 0);
    if (m.type >= 1 && m.type <= 4) {
      const levels = m.side === Side.Bid ? bids : asks;
      const undo = m.type === 1 ? -m.size : m.size;
      const q = (levels.get(m.priceTicks) ?? 0) + undo;
      if (q > 0) levels.set(m.priceTicks, q);
      else levels.delete(m.priceTicks);
    }
    const from = this.out.length;
    this.out.row(EventKind.BookClear, m.timeNs, m.timeNs, line);
    this.book.clear();
    const bidPrices = [...bids.keys()].sort((a, b) => b - a);
    const askPrices = [...asks.keys()].sort((a, b) => a - b);
    for (const p of bidPrices) this.setLevel(Side.Bid, p, bids.get(p) ?? 0, m.timeNs, line);
    for (const p of askPrices) this.setLevel(Side.Ask, p, asks.get(p) ?? 0, m.timeNs, line);
    this.endMessage(from);
    const n = r.levels;
    this.visibleBid = bidPrices.length >= n ? (bidPrices[n - 1] ?? -Infinity) : -Infinity;
    this.visibleAsk = askPrices.length >= n ? (askPrices[n - 1] ?? Infinity) : Infinity;
  }

  /**
   * Walks the book's levels and the row's levels of one side together, best first, down to the
   * row's deepest level (or all the way when the row shows the whole side), and makes the book
   * equal to the row there. Differences inside the previously visible range are mismatches.
   */
  private reconcile(side: SideValue, ts: number, line: number): void {
    const r = this.row;
    const l2 = this.book.book;
    const bid = side === Side.Bid;
    const prices = bid ? r.bidPrice : r.askPrice;
    const qtys = bid ? r.bidQty : r.askQty;
    const m = bid ? r.bids : r.asks;
    const visible = bid ? this.visibleBid : this.visibleAsk;
    const full = m === r.levels;
    const last = full ? (prices[m - 1] ?? NaN) : bid ? -Infinity : Infinity;
    let p = bid ? l2.bestBid() : l2.bestAsk();
    let i = 0;
    for (;;) {
      const ours = p === p && (bid ? p >= last : p <= last);
      const theirs = i < m;
      if (!ours && !theirs) return;
      const rp = prices[i] ?? NaN;
      if (ours && (!theirs || (bid ? p > rp : p < rp))) {
        if (bid ? p >= visible : p <= visible) this.mismatch(side, p, l2.qtyAt(side, p), 0);
        this.setLevel(side, p, 0, ts, line);
        p = l2.nextLevel(side, p);
      } else if (theirs && (!ours || (bid ? p < rp : p > rp))) {
        const q = qtys[i] ?? 0;
        if (bid ? rp >= visible : rp <= visible) this.mismatch(side, rp, 0, q);
        this.setLevel(side, rp, q, ts, line);
        i++;
      } else {
        const q = qtys[i] ?? 0;
        const have = l2.qtyAt(side, p);
        if (have !== q) {
          if (bid ? p >= visible : p <= visible) this.mismatch(side, p, have, q);
          this.setLevel(side, p, q, ts, line);
        }
        p = l2.nextLevel(side, p);
        i++;
      }
    }
  }

  private mismatch(side: SideValue, priceTicks: number, ours: number, theirs: number): void {
    if (this.mismatchAt !== '') return;
    this.mismatchAt = `${side === Side.Bid ? 'bid' : 'ask'} ${(priceTicks * LOBSTER_TICK_SIZE).toFixed(2)}: replay ${ours}, file ${theirs}`;
  }

  private setLevel(side: SideValue, priceTicks: number, qty: number, ts: number, line: number): void {
    this.book.setLevel(side, priceTicks, qty);
    const i = this.out.row(EventKind.BookLevel, ts, ts, line);
    const c = this.out.columns;
    c.side[i] = side;
    c.priceTicks[i] = priceTicks;
    c.qty[i] = qty;
  }

  private endMessage(from: number): void {
    if (this.out.length > from) {
      const c = this.out.columns;
      const last = this.out.length - 1;
      c.flags[last] = (c.flags[last] ?? 0) | EventFlag.EndOfMessage;
    }
  }
}

/** A CSV field as a number; NaN for empty or non-numeric text. */
function field(parts: string[], k: number): number {
  const s = parts[k] ?? '';
  return s === '' ? NaN : Number(s);
}

function parseMessage(text: string, source: string, line: number, out: Message, log: IssueLog): void {
  const where = `${source}:${line}`;
  const parts = text.split(',');
  if (parts.length !== 6) throw new DataError(`${where}: expected 6 columns (time,type,order id,size,price,direction), found ${parts.length}`);
  const type = field(parts, 1);
  const orderId = field(parts, 2);
  const size = field(parts, 3);
  const price = field(parts, 4);
  const direction = field(parts, 5);
  const timeNs = secondsToNs(parts[0] ?? '');
  if (timeNs !== timeNs || type !== type || orderId !== orderId || size !== size || price !== price || direction !== direction) {
    throw new DataError(`${where}: non-numeric field in "${text.length > 80 ? `${text.slice(0, 80)}…` : text}"`);
  }
  if (KIND_OF_TYPE[type] === undefined) throw new DataError(`${where}: unknown message type ${parts[1] ?? ''} (expected 1, 2, 3, 4, 5 or 7)`);
  if (size < 0) throw new DataError(`${where}: negative size ${size}`);
  if (direction !== 1 && direction !== -1) throw new DataError(`${where}: direction ${direction} (expected 1 or -1)`);
  out.timeNs = timeNs;
  out.type = type;
  out.orderId = orderId;
  out.size = size;
  out.rawPrice = price;
  out.side = direction === 1 ? Side.Bid : Side.Ask;
  if (type === 7) {
    if (price !== -1 && price !== 0 && price !== 1) throw new DataError(`${where}: trading halt with price ${price} (expected -1, 0 or 1)`);
    out.priceTicks = 0;
    return;
  }
  if (!(price > 0)) throw new DataError(`${where}: price ${price} is not positive`);
  out.priceTicks = Math.round(price / PRICE_UNITS_PER_TICK);
  if (out.priceTicks * PRICE_UNITS_PER_TICK !== price) {
    log.add('off_tick', source, line, `price ${price / 10000} is not a multiple of $0.01; rounded to ${(out.priceTicks / 100).toFixed(2)}`);
  }
}

/** Latest time a message may carry: two days after midnight (sessions that run past it). */
const MAX_DAY_NS = 172_800e9;

/** `34200.015105074` → ns, exactly (seconds and the fraction's digits are parsed apart). Digits only: no sign, exponent or hex. */
function secondsToNs(s: string): number {
  const dot = s.indexOf('.');
  const wholeText = dot < 0 ? s : s.slice(0, dot);
  if (!/^\d+$/.test(wholeText)) return NaN;
  if (dot < 0) return Number(s) * 1e9;
  const whole = Number(wholeText);
  const frac = s.slice(dot + 1);
  if (frac === '' || !/^\d+$/.test(frac)) return NaN;
  const ns = frac.length <= 9 ? Number(frac.padEnd(9, '0')) : Math.round(Number(`0.${frac}`) * 1e9);
  return whole * 1e9 + ns;
}

function parseRow(text: string, source: string, line: number, row: BookRow): void {
  const parts = text.split(',');
  const n = row.levels;
  if (parts.length !== 4 * n) throw new DataError(`${source}:${line}: expected ${4 * n} columns (${n} levels × ask price, ask size, bid price, bid size), found ${parts.length}`);
  row.asks = 0;
  row.bids = 0;
  let asksEnded = false;
  let bidsEnded = false;
  for (let k = 0; k < n; k++) {
    const ap = field(parts, 4 * k);
    const aq = field(parts, 4 * k + 1);
    const bp = field(parts, 4 * k + 2);
    const bq = field(parts, 4 * k + 3);
    if (ap !== ap || aq !== aq || bp !== bp || bq !== bq) throw new DataError(`${source}:${line}: non-numeric field in level ${k + 1}`);
    if (aq < 0 || bq < 0) throw new DataError(`${source}:${line}: negative size in level ${k + 1}`);
    if (ap === EMPTY_ASK || aq === 0) asksEnded = true;
    else if (!asksEnded) {
      row.askPrice[row.asks] = Math.round(ap / PRICE_UNITS_PER_TICK);
      row.askQty[row.asks++] = aq;
    }
    if (bp === EMPTY_BID || bq === 0) bidsEnded = true;
    else if (!bidsEnded) {
      row.bidPrice[row.bids] = Math.round(bp / PRICE_UNITS_PER_TICK);
      row.bidQty[row.bids++] = bq;
    }
  }
}
