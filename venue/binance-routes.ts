// The Binance spot REST endpoints the venue answers, as a table: path, method, weight, whether it is
// SIGNED, and a handler from validated parameters to the JSON body. The server (server.ts) wraps
// every entry with faults, the weight limit, signature checks and error mapping.
import type { Account } from './accounts.js';
import * as fmt from './binance-format.js';
import { BinanceError, binanceErrors } from './errors.js';
import type { MarketFeed, VenueMarket } from './market-feed.js';
import type { Matcher, Order, OrderType, TimeInForce } from './matcher.js';
import type { Params } from './params.js';
import { depthWeight } from './rate-limit.js';

export interface RouteContext {
  params: Params;
  nowMs: number;
  /** The caller's account (SIGNED endpoints only). */
  account: Account | undefined;
}

export interface RouteDef {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  signed: boolean;
  weight: (p: Params) => number;
  handle: (ctx: RouteContext) => unknown;
}

export interface VenueState {
  feed: MarketFeed;
  matcher: Matcher;
  weightPerMinute: number;
}

const SIDES = ['BUY', 'SELL'] as const;
const TYPES = ['LIMIT', 'LIMIT_MAKER', 'MARKET'] as const;
const TIFS = ['GTC', 'IOC', 'FOK'] as const;
const RESP_TYPES = ['ACK', 'RESULT', 'FULL'] as const;

export function binanceRoutes(v: VenueState): RouteDef[] {
  const bySymbol = new Map(v.feed.markets.map((m) => [m.id, m]));
  const market = (p: Params): VenueMarket => {
    const m = bySymbol.get(p.string('symbol'));
    if (!m) throw binanceErrors.invalidSymbol();
    return m;
  };
  const optionalMarket = (p: Params): VenueMarket | undefined => (p.has('symbol') ? market(p) : undefined);
  const account = (ctx: RouteContext): Account => {
    if (!ctx.account) throw binanceErrors.rejectedApiKey();
    return ctx.account;
  };
  const limit = (p: Params, def: number, max: number): number => p.optionalInt('limit', { min: 1, max }) ?? def;
  const one = (w: number) => () => w;
  const perSymbol = (single: number, all: number) => (p: Params) => (p.has('symbol') ? single : all);

  /** The order named by orderId or origClientOrderId; `missing` is the error for none. */
  const findOrder = (ctx: RouteContext, missing: () => BinanceError): Order => {
    const p = ctx.params;
    const m = market(p);
    const orderId = p.optionalInt('orderId', { min: 0 });
    const clientOrderId = p.optionalString('origClientOrderId');
    if (orderId === undefined && clientOrderId === undefined) {
      throw new BinanceError(400, -1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!");
    }
    const o = v.matcher.find(account(ctx), m, orderId !== undefined ? { orderId } : { clientOrderId });
    if (!o) throw missing();
    return o;
  };

  return [
    { method: 'GET', path: '/api/v3/ping', signed: false, weight: one(1), handle: () => ({}) },
    { method: 'GET', path: '/api/v3/time', signed: false, weight: one(1), handle: (ctx) => ({ serverTime: ctx.nowMs }) },
    {
      method: 'GET',
      path: '/api/v3/exchangeInfo',
      signed: false,
      weight: one(20),
      handle: (ctx) => {
        const wanted = symbolList(ctx.params);
        const markets = wanted ? wanted.map((s) => bySymbol.get(s) ?? throwError(binanceErrors.invalidSymbol())) : v.feed.markets;
        return fmt.exchangeInfo(markets, ctx.nowMs, v.weightPerMinute);
      },
    },
    {
      method: 'GET',
      path: '/api/v3/depth',
      signed: false,
      weight: (p) => depthWeight(p.optionalInt('limit') ?? 100),
      handle: (ctx) => fmt.depth(v.feed.book(market(ctx.params).index), limit(ctx.params, 100, 5000), v.feed.lastUpdateId),
    },
    {
      method: 'GET',
      path: '/api/v3/trades',
      signed: false,
      weight: one(25),
      handle: (ctx) => v.feed.recentTrades(market(ctx.params).index, limit(ctx.params, 500, 1000)).map(fmt.publicTrade),
    },
    {
      method: 'GET',
      path: '/api/v3/aggTrades',
      signed: false,
      weight: one(4),
      handle: (ctx) => {
        const p = ctx.params;
        const m = market(p);
        const start = p.optionalInt('startTime', { min: 0 });
        const end = p.optionalInt('endTime', { min: 0 });
        const fromId = p.optionalInt('fromId', { min: 0 });
        let trades = v.feed.recentTrades(m.index, 2000);
        if (fromId !== undefined) trades = trades.filter((t) => t.id >= fromId);
        if (start !== undefined) trades = trades.filter((t) => t.timeMs >= start);
        if (end !== undefined) trades = trades.filter((t) => t.timeMs <= end);
        const n = limit(p, 500, 1000);
        return (fromId !== undefined || start !== undefined ? trades.slice(0, n) : trades.slice(-n)).map(fmt.aggTrade);
      },
    },
    {
      method: 'GET',
      path: '/api/v3/ticker/bookTicker',
      signed: false,
      weight: perSymbol(2, 4),
      handle: (ctx) => {
        const m = optionalMarket(ctx.params);
        return m ? fmt.bookTicker(m, v.feed.book(m.index)) : v.feed.markets.map((x) => fmt.bookTicker(x, v.feed.book(x.index)));
      },
    },
    {
      method: 'GET',
      path: '/api/v3/ticker/price',
      signed: false,
      weight: perSymbol(2, 4),
      handle: (ctx) => {
        const price = (m: VenueMarket) => ({ symbol: m.id, price: fmt.dec(v.feed.recentTrades(m.index, 1)[0]?.price ?? 0) });
        const m = optionalMarket(ctx.params);
        return m ? price(m) : v.feed.markets.map(price);
      },
    },
    {
      method: 'GET',
      path: '/api/v3/ticker/24hr',
      signed: false,
      weight: perSymbol(2, 80),
      handle: (ctx) => {
        const t = (m: VenueMarket) => fmt.ticker24h(m, v.feed.book(m.index), v.feed.recentTrades(m.index, 100_000), ctx.nowMs);
        const m = optionalMarket(ctx.params);
        return m ? t(m) : v.feed.markets.map(t);
      },
    },

    // ---------------------------------------------------------------- SIGNED
    {
      method: 'POST',
      path: '/api/v3/order',
      signed: true,
      weight: one(1),
      handle: (ctx) => {
        const p = ctx.params;
        const m = market(p);
        const side = p.enum('side', SIDES, binanceErrors.invalidSide);
        const type = p.enum('type', TYPES, binanceErrors.invalidOrderType);
        const respType = p.optionalEnum('newOrderRespType', RESP_TYPES, () => new BinanceError(400, -1136, 'Invalid newOrderRespType.')) ?? 'FULL';
        const clientOrderId = p.optionalClientId('newClientOrderId') ?? `venue${Math.random().toString(36).slice(2, 12)}${ctx.nowMs.toString(36)}`;
        const order = orderRequest(p, m, type, v);
        const placed = v.matcher.place({ account: account(ctx), market: m, side, type, clientOrderId, ...order });
        return fmt.orderAck(placed, respType);
      },
    },
    {
      method: 'DELETE',
      path: '/api/v3/order',
      signed: true,
      weight: one(1),
      handle: (ctx) => {
        const o = findOrder(ctx, binanceErrors.unknownOrderCancel);
        const cancelId = ctx.params.optionalClientId('newClientOrderId') ?? `cancel${o.orderId}`;
        return fmt.cancelAck(v.matcher.cancel(o), cancelId, ctx.nowMs);
      },
    },
    {
      method: 'GET',
      path: '/api/v3/order',
      signed: true,
      weight: one(4),
      handle: (ctx) => fmt.orderStatus(findOrder(ctx, binanceErrors.noSuchOrder)),
    },
    {
      method: 'GET',
      path: '/api/v3/openOrders',
      signed: true,
      weight: perSymbol(6, 80),
      handle: (ctx) => v.matcher.openOrders(account(ctx), optionalMarket(ctx.params)).map(fmt.orderStatus),
    },
    {
      method: 'DELETE',
      path: '/api/v3/openOrders',
      signed: true,
      weight: one(1),
      handle: (ctx) => {
        const m = market(ctx.params);
        const open = v.matcher.openOrders(account(ctx), m);
        // Binance answers "Unknown order sent." when there is nothing to cancel.
        if (open.length === 0) throw binanceErrors.unknownOrderCancel();
        return open.map((o) => fmt.cancelAck(v.matcher.cancel(o), `cancel${o.orderId}`, ctx.nowMs));
      },
    },
    {
      method: 'GET',
      path: '/api/v3/allOrders',
      signed: true,
      weight: one(20),
      handle: (ctx) => {
        const p = ctx.params;
        const m = market(p);
        const fromId = p.optionalInt('orderId', { min: 0 });
        const start = p.optionalInt('startTime', { min: 0 });
        const end = p.optionalInt('endTime', { min: 0 });
        let orders = v.matcher.allOrders(account(ctx), m);
        if (fromId !== undefined) orders = orders.filter((o) => o.orderId >= fromId);
        if (start !== undefined) orders = orders.filter((o) => o.timeMs >= start);
        if (end !== undefined) orders = orders.filter((o) => o.timeMs <= end);
        const n = limit(p, 500, 1000);
        return (fromId !== undefined || start !== undefined ? orders.slice(0, n) : orders.slice(-n)).map(fmt.orderStatus);
      },
    },
    {
      method: 'GET',
      path: '/api/v3/account',
      signed: true,
      weight: one(20),
      handle: (ctx) => fmt.account(account(ctx), ctx.nowMs, ctx.params.optionalEnum('omitZeroBalances', ['true', 'false'], () => binanceErrors.illegalChars('omitZeroBalances', 'true|false')) === 'true'),
    },
    {
      method: 'GET',
      path: '/api/v3/myTrades',
      signed: true,
      weight: one(20),
      handle: (ctx) => {
        const p = ctx.params;
        const m = market(p);
        const a = account(ctx);
        const orderId = p.optionalInt('orderId', { min: 0 });
        const fromId = p.optionalInt('fromId', { min: 0 });
        const start = p.optionalInt('startTime', { min: 0 });
        const end = p.optionalInt('endTime', { min: 0 });
        const rows: unknown[] = [];
        for (const f of v.matcher.fills(a)) {
          const o = v.matcher.order(f.orderId);
          if (!o || o.market !== m) continue;
          if (orderId !== undefined && f.orderId !== orderId) continue;
          if (fromId !== undefined && f.tradeId < fromId) continue;
          if (start !== undefined && f.timeMs < start) continue;
          if (end !== undefined && f.timeMs > end) continue;
          rows.push(fmt.myTrade(f, o));
        }
        const n = limit(p, 500, 1000);
        return fromId !== undefined || start !== undefined ? rows.slice(0, n) : rows.slice(-n);
      },
    },
  ];
}

/** Price, quantities and time in force of a new order, checked against the market's filters. */
function orderRequest(p: Params, m: VenueMarket, type: OrderType, v: VenueState): { timeInForce: TimeInForce; price?: number; quantity?: number; quoteOrderQty?: number } {
  if (type === 'MARKET') {
    if (p.has('price')) throw binanceErrors.notRequired('price');
    if (p.has('timeInForce')) throw binanceErrors.notRequired('timeInForce');
    const quantity = p.optionalDecimal('quantity');
    const quoteOrderQty = p.optionalDecimal('quoteOrderQty');
    if (quantity === undefined && quoteOrderQty === undefined) throw binanceErrors.mandatory('quantity');
    if (quantity !== undefined && quoteOrderQty !== undefined) throw binanceErrors.notRequired('quoteOrderQty');
    if (quantity !== undefined) {
      checkLot(quantity, m);
      const book = v.feed.book(m.index);
      const ref = Number.isNaN(book.bestAsk()) ? book.bestBid() : book.bestAsk();
      if (!Number.isNaN(ref) && quantity * ref * m.tickSize < m.minNotional) throw binanceErrors.filterFailure('NOTIONAL');
      return { timeInForce: 'GTC', quantity };
    }
    if ((quoteOrderQty ?? 0) < m.minNotional || !((quoteOrderQty ?? 0) > 0)) throw binanceErrors.filterFailure('NOTIONAL');
    return { timeInForce: 'GTC', quoteOrderQty };
  }
  if (p.has('quoteOrderQty')) throw binanceErrors.notRequired('quoteOrderQty');
  const price = p.decimal('price');
  const quantity = p.decimal('quantity');
  let timeInForce: TimeInForce = 'GTC';
  if (type === 'LIMIT') timeInForce = p.enum('timeInForce', TIFS, binanceErrors.invalidTimeInForce);
  else if (p.has('timeInForce')) throw binanceErrors.notRequired('timeInForce');
  const ticks = price / m.tickSize;
  if (!(price >= m.tickSize) || Math.abs(ticks - Math.round(ticks)) > 1e-6) throw binanceErrors.filterFailure('PRICE_FILTER');
  checkLot(quantity, m);
  if (price * quantity < m.minNotional) throw binanceErrors.filterFailure('NOTIONAL');
  return { timeInForce, price, quantity };
}

function checkLot(quantity: number, m: VenueMarket): void {
  const lots = quantity / m.lotSize;
  if (quantity < m.minQty - 1e-12 || !(quantity > 0) || Math.abs(lots - Math.round(lots)) > 1e-6) throw binanceErrors.filterFailure('LOT_SIZE');
}

/** `symbols=["BTCUSDT","ETHUSDT"]` or `symbol=BTCUSDT`, as exchangeInfo takes them. */
function symbolList(p: Params): string[] | undefined {
  const one = p.optionalString('symbol');
  if (one !== undefined) return [one];
  const many = p.optionalString('symbols');
  if (many === undefined) return undefined;
  try {
    const list: unknown = JSON.parse(many);
    if (Array.isArray(list) && list.every((s) => typeof s === 'string')) return list as string[];
  } catch {
    // fall through to the error below
  }
  throw binanceErrors.illegalChars('symbols', '["SYMBOL",...]');
}

function throwError(e: BinanceError): never {
  throw e;
}

