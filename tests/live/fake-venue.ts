// An in-memory venue for the runner's tests: a book the test moves, resting orders that fill when
// the book trades through them, balances, and faults injected per call (an error before or after
// the call took effect, as a dropped connection does).
import { VenueError, type VenueAdapter, type VenueBalance, type VenueBook, type VenueFill, type VenueMarketInfo, type VenueOrder, type VenueOrderRequest } from '../../runtime/venue/venue.js';

type Method = 'placeOrder' | 'cancelOrder' | 'fetchOrder' | 'fetchOpenOrders' | 'fetchFills' | 'fetchBook' | 'fetchBalances';

export class FakeVenue implements VenueAdapter {
  readonly name = 'binance';
  bid = 60000;
  ask = 60000.01;
  readonly orders = new Map<string, VenueOrder>();
  readonly fills: VenueFill[] = [];
  readonly balances: Record<string, number> = { BTC: 10, USDT: 1_000_000 };
  /** Faults queued per method: 'before' fails without effect, 'after' takes effect then fails. */
  readonly faults: Partial<Record<Method, Array<'before' | 'after' | 'reject'>>> = {};
  calls: Record<string, number> = {};
  private nextId = 1;
  private nextTrade = 1;
  clockMs = 1_700_000_000_000;

  private fault(m: Method): 'before' | 'after' | 'reject' | undefined {
    this.calls[m] = (this.calls[m] ?? 0) + 1;
    return this.faults[m]?.shift();
  }
  private boom(kind: 'retryable' | 'rejected', what: string): never {
    throw new VenueError(kind, `${what}: injected`, this.name, kind === 'retryable' ? 'NetworkError' : 'InvalidOrder');
  }

  async loadMarkets(symbols: readonly string[]): Promise<Map<string, VenueMarketInfo>> {
    return new Map(symbols.map((s) => [s, { symbol: s, base: 'BTC', quote: 'USDT', tickSize: 0.01, lotSize: 0.00001, minQty: 0.00001, minNotional: 5 }]));
  }
  async fetchBook(): Promise<VenueBook> {
    const f = this.fault('fetchBook');
    if (f) this.boom('retryable', 'book');
    return { bids: [[this.bid, 2]], asks: [[this.ask, 2]], timeMs: this.clockMs };
  }
  async placeOrder(r: VenueOrderRequest): Promise<VenueOrder> {
    const f = this.fault('placeOrder');
    if (f === 'before') this.boom('retryable', 'place');
    if (f === 'reject') this.boom('rejected', 'place');
    if ([...this.orders.values()].some((o) => o.clientId === r.clientId)) throw new VenueError('rejected', 'duplicate client id', this.name, 'DuplicateOrderId');
    if (r.postOnly && ((r.side === 'buy' && r.price >= this.ask) || (r.side === 'sell' && r.price <= this.bid))) throw new VenueError('rejected', 'post-only would cross', this.name, 'OrderImmediatelyFillable');
    const o: VenueOrder = { clientId: r.clientId, venueId: String(this.nextId++), symbol: r.symbol, side: r.side, price: r.price, qty: r.qty, filled: 0, status: 'open', timeMs: this.clockMs };
    this.orders.set(o.venueId, o);
    if (!r.postOnly) this.cross(o);
    if (f === 'after') this.boom('retryable', 'place');
    return { ...o };
  }
  private byClient(id: string): VenueOrder | undefined {
    return [...this.orders.values()].find((o) => o.clientId === id);
  }
  async cancelOrder(_s: string, clientId: string): Promise<VenueOrder | null> {
    const f = this.fault('cancelOrder');
    if (f === 'before') this.boom('retryable', 'cancel');
    const o = this.byClient(clientId);
    if (!o) return null;
    if (o.status === 'open') o.status = 'canceled';
    if (f === 'after') this.boom('retryable', 'cancel');
    return { ...o };
  }
  async fetchOrder(_s: string, clientId: string): Promise<VenueOrder | null> {
    if (this.fault('fetchOrder')) this.boom('retryable', 'fetch order');
    const o = this.byClient(clientId);
    return o ? { ...o } : null;
  }
  async fetchOpenOrders(): Promise<VenueOrder[]> {
    if (this.fault('fetchOpenOrders')) this.boom('retryable', 'open orders');
    return [...this.orders.values()].filter((o) => o.status === 'open').map((o) => ({ ...o }));
  }
  async fetchBalances(): Promise<Record<string, VenueBalance>> {
    return Object.fromEntries(Object.entries(this.balances).map(([a, t]) => [a, { free: t, used: 0, total: t }]));
  }
  async fetchFills(_s: string, sinceMs?: number): Promise<VenueFill[]> {
    if (this.fault('fetchFills')) this.boom('retryable', 'fills');
    return this.fills.filter((f) => sinceMs === undefined || f.timeMs >= sinceMs).map((f) => ({ ...f }));
  }
  async close(): Promise<void> {}

  /** Moves the market; resting orders the new prices trade through fill completely (maker, fee 0.1 bp in quote). */
  move(bid: number, ask: number): void {
    this.clockMs += 1000;
    this.bid = bid;
    this.ask = ask;
    for (const o of this.orders.values()) {
      if (o.status !== 'open') continue;
      if ((o.side === 'buy' && ask <= o.price) || (o.side === 'sell' && bid >= o.price)) this.fill(o, o.qty - o.filled, o.price, 'maker');
    }
  }
  private cross(o: VenueOrder): void {
    if (o.side === 'buy' && o.price >= this.ask) this.fill(o, o.qty, this.ask, 'taker');
    else if (o.side === 'sell' && o.price <= this.bid) this.fill(o, o.qty, this.bid, 'taker');
  }
  private fill(o: VenueOrder, qty: number, price: number, liquidity: 'maker' | 'taker'): void {
    const fee = price * qty * 1e-5;
    o.filled += qty;
    if (o.filled >= o.qty - 1e-12) o.status = 'closed';
    this.balances.BTC! += o.side === 'buy' ? qty : -qty;
    this.balances.USDT! += (o.side === 'buy' ? -1 : 1) * price * qty - fee;
    this.fills.push({ tradeId: String(this.nextTrade++), venueOrderId: o.venueId, clientId: undefined, symbol: o.symbol, side: o.side, price, qty, fee, feeAsset: 'USDT', liquidity, timeMs: this.clockMs });
  }
  /** Our position as the venue sees it: base balance change. */
  position(startBtc = 10): number {
    return Number((this.balances.BTC! - startBtc).toFixed(10));
  }
}
