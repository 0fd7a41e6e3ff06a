// realized_vol(market, window): realised volatility of the mid over a time window.
import type { SeriesSignal, SignalSnapshot } from './contract.js';
import { readSum, TimeRing, twoSumError } from './ring.js';
import { checkSnapshot, encode, makeSnapshot, positiveSeconds, readArray, readNumber, readParts } from './snapshot.js';

/**
 * realized_vol(market, window) — fed the market's mid with update(mid, t). Each change of the mid
 * makes a log return rᵢ = ln(mid / previous mid) stamped with the time of the change; the value is
 * sqrt(Σ rᵢ²) over the returns with time in (t − window, t] (t the latest time seen via update or
 * advance). Not annualised.
 *
 * - NaN before the first mid; 0 when at least one mid was seen but no return is in the window.
 *   Warm-up 1 (the first mid).
 * - An unchanged mid adds no return and leaves `ticked` false; the first mid and every change of
 *   the mid set it.
 * - Non-finite or non-positive mids are ignored (time still passes).
 *
 * The running Σ r² is compensated (see ring.ts) and set to exactly 0 whenever the window empties.
 */
export class RealizedVol implements SeriesSignal {
  readonly fn = 'realized_vol' as const;
  readonly input = 'series' as const;
  readonly warmUp = 1;
  readonly fallback = NaN;
  private readonly windowSec: number;
  private readonly windowNs: number;
  /** Squared returns with their times. */
  private readonly ring = new TimeRing(1);
  /** Σ r² in the window and its compensation. */
  private sum = 0;
  private comp = 0;
  private prevMid = NaN;
  private nowNs = NaN;
  private tick = false;

  constructor(windowSec: number) {
    this.windowSec = positiveSeconds(this.fn, 'window', windowSec);
    this.windowNs = this.windowSec * 1e9;
  }

  update(mid: number, tNs: number): void {
    this.tick = false;
    if (!Number.isFinite(tNs)) return;
    if (!(tNs <= this.nowNs)) this.nowNs = tNs;
    this.expire();
    if (!(mid > 0) || mid === Infinity) return;
    const prev = this.prevMid;
    if (mid === prev) return;
    this.prevMid = mid;
    this.tick = true;
    if (prev !== prev) return;
    const r = Math.log(mid / prev);
    const r2 = r * r;
    const u = this.sum + r2;
    this.comp += twoSumError(this.sum, r2, u);
    this.sum = u;
    const ring = this.ring;
    const i = ring.pushSlot();
    ring.t[i] = this.nowNs;
    ring.a[i] = r2;
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
      const r2 = ring.a[i] ?? NaN;
      const u = this.sum - r2;
      this.comp += twoSumError(this.sum, -r2, u);
      this.sum = u;
      ring.dropOldest();
    }
    if (ring.count === 0) this.sum = this.comp = 0;
  }

  get value(): number {
    if (this.prevMid !== this.prevMid) return NaN;
    const s = this.sum + this.comp;
    return s > 0 ? Math.sqrt(s) : 0;
  }

  get ready(): boolean {
    return this.prevMid === this.prevMid;
  }

  get ticked(): boolean {
    return this.tick;
  }

  reset(): void {
    this.ring.clear();
    this.sum = this.comp = 0;
    this.prevMid = NaN;
    this.nowNs = NaN;
    this.tick = false;
  }

  exportState(): SignalSnapshot {
    const cols = this.ring.exportColumns();
    return makeSnapshot(this.fn, { windowSec: this.windowSec }, {
      t: cols.t,
      r2: cols.a,
      sumSq: [this.sum, this.comp],
      prevMid: encode(this.prevMid),
      nowNs: encode(this.nowNs),
    });
  }

  importState(snapshot: SignalSnapshot): void {
    const s = checkSnapshot(snapshot, this.fn, { windowSec: this.windowSec });
    this.ring.importColumns(readArray(s, 't'), readArray(s, 'r2'), []);
    [this.sum, this.comp] = readSum(readParts(s, 'sumSq'));
    this.prevMid = readNumber(s, 'prevMid');
    this.nowNs = readNumber(s, 'nowNs');
    this.tick = false;
  }
}
