// A plain Map-based L2 book for engine tests: obviously correct, not fast.
import type { L2Book } from '../../../runtime/book/l2-book.js';
import { Side, type SideValue } from '../../../runtime/events.js';

export class MapBook implements L2Book {
  private readonly sides: [Map<number, number>, Map<number, number>] = [new Map(), new Map()];
  version = 0;
  touchVersion = 0;
  constructor(readonly tickSize: number) {}
  private sorted(side: SideValue): number[] {
    const keys = [...this.sides[side].keys()];
    return side === Side.Bid ? keys.sort((a, b) => b - a) : keys.sort((a, b) => a - b);
  }
  bestBid(): number {
    return this.sorted(Side.Bid)[0] ?? NaN;
  }
  bestAsk(): number {
    return this.sorted(Side.Ask)[0] ?? NaN;
  }
  qtyAt(side: SideValue, p: number): number {
    return this.sides[side].get(p) ?? 0;
  }
  levelPrice(side: SideValue, level: number): number {
    return this.sorted(side)[level - 1] ?? NaN;
  }
  levelQty(side: SideValue, level: number): number {
    const p = this.levelPrice(side, level);
    return Number.isNaN(p) ? NaN : this.qtyAt(side, p);
  }
  depthTo(side: SideValue, limit: number): number {
    let q = 0;
    for (const [p, x] of this.sides[side]) if (side === Side.Bid ? p >= limit : p <= limit) q += x;
    return q;
  }
  levelCount(side: SideValue): number {
    return this.sides[side].size;
  }
  set(side: SideValue, p: number, q: number): void {
    const best = side === Side.Bid ? this.bestBid() : this.bestAsk();
    if (Number.isNaN(best) || (side === Side.Bid ? p >= best : p <= best)) this.touchVersion++;
    this.version++;
    if (q <= 0) this.sides[side].delete(p);
    else this.sides[side].set(p, q);
  }
  add(side: SideValue, p: number, d: number): number {
    const q = this.qtyAt(side, p) + d;
    this.set(side, p, q);
    return Math.max(0, q);
  }
  clear(): void {
    this.sides[0].clear();
    this.sides[1].clear();
    this.version++;
    this.touchVersion++;
  }
}
