// Inventory paths: our position in one market over event time, as a step function. Where they come
// from: a backtest's fills (exact), its marks (sampled), or a synthetic passive maker driven by the
// real public trades of the market (for when no strategy run is at hand).
import { EventKind, Side, type EventBatch } from '../events.js';

/** qty[i] is held from tNs[i] until tNs[i + 1]; before tNs[0] the position is `initialQty`. */
export interface InventoryPath {
  tNs: Float64Array;
  qty: Float64Array;
  initialQty: number;
}

export function makeInventoryPath(points: ReadonlyArray<{ tNs: number; qty: number }>, initialQty = 0): InventoryPath {
  const tNs = new Float64Array(points.length);
  const qty = new Float64Array(points.length);
  let last = -Infinity;
  points.forEach((p, i) => {
    if (!(p.tNs >= last)) throw new RangeError(`inventory path: time ${p.tNs} at point ${i} is before the previous point (${last})`);
    if (!Number.isFinite(p.qty)) throw new RangeError(`inventory path: quantity at point ${i} is not finite (${p.qty})`);
    last = p.tNs;
    tNs[i] = p.tNs;
    qty[i] = p.qty;
  });
  return { tNs, qty, initialQty };
}

/** From a backtest's fill records (positionAfter of one plan market), shifted by `shiftNs`. */
export function inventoryFromFills(fills: ReadonlyArray<{ tNs: number; market: number; positionAfter: number }>, market: number, shiftNs = 0): InventoryPath {
  return makeInventoryPath(fills.filter((f) => f.market === market).map((f) => ({ tNs: f.tNs + shiftNs, qty: f.positionAfter })));
}

/** From a backtest's mark samples (positions of one plan market). */
export function inventoryFromMarks(marks: ReadonlyArray<{ tNs: number; positions: number[] }>, market: number, shiftNs = 0): InventoryPath {
  return makeInventoryPath(marks.map((m) => ({ tNs: m.tNs + shiftNs, qty: m.positions[market] ?? 0 })));
}

/** Reads a path forwards in time in O(1) amortised per query. */
export class InventoryCursor {
  private i = -1;
  constructor(private readonly path: InventoryPath) {}

  /** Position at time tNs; times must not decrease between calls. */
  at(tNs: number): number {
    const t = this.path.tNs;
    while (this.i + 1 < t.length && (t[this.i + 1] ?? Infinity) <= tNs) this.i++;
    return this.i < 0 ? this.path.initialQty : this.path.qty[this.i] ?? this.path.initialQty;
  }
}

export interface SyntheticInventoryOptions {
  /** Share of each public trade's quantity we are assumed to fill as the passive side (0 < share ≤ 1). */
  share: number;
  /** |position| limit: a fill that would pass it is cut to reach it exactly. */
  maxQty: number;
  fromNs?: number;
  toNs?: number;
}

/**
 * A passive maker quoting both sides at the touch: every public trade of `market` fills us for
 * `share` of its quantity on the side it hit (a seller-initiated trade hits our bid: we buy), with
 * |position| capped at maxQty. The path is driven by the real order flow, so it trends with the
 * flow imbalance the way a real maker's inventory does; it carries no opinion on prices.
 */
export function syntheticInventory(batch: EventBatch, market: number, options: SyntheticInventoryOptions): InventoryPath {
  const { share, maxQty } = options;
  if (!(share > 0 && share <= 1)) throw new RangeError(`synthetic inventory: share must be in (0, 1], not ${share}`);
  if (!(maxQty > 0)) throw new RangeError(`synthetic inventory: maxQty must be > 0, not ${maxQty}`);
  const from = options.fromNs ?? -Infinity;
  const to = options.toNs ?? Infinity;
  const points: Array<{ tNs: number; qty: number }> = [];
  let pos = 0;
  for (let i = 0; i < batch.length; i++) {
    if (batch.kind[i] !== EventKind.Trade || batch.market[i] !== market) continue;
    const t = batch.exchTs[i] ?? NaN;
    if (t < from || t > to) continue;
    // side is the aggressor: a seller-initiated trade (Ask) fills our bid.
    const signed = (batch.side[i] === Side.Ask ? 1 : -1) * share * (batch.qty[i] ?? 0);
    const next = Math.max(-maxQty, Math.min(maxQty, pos + signed));
    if (next === pos) continue;
    pos = next;
    points.push({ tNs: t, qty: pos });
  }
  return makeInventoryPath(points);
}
