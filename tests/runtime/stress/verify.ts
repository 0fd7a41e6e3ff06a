// Compares what a consumer of a transformed batch sees with the original book, message by message.
// Rows a transform copies or writes at the end of an input message carry that message's source
// line, so each output message end (line != 0) is matched with the input message end of the same
// market and line; both batches are replayed through BookReplayer up to there and the consumer's
// book is compared with the original: the shifts are inferred from the touches, then every level
// must be the original level moved by those shifts, with its size times `qtyScale`, down to
// `depthLevels` levels per side (0: all). Input lines must be unique per market message (true of
// the synthetic batches, Binance captures and LOBSTER files).
import { BookReplayer } from '../../../runtime/book/replay.js';
import type { DenseL2Book } from '../../../runtime/book/dense-l2-book.js';
import { EventFlag, EventKind, Side, type EventBatch, type SideValue } from '../../../runtime/events.js';

export interface ViewSample {
  /** Output row of the message end, and its exchange time. */
  row: number;
  t: number;
  line: number;
  market: number;
  bidShift: number;
  askShift: number;
  origBid: number;
  origAsk: number;
  origMid: number;
  mid: number;
  /** Levels per side the consumer's book holds. */
  levels: [number, number];
  /** Why the consumer's book is not the original through the inferred view ('' when it is). */
  mismatch: string;
}

export interface ViewCheck {
  samples: ViewSample[];
  /** Output message ends without an input message of the same line (synthetic messages). */
  synthetic: number;
}

export interface CompareOptions {
  market?: number;
  /** Size scale of the view at a time (default 1). */
  qtyScale?: (t: number) => number;
  /** Levels per side shown at a time (0: all; default 0). */
  depthLevels?: (t: number) => number;
  /** Compare only at the ends of output messages that changed the book (faster on big batches). */
  bookMessagesOnly?: boolean;
  /** Compare at most this many levels per side from the touch, plus the level counts (default: all). */
  compareLevels?: number;
}

export function compareViews(input: EventBatch, output: EventBatch, options: CompareOptions = {}): ViewCheck {
  const rIn = new BookReplayer(input);
  const rOut = new BookReplayer(output);
  const samples: ViewSample[] = [];
  let synthetic = 0;
  let i = 0;
  const touched = new Uint8Array(Math.max(1, output.markets.length));
  for (let j = 0; j < output.length; j++) {
    rOut.apply(output, j);
    const k = output.kind[j] ?? 0;
    if (k === EventKind.BookClear || k === EventKind.BookLevel || (k >= EventKind.OrderAdd && k <= EventKind.OrderExecute)) touched[output.market[j] ?? 0] = 1;
    if (((output.flags[j] ?? 0) & EventFlag.EndOfMessage) === 0) continue;
    const m = output.market[j] ?? 0;
    const bookMessage = touched[m] === 1;
    touched[m] = 0;
    if (options.bookMessagesOnly && !bookMessage) continue;
    if (options.market !== undefined && m !== options.market) continue;
    const line = output.line[j] ?? 0;
    if (line === 0) {
      synthetic++;
      continue;
    }
    let found = false;
    while (i < input.length) {
      rIn.apply(input, i);
      const end = ((input.flags[i] ?? 0) & EventFlag.EndOfMessage) !== 0 && (input.market[i] ?? 0) === m && (input.line[i] ?? 0) === line;
      i++;
      if (end) {
        found = true;
        break;
      }
    }
    if (!found) throw new Error(`output row ${j} ends a message of line ${line}, which the input has no (later) message end for`);
    const ob = rIn.books[m];
    const cb = rOut.books[m];
    if (!ob || !cb) throw new Error(`no book for market ${m}`);
    const t = output.exchTs[j] ?? 0;
    const bidShift = cb.bestBid() - ob.bestBid();
    const askShift = cb.bestAsk() - ob.bestAsk();
    const scale = options.qtyScale?.(t) ?? 1;
    const depth = options.depthLevels?.(t) ?? 0;
    const limit = depth > 0 ? depth : Infinity;
    const upTo = options.compareLevels ?? Infinity;
    const mismatch = sideMismatch(ob, cb, Side.Bid, bidShift, scale, limit, upTo) || sideMismatch(ob, cb, Side.Ask, askShift, scale, limit, upTo);
    samples.push({
      row: j,
      t,
      line,
      market: m,
      bidShift,
      askShift,
      origBid: ob.bestBid(),
      origAsk: ob.bestAsk(),
      origMid: (ob.bestBid() + ob.bestAsk()) / 2,
      mid: (cb.bestBid() + cb.bestAsk()) / 2,
      levels: [cb.levelCount(Side.Bid), cb.levelCount(Side.Ask)],
      mismatch,
    });
  }
  return { samples, synthetic };
}

function sideMismatch(ob: DenseL2Book, cb: DenseL2Book, side: SideValue, shift: number, scale: number, limit: number, upTo: number): string {
  const name = side === Side.Bid ? 'bid' : 'ask';
  let po = side === Side.Bid ? ob.bestBid() : ob.bestAsk();
  let pc = side === Side.Bid ? cb.bestBid() : cb.bestAsk();
  if (!(po === po) || !(pc === pc)) return po === po || pc === pc ? `${name} side empty in one book only` : '';
  let k = 0;
  if (upTo < limit && ob.levelCount(side) > upTo) {
    // Compare the first upTo levels, then only the number of levels shown (all of them are, unless
    // shifted below 1 tick, which the big real books are not).
    for (; k < upTo; k++) {
      if (pc !== po + shift) return `${name} level ${k + 1}: ${pc} shown for original ${po} moved by ${shift}`;
      const qo = ob.qtyAt(side, po) * scale;
      const qc = cb.qtyAt(side, pc);
      if (Math.abs(qc - qo) > 1e-9 * Math.max(1, qo)) return `${name} level ${k + 1} at ${pc}: size ${qc}, expected ${qo}`;
      po = ob.nextLevel(side, po);
      pc = cb.nextLevel(side, pc);
    }
    const expected = Math.min(ob.levelCount(side), limit);
    return cb.levelCount(side) === expected ? '' : `${name}: ${cb.levelCount(side)} levels shown, expected ${expected}`;
  }
  for (; po === po && k < limit; k++) {
    if (po + shift < 1) break;
    if (pc !== po + shift) return `${name} level ${k + 1}: ${pc} shown for original ${po} moved by ${shift}`;
    const qo = ob.qtyAt(side, po) * scale;
    const qc = cb.qtyAt(side, pc);
    if (Math.abs(qc - qo) > 1e-9 * Math.max(1, qo)) return `${name} level ${k + 1} at ${pc}: size ${qc}, expected ${qo}`;
    po = ob.nextLevel(side, po);
    pc = cb.nextLevel(side, pc);
  }
  if (k < limit && pc === pc) return `${name}: extra level ${pc} beyond the original's`;
  if (cb.levelCount(side) !== k) return `${name}: ${cb.levelCount(side)} levels shown, expected ${k}`;
  return '';
}

const COLUMNS = ['kind', 'market', 'side', 'flags', 'exchTs', 'localTs', 'priceTicks', 'qty', 'price2Ticks', 'qty2', 'orderId', 'line'] as const;

export interface ColumnsCopy {
  length: number;
  meta: string;
  columns: Record<(typeof COLUMNS)[number], ArrayLike<number>>;
}

/** A copy of every column and of the metadata, to check that a transform left its input alone. */
export function copyColumns(b: EventBatch): ColumnsCopy {
  const columns = {} as Record<(typeof COLUMNS)[number], ArrayLike<number>>;
  for (const c of COLUMNS) columns[c] = b[c].slice(0, b.length);
  return { length: b.length, meta: JSON.stringify({ dayEpochMs: b.dayEpochMs, markets: b.markets, names: b.names }), columns };
}

/** '' when the two are the same row for row (NaN equal to NaN), else the first difference. */
export function columnsDiffer(a: ColumnsCopy, b: ColumnsCopy): string {
  if (a.length !== b.length) return `length ${a.length} vs ${b.length}`;
  if (a.meta !== b.meta) return `metadata ${a.meta} vs ${b.meta}`;
  for (const c of COLUMNS) {
    const x = a.columns[c];
    const y = b.columns[c];
    for (let i = 0; i < a.length; i++) if (!Object.is(x[i], y[i]) && !(x[i] === y[i])) return `${c}[${i}]: ${x[i]} vs ${y[i]}`;
  }
  return '';
}

/** Sum of squared log returns of a series (zero returns count for nothing, whatever their number). */
export function realisedVariance(values: readonly number[]): number {
  let s = 0;
  for (let k = 1; k < values.length; k++) {
    const a = values[k - 1] ?? NaN;
    const b = values[k] ?? NaN;
    if (a > 0 && b > 0) s += Math.log(b / a) ** 2;
  }
  return s;
}
