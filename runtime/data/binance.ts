// Loader for Binance websocket captures (gzip text, `<local ns> <json>` per line) of one market,
// possibly split over several files that continue each other (…_20240808.gz, …_20240809.gz).
//
// The book is rebuilt the way Binance documents it: depth diffs are buffered until the REST
// snapshot line, diffs wholly before the snapshot (u < lastUpdateId) are dropped, the rest applied
// in order. From then on every diff is checked against the previous one (futures: pu = previous u;
// spot: U = previous u + 1) and the result reported, not absorbed: gaps, stale or overlapping
// updates, exchange time going backwards, negative sizes, prices off the tick grid, crossed books.
//
// Rows come out in the order they are applied (file order); openData sorts feeds by exchange
// time. For that sort to keep the book consistent, depth rows carry non-decreasing exchange times
// (clamped, with a report if the feed itself went backwards) and the snapshot is stamped no later
// than the first diff applied on top of it.
//
// Exchange time: `T` (the matching engine's transaction time) where a message has it, else `E`
// (event time). Spot bookTicker messages have neither: they get the local time plus the
// exchange-minus-local offset of the latest message that had both (the collector's clock ran
// ~1.27 s behind Binance's, so the local time alone would misplace them).
//
// The `orderId` column carries Binance's ids: the update id `u` on BookLevel and Ticker rows
// (lastUpdateId on snapshot rows), the trade id `t` on Trade rows. That is what lets a ticker be
// matched to the diff that produced the same book state.
import { DenseL2Book } from '../book/dense-l2-book.js';
import { EventFlag, EventKind, Side, type FeedMarket, type SideValue } from '../events.js';
import { KNOWN_TICK_SIZES, type BinanceFileInfo } from './binance-market.js';
import { BatchBuilder } from './batch-builder.js';
import { DataError, IssueLog } from './errors.js';
import { NS_PER_MS, utcDayStartMs, type Feed, type LoadProgress } from './feed.js';
import { LineReader } from './lines.js';
import { gzipFile } from './sources.js';

/** Bump when the rows this loader produces change: it is part of the cache key. */
export const BINANCE_LOADER_VERSION = 2;

export interface BinanceLoadOptions {
  /** Tick size of the market; defaults to KNOWN_TICK_SIZES. */
  tickSize?: number;
  onProgress?: LoadProgress;
}

/** Diffs kept while waiting for the snapshot; more than this means the snapshot never came. */
const MAX_PENDING = 100_000;
/** Largest gap between a message's exchange time and its local receive time taken as real. */
const MAX_CLOCK_GAP_NS = 3600e9;
/** A message's exchange times: event time and, where there is one, transaction time. */
const EXCHANGE_TIMES = ['E', 'T'] as const;

interface DepthUpdate {
  firstId: number;
  lastId: number;
  /** Futures only: the previous update's lastId, as Binance states it; NaN on spot. */
  prevLastId: number;
  exchNs: number;
  localNs: number;
  bids: unknown[];
  asks: unknown[];
  source: string;
  line: number;
}

type Json = Record<string, unknown>;

function isRecord(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Loads the files of one market (as sniffed by sniffBinance) into one feed. */
export async function loadBinance(files: BinanceFileInfo[], options: BinanceLoadOptions = {}): Promise<Feed> {
  const first = files[0];
  if (!first) throw new DataError('loadBinance: no files');
  for (const f of files) {
    if (f.venue !== first.venue || f.symbol !== first.symbol) {
      throw new DataError(`${f.path}: holds ${f.venue} ${f.symbol}, not ${first.venue} ${first.symbol} like ${first.path}`);
    }
  }
  const key = `${first.venue} ${first.symbol}`;
  const tickSize = options.tickSize ?? KNOWN_TICK_SIZES[key];
  if (tickSize === undefined || !(tickSize > 0)) throw new DataError(`${first.path}: no tick size known for ${key}; pass one (tickSizes option)`);
  // Files continue each other in time: the earliest first. Digit strings of equal length compare as numbers.
  const ordered = [...files].sort((a, b) => a.firstLocalNs.length - b.firstLocalNs.length || (a.firstLocalNs < b.firstLocalNs ? -1 : a.firstLocalNs > b.firstLocalNs ? 1 : 0));
  const market: FeedMarket = { venue: first.venue, symbol: first.symbol, tickSize, source: ordered.map((f) => f.path).join(' + ') };
  const loader = new BinanceFeedLoader(market, first.rawSymbol, first.venue === 'binanceusdm', Number(ordered[0]?.firstLocalNs.slice(0, -6)));
  const sources = ordered.map((f) => gzipFile(f.path));
  const bytesTotal = sources.reduce((s, src) => s + src.size, 0);
  let bytesDone = 0;
  for (const src of sources) {
    const opened = await src.open();
    const reader = new LineReader(opened.stream, src.name);
    while (await reader.fill()) {
      for (let line = reader.take(); line !== undefined; line = reader.take()) loader.line(line, src.name, reader.line);
      options.onProgress?.({ source: src.name, bytesRead: bytesDone + opened.bytesRead(), bytesTotal });
    }
    bytesDone += src.size;
  }
  return loader.finish();
}

class BinanceFeedLoader {
  private readonly out = new BatchBuilder(1 << 18);
  private readonly log = new IssueLog();
  private readonly book: DenseL2Book;
  private readonly dayEpochMs: number;
  private readonly daySec: number;
  private lastLocalNs = -Infinity;
  /** Exchange time minus local time, from the latest message that had both (ns). */
  private offsetNs = NaN;
  /** Ticker rows waiting for a first offset to be stamped. */
  private unstamped: number[] = [];
  private synced = false;
  private awaitingFirst = false;
  private syncId = NaN;
  private prevU = NaN;
  private pending: DepthUpdate[] = [];
  private droppedPending = 0;
  private lastDepthTs = -Infinity;
  private lastDepthRawNs = -Infinity;
  private lastTradeId = -Infinity;
  private lastTradeNs = -Infinity;
  private lastTickerU = -Infinity;
  private crossed = false;
  private readonly reported = new Set<string>();

  constructor(
    private readonly market: FeedMarket,
    private readonly rawSymbol: string,
    private readonly futures: boolean,
    firstLocalMs: number,
  ) {
    this.book = new DenseL2Book(market.tickSize);
    this.dayEpochMs = utcDayStartMs(firstLocalMs);
    this.daySec = this.dayEpochMs / 1000;
  }

  line(text: string, source: string, line: number): void {
    const sp = text.indexOf(' ');
    if (sp < 16 || sp > 20 || !allDigits(text, sp)) {
      this.log.add('malformed_row', source, line, text.trim() === '' ? 'empty line' : 'not a "<local ns> <json>" capture line');
      return;
    }
    let msg: unknown;
    try {
      msg = JSON.parse(text.slice(sp + 1));
    } catch (err) {
      this.log.add('malformed_row', source, line, `not JSON (${err instanceof Error ? err.message : String(err)})`);
      return;
    }
    if (!isRecord(msg)) {
      this.log.add('malformed_row', source, line, 'the JSON is not an object');
      return;
    }
    // The prefix exceeds 2^53: seconds and nanoseconds are parsed apart to stay exact.
    const localNs = (Number(text.slice(0, sp - 9)) - this.daySec) * 1e9 + Number(text.slice(sp - 9, sp));
    if (localNs < this.lastLocalNs) {
      this.log.add('out_of_order', source, line, `local receive time goes back by ${((this.lastLocalNs - localNs) / 1e6).toFixed(3)} ms`);
    } else {
      this.lastLocalNs = localNs;
    }
    if ('lastUpdateId' in msg) {
      this.snapshot(msg, localNs, source, line);
      return;
    }
    const stream = msg.stream;
    const data = msg.data;
    if (typeof stream !== 'string' || !isRecord(data)) {
      this.log.add('malformed_row', source, line, 'neither a stream message ({"stream","data"}) nor a depth snapshot ({"lastUpdateId"})');
      return;
    }
    if (typeof data.s === 'string' && data.s.toUpperCase() !== this.rawSymbol) {
      this.once(`symbol ${data.s}`, source, line, `message for ${data.s} in a ${this.rawSymbol} capture: skipped (and any further ones)`);
      return;
    }
    // An exchange time hours away from when the line was received is corrupt, not clock drift
    // (Binance's runs a second or two off): trusted, it would stretch a replay over years.
    for (const key of EXCHANGE_TIMES) {
      const ms = data[key];
      if (typeof ms === 'number' && !(Math.abs(this.toNs(ms) - localNs) <= MAX_CLOCK_GAP_NS)) {
        this.log.add('malformed_row', source, line, `${key} ${ms} is more than an hour from the time the line was received: skipped`);
        return;
      }
    }
    if (typeof data.E === 'number') this.observeOffset(this.toNs(data.E), localNs);
    const name = stream.slice(stream.indexOf('@') + 1);
    if (name.startsWith('depth')) this.depth(data, localNs, source, line);
    else if (name === 'trade') this.trade(data, localNs, source, line);
    else if (name === 'bookTicker') this.ticker(data, localNs, source, line);
    else this.once(`stream ${name}`, source, line, `unsupported stream ${stream}: skipped (and any further lines of it)`);
  }

  finish(): Feed {
    const first = this.pending[0];
    if (!this.synced && first) {
      this.log.add('sequence_gap', first.source, first.line, `no depth snapshot in the capture: ${this.pending.length + this.droppedPending} depth updates could not be applied`);
    }
    if (this.unstamped.length > 0) {
      const b = this.out.columns;
      for (const i of this.unstamped) b.exchTs[i] = b.localTs[i] ?? NaN;
      this.log.add('out_of_order', this.market.source, 0, `${this.unstamped.length} bookTicker rows stamped with local time: no message carried an exchange time`);
    }
    return { batch: this.out.finish({ dayEpochMs: this.dayEpochMs, markets: [this.market] }), issues: this.log.finish() };
  }

  private depth(data: Json, localNs: number, source: string, line: number): void {
    const { U, u, pu, E, T, b, a } = data;
    const missing =
      typeof U !== 'number' ? 'U' : typeof u !== 'number' ? 'u' : typeof E !== 'number' ? 'E' : !Array.isArray(b) ? 'b' : !Array.isArray(a) ? 'a' : this.futures && typeof pu !== 'number' ? 'pu' : undefined;
    if (missing !== undefined || typeof U !== 'number' || typeof u !== 'number' || typeof E !== 'number' || !Array.isArray(b) || !Array.isArray(a)) {
      this.log.add('malformed_row', source, line, `depth update without a valid "${missing ?? '?'}" field: skipped`);
      return;
    }
    const rawNs = this.toNs(E);
    if (rawNs < this.lastDepthRawNs) {
      this.log.add('out_of_order', source, line, `depth update ${U}..${u} has event time ${((this.lastDepthRawNs - rawNs) / 1e6).toFixed(3)} ms before the previous one`);
    } else {
      this.lastDepthRawNs = rawNs;
    }
    const update: DepthUpdate = {
      firstId: U,
      lastId: u,
      prevLastId: typeof pu === 'number' ? pu : NaN,
      exchNs: typeof T === 'number' ? this.toNs(T) : rawNs,
      localNs,
      bids: b,
      asks: a,
      source,
      line,
    };
    if (this.synced) {
      this.applyDepth(update);
      return;
    }
    this.pending.push(update);
    if (this.pending.length > MAX_PENDING) {
      this.pending.shift();
      this.droppedPending++;
    }
  }

  private applyDepth(d: DepthUpdate): void {
    if (this.awaitingFirst) {
      // Binance's sync rule: updates wholly before the snapshot are already in it.
      if (d.lastId < this.syncId) return;
      this.awaitingFirst = false;
      const limit = this.futures ? this.syncId : this.syncId + 1;
      if (d.firstId > limit) {
        this.log.add('sequence_gap', d.source, d.line, `first update after the snapshot starts at U=${d.firstId}, but the snapshot is at lastUpdateId ${this.syncId}: the updates between are missing`);
      }
    } else if (d.lastId <= this.prevU) {
      this.log.add('stale_update', d.source, d.line, `update ${d.firstId}..${d.lastId} is not newer than the book (last applied u ${this.prevU}): skipped`);
      return;
    } else if (this.futures) {
      if (d.prevLastId !== this.prevU) {
        this.log.add('sequence_gap', d.source, d.line, `pu ${d.prevLastId} is not the previous update's u ${this.prevU}: updates between are missing`);
      }
    } else if (d.firstId > this.prevU + 1) {
      this.log.add('sequence_gap', d.source, d.line, `U ${d.firstId} follows u ${this.prevU}: ${d.firstId - this.prevU - 1} update ids missing`);
    } else if (d.firstId <= this.prevU) {
      this.log.add('out_of_order', d.source, d.line, `update ${d.firstId}..${d.lastId} overlaps the previous one (u ${this.prevU}); applied (quantities are absolute)`);
    }
    this.prevU = d.lastId;
    const ts = Math.max(d.exchNs, this.lastDepthTs);
    this.lastDepthTs = ts;
    const from = this.out.length;
    this.levels(d.bids, Side.Bid, ts, d.localNs, d.lastId, d.source, d.line);
    this.levels(d.asks, Side.Ask, ts, d.localNs, d.lastId, d.source, d.line);
    this.endMessage(from);
    this.checkCrossed(d.source, d.line);
  }

  private snapshot(msg: Json, localNs: number, source: string, line: number): void {
    const { lastUpdateId, bids, asks, E, T } = msg;
    if (typeof lastUpdateId !== 'number' || !Array.isArray(bids) || !Array.isArray(asks)) {
      this.log.add('malformed_row', source, line, 'depth snapshot without valid lastUpdateId, bids and asks: skipped');
      return;
    }
    let ts = typeof T === 'number' ? this.toNs(T) : typeof E === 'number' ? this.toNs(E) : localNs + this.offsetNs;
    // The snapshot is the base of the first diff applied after it: stamp it no later than that diff.
    const next = this.pending.find((p) => p.lastId >= lastUpdateId);
    if (next && !(ts <= next.exchNs)) ts = next.exchNs;
    if (ts !== ts) ts = localNs;
    ts = Math.max(ts, this.lastDepthTs);
    this.lastDepthTs = ts;
    this.book.clear();
    const from = this.out.length;
    const i = this.out.row(EventKind.BookClear, ts, localNs, line);
    this.out.columns.orderId[i] = lastUpdateId;
    this.levels(bids, Side.Bid, ts, localNs, lastUpdateId, source, line);
    this.levels(asks, Side.Ask, ts, localNs, lastUpdateId, source, line);
    this.endMessage(from);
    this.crossed = false;
    this.checkCrossed(source, line);
    this.synced = true;
    this.awaitingFirst = true;
    this.syncId = lastUpdateId;
    const pending = this.pending;
    this.pending = [];
    for (const d of pending) this.applyDepth(d);
  }

  private trade(data: Json, localNs: number, source: string, line: number): void {
    const { p, q, m, t, T, E } = data;
    const time = typeof T === 'number' ? T : E;
    if ((typeof p !== 'string' && typeof p !== 'number') || (typeof q !== 'string' && typeof q !== 'number') || typeof m !== 'boolean' || typeof time !== 'number') {
      this.log.add('malformed_row', source, line, 'trade without valid p, q, m and T/E: skipped');
      return;
    }
    const qty = Number(q);
    if (!(qty > 0)) {
      this.log.add(qty < 0 ? 'negative_size' : 'malformed_row', source, line, `trade size ${String(q)}: skipped`);
      return;
    }
    const price = this.ticks(Number(p), source, line, 'trade price');
    if (price !== price) return;
    const exchNs = this.toNs(time);
    const id = typeof t === 'number' ? t : NaN;
    if (id <= this.lastTradeId) this.log.add('out_of_order', source, line, `trade id ${id} is not after the previous one (${this.lastTradeId})`);
    else if (exchNs < this.lastTradeNs) this.log.add('out_of_order', source, line, 'trade time goes backwards');
    if (id > this.lastTradeId) this.lastTradeId = id;
    if (exchNs > this.lastTradeNs) this.lastTradeNs = exchNs;
    const i = this.out.row(EventKind.Trade, exchNs, localNs, line);
    const b = this.out.columns;
    // m: the buyer was the maker, so the seller took liquidity.
    b.side[i] = m ? Side.Ask : Side.Bid;
    b.priceTicks[i] = price;
    b.qty[i] = qty;
    b.orderId[i] = id;
    b.flags[i] = EventFlag.EndOfMessage;
  }

  private ticker(data: Json, localNs: number, source: string, line: number): void {
    const { u, b: bid, B, a: ask, A, T, E } = data;
    if (typeof u !== 'number' || !isNumeric(bid) || !isNumeric(B) || !isNumeric(ask) || !isNumeric(A)) {
      this.log.add('malformed_row', source, line, 'bookTicker without valid u, b, B, a, A: skipped');
      return;
    }
    if (u < this.lastTickerU) {
      this.log.add('stale_update', source, line, `bookTicker u ${u} is older than the previous one (${this.lastTickerU}): skipped`);
      return;
    }
    this.lastTickerU = u;
    const bidTicks = this.ticks(Number(bid), source, line, 'bid');
    const askTicks = this.ticks(Number(ask), source, line, 'ask');
    if (bidTicks !== bidTicks || askTicks !== askTicks) return;
    const time = typeof T === 'number' ? T : E;
    const exchNs = typeof time === 'number' ? this.toNs(time) : localNs + this.offsetNs;
    const i = this.out.row(EventKind.Ticker, exchNs, localNs, line);
    if (exchNs !== exchNs) this.unstamped.push(i);
    const c = this.out.columns;
    c.priceTicks[i] = bidTicks;
    c.qty[i] = Number(B);
    c.price2Ticks[i] = askTicks;
    c.qty2[i] = Number(A);
    c.orderId[i] = u;
    c.flags[i] = EventFlag.EndOfMessage;
  }

  /** Writes one depth message's levels for a side, applying them to the tracking book. */
  private levels(levels: unknown[], side: SideValue, ts: number, localNs: number, updateId: number, source: string, line: number): void {
    for (const level of levels) {
      if (!Array.isArray(level) || !isNumeric(level[0]) || !isNumeric(level[1])) {
        this.log.add('malformed_row', source, line, `depth level ${JSON.stringify(level)} is not [price, qty]: skipped`);
        continue;
      }
      const qty = Number(level[1]);
      if (qty < 0 || qty !== qty) {
        this.log.add(qty < 0 ? 'negative_size' : 'malformed_row', source, line, `${side === Side.Bid ? 'bid' : 'ask'} size ${String(level[1])} at ${String(level[0])}: level skipped`);
        continue;
      }
      const price = this.ticks(Number(level[0]), source, line, side === Side.Bid ? 'bid level' : 'ask level');
      if (price !== price) continue;
      this.book.set(side, price, qty);
      const i = this.out.row(EventKind.BookLevel, ts, localNs, line);
      const c = this.out.columns;
      c.side[i] = side;
      c.priceTicks[i] = price;
      c.qty[i] = qty;
      c.orderId[i] = updateId;
    }
  }

  /** Integer ticks of a price, or NaN (reported) when it is not a positive price on the grid. */
  private ticks(price: number, source: string, line: number, what: string): number {
    const x = price / this.market.tickSize;
    const t = Math.round(x);
    if (!(price > 0) || t > 2147483647) {
      this.log.add('malformed_row', source, line, `${what} ${price} is not a usable price: skipped`);
      return NaN;
    }
    if (Math.abs(x - t) > 1e-6) {
      this.log.add('off_tick', source, line, `${what} ${price} is not a multiple of the tick ${this.market.tickSize}: skipped`);
      return NaN;
    }
    return t;
  }

  private endMessage(from: number): void {
    if (this.out.length > from) {
      const c = this.out.columns;
      const last = this.out.length - 1;
      c.flags[last] = (c.flags[last] ?? 0) | EventFlag.EndOfMessage;
    }
  }

  private checkCrossed(source: string, line: number): void {
    const bid = this.book.bestBid();
    const ask = this.book.bestAsk();
    const crossed = bid >= ask;
    if (crossed && !this.crossed) {
      const tick = this.market.tickSize;
      this.log.add('crossed_book', source, line, `book crossed: best bid ${(bid * tick).toFixed(8).replace(/\.?0+$/, '')} >= best ask ${(ask * tick).toFixed(8).replace(/\.?0+$/, '')}`);
    }
    this.crossed = crossed;
  }

  private observeOffset(exchNs: number, localNs: number): void {
    const first = this.offsetNs !== this.offsetNs;
    this.offsetNs = exchNs - localNs;
    if (first && this.unstamped.length > 0) {
      const b = this.out.columns;
      for (const i of this.unstamped) b.exchTs[i] = (b.localTs[i] ?? NaN) + this.offsetNs;
      this.unstamped = [];
    }
  }

  private toNs(ms: number): number {
    return (ms - this.dayEpochMs) * NS_PER_MS;
  }

  private once(key: string, source: string, line: number, message: string): void {
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.log.add('malformed_row', source, line, message);
  }
}

function allDigits(s: string, end: number): boolean {
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function isNumeric(x: unknown): x is string | number {
  return (typeof x === 'string' && x !== '') || typeof x === 'number';
}

