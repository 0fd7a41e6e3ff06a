// A deliberately simple reference book (a Map per side, sorted on every question) that the dense
// book is checked against in property tests.
import { Side, type SideValue } from '../../../runtime/events.js';

export class NaiveBook {
  private readonly sides = [new Map<number, number>(), new Map<number, number>()] as const;

  set(side: SideValue, price: number, qty: number): void {
    if (qty > 0) this.sides[side].set(price, qty);
    else this.sides[side].delete(price);
  }

  add(side: SideValue, price: number, delta: number): number {
    const q = (this.sides[side].get(price) ?? 0) + delta;
    this.set(side, price, q > 1e-9 ? q : 0);
    return q > 1e-9 ? q : 0;
  }

  clear(): void {
    this.sides[0].clear();
    this.sides[1].clear();
  }

  /** Prices from the touch outwards. */
  levels(side: SideValue): number[] {
    const prices = [...this.sides[side].keys()];
    return side === Side.Bid ? prices.sort((a, b) => b - a) : prices.sort((a, b) => a - b);
  }

  qtyAt(side: SideValue, price: number): number {
    return this.sides[side].get(price) ?? 0;
  }

  depthTo(side: SideValue, limit: number): number {
    let sum = 0;
    for (const p of this.levels(side)) {
      if (side === Side.Bid ? p < limit : p > limit) break;
      sum += this.qtyAt(side, p);
    }
    return sum;
  }
}

/** A reference for TickLadder: a Map, with every ordered question answered by sorting. */
export class NaiveLadder {
  private readonly map = new Map<number, number>();
  private sorted: number[] | undefined;
  private total = 0;
  /** The largest total the ladder has held since it was made or cleared (for error bounds). */
  peak = 0;

  get count(): number {
    return this.map.size;
  }

  get(price: number): number {
    return this.map.get(price) ?? 0;
  }

  set(price: number, value: number): number {
    const old = this.get(price);
    if (value !== 0) this.map.set(price, value);
    else this.map.delete(price);
    if ((old === 0) !== (value === 0)) this.sorted = undefined;
    this.total += value - old;
    this.peak = Math.max(this.peak, this.total);
    return old;
  }

  clear(): void {
    this.map.clear();
    this.sorted = undefined;
    this.total = 0;
    this.peak = 0;
  }

  /** Prices, lowest first (do not modify). */
  prices(): number[] {
    this.sorted ??= [...this.map.keys()].sort((a, b) => a - b);
    return this.sorted;
  }

  nthBelow(price: number, n: number): number {
    const below = this.prices().filter((p) => p < price);
    return below[below.length - n] ?? NaN;
  }

  nthAbove(price: number, n: number): number {
    return this.prices().filter((p) => p > price)[n - 1] ?? NaN;
  }

  /** Values at [lo, hi], added lowest price first, and how many. */
  range(lo: number, hi: number): { sum: number; levels: number } {
    let sum = 0;
    let levels = 0;
    for (const p of this.prices()) {
      if (p < lo || p > hi) continue;
      sum += this.get(p);
      levels++;
    }
    return { sum, levels };
  }
}
