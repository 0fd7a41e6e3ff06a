// The backtest's regular samples (MarkSample, records.ts) as they are taken: columns of typed
// arrays, grown by doubling. A sample is taken every second of event time, so a day of data makes
// tens of thousands; kept as objects (one per sample plus four small arrays) they outlive the young
// generation and the garbage collector copies each of them, which cost more than the sample itself
// on sparse data. Objects are made only when someone reads them (`read`).
import type { MarkSample } from './records.js';
import { grown } from '../grow.js';

export class MarkColumns {
  length = 0;
  private capacity = 0;
  private t = new Float64Array(0);
  private pnl = new Float64Array(0);
  private scenario = new Int32Array(0);
  /** Per sample, `markets` values each. */
  private mids = new Float64Array(0);
  private positions = new Float64Array(0);
  private quoteBid = new Float64Array(0);
  private quoteAsk = new Float64Array(0);
  private readonly names: string[] = [];
  private lastName = '';
  private lastNameIndex = -1;

  constructor(readonly markets: number) {
    this.grow(1024);
  }

  /** Starts a sample; the per-market values follow with `set`. Returns the sample's row. */
  add(tNs: number, pnl: number, scenario: string): number {
    if (this.length === this.capacity) this.grow(this.capacity * 2);
    const row = this.length++;
    this.t[row] = tNs;
    this.pnl[row] = pnl;
    this.scenario[row] = this.nameIndex(scenario);
    return row;
  }

  set(row: number, market: number, mid: number, position: number, quoteBid: number, quoteAsk: number): void {
    const k = row * this.markets + market;
    this.mids[k] = mid;
    this.positions[k] = position;
    this.quoteBid[k] = quoteBid;
    this.quoteAsk[k] = quoteAsk;
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
      const base = row * n;
      out.push({
        tNs: this.t[row] ?? NaN,
        mids: column(this.mids, base),
        positions: column(this.positions, base),
        pnl: this.pnl[row] ?? NaN,
        scenario: this.names[this.scenario[row] ?? 0] ?? '',
        quoteBid: column(this.quoteBid, base),
        quoteAsk: column(this.quoteAsk, base),
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

  private grow(capacity: number): void {
    const n = Math.max(1, this.markets);
    this.t = grown(this.t, new Float64Array(capacity));
    this.pnl = grown(this.pnl, new Float64Array(capacity));
    this.scenario = grown(this.scenario, new Int32Array(capacity));
    this.mids = grown(this.mids, new Float64Array(capacity * n));
    this.positions = grown(this.positions, new Float64Array(capacity * n));
    this.quoteBid = grown(this.quoteBid, new Float64Array(capacity * n));
    this.quoteAsk = grown(this.quoteAsk, new Float64Array(capacity * n));
    this.capacity = capacity;
  }
}
