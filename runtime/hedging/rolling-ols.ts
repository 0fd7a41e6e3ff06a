// Rolling OLS of one return series on another over a time window, O(1) amortised per sample: the
// statistical hedge ratio (R3). `RollingOls` takes return pairs; `MidReturnBeta` takes the two mids
// on the caller's sampling grid and forms the log returns itself. `naiveOls` is the two-pass
// reference the tests hold the incremental result to.
import { TimeRing, twoSumError } from '../signals/ring.js';

/** One fit of ra = alpha + beta·rb + ε. */
export interface OlsFit {
  /** Samples in the window. */
  n: number;
  /** cov(ra, rb) / var(rb); NaN while not ready. */
  beta: number;
  alpha: number;
  /** Squared correlation; NaN when ra does not vary. */
  r2: number;
  /** sqrt(Σε² / (n − 2)), in return units; NaN with n < 3. */
  residualStdev: number;
}

export interface RollingOlsOptions {
  /** The window: samples stamped in (t − windowNs, t] are in it, t the latest time seen. */
  windowNs: number;
  /** Samples needed before the fit is ready (default 10, at least 3). */
  minSamples?: number;
}

/**
 * Rolling OLS of ra (dependent, the asset held) on rb (regressor, the hedge asset).
 *
 * Windowed sums Σra, Σrb, Σra·rb, Σrb², Σra² are kept with Kahan–Babuška compensation (TwoSum
 * error terms), and an expired sample is removed by subtracting exactly the terms it added, so the
 * sums do not drift however long the run. A pair is stored in a growable ring (no allocation once
 * the window's population peaked). When no sample left in the window has rb ≠ 0 (ra ≠ 0) the rb
 * (ra) sums are reset to exactly 0, so "does rb vary" is never decided by rounding residue.
 */
export class RollingOls {
  readonly windowNs: number;
  readonly minSamples: number;
  private readonly ring = new TimeRing(2);
  private sa = 0;
  private ca = 0;
  private sb = 0;
  private cb = 0;
  private sab = 0;
  private cab = 0;
  private sbb = 0;
  private cbb = 0;
  private saa = 0;
  private caa = 0;
  private nonzeroA = 0;
  private nonzeroB = 0;
  private nowNs = -Infinity;

  constructor(options: RollingOlsOptions) {
    if (!(options.windowNs > 0) || !Number.isFinite(options.windowNs)) throw new RangeError(`RollingOls: windowNs must be a finite number > 0, not ${options.windowNs}`);
    const min = options.minSamples ?? 10;
    if (!Number.isInteger(min) || min < 3) throw new RangeError(`RollingOls: minSamples must be a whole number ≥ 3, not ${min}`);
    this.windowNs = options.windowNs;
    this.minSamples = min;
  }

  /** Adds one return pair stamped tNs. Non-finite returns are no sample (time still passes). */
  push(ra: number, rb: number, tNs: number): void {
    this.advance(tNs);
    if (!Number.isFinite(ra) || !Number.isFinite(rb)) return;
    const i = this.ring.pushSlot();
    this.ring.t[i] = this.nowNs;
    this.ring.a[i] = ra;
    this.ring.b[i] = rb;
    this.add(i, 1);
    if (ra !== 0) this.nonzeroA++;
    if (rb !== 0) this.nonzeroB++;
  }

  /** Lets time pass: expires samples stamped at or before tNs − window. Times never go back. */
  advance(tNs: number): void {
    if (tNs > this.nowNs) this.nowNs = tNs;
    const ring = this.ring;
    const cutoff = this.nowNs - this.windowNs;
    while (ring.count > 0) {
      const i = ring.slot(0);
      if ((ring.t[i] ?? NaN) > cutoff) break;
      this.add(i, -1);
      if (ring.a[i] !== 0) this.nonzeroA--;
      if (ring.b[i] !== 0) this.nonzeroB--;
      ring.dropOldest();
    }
    if (this.nonzeroA === 0) this.sa = this.ca = this.saa = this.caa = this.sab = this.cab = 0;
    if (this.nonzeroB === 0) this.sb = this.cb = this.sbb = this.cbb = this.sab = this.cab = 0;
  }

  /** Adds (sign 1) or removes (sign −1) the pair in slot i; the product terms are formed identically both ways. */
  private add(i: number, sign: number): void {
    const ra = this.ring.a[i] ?? NaN;
    const rb = this.ring.b[i] ?? NaN;
    let d = sign * ra;
    let u = this.sa + d;
    this.ca += twoSumError(this.sa, d, u);
    this.sa = u;
    d = sign * rb;
    u = this.sb + d;
    this.cb += twoSumError(this.sb, d, u);
    this.sb = u;
    d = sign * (ra * rb);
    u = this.sab + d;
    this.cab += twoSumError(this.sab, d, u);
    this.sab = u;
    d = sign * (rb * rb);
    u = this.sbb + d;
    this.cbb += twoSumError(this.sbb, d, u);
    this.sbb = u;
    d = sign * (ra * ra);
    u = this.saa + d;
    this.caa += twoSumError(this.saa, d, u);
    this.saa = u;
  }

  get count(): number {
    return this.ring.count;
  }

  /** Σ(rb − mean)², or 0 when rb does not vary or the window is short. */
  private sxx(): number {
    const n = this.ring.count;
    if (n < this.minSamples || this.nonzeroB === 0) return 0;
    const sb = this.sb + this.cb;
    const v = this.sbb + this.cbb - (sb * sb) / n;
    return v > 0 ? v : 0;
  }

  get ready(): boolean {
    return this.sxx() > 0;
  }

  get beta(): number {
    const sxx = this.sxx();
    if (!(sxx > 0)) return NaN;
    const n = this.ring.count;
    return (this.sab + this.cab - ((this.sa + this.ca) * (this.sb + this.cb)) / n) / sxx;
  }

  /** Writes the current fit into `out` (no allocation when given) and returns it. */
  fit(out: OlsFit = { n: 0, beta: NaN, alpha: NaN, r2: NaN, residualStdev: NaN }): OlsFit {
    const n = this.ring.count;
    out.n = n;
    const sxx = this.sxx();
    if (!(sxx > 0)) {
      out.beta = out.alpha = out.r2 = out.residualStdev = NaN;
      return out;
    }
    const sa = this.sa + this.ca;
    const sb = this.sb + this.cb;
    const sxy = this.sab + this.cab - (sa * sb) / n;
    let syy = this.nonzeroA === 0 ? 0 : this.saa + this.caa - (sa * sa) / n;
    if (syy < 0) syy = 0;
    const beta = sxy / sxx;
    out.beta = beta;
    out.alpha = (sa - beta * sb) / n;
    out.r2 = syy > 0 ? Math.min(1, (sxy * sxy) / (sxx * syy)) : NaN;
    const ssr = Math.max(0, syy - beta * sxy);
    out.residualStdev = n > 2 ? Math.sqrt(ssr / (n - 2)) : NaN;
    return out;
  }

  reset(): void {
    this.ring.clear();
    this.sa = this.ca = this.sb = this.cb = this.sab = this.cab = this.sbb = this.cbb = this.saa = this.caa = 0;
    this.nonzeroA = this.nonzeroB = 0;
    this.nowNs = -Infinity;
  }
}

/**
 * The reference: two-pass OLS (means first, then centred sums) of ra on rb over all the given
 * samples, with the same readiness rule as RollingOls (n ≥ minSamples and rb varies).
 */
export function naiveOls(ra: ArrayLike<number>, rb: ArrayLike<number>, minSamples = 10): OlsFit {
  const n = ra.length;
  if (rb.length !== n) throw new RangeError(`naiveOls: ${n} ra samples but ${rb.length} rb samples`);
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += ra[i] ?? NaN;
    mb += rb[i] ?? NaN;
  }
  ma /= n;
  mb /= n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const da = (ra[i] ?? NaN) - ma;
    const db = (rb[i] ?? NaN) - mb;
    sxx += db * db;
    sxy += da * db;
    syy += da * da;
  }
  if (n < minSamples || !(sxx > 0)) return { n, beta: NaN, alpha: NaN, r2: NaN, residualStdev: NaN };
  const beta = sxy / sxx;
  let ssr = 0;
  for (let i = 0; i < n; i++) {
    const e = (ra[i] ?? NaN) - ma - beta * ((rb[i] ?? NaN) - mb);
    ssr += e * e;
  }
  return { n, beta, alpha: ma - beta * mb, r2: syy > 0 ? (sxy * sxy) / (sxx * syy) : NaN, residualStdev: n > 2 ? Math.sqrt(ssr / (n - 2)) : NaN };
}

/**
 * The rolling beta fed with mids on the caller's sampling grid (e.g. every 1 s of event time):
 * each call after the first forms the log returns (ln(a/a₋₁), ln(b/b₋₁)) since the previous call and
 * pushes them stamped tNs. A non-positive or non-finite mid skips the sample (the next return spans
 * the gap).
 */
export class MidReturnBeta {
  readonly ols: RollingOls;
  private prevA = NaN;
  private prevB = NaN;

  constructor(options: RollingOlsOptions) {
    this.ols = new RollingOls(options);
  }

  sample(midA: number, midB: number, tNs: number): void {
    if (!(midA > 0 && midB > 0 && Number.isFinite(midA) && Number.isFinite(midB))) {
      this.ols.advance(tNs);
      return;
    }
    if (this.prevA > 0) this.ols.push(Math.log(midA / this.prevA), Math.log(midB / this.prevB), tNs);
    else this.ols.advance(tNs);
    this.prevA = midA;
    this.prevB = midB;
  }

  get beta(): number {
    return this.ols.beta;
  }

  get ready(): boolean {
    return this.ols.ready;
  }
}
