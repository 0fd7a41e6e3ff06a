// Time-decayed exponentially weighted mean and standard deviation (ewm_mean, baseline, ewm_stdev).
// Both keep the total weight W and a running mean (West's weighted update) rather than the raw sum
// S = Σ wᵢxᵢ: the same value, and no catastrophic cancellation for prices near 60,000 with tiny
// variance. Decay is exp(−dt·ln2/halflife) = 2^(−dt/halflife), exactly 1 for equal timestamps.
import type { SeriesSignal, SignalSnapshot } from './contract.js';
import { checkSnapshot, encode, makeSnapshot, positiveSeconds, readNumber, type SignalParams } from './snapshot.js';

/**
 * ewm_mean(x, halflife) — time-decayed weighted mean of the observations:
 * value = S / W with S = Σ wᵢ xᵢ, W = Σ wᵢ, wᵢ = 2^(−(t − tᵢ)/halflife), t the time of the latest
 * observation. On an observation at t, S and W decay by 2^(−dt/halflife) (dt since the previous
 * observation), then x is added with weight 1. Several observations at the same time all count.
 * Ready after one observation (NaN before). `advance` changes nothing: decaying S and W alike leaves
 * S/W unchanged.
 *
 * baseline(x, window) — exactly ewm_mean with halflife = window (same class, fn 'baseline').
 *
 * Non-finite x is ignored (time still passes); a non-finite time is ignored; a time earlier than
 * the latest time seen is taken as the latest time seen.
 */
export class EwmMean implements SeriesSignal {
  readonly input = 'series' as const;
  readonly warmUp = 1;
  readonly fallback = NaN;
  private readonly params: SignalParams;
  /** −ln 2 / halflife in ns: the decay exponent per nanosecond. */
  private readonly rate: number;
  private weight = 0;
  private mean = 0;
  private n = 0;
  private lastObsNs = NaN;
  private nowNs = NaN;
  private tick = false;

  constructor(readonly fn: 'ewm_mean' | 'baseline', halflifeSec: number) {
    const sec = positiveSeconds(fn, fn === 'baseline' ? 'window' : 'halflife', halflifeSec);
    this.params = fn === 'baseline' ? { windowSec: sec } : { halflifeSec: sec };
    this.rate = -Math.LN2 / (sec * 1e9);
  }

  update(x: number, tNs: number): void {
    this.tick = false;
    if (!Number.isFinite(tNs)) return;
    const t = tNs < this.nowNs ? this.nowNs : tNs;
    this.nowNs = t;
    if (!Number.isFinite(x)) return;
    if (this.n > 0) this.weight *= Math.exp(this.rate * (t - this.lastObsNs));
    this.weight += 1;
    this.mean += (x - this.mean) / this.weight;
    this.lastObsNs = t;
    this.n++;
    this.tick = true;
  }

  get value(): number {
    return this.n > 0 ? this.mean : NaN;
  }

  get ready(): boolean {
    return this.n > 0;
  }

  get ticked(): boolean {
    return this.tick;
  }

  advance(tNs: number): void {
    this.tick = false;
    if (Number.isFinite(tNs) && !(tNs <= this.nowNs)) this.nowNs = tNs;
  }

  reset(): void {
    this.weight = 0;
    this.mean = 0;
    this.n = 0;
    this.lastObsNs = NaN;
    this.nowNs = NaN;
    this.tick = false;
  }

  exportState(): SignalSnapshot {
    return makeSnapshot(this.fn, this.params, {
      weight: encode(this.weight),
      mean: encode(this.mean),
      n: this.n,
      lastObsNs: encode(this.lastObsNs),
      nowNs: encode(this.nowNs),
    });
  }

  importState(snapshot: SignalSnapshot): void {
    const s = checkSnapshot(snapshot, this.fn, this.params);
    this.weight = readNumber(s, 'weight');
    this.mean = readNumber(s, 'mean');
    this.n = readNumber(s, 'n');
    this.lastObsNs = readNumber(s, 'lastObsNs');
    this.nowNs = readNumber(s, 'nowNs');
    this.tick = false;
  }
}

/**
 * ewm_stdev(x, halflife) — with the weights of ewm_mean, the population standard deviation
 * sqrt(Σ wᵢ (xᵢ − mean)² / Σ wᵢ). West's weighted update: on an observation, W and
 * M2 = Σ wᵢ (xᵢ − mean)² decay by 2^(−dt/halflife), then W += 1, δ = x − mean,
 * mean += δ / W, M2 += δ² · W_before / W (= δ · (x − new mean), with no cancellation), on x
 * shifted by a reference that starts at the first observation and follows the mean (moved when the
 * mean is more than 16 standard deviations from it). Stable for prices around 60,000 with tiny
 * variance: it never forms Σ wᵢxᵢ², and the mean's rounding is at the scale of the spread, not of
 * the price. Ready after two observations (NaN before); equal values give exactly 0. Inputs as for
 * ewm_mean.
 */
export class EwmStdev implements SeriesSignal {
  readonly fn = 'ewm_stdev' as const;
  readonly input = 'series' as const;
  readonly warmUp = 2;
  readonly fallback = NaN;
  private readonly params: SignalParams;
  private readonly rate: number;
  private weight = 0;
  /** Mean of x − shift; shift starts at the first observation. */
  private mean = 0;
  private shift = 0;
  private m2 = 0;
  private n = 0;
  private lastObsNs = NaN;
  private nowNs = NaN;
  private tick = false;

  constructor(halflifeSec: number) {
    const sec = positiveSeconds('ewm_stdev', 'halflife', halflifeSec);
    this.params = { halflifeSec: sec };
    this.rate = -Math.LN2 / (sec * 1e9);
  }

  update(x: number, tNs: number): void {
    this.tick = false;
    if (!Number.isFinite(tNs)) return;
    const t = tNs < this.nowNs ? this.nowNs : tNs;
    this.nowNs = t;
    if (!Number.isFinite(x)) return;
    if (this.n > 0) {
      const decay = Math.exp(this.rate * (t - this.lastObsNs));
      this.weight *= decay;
      this.m2 *= decay;
    }
    if (this.n === 0) this.shift = x;
    const before = this.weight;
    this.weight += 1;
    const delta = x - this.shift - this.mean;
    this.mean += delta / this.weight;
    // = δ·(x − new mean), without the subtraction whose rounding (ε·|mean|) would dwarf a variance
    // far below ε·mean², e.g. after a long gap has decayed the old weights to almost nothing.
    this.m2 += (delta * delta * before) / this.weight;
    // Keep the shift within a few standard deviations of the mean, so the mean's rounding stays at
    // the scale of the spread, not of the price (exact: moves the same amount between the two).
    if (Math.abs(this.mean) * Math.abs(this.mean) * this.weight > 256 * this.m2) {
      const shift = this.shift + this.mean;
      this.mean -= shift - this.shift;
      this.shift = shift;
    }
    this.lastObsNs = t;
    this.n++;
    this.tick = true;
  }

  get value(): number {
    return this.n >= 2 ? Math.sqrt(this.m2 / this.weight) : NaN;
  }

  get ready(): boolean {
    return this.n >= 2;
  }

  get ticked(): boolean {
    return this.tick;
  }

  advance(tNs: number): void {
    this.tick = false;
    if (Number.isFinite(tNs) && !(tNs <= this.nowNs)) this.nowNs = tNs;
  }

  reset(): void {
    this.weight = 0;
    this.mean = 0;
    this.shift = 0;
    this.m2 = 0;
    this.n = 0;
    this.lastObsNs = NaN;
    this.nowNs = NaN;
    this.tick = false;
  }

  exportState(): SignalSnapshot {
    return makeSnapshot(this.fn, this.params, {
      weight: encode(this.weight),
      mean: encode(this.mean),
      shift: encode(this.shift),
      m2: encode(this.m2),
      n: this.n,
      lastObsNs: encode(this.lastObsNs),
      nowNs: encode(this.nowNs),
    });
  }

  importState(snapshot: SignalSnapshot): void {
    const s = checkSnapshot(snapshot, this.fn, this.params);
    this.weight = readNumber(s, 'weight');
    this.mean = readNumber(s, 'mean');
    this.shift = readNumber(s, 'shift');
    this.m2 = readNumber(s, 'm2');
    this.n = readNumber(s, 'n');
    this.lastObsNs = readNumber(s, 'lastObsNs');
    this.nowNs = readNumber(s, 'nowNs');
    this.tick = false;
  }
}
