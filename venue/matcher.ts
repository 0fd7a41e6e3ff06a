// The venue's matching engine: our clients' orders against the replayed market, by the rules the
// backtests use (runtime/backtest/exchange.ts), so paper trading against the venue and a backtest
// over the same data agree:
//   - a passive order rests at its price at the back of the queue (queue ahead = the recorded
//     quantity at that price when it arrives); trades at the price eat the queue from the front and
//     what reaches us fills us; the level shrinking below our place moves us up (a conservative
//     estimate: cancellations are assumed behind us until the level is smaller than the queue ahead);
//   - a recorded trade through our price, or a book that moves through it, fills us completely;
//   - a marketable order walks the recorded book up to its limit, partial fills included; liquidity
//     it takes stays taken until the data updates that level (no double use); the remainder of a
//     MARKET or IOC order expires, FOK fills completely or expires, a GTC remainder rests;
//   - LIMIT_MAKER that would take is rejected (-2010 "Order would immediately match and take.");
//   - self-trade prevention (Binance's EXPIRE_MAKER): a taker first expires the account's own
//     resting orders it would hit (status EXPIRED_IN_MATCH);
//   - when the recording loops, resting orders expire (the book jumps back in time; filling them
//     against the jump would be fiction).
// Our orders do not change the recorded book other clients see: the market is the recording.
import { Side, type SideValue } from '../runtime/events.js';
import type { Account, Lock } from './accounts.js';
import { binanceErrors } from './errors.js';
import type { FeedListener, MarketFeed, VenueMarket } from './market-feed.js';

export type OrderSide = 'BUY' | 'SELL';
export type OrderType = 'LIMIT' | 'LIMIT_MAKER' | 'MARKET';
export type TimeInForce = 'GTC' | 'IOC' | 'FOK';
export type OrderStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'REJECTED' | 'EXPIRED' | 'EXPIRED_IN_MATCH';

export interface Fill {
  tradeId: number;
  orderId: number;
  price: number;
  qty: number;
  quoteQty: number;
  commission: number;
  commissionAsset: string;
  timeMs: number;
  isBuyer: boolean;
  isMaker: boolean;
}

export interface Order {
  orderId: number;
  clientOrderId: string;
  account: Account;
  market: VenueMarket;
  side: OrderSide;
  type: OrderType;
  timeInForce: TimeInForce;
  /** Limit price (0 for MARKET) and the same in ticks (NaN for MARKET). */
  price: number;
  priceTicks: number;
  origQty: number;
  /** MARKET buys by quote amount (`quoteOrderQty`), else 0. */
  origQuoteOrderQty: number;
  executedQty: number;
  cumQuote: number;
  status: OrderStatus;
  timeMs: number;
  updateTimeMs: number;
  /** Queue ahead of us at our price (resting orders). */
  front: number;
  lock: Lock | undefined;
  fills: Fill[];
}

export interface NewOrder {
  account: Account;
  market: VenueMarket;
  side: OrderSide;
  type: OrderType;
  timeInForce: TimeInForce;
  price?: number;
  quantity?: number;
  quoteOrderQty?: number;
  clientOrderId: string;
}

export interface MatcherOptions {
  feed: MarketFeed;
  clock: () => number;
  /** Fault hooks: refuse the next new order; the share of the next fill to let through. */
  rejectOrder?: () => boolean;
  fillFraction?: () => number;
}

const EPS = 1e-12;

/** Quantities and amounts are kept to Binance's 8 decimals. */
export function round8(x: number): number {
  return Math.round(x * 1e8) / 1e8;
}

export class Matcher implements FeedListener {
  private readonly feed: MarketFeed;
  private readonly clock: () => number;
  private readonly rejectOrder: () => boolean;
  private readonly fillFraction: () => number;
  private readonly orders = new Map<number, Order>();
  private readonly byClientId = new Map<string, Order>();
  /** Per market, per side: resting orders. */
  private readonly resting: Array<[Order[], Order[]]>;
  /** Per market, per side: liquidity our takers consumed per price, until the data updates it. */
  private readonly consumed: Array<[Map<number, number>, Map<number, number>]>;
  private readonly fillsByAccount = new Map<string, Fill[]>();
  private nextOrderId = 1_000_001;
  private nextTradeId = 1;

  constructor(options: MatcherOptions) {
    this.feed = options.feed;
    this.clock = options.clock;
    this.rejectOrder = options.rejectOrder ?? (() => false);
    this.fillFraction = options.fillFraction ?? (() => 1);
    this.resting = this.feed.markets.map(() => [[], []]);
    this.consumed = this.feed.markets.map(() => [new Map(), new Map()]);
    this.feed.addListener(this);
  }

  // ------------------------------------------------------------------ client requests

  place(req: NewOrder): Order {
    const { market, account } = req;
    if (this.rejectOrder()) throw binanceErrors.newOrderRejected();
    const existing = this.byClientId.get(clientKey(account, market, req.clientOrderId));
    if (existing && isOpen(existing)) throw binanceErrors.duplicateClientId();
    const book = this.feed.book(market.index);
    const isBuy = req.side === 'BUY';
    const now = this.clock();
    let priceTicks = NaN;
    let price = 0;
    if (req.type !== 'MARKET') {
      price = req.price ?? 0;
      priceTicks = Math.round(price / market.tickSize);
      const opposite = isBuy ? book.bestAsk() : book.bestBid();
      const crosses = !Number.isNaN(opposite) && (isBuy ? priceTicks >= opposite : priceTicks <= opposite);
      if (req.type === 'LIMIT_MAKER' && crosses) throw binanceErrors.wouldTake();
    }
    const order: Order = {
      orderId: this.nextOrderId++,
      clientOrderId: req.clientOrderId,
      account,
      market,
      side: req.side,
      type: req.type,
      timeInForce: req.timeInForce,
      price,
      priceTicks,
      origQty: req.quantity ?? 0,
      origQuoteOrderQty: req.quoteOrderQty ?? 0,
      executedQty: 0,
      cumQuote: 0,
      status: 'NEW',
      timeMs: now,
      updateTimeMs: now,
      front: 0,
      lock: undefined,
      fills: [],
    };
    order.lock = this.lockFor(order);
    if (!order.lock) throw binanceErrors.insufficientBalance();
    this.orders.set(order.orderId, order);
    this.byClientId.set(clientKey(account, market, order.clientOrderId), order);

    if (order.timeInForce === 'FOK' && this.available(order) + EPS < order.origQty) {
      this.finish(order, 'EXPIRED', now);
      return order;
    }
    this.take(order, now);
    if (order.origQuoteOrderQty > 0) {
      // Bought by quote amount: filled when what is left would not buy another lot.
      order.origQty = order.executedQty;
      const last = order.fills[order.fills.length - 1];
      this.finish(order, last && quoteLeft(order) < last.price * market.lotSize ? 'FILLED' : 'EXPIRED', now);
    } else if (remaining(order) <= EPS) {
      this.finish(order, 'FILLED', now);
    } else if (order.type === 'MARKET' || order.timeInForce !== 'GTC') {
      this.finish(order, 'EXPIRED', now);
    } else {
      order.front = book.qtyAt(isBuy ? Side.Bid : Side.Ask, priceTicks);
      this.resting[market.index]?.[isBuy ? Side.Bid : Side.Ask].push(order);
    }
    return order;
  }

  cancel(order: Order): Order {
    if (!isOpen(order)) throw binanceErrors.unknownOrderCancel();
    this.finish(order, 'CANCELED', this.clock());
    return order;
  }

  /** By orderId, or by the client id (the latest order that used it). */
  find(account: Account, market: VenueMarket, by: { orderId?: number; clientOrderId?: string }): Order | undefined {
    const o = by.orderId !== undefined ? this.orders.get(by.orderId) : by.clientOrderId !== undefined ? this.byClientId.get(clientKey(account, market, by.clientOrderId)) : undefined;
    return o && o.account === account && o.market === market ? o : undefined;
  }

  openOrders(account: Account, market?: VenueMarket): Order[] {
    const out: Order[] = [];
    for (const [m, sides] of this.resting.entries()) {
      if (market && market.index !== m) continue;
      for (const list of sides) for (const o of list) if (o.account === account) out.push(o);
    }
    return out.sort((a, b) => a.orderId - b.orderId);
  }

  allOrders(account: Account, market: VenueMarket): Order[] {
    return [...this.orders.values()].filter((o) => o.account === account && o.market === market);
  }

  fills(account: Account): readonly Fill[] {
    return this.fillsByAccount.get(account.apiKey) ?? [];
  }

  /** Our orders' fills carry the order; this finds it for a fill (myTrades shows the symbol). */
  order(orderId: number): Order | undefined {
    return this.orders.get(orderId);
  }

  // ------------------------------------------------------------------ market data (FeedListener)

  onLevel(market: number, side: SideValue, priceTicks: number, qty: number): void {
    this.consumed[market]?.[side].delete(priceTicks);
    for (const o of this.resting[market]?.[side] ?? []) if (o.priceTicks === priceTicks) o.front = Math.min(o.front, qty);
  }

  onBookClear(market: number): void {
    this.consumed[market]?.[0].clear();
    this.consumed[market]?.[1].clear();
  }

  onTrade(market: number, aggressor: SideValue, priceTicks: number, qty: number, timeMs: number): void {
    const restingSide: SideValue = aggressor === Side.Bid ? Side.Ask : Side.Bid;
    const list = this.resting[market]?.[restingSide];
    if (!list || list.length === 0) return;
    for (const o of [...list]) {
      const through = restingSide === Side.Ask ? priceTicks > o.priceTicks : priceTicks < o.priceTicks;
      if (through) {
        this.fillMaker(o, remaining(o), timeMs);
      } else if (priceTicks === o.priceTicks) {
        const reach = qty - o.front;
        o.front = Math.max(0, o.front - qty);
        if (reach > EPS) this.fillMaker(o, Math.min(remaining(o), reach), timeMs);
      }
    }
  }

  onMessageEnd(market: number, timeMs: number): void {
    const sides = this.resting[market];
    if (!sides) return;
    const book = this.feed.book(market);
    const bestAsk = book.bestAsk();
    const bestBid = book.bestBid();
    for (const o of [...sides[Side.Bid]]) if (!Number.isNaN(bestAsk) && o.priceTicks >= bestAsk) this.fillMaker(o, remaining(o), timeMs);
    for (const o of [...sides[Side.Ask]]) if (!Number.isNaN(bestBid) && o.priceTicks <= bestBid) this.fillMaker(o, remaining(o), timeMs);
  }

  onLoop(timeMs: number): void {
    for (const sides of this.resting) for (const list of sides) for (const o of [...list]) this.finish(o, 'EXPIRED', timeMs);
    for (const c of this.consumed) {
      c[0].clear();
      c[1].clear();
    }
  }

  // ------------------------------------------------------------------ internals

  /** What the order must hold: base for a sell; for a buy, the most it can cost plus the fee. */
  private lockFor(o: Order): Lock | undefined {
    const fees = o.account.fees;
    const feeRate = Math.max(fees.maker, fees.taker, 0);
    if (o.side === 'SELL') return o.account.lock(o.market.base, o.origQty);
    let cost: number;
    if (o.type === 'MARKET') cost = o.origQuoteOrderQty > 0 ? o.origQuoteOrderQty : this.walkCost(o);
    else cost = o.price * o.origQty;
    return o.account.lock(o.market.quote, round8(cost * (1 + feeRate)));
  }

  /** Cost of buying the order's quantity from the book as it stands (what a MARKET buy locks). */
  private walkCost(o: Order): number {
    const book = this.feed.book(o.market.index);
    const used = this.consumed[o.market.index]?.[Side.Ask];
    let left = o.origQty;
    let cost = 0;
    for (let level = 1; left > EPS; level++) {
      const p = book.levelPrice(Side.Ask, level);
      if (Number.isNaN(p)) break;
      const q = Math.min(left, book.qtyAt(Side.Ask, p) - (used?.get(p) ?? 0));
      if (q > EPS) {
        cost += q * p * o.market.tickSize;
        left -= q;
      }
    }
    return cost;
  }

  /** Liquidity within the order's limit (for FOK). */
  private available(o: Order): number {
    const book = this.feed.book(o.market.index);
    const opp: SideValue = o.side === 'BUY' ? Side.Ask : Side.Bid;
    const used = this.consumed[o.market.index]?.[opp];
    let total = 0;
    for (let level = 1; ; level++) {
      const p = book.levelPrice(opp, level);
      if (Number.isNaN(p) || !this.withinLimit(o, p)) return total;
      total += Math.max(0, book.qtyAt(opp, p) - (used?.get(p) ?? 0));
    }
  }

  private withinLimit(o: Order, oppPriceTicks: number): boolean {
    if (o.type === 'MARKET') return true;
    return o.side === 'BUY' ? oppPriceTicks <= o.priceTicks : oppPriceTicks >= o.priceTicks;
  }

  /** Walks the book for the marketable part of an order. */
  private take(o: Order, now: number): void {
    const m = o.market.index;
    const book = this.feed.book(m);
    const opp: SideValue = o.side === 'BUY' ? Side.Ask : Side.Bid;
    const best = book.levelPrice(opp, 1);
    if (Number.isNaN(best) || !this.withinLimit(o, best)) return;
    // Self-trade prevention (EXPIRE_MAKER): the account's own resting orders in the way expire.
    for (const r of [...(this.resting[m]?.[opp] ?? [])]) {
      if (r.account === o.account && (o.type === 'MARKET' || this.withinLimit(o, r.priceTicks))) this.finish(r, 'EXPIRED_IN_MATCH', now);
    }
    const fraction = this.fillFraction();
    const lot = o.market.lotSize;
    // The qty this order may take now; with a quote amount, bounded by the quote left instead.
    let cap = o.origQuoteOrderQty > 0 ? Infinity : o.origQty;
    if (fraction < 1) cap = o.origQuoteOrderQty > 0 ? Infinity : Math.floor((o.origQty * fraction) / lot + 1e-9) * lot;
    let quoteBudget = o.origQuoteOrderQty > 0 ? o.origQuoteOrderQty * (fraction < 1 ? fraction : 1) : Infinity;
    const used = this.consumed[m]?.[opp];
    let taken = 0;
    for (let level = 1; taken < cap - EPS && quoteBudget > EPS; level++) {
      const p = book.levelPrice(opp, level);
      if (Number.isNaN(p) || !this.withinLimit(o, p)) break;
      const px = p * o.market.tickSize;
      let q = Math.min(book.qtyAt(opp, p) - (used?.get(p) ?? 0), cap - taken);
      if (quoteBudget < Infinity) q = Math.min(q, Math.floor(quoteBudget / px / lot + 1e-9) * lot);
      q = round8(q);
      if (q <= EPS) {
        if (quoteBudget < Infinity && quoteBudget < px * lot) break;
        continue;
      }
      used?.set(p, (used.get(p) ?? 0) + q);
      taken += q;
      quoteBudget -= q * px;
      this.recordFill(o, q, px, false, now);
    }
  }

  private fillMaker(o: Order, qty: number, timeMs: number): void {
    const fraction = this.fillFraction();
    let q = qty;
    if (fraction < 1) q = Math.floor((qty * fraction) / o.market.lotSize + 1e-9) * o.market.lotSize;
    q = round8(Math.min(q, remaining(o)));
    if (q <= EPS) return;
    this.recordFill(o, q, o.price, true, timeMs);
    if (remaining(o) <= EPS) this.finish(o, 'FILLED', timeMs);
  }

  private recordFill(o: Order, qty: number, price: number, isMaker: boolean, timeMs: number): void {
    const quoteQty = round8(price * qty);
    const rate = isMaker ? o.account.fees.maker : o.account.fees.taker;
    const commission = round8(quoteQty * rate);
    const fill: Fill = {
      tradeId: this.nextTradeId++,
      orderId: o.orderId,
      price,
      qty,
      quoteQty,
      commission,
      commissionAsset: o.market.quote,
      timeMs,
      isBuyer: o.side === 'BUY',
      isMaker,
    };
    o.fills.push(fill);
    o.executedQty = round8(o.executedQty + qty);
    o.cumQuote = round8(o.cumQuote + quoteQty);
    o.updateTimeMs = timeMs;
    if (o.status === 'NEW') o.status = 'PARTIALLY_FILLED';
    if (o.lock) {
      if (o.side === 'BUY') o.account.settleBuy(o.lock, o.market.base, qty, quoteQty + commission, timeMs);
      else o.account.settleSell(o.lock, o.market.quote, qty, quoteQty - commission, timeMs);
    }
    let list = this.fillsByAccount.get(o.account.apiKey);
    if (!list) {
      list = [];
      this.fillsByAccount.set(o.account.apiKey, list);
    }
    list.push(fill);
  }

  private finish(o: Order, status: OrderStatus, timeMs: number): void {
    o.status = status;
    o.updateTimeMs = timeMs;
    if (o.lock) o.account.release(o.lock);
    const list = this.resting[o.market.index]?.[o.side === 'BUY' ? Side.Bid : Side.Ask];
    const i = list ? list.indexOf(o) : -1;
    if (list && i >= 0) list.splice(i, 1);
  }
}

export function isOpen(o: Order): boolean {
  return o.status === 'NEW' || o.status === 'PARTIALLY_FILLED';
}

function remaining(o: Order): number {
  return round8(o.origQty - o.executedQty);
}

function quoteLeft(o: Order): number {
  return o.origQuoteOrderQty - o.cumQuote;
}

function clientKey(account: Account, market: VenueMarket, clientOrderId: string): string {
  return `${account.apiKey} ${market.id} ${clientOrderId}`;
}
