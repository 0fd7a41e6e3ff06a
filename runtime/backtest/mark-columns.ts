// The backtest's regular samples (MarkSample, records.ts) as they are taken: rows of numbers in
// fixed-size typed-array chunks. A sample is taken every second of event time, so a day of data makes
// tens of thousands; kept as objects (one per sample plus four small arrays) they outlive the young
// generation and the garbage collector copies each of them, which cost more than the sample itself
// on sparse data. Objects are made only when someone reads them (`read`).
//
// Chunks rather than one array grown by doubling: each doubling copied every column and left
// megabytes of old buffers to the collector, which on a long run cost more than the samples.
import type { MarkSample } from './records.js';

/** Samples per chunk (a power of two: rows split into chunk and offset by shift and mask). */
const CHUNK_SHIFT = 12;
const CHUNK = 1 << CHUNK_SHIFT;
const MASK = CHUNK - 1;
/** A sample's fields in its row: time, PnL, scenario index, then per market mid, position, quotes. */
const T = 0;
const PNL = 1;
const SCENARIO = 2;
const HEAD = 3;
const MID = 0;
const POSITION = 1;
const QUOTE_BID = 2;
const QUOTE_ASK = 3;
const PER_MARKET = 4;

export class MarkColumns {
  length = 0;
  /** Rows of `stride` numbers, one sample each, CHUNK rows per array: a sample is written in one place. */
  private readonly chunks: Float64Array[] = [];
  private readonly stride: number;
  private readonly names: string[] = [];
  private lastName = '';
  private lastNameIndex = -1;

  constructor(readonly markets: number) {
    this.stride = HEAD + PER_MARKET * Math.max(1, markets);
  }

  /** Starts a sample; the per-market values follow with `set`. Returns the sample's row. */
  add(tNs: number, pnl: number, scenario: string): number {
    const row = this.length++;
    const k = row & MASK;
    if (k === 0) this.chunks.push(new Float64Array(CHUNK * this.stride));
    const c = this.chunks[row >>> CHUNK_SHIFT] as Float64Array;
    const at = k * this.stride;
    c[at + T] = tNs;
    c[at + PNL] = pnl;
    c[at + SCENARIO] = this.nameIndex(scenario);
    return row;
  }

  set(row: number, market: number, mid: number, position: number, quoteBid: number, quoteAsk: number): void {
    const c = this.chunks[row >>> CHUNK_SHIFT] as Float64Array;
    const at = (row & MASK) * this.stride + HEAD + PER_MARKET * market;
    c[at + MID] = mid;
    c[at + POSITION] = position;
    c[at + QUOTE_BID] = quoteBid;
    c[at + QUOTE_ASK] = quoteAsk;
  }

  /** Samples [from, length) as objects. */
  read(from = 0): MarkSample[] {
    const out: MarkSample[] = [];
    const n = this.markets;
    for (let row = from; row < this.length; row++) {
      const c = this.chunks[row >>> CHUNK_SHIFT] as Float64Array;
      const at = (row & MASK) * this.stride;
      const column = (field: number): number[] => {
        const a: number[] = [];
        for (let m = 0; m < n; m++) a.push(c[at + HEAD + PER_MARKET * m + field] ?? NaN);
        return a;
      };
      out.push({
        tNs: c[at + T] ?? NaN,
        mids: column(MID),
        positions: column(POSITION),
        pnl: c[at + PNL] ?? NaN,
        scenario: this.names[c[at + SCENARIO] ?? 0] ?? '',
        quoteBid: column(QUOTE_BID),
        quoteAsk: column(QUOTE_ASK),
      });
    }
    return out;
  }

  private nameIndex(name: string): number {
    if (name === this.lastName && this.lastNameIndex >= 0) return this.lastNameIndex;
    let i = this.names.indexOf(name);
    if (i < 0) i = this.names.push(name) - 1;
    this.lastName = name;
    this.lastNameIndex = i;
    return i;
  }
}
