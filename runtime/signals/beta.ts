// beta(a, b, window): rolling OLS beta of a's mid log returns on b's, on a 1-second grid.
import type { PairSignal, SignalSnapshot } from './contract.js';
import { readSum, TimeRing, twoSumError } from './ring.js';
import { checkSnapshot, encode, makeSnapshot, positiveSeconds, readArray, readNumber, readParts } from './snapshot.js';

const SECOND_NS = 1e9;
/** Pairs needed before the estimate replaces the fallback. */
export const BETA_MIN_PAIRS = 10;

/**
 * beta(a, b, window) — fed both mids at every event: update(x = mid of a, y = mid of b, t).
 *
 * Returns are taken on a 1-second grid of event time. When an update's t crosses a whole-second
 * boundary (floor(t / 1e9) is greater than at the previous update), the last mids seen before that
 * update are sampled, and the log returns since the previous sample form one pair
 * (ra, rb) = (ln(xₛ / xₛ₋₁), ln(yₛ / yₛ₋₁)), stamped with the time floor(t / 1e9)·1e9 of the latest
 * boundary crossed. One update makes at most one sample however many seconds it skips (a gap of
 * several seconds gives one pair spanning it). `advance` only expires pairs: it never samples, so
 * the pairs do not depend on whether or when the engine calls it.
 *
 * value = cov(ra, rb) / var(rb) over the pairs stamped in (t − window, t] (t the latest time seen);
 * 1 (the fallback, `ready` false) until at least 10 pairs are in the window and var(rb) > 0.
 * `ticked` is true when an update formed a pair. Warm-up 12 updates: one per second from the first,
 * since the first boundary only takes the first sample.
 *
 * A non-finite or non-positive mid leaves the last mid seen for that side unchanged: the update is
 * as if that side's previous mid were repeated, and still samples when it crosses a boundary (so
 * the engine should call update with NaN for a missing mid rather than advance, to keep the grid
 * exact). A side never seen has no sample, and no pair is formed until both have one. A non-finite
 * time is ignored; a time earlier than the latest seen is taken as the latest seen.
 *
 * Running sums Σra, Σrb, Σra·rb, Σrb² are compensated; when no pair in the window has rb ≠ 0 the
 * rb sums are set to exactly 0, so var(rb) > 0 is never decided by rounding residue.
 */
export class Beta implements PairSignal {
  readonly fn = 'beta' as const;
  readonly input = 'pair' as const;
  readonly warmUp = BETA_MIN_PAIRS + 2;
  readonly fallback = 1;
  private readonly windowSec: number;
  private readonly windowNs: number;
  /** (sample time, ra, rb) */
  private readonly pairs = new TimeRing(2);
  /** Σra, Σrb, Σra·rb, Σrb² over the pairs in the window, each with its compensation. */
  private sa = 0;
  private ca = 0;
  private sb = 0;
  private cb = 0;
  private sab = 0;
  private cab = 0;
  private sbb = 0;
  private cbb = 0;
  /** Pairs in the window with rb ≠ 0. */
  private nonzeroB = 0;
  private lastX = NaN;
  private lastY = NaN;
  private sampleX = NaN;
  private sampleY = NaN;
  /** floor(t / 1e9) at the previous update; NaN before the first. */
  private second = NaN;
  private nowNs = NaN;
  private tick = false;

  constructor(windowSec: number) {
    this.windowSec = positiveSeconds(this.fn, 'window', windowSec);
    this.windowNs = this.windowSec * 1e9;
  }

  update(x: number, y: number, tNs: number): void {
    this.tick = false;
    if (!Number.isFinite(tNs)) return;
    if (!(tNs <= this.nowNs)) this.nowNs = tNs;
    const sec = Math.floor(this.nowNs / SECOND_NS);
    if (sec > this.second) {
      this.second = sec;
      this.sample();
    } else if (this.second !== this.second) this.second = sec;
    if (x > 0 && x !== Infinity) this.lastX = x;
    if (y > 0 && y !== Infinity) this.lastY = y;
    this.expire();
  }

  /** Samples the last mids seen at the boundary of `this.second` (before this update's mids are taken). */
  private sample(): void {
    const x = this.lastX;
    const y = this.lastY;
    if (x !== x || y !== y) return;
    if (this.sampleX === this.sampleX) {
      const rb = Math.log(y / this.sampleY);
      const pairs = this.pairs;
      const i = pairs.pushSlot();
      pairs.t[i] = this.second * SECOND_NS;
      pairs.a[i] = Math.log(x / this.sampleX);
      pairs.b[i] = rb;
      this.sumPair(i, 1);
      if (rb !== 0) this.nonzeroB++;
      this.tick = true;
    }
    this.sampleX = x;
    this.sampleY = y;
  }

  /**
   * Adds (sign 1) or removes (sign −1) the pair in ring slot i to or from the running sums. Takes
   * integers only: a call V8 does not inline would box double arguments.
   */
  private sumPair(i: number, sign: number): void {
    const pairs = this.pairs;
    const ra = sign * (pairs.a[i] ?? NaN);
    const rb = pairs.b[i] ?? NaN;
    const srb = sign * rb;
    let u = this.sa + ra;
    this.ca += twoSumError(this.sa, ra, u);
    this.sa = u;
    u = this.sb + srb;
    this.cb += twoSumError(this.sb, srb, u);
    this.sb = u;
    const d = ra * rb;
    u = this.sab + d;
    this.cab += twoSumError(this.sab, d, u);
    this.sab = u;
    const e = srb * rb;
    u = this.sbb + e;
    this.cbb += twoSumError(this.sbb, e, u);
    this.sbb = u;
  }

  advance(tNs: number): void {
    this.tick = false;
    if (!Number.isFinite(tNs) || tNs <= this.nowNs) return;
    this.nowNs = tNs;
    this.expire();
  }

  private expire(): void {
    const pairs = this.pairs;
    const cutoff = this.nowNs - this.windowNs;
    while (pairs.count > 0) {
      const i = pairs.slot(0);
      if ((pairs.t[i] ?? NaN) > cutoff) break;
      this.sumPair(i, -1);
      if (pairs.b[i] !== 0) this.nonzeroB--;
      pairs.dropOldest();
    }
    if (pairs.count === 0) this.sa = this.ca = 0;
    if (this.nonzeroB === 0) this.sb = this.cb = this.sab = this.cab = this.sbb = this.cbb = 0;
  }

  /** n·var(rb) (the sum of squared deviations), or 0 when there is not enough data. */
  private spreadB(): number {
    const n = this.pairs.count;
    if (n < BETA_MIN_PAIRS || this.nonzeroB === 0) return 0;
    const sb = this.sb + this.cb;
    return this.sbb + this.cbb - (sb * sb) / n;
  }

  get value(): number {
    const vb = this.spreadB();
    if (!(vb > 0)) return 1;
    const n = this.pairs.count;
    return (this.sab + this.cab - ((this.sa + this.ca) * (this.sb + this.cb)) / n) / vb;
  }

  get ready(): boolean {
    return this.spreadB() > 0;
  }

  get ticked(): boolean {
    return this.tick;
  }

  reset(): void {
    this.pairs.clear();
    this.sa = this.ca = this.sb = this.cb = this.sab = this.cab = this.sbb = this.cbb = 0;
    this.nonzeroB = 0;
    this.lastX = NaN;
    this.lastY = NaN;
    this.sampleX = NaN;
    this.sampleY = NaN;
    this.second = NaN;
    this.nowNs = NaN;
    this.tick = false;
  }

  exportState(): SignalSnapshot {
    const cols = this.pairs.exportColumns();
    return makeSnapshot(this.fn, { windowSec: this.windowSec }, {
      t: cols.t,
      ra: cols.a,
      rb: cols.b,
      sa: [this.sa, this.ca],
      sb: [this.sb, this.cb],
      sab: [this.sab, this.cab],
      sbb: [this.sbb, this.cbb],
      nonzeroB: this.nonzeroB,
      lastX: encode(this.lastX),
      lastY: encode(this.lastY),
      sampleX: encode(this.sampleX),
      sampleY: encode(this.sampleY),
      second: encode(this.second),
      nowNs: encode(this.nowNs),
    });
  }

  importState(snapshot: SignalSnapshot): void {
    const s = checkSnapshot(snapshot, this.fn, { windowSec: this.windowSec });
    this.pairs.importColumns(readArray(s, 't'), readArray(s, 'ra'), readArray(s, 'rb'));
    [this.sa, this.ca] = readSum(readParts(s, 'sa'));
    [this.sb, this.cb] = readSum(readParts(s, 'sb'));
    [this.sab, this.cab] = readSum(readParts(s, 'sab'));
    [this.sbb, this.cbb] = readSum(readParts(s, 'sbb'));
    this.nonzeroB = readNumber(s, 'nonzeroB');
    this.lastX = readNumber(s, 'lastX');
    this.lastY = readNumber(s, 'lastY');
    this.sampleX = readNumber(s, 'sampleX');
    this.sampleY = readNumber(s, 'sampleY');
    this.second = readNumber(s, 'second');
    this.nowNs = readNumber(s, 'nowNs');
    this.tick = false;
  }
}
