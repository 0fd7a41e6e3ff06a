// Measurements of a batch's books, taken the way the engine sees them: at the end of every message
// that changed a market's book. Used by transforms that scale to the data (toxic flow sizes) and by
// the tests that check each transform's effect.
import { BookReplayer } from '../book/replay.js';
import type { DenseL2Book } from '../book/dense-l2-book.js';
import { EventFlag, Side, type EventBatch, type SideValue } from '../events.js';
import { nextAway } from './book-view.js';
import { isBookKind } from './writer.js';

export interface BookSamples {
  /** Number of samples. */
  n: number;
  /** Exchange time of the message end, ns. */
  t: Float64Array;
  /** Source line of the message end. */
  line: Float64Array;
  bid: Float64Array;
  ask: Float64Array;
  /** Quantity over the best `levels` levels of each side (the touch when levels = 1). */
  bidDepth: Float64Array;
  askDepth: Float64Array;
}

/** Samples market m's book at the end of each message that changed it. */
export function sampleBook(batch: EventBatch, market: number, options: { levels?: number } = {}): BookSamples {
  const levels = options.levels ?? 1;
  const r = new BookReplayer(batch);
  const cap = Math.max(1, countMessageEnds(batch, market));
  const s: BookSamples = { n: 0, t: new Float64Array(cap), line: new Float64Array(cap), bid: new Float64Array(cap), ask: new Float64Array(cap), bidDepth: new Float64Array(cap), askDepth: new Float64Array(cap) };
  let touched = false;
  for (let i = 0; i < batch.length; i++) {
    r.apply(batch, i);
    if ((batch.market[i] ?? 0) !== market) continue;
    if (isBookKind(batch.kind[i] ?? 0)) touched = true;
    if (((batch.flags[i] ?? 0) & EventFlag.EndOfMessage) === 0 || !touched) continue;
    touched = false;
    const book = r.books[market];
    if (!book) break;
    const k = s.n++;
    s.t[k] = batch.exchTs[i] ?? 0;
    s.line[k] = batch.line[i] ?? 0;
    s.bid[k] = book.bestBid();
    s.ask[k] = book.bestAsk();
    s.bidDepth[k] = sumLevels(book, Side.Bid, levels);
    s.askDepth[k] = sumLevels(book, Side.Ask, levels);
  }
  return s;
}

function sumLevels(book: DenseL2Book, side: SideValue, levels: number): number {
  let total = 0;
  let n = 0;
  for (let p = side === Side.Bid ? book.bestBid() : book.bestAsk(); p === p && n < levels; p = nextAway(book, side, p), n++) total += book.qtyAt(side, p);
  return total;
}

function countMessageEnds(batch: EventBatch, market: number): number {
  let n = 0;
  for (let i = 0; i < batch.length; i++) if ((batch.market[i] ?? 0) === market && ((batch.flags[i] ?? 0) & EventFlag.EndOfMessage) !== 0) n++;
  return n;
}

/** Median of the finite values (NaN when there are none). */
export function median(values: ArrayLike<number>, count = values.length): number {
  const v: number[] = [];
  for (let i = 0; i < count; i++) {
    const x = values[i] ?? NaN;
    if (Number.isFinite(x)) v.push(x);
  }
  if (v.length === 0) return NaN;
  v.sort((a, b) => a - b);
  const h = v.length >> 1;
  return v.length % 2 === 1 ? (v[h] ?? NaN) : ((v[h - 1] ?? NaN) + (v[h] ?? NaN)) / 2;
}
