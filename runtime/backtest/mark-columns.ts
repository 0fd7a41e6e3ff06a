// The backtest's regular samples (MarkSample, records.ts) as they are taken: columns of typed
// arrays in fixed-size chunks. A sample is taken every second of event time, so a day of data makes
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

class Chunk {
  readonly t = new Float64Array(CHUNK);
  readonly pnl = new Float64Array(CHUNK);
  readonly scenario = new Int32Array(CHUNK);
  /** Per sample, `markets` values each. */
  readonly mids: Float64Array;
  readonly positions: Float64Array;
  readonly quoteBid: Float64Array;
  readonly quoteAsk: Float64Array;
  constructor(markets: number) {
    const n = CHUNK * Math.max(1, markets);
    this.mids = new Float64Array(n);
    this.positions = new Float64Array(n);
    this.quoteBid = new Float64Array(n);
    this.quoteAsk = new Float64Array(n);
  }
}

export class MarkColumns {
  length = 0;
  private readonly chunks: Chunk[] = [];
  private readonly names: string[] = [];
  private lastName = '';
  private lastNameIndex = -1;

  constructor(readonly markets: number) {}

  /** Starts a sample; the per-market values follow with `set`. Returns the sample's row. */
  add(tNs: number, pnl: number, scenario: string): number {
    const row = this.length++;
    const k = row & MASK;
    if (k === 0) this.chunks.push(new Chunk(this.markets));
    const c = this.chunks[row >>> CHUNK_SHIFT] as Chunk;
    c.t[k] = tNs;
    c.pnl[k] = pnl;
    c.scenario[k] = this.nameIndex(scenario);
    return row;
  }

  set(row: number, market: number, mid: number, position: number, quoteBid: number, quoteAsk: number): void {
    const c = this.chunks[row >>> CHUNK_SHIFT] as Chunk;
    const k = (row & MASK) * this.markets + market;
    c.mids[k] = mid;
    c.positions[k] = position;
    c.quoteBid[k] = quoteBid;
    c.quoteAsk[k] = quoteAsk;
  }

  /** Samples [from, length) as objects. */
  read(from = 0): MarkSample[] {
    const out: MarkSample[] = [];
    const n = this.markets;
    const column = (values: Float64Array, base: number): number[] => {
      const a: number[] = [];
      for (let m = 0; m < n; m++) a.push(values[base + m] ?? NaN);
      return a;
    };
    for (let row = from; row < this.length; row++) {
      const c = this.chunks[row >>> CHUNK_SHIFT] as Chunk;
      const k = row & MASK;
      const base = k * n;
      out.push({
        tNs: c.t[k] ?? NaN,
        mids: column(c.mids, base),
        positions: column(c.positions, base),
        pnl: c.pnl[k] ?? NaN,
        scenario: this.names[c.scenario[k] ?? 0] ?? '',
        quoteBid: column(c.quoteBid, base),
        quoteAsk: column(c.quoteAsk, base),
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
