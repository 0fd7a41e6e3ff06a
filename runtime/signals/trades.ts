// Statistics of public trades over a time window: vwap, volume, trade_rate.
import type { SignalSnapshot, TradeSignal } from './contract.js';
import { readSum, TimeRing, twoSumError } from './ring.js';
import { checkSnapshot, encode, makeSnapshot, positiveSeconds, readArray, readNumber, readParts } from './snapshot.js';

export type TradeFn = 'vwap' | 'volume' | 'trade_rate';

/**
 * Fed public trades with trade(price, qty, t); the window holds the trades with time in
 * (t − window, t], t the latest time seen via trade or advance.
 *
 * - vwap(market, window): Σ pᵢqᵢ / Σ qᵢ; NaN when no trade is in the window (the engine substitutes
 *   the mid). Warm-up 1.
 * - volume(market, window): Σ qᵢ; 0 when no trade is in the window. Ready from the start (warm-up 0).
 * - trade_rate(market, window): number of trades in the window / windowSec (trades per second); 0
 *   when none. Ready from the start.
 *
 * A trade with non-finite price or time, or a quantity that is not a positive finite number, is
 * ignored (a valid time still passes). Running sums are compensated (see ring.ts) and set to exactly
 * 0 whenever the window empties.
 */
export class TradeWindow implements TradeSignal {
  readonly input = 'trades' as const;
  readonly warmUp: number;
  readonly fallback: number;
  private readonly windowSec: number;
  private readonly windowNs: number;
  /** (t, price, qty) */
  private readonly ring = new TimeRing(2);
  /** Σ p·q and Σ q in the window, each with its compensation. */
  private sumPq = 0;
  private compPq = 0;
  private sumQ = 0;
  private compQ = 0;
  private nowNs = NaN;
  private tick = false;

  constructor(readonly fn: TradeFn, windowSec: number) {
    this.windowSec = positiveSeconds(fn, 'window', windowSec);
    this.windowNs = this.windowSec * 1e9;
    this.warmUp = fn === 'vwap' ? 1 : 0;
    this.fallback = fn === 'vwap' ? NaN : 0;
  }

  trade(price: number, qty: number, tNs: number): void {
    this.tick = false;
    if (!Number.isFinite(tNs)) return;
    if (!(tNs <= this.nowNs)) this.nowNs = tNs;
    this.expire();
    if (!Number.isFinite(price) || !(qty > 0) || qty === Infinity) return;
    const pq = price * qty;
    let u = this.sumPq + pq;
    this.compPq += twoSumError(this.sumPq, pq, u);
    this.sumPq = u;
    u = this.sumQ + qty;
    this.compQ += twoSumError(this.sumQ, qty, u);
    this.sumQ = u;
    const ring = this.ring;
    const i = ring.pushSlot();
    ring.t[i] = this.nowNs;
    ring.a[i] = price;
    ring.b[i] = qty;
    this.tick = true;
  }

  advance(tNs: number): void {
    this.tick = false;
    if (!Number.isFinite(tNs) || tNs <= this.nowNs) return;
    this.nowNs = tNs;
    this.expire();
  }

  private expire(): void {
    const ring = this.ring;
    const cutoff = this.nowNs - this.windowNs;
    while (ring.count > 0) {
      const i = ring.slot(0);
      if ((ring.t[i] ?? NaN) > cutoff) break;
      const q = ring.b[i] ?? NaN;
      const pq = (ring.a[i] ?? NaN) * q;
      let u = this.sumPq - pq;
      this.compPq += twoSumError(this.sumPq, -pq, u);
      this.sumPq = u;
      u = this.sumQ - q;
      this.compQ += twoSumError(this.sumQ, -q, u);
      this.sumQ = u;
      ring.dropOldest();
    }
    if (ring.count === 0) this.sumPq = this.compPq = this.sumQ = this.compQ = 0;
  }

  get value(): number {
    const n = this.ring.count;
    switch (this.fn) {
      case 'vwap':
        return n > 0 ? (this.sumPq + this.compPq) / (this.sumQ + this.compQ) : NaN;
      case 'volume':
        return n > 0 ? this.sumQ + this.compQ : 0;
      case 'trade_rate':
        return n / this.windowSec;
    }
  }

  get ready(): boolean {
    return this.ring.count >= this.warmUp;
  }

  get ticked(): boolean {
    return this.tick;
  }

  reset(): void {
    this.ring.clear();
    this.sumPq = this.compPq = this.sumQ = this.compQ = 0;
    this.nowNs = NaN;
    this.tick = false;
  }

  exportState(): SignalSnapshot {
    const cols = this.ring.exportColumns();
    return makeSnapshot(this.fn, { windowSec: this.windowSec }, {
      t: cols.t,
      price: cols.a,
      qty: cols.b,
      notional: [this.sumPq, this.compPq],
      volume: [this.sumQ, this.compQ],
      nowNs: encode(this.nowNs),
    });
  }

  importState(snapshot: SignalSnapshot): void {
    const s = checkSnapshot(snapshot, this.fn, { windowSec: this.windowSec });
    this.ring.importColumns(readArray(s, 't'), readArray(s, 'price'), readArray(s, 'qty'));
    [this.sumPq, this.compPq] = readSum(readParts(s, 'notional'));
    [this.sumQ, this.compQ] = readSum(readParts(s, 'volume'));
    this.nowNs = readNumber(s, 'nowNs');
    this.tick = false;
  }
}
