// Builds a transform's output batch: rows copied from the input (all columns) or written fresh, with
// the message structure kept by the writer rather than copied flag by flag. An input row's
// EndOfMessage is never copied; instead `endMessage(market)` marks the last row written for that
// market since its previous message end. So a message whose rows were dropped, mapped or followed by
// extra rows (a re-rendered book) still ends exactly once, on its last surviving row, and a message
// with no surviving rows disappears.
import { EventFlag, EventKind, allocateBatch, type EventBatch, type EventKindValue } from '../events.js';

/** `line` of rows that no input row stands for (injected trades, catch-up snapshots). */
export const SYNTHETIC_LINE = 0;

export interface RowFields {
  kind: EventKindValue;
  market: number;
  side: number;
  exchTs: number;
  localTs: number;
  priceTicks: number;
  qty: number;
  price2Ticks?: number;
  qty2?: number;
  orderId?: number;
  line?: number;
}

export class BatchWriter {
  private out: EventBatch;
  /** Per market: index of the last row written since the market's last message end, or -1. */
  private readonly open: Int32Array;
  /** Per market: localTs - exchTs of the last input row copied (the feed's clock offset), for synthetic rows. */
  private readonly clockOffset: Float64Array;
  private lastExchTs = -Infinity;

  constructor(private readonly src: EventBatch, capacity = src.length + 1024) {
    this.out = allocateBatch(Math.max(16, capacity), { dayEpochMs: src.dayEpochMs, markets: src.markets });
    this.open = new Int32Array(Math.max(1, src.markets.length)).fill(-1);
    this.clockOffset = new Float64Array(Math.max(1, src.markets.length));
  }

  get length(): number {
    return this.out.length;
  }

  /** Exchange time of the last row written (-Infinity before the first). */
  get lastTime(): number {
    return this.lastExchTs;
  }

  /** localTs - exchTs of the market's last copied input row (0 before any). */
  offsetOf(market: number): number {
    return this.clockOffset[market] ?? 0;
  }

  /** Copies input row i as it is, minus its EndOfMessage flag; returns the output index. */
  copy(i: number): number {
    const s = this.src;
    const j = this.take();
    const o = this.out;
    const m = s.market[i] ?? 0;
    o.kind[j] = s.kind[i] ?? 0;
    o.market[j] = m;
    o.side[j] = s.side[i] ?? 0;
    o.flags[j] = (s.flags[i] ?? 0) & ~EventFlag.EndOfMessage;
    o.exchTs[j] = s.exchTs[i] ?? 0;
    o.localTs[j] = s.localTs[i] ?? 0;
    o.priceTicks[j] = s.priceTicks[i] ?? 0;
    o.qty[j] = s.qty[i] ?? 0;
    o.price2Ticks[j] = s.price2Ticks[i] ?? 0;
    o.qty2[j] = s.qty2[i] ?? 0;
    o.orderId[j] = s.orderId[i] ?? 0;
    o.line[j] = s.line[i] ?? 0;
    if (s.kind[i] !== EventKind.Calendar && m < this.clockOffset.length) this.clockOffset[m] = (s.localTs[i] ?? 0) - (s.exchTs[i] ?? 0);
    this.opened(m, j, o.exchTs[j] ?? 0);
    return j;
  }

  /** Writes a new row; returns the output index (columns may be adjusted through `columns`). */
  write(r: RowFields): number {
    const j = this.take();
    const o = this.out;
    o.kind[j] = r.kind;
    o.market[j] = r.market;
    o.side[j] = r.side;
    o.flags[j] = 0;
    o.exchTs[j] = r.exchTs;
    o.localTs[j] = r.localTs;
    o.priceTicks[j] = r.priceTicks;
    o.qty[j] = r.qty;
    o.price2Ticks[j] = r.price2Ticks ?? 0;
    o.qty2[j] = r.qty2 ?? 0;
    o.orderId[j] = r.orderId ?? 0;
    o.line[j] = r.line ?? SYNTHETIC_LINE;
    this.opened(r.market, j, r.exchTs);
    return j;
  }

  /** The batch being written: re-read after every copy/write (the arrays are replaced when they grow). */
  get columns(): EventBatch {
    return this.out;
  }

  /** Ends the market's open message on its last written row; no-op when the message wrote nothing. */
  endMessage(market: number): void {
    const j = this.open[market] ?? -1;
    if (j < 0) return;
    this.out.flags[j] = (this.out.flags[j] ?? 0) | EventFlag.EndOfMessage;
    this.open[market] = -1;
  }

  /** True when some market has rows written since its last message end. */
  anyOpen(): boolean {
    for (let m = 0; m < this.open.length; m++) if ((this.open[m] ?? -1) >= 0) return true;
    return false;
  }

  /** A new batch trimmed to length, with copies of the input's market and name lists. */
  finish(): EventBatch {
    const b = this.out;
    const n = b.length;
    const done = allocateBatch(n, { dayEpochMs: this.src.dayEpochMs, markets: this.src.markets.map((m) => ({ ...m })), names: [...this.src.names] });
    done.length = n;
    done.kind.set(b.kind.subarray(0, n));
    done.market.set(b.market.subarray(0, n));
    done.side.set(b.side.subarray(0, n));
    done.flags.set(b.flags.subarray(0, n));
    done.exchTs.set(b.exchTs.subarray(0, n));
    done.localTs.set(b.localTs.subarray(0, n));
    done.priceTicks.set(b.priceTicks.subarray(0, n));
    done.qty.set(b.qty.subarray(0, n));
    done.price2Ticks.set(b.price2Ticks.subarray(0, n));
    done.qty2.set(b.qty2.subarray(0, n));
    done.orderId.set(b.orderId.subarray(0, n));
    done.line.set(b.line.subarray(0, n));
    return done;
  }

  private opened(market: number, j: number, exchTs: number): void {
    if (market < this.open.length) this.open[market] = j;
    if (exchTs > this.lastExchTs) this.lastExchTs = exchTs;
  }

  private take(): number {
    if (this.out.length === this.out.kind.length) this.grow();
    return this.out.length++;
  }

  private grow(): void {
    const old = this.out;
    const next = allocateBatch(old.kind.length * 2, { dayEpochMs: old.dayEpochMs, markets: old.markets });
    next.length = old.length;
    next.kind.set(old.kind);
    next.market.set(old.market);
    next.side.set(old.side);
    next.flags.set(old.flags);
    next.exchTs.set(old.exchTs);
    next.localTs.set(old.localTs);
    next.priceTicks.set(old.priceTicks);
    next.qty.set(old.qty);
    next.price2Ticks.set(old.price2Ticks);
    next.qty2.set(old.qty2);
    next.orderId.set(old.orderId);
    next.line.set(old.line);
    this.out = next;
  }
}

/** Row kinds that change a book. */
export function isBookKind(kind: number): boolean {
  return kind === EventKind.BookClear || kind === EventKind.BookLevel || (kind >= EventKind.OrderAdd && kind <= EventKind.OrderExecute);
}

/** Row kinds whose priceTicks is a price (Calendar rows keep a time there; halts a code in orderId). */
export function hasPrice(kind: number): boolean {
  return kind === EventKind.BookLevel || kind === EventKind.Trade || kind === EventKind.Ticker || (kind >= EventKind.OrderAdd && kind <= EventKind.HiddenExecute);
}

/**
 * Follows the input's message structure per market: `row(i)` before handling input row i tells
 * whether it opens a message of its market, `end(i)` after it closes it on EndOfMessage.
 */
export class MessageTracker {
  private readonly openRows: Int32Array;
  private readonly bookRows: Uint8Array;
  private openCount = 0;

  constructor(markets: number) {
    this.openRows = new Int32Array(Math.max(1, markets));
    this.bookRows = new Uint8Array(Math.max(1, markets));
  }

  /** Registers input row i; returns true when it is the first row of a message of its market. */
  row(batch: EventBatch, i: number): boolean {
    const m = batch.market[i] ?? 0;
    const first = (this.openRows[m] ?? 0) === 0;
    if (first) this.openCount++;
    this.openRows[m] = (this.openRows[m] ?? 0) + 1;
    if (isBookKind(batch.kind[i] ?? 0)) this.bookRows[m] = 1;
    return first;
  }

  /** After input row i: true when it ended its market's message (the message is then closed). */
  end(batch: EventBatch, i: number): boolean {
    if (((batch.flags[i] ?? 0) & EventFlag.EndOfMessage) === 0) return false;
    const m = batch.market[i] ?? 0;
    if ((this.openRows[m] ?? 0) > 0) this.openCount--;
    this.openRows[m] = 0;
    return true;
  }

  /** Whether the message of market m (open, or just ended by `end`) changed the book; reset by `clearBook`. */
  touchedBook(m: number): boolean {
    return (this.bookRows[m] ?? 0) !== 0;
  }

  clearBook(m: number): void {
    this.bookRows[m] = 0;
  }

  /** True between messages of every market: a safe place to insert a message of our own. */
  get idle(): boolean {
    return this.openCount === 0;
  }
}
