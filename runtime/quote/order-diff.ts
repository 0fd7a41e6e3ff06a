// The fewest actions that turn the working orders of one side into the desired levels. Orders
// within the refresh tolerance, of the right size and younger than the maximum age are kept; the
// rest are paired with the remaining desired levels and amended; what is left over is placed or
// cancelled. Keeping is maximised by a two-pointer matching over both price-sorted lists, which is
// optimal for "within a tolerance" pairs; every pair then costs one action instead of two.
import type { DesiredSide } from './desired.js';

export interface WorkingOrderView {
  id: number;
  priceTicks: number;
  qty: number;
  /** When it was placed or last amended (ns). */
  sinceNs: number;
}

export interface DiffPolicy {
  /** Orders at most this many ticks away from the desired price are kept. */
  toleranceTicks: number;
  /** Orders older than this are replaced even within tolerance (Infinity: never). */
  maxAgeNs: number;
  nowNs: number;
  /** Bids are sorted from the highest price, asks from the lowest. */
  descending: boolean;
}

export interface DiffSink {
  place(level: number, priceTicks: number, qty: number): void;
  amend(orderId: number, level: number, priceTicks: number, qty: number): void;
  cancel(orderId: number): void;
}

/**
 * `working` must be sorted best-first (as `desired` is). Scratch arrays are passed in so the hot
 * path allocates nothing.
 */
export function diffSide(working: readonly WorkingOrderView[], desired: DesiredSide, policy: DiffPolicy, sink: DiffSink, scratch: { keptW: Uint8Array; keptD: Uint8Array }): number {
  const nW = working.length;
  const nD = desired.count;
  const { keptW, keptD } = scratch;
  // Loops, not fill(): the lists hold a handful of entries, and a builtin call costs more than that.
  for (let k = 0; k < nW; k++) keptW[k] = 0;
  for (let k = 0; k < nD; k++) keptD[k] = 0;
  const descending = policy.descending === true;

  // 1. Maximum matching of keepable pairs (both lists best-first).
  let i = 0;
  let j = 0;
  while (i < nW && j < nD) {
    const w = working[i];
    if (w === undefined) break;
    if (policy.nowNs - w.sinceNs > policy.maxAgeNs) {
      i++; // too old to keep with any level
      continue;
    }
    const d = desired.priceTicks[j] ?? NaN;
    if (Math.abs(w.priceTicks - d) <= policy.toleranceTicks && w.qty === desired.qty[j]) {
      keptW[i] = 1;
      keptD[j] = 1;
      i++;
      j++;
    } else if (descending ? w.priceTicks > d : w.priceTicks < d) {
      i++;
    } else {
      j++;
    }
  }

  // 2. Pair the rest in order: amend; then place or cancel what is left.
  let actions = 0;
  let wi = 0;
  for (let dj = 0; dj < nD; dj++) {
    if (keptD[dj]) continue;
    while (wi < nW && keptW[wi]) wi++;
    const price = desired.priceTicks[dj] ?? NaN;
    const qty = desired.qty[dj] ?? 0;
    const w = wi < nW ? working[wi] : undefined;
    if (w !== undefined) {
      sink.amend(w.id, dj, price, qty);
      wi++;
    } else {
      sink.place(dj, price, qty);
    }
    actions++;
  }
  for (; wi < nW; wi++) {
    const w = working[wi];
    if (w === undefined || keptW[wi]) continue;
    sink.cancel(w.id);
    actions++;
  }
  return actions;
}

/**
 * diffSide for exactly one working order and one desired level: keep it (no action) when it is
 * young enough, within the tolerance and of the right size, else amend it to the level.
 */
export function diffOne(w: WorkingOrderView, desired: DesiredSide, policy: DiffPolicy, sink: DiffSink): number {
  const d = desired.priceTicks[0] ?? NaN;
  const q = desired.qty[0] ?? 0;
  if (!(policy.nowNs - w.sinceNs > policy.maxAgeNs) && Math.abs(w.priceTicks - d) <= policy.toleranceTicks && w.qty === q) return 0;
  sink.amend(w.id, 0, d, q);
  return 1;
}
