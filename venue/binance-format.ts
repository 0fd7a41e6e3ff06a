// The venue's state in Binance's JSON shapes: numbers as decimal strings with 8 places, Binance's
// field names (cummulativeQuoteQty with its double m), status values, and the three order-ack
// types (ACK, RESULT, FULL).
import type { DenseL2Book } from '../runtime/book/dense-l2-book.js';
import { Side } from '../runtime/events.js';
import type { Account } from './accounts.js';
import type { DepthDiff } from './depth-diffs.js';
import type { PublicTrade, VenueMarket } from './market-feed.js';
import type { Fill, Order } from './matcher.js';

export type NewOrderRespType = 'ACK' | 'RESULT' | 'FULL';

export function dec(x: number): string {
  return (Math.abs(x) < 5e-9 ? 0 : x).toFixed(8);
}

export function exchangeInfo(markets: readonly VenueMarket[], nowMs: number, weightPerMinute: number): unknown {
  return {
    timezone: 'UTC',
    serverTime: nowMs,
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: weightPerMinute },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
      { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 200000 },
    ],
    exchangeFilters: [],
    symbols: markets.map(symbolInfo),
  };
}

function symbolInfo(m: VenueMarket): unknown {
  return {
    symbol: m.id,
    status: 'TRADING',
    baseAsset: m.base,
    baseAssetPrecision: 8,
    quoteAsset: m.quote,
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    baseCommissionPrecision: 8,
    quoteCommissionPrecision: 8,
    orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET'],
    icebergAllowed: false,
    ocoAllowed: false,
    otoAllowed: false,
    quoteOrderQtyMarketAllowed: true,
    allowTrailingStop: false,
    cancelReplaceAllowed: false,
    amendAllowed: false,
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: false,
    filters: [
      { filterType: 'PRICE_FILTER', minPrice: dec(m.tickSize), maxPrice: dec(1_000_000), tickSize: dec(m.tickSize) },
      { filterType: 'LOT_SIZE', minQty: dec(m.minQty), maxQty: dec(9000), stepSize: dec(m.lotSize) },
      { filterType: 'MARKET_LOT_SIZE', minQty: dec(0), maxQty: dec(9000), stepSize: dec(0) },
      { filterType: 'NOTIONAL', minNotional: dec(m.minNotional), applyMinToMarket: true, maxNotional: dec(9_000_000), applyMaxToMarket: false, avgPriceMins: 5 },
    ],
    permissions: [],
    permissionSets: [['SPOT']],
    defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
    allowedSelfTradePreventionModes: ['EXPIRE_MAKER'],
  };
}

export function depth(book: DenseL2Book, limit: number, lastUpdateId: number): unknown {
  const side = (s: typeof Side.Bid | typeof Side.Ask): string[][] => {
    const out: string[][] = [];
    for (let level = 1; level <= limit; level++) {
      const p = book.levelPrice(s, level);
      if (Number.isNaN(p)) break;
      out.push([dec(p * book.tickSize), dec(book.qtyAt(s, p))]);
    }
    return out;
  };
  return { lastUpdateId, bids: side(Side.Bid), asks: side(Side.Ask) };
}

export function publicTrade(t: PublicTrade): unknown {
  return { id: t.id, price: dec(t.price), qty: dec(t.qty), quoteQty: dec(t.price * t.qty), time: t.timeMs, isBuyerMaker: t.buyerIsMaker, isBestMatch: true };
}

export function aggTrade(t: PublicTrade): unknown {
  return { a: t.id, p: dec(t.price), q: dec(t.qty), f: t.id, l: t.id, T: t.timeMs, m: t.buyerIsMaker, M: true };
}

export function bookTicker(m: VenueMarket, book: DenseL2Book): unknown {
  const bid = book.bestBid();
  const ask = book.bestAsk();
  return {
    symbol: m.id,
    bidPrice: dec(Number.isNaN(bid) ? 0 : bid * m.tickSize),
    bidQty: dec(Number.isNaN(bid) ? 0 : book.qtyAt(Side.Bid, bid)),
    askPrice: dec(Number.isNaN(ask) ? 0 : ask * m.tickSize),
    askQty: dec(Number.isNaN(ask) ? 0 : book.qtyAt(Side.Ask, ask)),
  };
}

/** /api/v3/ticker/24hr over the trades the venue remembers (the recording is minutes long). */
export function ticker24h(m: VenueMarket, book: DenseL2Book, trades: readonly PublicTrade[], nowMs: number): unknown {
  const first = trades[0];
  const last = trades[trades.length - 1];
  let high = 0;
  let low = Infinity;
  let volume = 0;
  let quoteVolume = 0;
  for (const t of trades) {
    high = Math.max(high, t.price);
    low = Math.min(low, t.price);
    volume += t.qty;
    quoteVolume += t.qty * t.price;
  }
  const open = first?.price ?? 0;
  const close = last?.price ?? 0;
  const bt = bookTicker(m, book) as Record<string, string>;
  return {
    symbol: m.id,
    priceChange: dec(close - open),
    priceChangePercent: (open > 0 ? ((close - open) / open) * 100 : 0).toFixed(3),
    weightedAvgPrice: dec(volume > 0 ? quoteVolume / volume : 0),
    prevClosePrice: dec(open),
    lastPrice: dec(close),
    lastQty: dec(last?.qty ?? 0),
    bidPrice: bt.bidPrice,
    bidQty: bt.bidQty,
    askPrice: bt.askPrice,
    askQty: bt.askQty,
    openPrice: dec(open),
    highPrice: dec(high),
    lowPrice: dec(low === Infinity ? 0 : low),
    volume: dec(volume),
    quoteVolume: dec(quoteVolume),
    openTime: first?.timeMs ?? nowMs,
    closeTime: nowMs,
    firstId: first?.id ?? -1,
    lastId: last?.id ?? -1,
    count: trades.length,
  };
}

function orderCore(o: Order): Record<string, unknown> {
  return {
    symbol: o.market.id,
    orderId: o.orderId,
    orderListId: -1,
    clientOrderId: o.clientOrderId,
  };
}

function orderBody(o: Order): Record<string, unknown> {
  return {
    price: dec(o.price),
    origQty: dec(o.origQty),
    executedQty: dec(o.executedQty),
    origQuoteOrderQty: dec(o.origQuoteOrderQty),
    cummulativeQuoteQty: dec(o.cumQuote),
    status: o.status,
    timeInForce: o.timeInForce,
    type: o.type,
    side: o.side,
  };
}

/** Answer to POST /api/v3/order. */
export function orderAck(o: Order, respType: NewOrderRespType): unknown {
  const ack = { ...orderCore(o), transactTime: o.timeMs };
  if (respType === 'ACK') return ack;
  const result = { ...ack, ...orderBody(o), workingTime: o.timeMs, selfTradePreventionMode: 'EXPIRE_MAKER' };
  if (respType === 'RESULT') return result;
  return {
    ...result,
    // The fills of the ack are those made on arrival (as a taker).
    fills: o.fills.filter((f) => !f.isMaker).map((f) => ({ price: dec(f.price), qty: dec(f.qty), commission: dec(f.commission), commissionAsset: f.commissionAsset, tradeId: f.tradeId })),
  };
}

/** GET /api/v3/order and openOrders. */
export function orderStatus(o: Order): unknown {
  return {
    ...orderCore(o),
    ...orderBody(o),
    stopPrice: dec(0),
    icebergQty: dec(0),
    time: o.timeMs,
    updateTime: o.updateTimeMs,
    isWorking: true,
    workingTime: o.timeMs,
    selfTradePreventionMode: 'EXPIRE_MAKER',
  };
}

/** DELETE /api/v3/order and openOrders. */
export function cancelAck(o: Order, cancelClientId: string, nowMs: number): unknown {
  return {
    symbol: o.market.id,
    origClientOrderId: o.clientOrderId,
    orderId: o.orderId,
    orderListId: -1,
    clientOrderId: cancelClientId,
    transactTime: nowMs,
    ...orderBody(o),
    selfTradePreventionMode: 'EXPIRE_MAKER',
  };
}

export function myTrade(f: Fill, o: Order): unknown {
  return {
    symbol: o.market.id,
    id: f.tradeId,
    orderId: f.orderId,
    orderListId: -1,
    price: dec(f.price),
    qty: dec(f.qty),
    quoteQty: dec(f.quoteQty),
    commission: dec(f.commission),
    commissionAsset: f.commissionAsset,
    time: f.timeMs,
    isBuyer: f.isBuyer,
    isMaker: f.isMaker,
    isBestMatch: true,
  };
}

export function account(a: Account, nowMs: number, omitZeroBalances: boolean): unknown {
  const rate = (r: number): string => dec(r);
  return {
    makerCommission: Math.round(a.fees.maker * 10_000),
    takerCommission: Math.round(a.fees.taker * 10_000),
    buyerCommission: 0,
    sellerCommission: 0,
    commissionRates: { maker: rate(a.fees.maker), taker: rate(a.fees.taker), buyer: dec(0), seller: dec(0) },
    canTrade: true,
    canWithdraw: false,
    canDeposit: false,
    brokered: false,
    requireSelfTradePrevention: false,
    preventSor: false,
    updateTime: a.updateTimeMs || nowMs,
    accountType: 'SPOT',
    balances: a
      .all()
      .filter(([, b]) => !omitZeroBalances || b.free + b.locked > 0)
      .map(([asset, b]) => ({ asset, free: dec(b.free), locked: dec(b.locked) })),
    permissions: ['SPOT'],
    uid: 1,
  };
}

// ------------------------------------------------------------------ WebSocket market streams

/** `<symbol>@depth[@100ms]`: a diff-depth event. */
export function depthUpdate(m: VenueMarket, diff: DepthDiff, nowMs: number): unknown {
  const levels = (side: ReadonlyArray<[number, number]>): string[][] => side.map(([p, q]) => [dec(p * m.tickSize), dec(q)]);
  return { e: 'depthUpdate', E: nowMs, s: m.id, U: diff.firstUpdateId, u: diff.lastUpdateId, b: levels(diff.bids), a: levels(diff.asks) };
}

/** `<symbol>@trade`. The venue has no counterparty orders, so b/a (buyer and seller order ids) are omitted. */
export function tradeEvent(m: VenueMarket, t: PublicTrade, nowMs: number): unknown {
  return { e: 'trade', E: nowMs, s: m.id, t: t.id, p: dec(t.price), q: dec(t.qty), T: t.timeMs, m: t.buyerIsMaker, M: true };
}

/** `<symbol>@aggTrade`: one trade per aggregate, as /api/v3/aggTrades. */
export function aggTradeEvent(m: VenueMarket, t: PublicTrade, nowMs: number): unknown {
  return { e: 'aggTrade', E: nowMs, s: m.id, a: t.id, p: dec(t.price), q: dec(t.qty), f: t.id, l: t.id, T: t.timeMs, m: t.buyerIsMaker, M: true };
}
