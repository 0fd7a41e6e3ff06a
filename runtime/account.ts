// Positions, cash, fees and PnL per market, marked to the mid. Realised PnL uses the average-cost
// method, so PnL splits into realised (closed trades) and unrealised (the open position at the mark).
export class MarketAccount {
  position = 0;
  /** Cash flow from fills in the quote currency (sells add, buys subtract), fees excluded. */
  cash = 0;
  fees = 0;
  realized = 0;
  /** Average entry price of the open position. */
  avgPrice = 0;
  volume = 0;
  fills = 0;

  /** A fill of `qty` (positive buy, negative sell) at `price`, paying `fee` (negative: a rebate). */
  fill(qty: number, price: number, fee: number): void {
    const before = this.position;
    const after = before + qty;
    if (before === 0 || Math.sign(before) === Math.sign(qty)) {
      this.avgPrice = after === 0 ? 0 : (this.avgPrice * before + price * qty) / after;
    } else {
      const closed = Math.min(Math.abs(qty), Math.abs(before)) * Math.sign(before);
      this.realized += closed * (price - this.avgPrice);
      if (Math.sign(after) !== Math.sign(before) && after !== 0) this.avgPrice = price;
      else if (after === 0) this.avgPrice = 0;
    }
    this.position = after;
    this.cash -= qty * price;
    this.fees += fee;
    this.volume += Math.abs(qty);
    this.fills++;
  }

  unrealized(mark: number): number {
    return this.position === 0 ? 0 : this.position * (mark - this.avgPrice);
  }

  /** Total PnL at the mark, after fees: cash + position × mark − fees. */
  pnl(mark: number): number {
    return this.cash + (this.position === 0 ? 0 : this.position * mark) - this.fees;
  }

  /** `pnl` at the mid, or at the average entry price while the book has no mid (NaN). */
  pnlAtMid(mid: number): number {
    return this.pnl(Number.isFinite(mid) ? mid : this.avgPrice);
  }

  export(): MarketAccountState {
    return { position: this.position, cash: this.cash, fees: this.fees, realized: this.realized, avgPrice: this.avgPrice, volume: this.volume, fills: this.fills };
  }

  import(s: MarketAccountState): void {
    Object.assign(this, s);
  }
}

export interface MarketAccountState {
  position: number;
  cash: number;
  fees: number;
  realized: number;
  avgPrice: number;
  volume: number;
  fills: number;
}
