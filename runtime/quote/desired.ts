// The quotes a plan wants on one market at one moment: up to `capacity` levels per side, prices as
// integer ticks of the market's tick size, quantities as multiples of its lot. Reused between
// evaluations (typed arrays, no allocation per quote update).
import { Side, type SideValue } from '../events.js';

export class DesiredSide {
  count = 0;
  readonly priceTicks: Float64Array;
  readonly qty: Float64Array;
  constructor(readonly capacity: number) {
    this.priceTicks = new Float64Array(capacity);
    this.qty = new Float64Array(capacity);
  }
  clear(): void {
    this.count = 0;
  }
  push(priceTicks: number, qty: number): void {
    if (this.count >= this.capacity) return;
    this.priceTicks[this.count] = priceTicks;
    this.qty[this.count] = qty;
    this.count++;
  }
}

export class DesiredQuotes {
  readonly bids: DesiredSide;
  readonly asks: DesiredSide;
  constructor(capacity: number) {
    this.bids = new DesiredSide(capacity);
    this.asks = new DesiredSide(capacity);
  }
  side(s: SideValue): DesiredSide {
    return s === Side.Bid ? this.bids : this.asks;
  }
  clear(): void {
    this.bids.clear();
    this.asks.clear();
  }
}
