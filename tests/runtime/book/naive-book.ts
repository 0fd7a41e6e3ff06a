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
