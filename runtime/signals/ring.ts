// Storage shared by the windowed signals: a growable ring of timestamped rows (a time column and one
// or two value columns, in Float64Arrays) and error-free addition for compensated running sums.
//
// Allocation-free by construction: a ring doubles its capacity when full (so it allocates only while
// a window's population reaches a new maximum), dropping rows only moves an index (no shift(), no
// copies), and nothing on the per-observation path passes a double to or returns one from a helper
// V8 might not inline (it would box it): callers get integer slot indices and read and write the
// columns themselves.
import type { SnapshotNumber } from './contract.js';

/**
 * The rounding error of s = a + b, exactly (Knuth's TwoSum, branch-free): a + b = s + err. Keeping
 * the sum of these errors beside a running sum (Kahan–Babuška compensation) keeps it accurate when
 * terms are added and later subtracted: after a large term leaves a window the small ones left are
 * not buried in its rounding error, and the error does not grow with the number of operations.
 */
export function twoSumError(a: number, b: number, s: number): number {
  const bv = s - a;
  return a - (s - bv) + (b - bv);
}

/** Timestamped rows in arrival order; the oldest has rank 0. */
export class TimeRing {
  /** Times (ns), by slot. */
  t: Float64Array;
  /** First value column, by slot. */
  a: Float64Array;
  /** Second value column (width 2 only), by slot. */
  b: Float64Array;
  private head = 0;
  private mask: number;
  /** Number of rows held. */
  count = 0;

  /** `width` is the number of value columns (1 or 2). */
  constructor(private readonly width: 1 | 2, initialCapacity = 16) {
    let cap = 1;
    while (cap < initialCapacity) cap *= 2;
    this.mask = cap - 1;
    this.t = new Float64Array(cap);
    this.a = new Float64Array(cap);
    this.b = new Float64Array(width === 2 ? cap : 0);
  }

  /** Slot of the row of rank k (0 = oldest, count − 1 = newest). */
  slot(k: number): number {
    return (this.head + k) & this.mask;
  }

  /** Appends a row and returns its slot; the caller writes t, a (and b) there. */
  pushSlot(): number {
    if (this.count > this.mask) this.grow();
    const i = (this.head + this.count) & this.mask;
    this.count++;
    return i;
  }

  /** Drops the oldest row. */
  dropOldest(): void {
    this.head = (this.head + 1) & this.mask;
    this.count--;
  }

  /** Drops the newest row (monotonic deques). */
  dropNewest(): void {
    this.count--;
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
  }

  private grow(): void {
    const cap = (this.mask + 1) * 2;
    const t = new Float64Array(cap);
    const a = new Float64Array(cap);
    const b = new Float64Array(this.width === 2 ? cap : 0);
    for (let k = 0; k < this.count; k++) {
      const i = this.slot(k);
      t[k] = this.t[i] ?? NaN;
      a[k] = this.a[i] ?? NaN;
      if (this.width === 2) b[k] = this.b[i] ?? NaN;
    }
    this.t = t;
    this.a = a;
    this.b = b;
    this.head = 0;
    this.mask = cap - 1;
  }

  /** Columns oldest → newest, for a snapshot. */
  exportColumns(): { t: number[]; a: number[]; b: number[] } {
    const t: number[] = [];
    const a: number[] = [];
    const b: number[] = [];
    for (let k = 0; k < this.count; k++) {
      const i = this.slot(k);
      t.push(this.t[i] ?? NaN);
      a.push(this.a[i] ?? NaN);
      if (this.width === 2) b.push(this.b[i] ?? NaN);
    }
    return { t, a, b };
  }

  importColumns(t: readonly number[], a: readonly number[], b: readonly number[]): void {
    if (a.length !== t.length || (this.width === 2 && b.length !== t.length)) throw new Error('signal snapshot: ring columns differ in length');
    this.clear();
    for (let k = 0; k < t.length; k++) {
      const i = this.pushSlot();
      this.t[i] = t[k] ?? NaN;
      this.a[i] = a[k] ?? NaN;
      if (this.width === 2) this.b[i] = b[k] ?? NaN;
    }
  }
}

/** A compensated sum as a snapshot stores it: [sum, compensation]. */
export function readSum(parts: readonly SnapshotNumber[]): [number, number] {
  const [s, c] = parts;
  if (typeof s !== 'number' || typeof c !== 'number' || parts.length !== 2) throw new Error('signal snapshot: a running sum must be [sum, compensation]');
  return [s, c];
}
