// Time-windowed statistics of one series: rolling_mean, rolling_stdev (ring buffer with shifted,
// compensated running sums) and rolling_min, rolling_max (monotonic deques).
import type { SeriesSignal, SignalSnapshot } from './contract.js';
import { readSum, TimeRing, twoSumError } from './ring.js';
import { checkSnapshot, encode, makeSnapshot, positiveSeconds, readArray, readNumber, readParts } from './snapshot.js';

/**
 * rolling_mean(x, window) and rolling_stdev(x, window) over the observations with time tᵢ in
 * (t − window, t], t the latest time seen via update or advance (`advance` expires old observations
 * without adding one). The test is tᵢ > t − windowSec·1e9, evaluated in float64 exactly so.
 *
 * - rolling_mean: Σ xᵢ / n; NaN when the window is empty (warm-up 1).
 * - rolling_stdev: the sample form sqrt(Σ (xᵢ − mean)² / (n − 1)); NaN with fewer than 2
 *   observations in the window (warm-up 2).
 *
 * Running sums of (x − K) and (x − K)², compensated (subtracting expired terms adds no drift). The
 * shift K is re-centred on the newest value by an exact recomputation when it has gone stale (the
 * window's values moved away from it) and routinely after count + 64 additions — amortised O(1) —
 * so prices around 60,000 with tiny variance keep their digits. When every observation in the
 * window has the same value (tracked as the run of equal newest values) the mean is that value and
 * the stdev exactly 0.
 *
 * Non-finite x is ignored (time still passes: the window expires); a non-finite time is ignored; a
 * time earlier than the latest time seen is taken as the latest time seen.
 */
export class RollingMoments implements SeriesSignal {
  readonly input = 'series' as const;
  readonly warmUp: number;
  readonly fallback = NaN;
  private readonly windowSec: number;
  private readonly windowNs: number;
  private readonly ring = new TimeRing(1);
  /** Σ(x − K) and its compensation; Σ(x − K)² and its compensation. */
  private s1 = 0;
  private c1 = 0;
  private s2 = 0;
  private c2 = 0;
  private shift = 0;
  /** How many of the newest observations equal the newest one. */
  private run = 0;
  private sinceRebase = 0;
  private nowNs = NaN;
  private tick = false;

  constructor(readonly fn: 'rolling_mean' | 'rolling_stdev', windowSec: number) {
    this.windowSec = positiveSeconds(fn, 'window', windowSec);
    this.windowNs = this.windowSec * 1e9;
    this.warmUp = fn === 'rolling_mean' ? 1 : 2;
  }

  update(x: number, tNs: number): void {
    this.tick = false;
    if (!Number.isFinite(tNs)) return;
    if (!(tNs <= this.nowNs)) this.nowNs = tNs;
    this.expire();
    if (Number.isFinite(x)) {
      const ring = this.ring;
      if (ring.count === 0) {
        this.shift = x;
        this.sinceRebase = 0;
        this.run = 1;
      } else this.run = x === ring.a[ring.slot(ring.count - 1)] ? this.run + 1 : 1;
      const d = x - this.shift;
      let u = this.s1 + d;
      this.c1 += twoSumError(this.s1, d, u);
      this.s1 = u;
      const d2 = d * d;
      u = this.s2 + d2;
      this.c2 += twoSumError(this.s2, d2, u);
      this.s2 = u;
      const i = ring.pushSlot();
      ring.t[i] = this.nowNs;
      ring.a[i] = x;
      this.sinceRebase++;
      this.tick = true;
    }
    this.maybeRebase();
  }

  advance(tNs: number): void {
    this.tick = false;
    if (!Number.isFinite(tNs) || tNs <= this.nowNs) return;
    this.nowNs = tNs;
    this.expire();
    this.maybeRebase();
  }

  private expire(): void {
    const ring = this.ring;
    const cutoff = this.nowNs - this.windowNs;
    while (ring.count > 0) {
      const i = ring.slot(0);
      if ((ring.t[i] ?? NaN) > cutoff) break;
      const d = (ring.a[i] ?? NaN) - this.shift;
      let u = this.s1 - d;
      this.c1 += twoSumError(this.s1, -d, u);
      this.s1 = u;
      const d2 = d * d;
      u = this.s2 - d2;
      this.c2 += twoSumError(this.s2, -d2, u);
      this.s2 = u;
      ring.dropOldest();
    }
    if (ring.count === 0) {
      this.s1 = this.c1 = this.s2 = this.c2 = 0;
      this.run = 0;
    } else if (this.run > ring.count) this.run = ring.count;
  }

  /**
   * Re-centres the shift when it has gone stale — Σ(x − K)² more than 1e4 times the sum of squared
   * deviations, so the variance's subtraction would lose more than 4 digits — or routinely after
   * count + 64 additions. A rebase costs O(count) and needs count / 4 additions since the previous
   * one: amortised O(1).
   */
  private maybeRebase(): void {
    const n = this.ring.count;
    if (n < 2 || this.sinceRebase * 4 < n) return;
    const s1 = this.s1 + this.c1;
    const s2 = this.s2 + this.c2;
    if (this.sinceRebase > n + 64 || s2 > 1e4 * (s2 - (s1 * s1) / n)) this.rebase();
  }

  /** Exact recomputation of the sums around the newest value. */
  private rebase(): void {
    const ring = this.ring;
    this.shift = ring.a[ring.slot(ring.count - 1)] ?? NaN;
    this.s1 = this.c1 = this.s2 = this.c2 = 0;
    for (let k = 0; k < ring.count; k++) {
      const d = (ring.a[ring.slot(k)] ?? NaN) - this.shift;
      let u = this.s1 + d;
      this.c1 += twoSumError(this.s1, d, u);
      this.s1 = u;
      u = this.s2 + d * d;
      this.c2 += twoSumError(this.s2, d * d, u);
      this.s2 = u;
    }
    this.sinceRebase = 0;
  }

  get value(): number {
    const ring = this.ring;
    const n = ring.count;
    if (this.fn === 'rolling_mean') {
      if (n === 0) return NaN;
      return this.run >= n ? (ring.a[ring.slot(n - 1)] ?? NaN) : this.shift + (this.s1 + this.c1) / n;
    }
    if (n < 2) return NaN;
    if (this.run >= n) return 0;
    const s1 = this.s1 + this.c1;
    const m2 = this.s2 + this.c2 - (s1 * s1) / n;
    return m2 > 0 ? Math.sqrt(m2 / (n - 1)) : 0;
  }

  get ready(): boolean {
    return this.ring.count >= this.warmUp;
  }

  get ticked(): boolean {
    return this.tick;
  }

  reset(): void {
    this.ring.clear();
    this.s1 = this.c1 = this.s2 = this.c2 = 0;
    this.shift = 0;
    this.run = 0;
    this.sinceRebase = 0;
    this.nowNs = NaN;
    this.tick = false;
  }

  exportState(): SignalSnapshot {
    const cols = this.ring.exportColumns();
    return makeSnapshot(this.fn, { windowSec: this.windowSec }, {
      t: cols.t,
      x: cols.a,
      s1: [this.s1, this.c1],
      s2: [this.s2, this.c2],
      shift: this.shift,
      run: this.run,
      sinceRebase: this.sinceRebase,
      nowNs: encode(this.nowNs),
    });
  }

  importState(snapshot: SignalSnapshot): void {
    const s = checkSnapshot(snapshot, this.fn, { windowSec: this.windowSec });
    this.ring.importColumns(readArray(s, 't'), readArray(s, 'x'), []);
    [this.s1, this.c1] = readSum(readParts(s, 's1'));
    [this.s2, this.c2] = readSum(readParts(s, 's2'));
    this.shift = readNumber(s, 'shift');
    this.run = readNumber(s, 'run');
    this.sinceRebase = readNumber(s, 'sinceRebase');
    this.nowNs = readNumber(s, 'nowNs');
    this.tick = false;
  }
}

/**
 * rolling_min(x, window) and rolling_max(x, window): the smallest (largest) observation with time in
 * (t − window, t], t the latest time seen via update or advance. NaN when the window is empty
 * (warm-up 1). A monotonic deque: each observation is pushed once and dropped at most once, O(1)
 * amortised. Inputs as for rolling_mean.
 */
export class RollingExtreme implements SeriesSignal {
  readonly input = 'series' as const;
  readonly warmUp = 1;
  readonly fallback = NaN;
  private readonly windowSec: number;
  private readonly windowNs: number;
  /** +1 for max, −1 for min: candidates are compared as sign · x. */
  private readonly sign: number;
  /** Candidates oldest → newest; sign · x strictly decreasing. */
  private readonly deque = new TimeRing(1);
  private nowNs = NaN;
  private tick = false;

  constructor(readonly fn: 'rolling_min' | 'rolling_max', windowSec: number) {
    this.windowSec = positiveSeconds(fn, 'window', windowSec);
    this.windowNs = this.windowSec * 1e9;
    this.sign = fn === 'rolling_max' ? 1 : -1;
  }

  update(x: number, tNs: number): void {
    this.tick = false;
    if (!Number.isFinite(tNs)) return;
    if (!(tNs <= this.nowNs)) this.nowNs = tNs;
    this.expire();
    if (!Number.isFinite(x)) return;
    const dq = this.deque;
    const key = this.sign * x;
    // An older candidate no better than x can never be the answer again: x outlives it.
    while (dq.count > 0 && this.sign * (dq.a[dq.slot(dq.count - 1)] ?? NaN) <= key) dq.dropNewest();
    const i = dq.pushSlot();
    dq.t[i] = this.nowNs;
    dq.a[i] = x;
    this.tick = true;
  }

  advance(tNs: number): void {
    this.tick = false;
    if (!Number.isFinite(tNs) || tNs <= this.nowNs) return;
    this.nowNs = tNs;
    this.expire();
  }

  private expire(): void {
    const dq = this.deque;
    const cutoff = this.nowNs - this.windowNs;
    while (dq.count > 0 && (dq.t[dq.slot(0)] ?? NaN) <= cutoff) dq.dropOldest();
  }

  get value(): number {
    // The newest observation is always a candidate, so the deque is empty only when the window is.
    const dq = this.deque;
    return dq.count > 0 ? (dq.a[dq.slot(0)] ?? NaN) : NaN;
  }

  get ready(): boolean {
    return this.deque.count > 0;
  }

  get ticked(): boolean {
    return this.tick;
  }

  reset(): void {
    this.deque.clear();
    this.nowNs = NaN;
    this.tick = false;
  }

  exportState(): SignalSnapshot {
    const cols = this.deque.exportColumns();
    return makeSnapshot(this.fn, { windowSec: this.windowSec }, { t: cols.t, x: cols.a, nowNs: encode(this.nowNs) });
  }

  importState(snapshot: SignalSnapshot): void {
    const s = checkSnapshot(snapshot, this.fn, { windowSec: this.windowSec });
    this.deque.importColumns(readArray(s, 't'), readArray(s, 'x'), []);
    this.nowNs = readNumber(s, 'nowNs');
    this.tick = false;
  }
}
