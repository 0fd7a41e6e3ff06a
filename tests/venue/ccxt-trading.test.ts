// ccxt's unmodified binance class against the loopback venue (simulated BTC/USDT market, so the
// suite runs without ../shared/data): markets, public data, the order life cycle, fills, balances.
import ccxt from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loopbackBinanceOptions } from '../../venue/ccxt-options.js';
import type { VenueServer } from '../../venue/server.js';
import { client, startVenue } from './helpers.js';

describe('ccxt binance against the venue (simulated market)', () => {
  let venue: VenueServer;
  let ex: InstanceType<typeof ccxt.binance>;
  beforeAll(async () => {
    venue = await startVenue({ seed: 3 });
    ex = client(venue);
    await ex.loadMarkets();
  });
  afterAll(async () => {
    await venue.close();
  });

  it('loopbackBinanceOptions points every ccxt binance API at the venue', () => {
    const defaults = new ccxt.binance().urls as { api: Record<string, string> };
    const api = (ex.urls as { api: Record<string, string> }).api;
    for (const name of Object.keys(defaults.api)) expect(api[name], name).toMatch(new RegExp(`^${venue.url}/`));
    // ccxt.pro's binance reads urls.api.ws: every stream URL, nested ones too, points at the venue.
    const wsDefaults = (new ccxt.pro.binance().urls as unknown as { api: { ws: Record<string, unknown> } }).api.ws;
    const ws = (new ccxt.pro.binance(loopbackBinanceOptions(venue.url, venue.apiKey, venue.secret)).urls as unknown as { api: { ws: Record<string, unknown> } }).api.ws;
    const wsBase = venue.url.replace(/^http/, 'ws');
    const leaves = (o: Record<string, unknown>, prefix = ''): Array<[string, unknown]> =>
      Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' && v !== null ? leaves(v as Record<string, unknown>, `${prefix}${k}.`) : [[`${prefix}${k}`, v] as [string, unknown]]));
    const wsUrls = new Map(leaves(ws));
    expect(leaves(wsDefaults).length).toBeGreaterThan(5);
    for (const [name] of leaves(wsDefaults)) expect(wsUrls.get(name), name).toMatch(new RegExp(`^${wsBase}/`));
    expect(wsUrls.get('spot')).toBe(`${wsBase}/ws`);
  });

  it('loads only the spot market, with Binance precision and limits', () => {
    expect(Object.keys(ex.markets ?? {})).toEqual(['BTC/USDT']);
    const m = ex.market('BTC/USDT');
    expect(m.spot).toBe(true);
    expect(m.id).toBe('BTCUSDT');
    expect(m.precision.price).toBe(0.01);
    expect(m.precision.amount).toBe(0.00001);
    expect(m.limits.amount?.min).toBe(0.00001);
    expect(m.limits.cost?.min).toBe(5);
    expect(m.maker).toBe(0.001);
  });

  it('fetches time, the order book, trades and tickers', async () => {
    const time = await ex.fetchTime();
    expect(Math.abs((time ?? 0) - Date.now())).toBeLessThan(2000);
    const ob = await ex.fetchOrderBook('BTC/USDT', 10);
    expect(ob.bids.length).toBeGreaterThan(0);
    expect(ob.asks.length).toBeGreaterThan(0);
    const [bid] = ob.bids[0] ?? [];
    const [ask] = ob.asks[0] ?? [];
    expect(bid).toBeLessThan(ask ?? 0);
    expect(ob.bids.length).toBeLessThanOrEqual(10);
    const trades = await ex.fetchTrades('BTC/USDT', undefined, 20);
    expect(trades.length).toBeGreaterThan(0);
    for (const t of trades) {
      expect(t.price).toBeGreaterThan(0);
      expect(['buy', 'sell']).toContain(t.side);
    }
    const ticker = await ex.fetchTicker('BTC/USDT');
    expect(ticker.bid).toBeGreaterThan(0);
    const bidsAsks = await ex.fetchBidsAsks(['BTC/USDT']);
    expect(bidsAsks['BTC/USDT']?.ask).toBeGreaterThan(0);
  });

  it('places a post-only order, finds it by client id, cancels it', async () => {
    const ob = await ex.fetchOrderBook('BTC/USDT', 5);
    const bid = ob.bids[0]?.[0] ?? 0;
    const price = Number(ex.priceToPrecision('BTC/USDT', bid * 0.99));
    const usdtBefore = (await ex.fetchBalance()).USDT;
    const placed = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, price, { postOnly: true, clientOrderId: 'quoin-po-1' });
    expect(placed.status).toBe('open');
    expect(placed.clientOrderId).toBe('quoin-po-1');
    expect(placed.postOnly).toBe(true);
    const open = await ex.fetchOpenOrders('BTC/USDT');
    expect(open.map((o) => o.id)).toContain(placed.id);
    const byClient = await ex.fetchOrder('', 'BTC/USDT', { clientOrderId: 'quoin-po-1' });
    expect(byClient.id).toBe(placed.id);
    expect(byClient.price).toBe(price);
    expect(byClient.amount).toBe(0.01);
    // The order locks price × qty plus the fee at the highest rate.
    const usdtOpen = (await ex.fetchBalance()).USDT;
    expect(usdtOpen?.used).toBeCloseTo(price * 0.01 * 1.001, 6);
    expect((usdtOpen?.free ?? 0) + (usdtOpen?.used ?? 0)).toBeCloseTo(usdtBefore?.total ?? 0, 6);
    const cancelled = await ex.cancelOrder(placed.id ?? '', 'BTC/USDT');
    expect(cancelled.status).toBe('canceled');
    const after = await ex.fetchOrder(placed.id ?? '', 'BTC/USDT');
    expect(after.status).toBe('canceled');
    expect(await ex.fetchOpenOrders('BTC/USDT')).toHaveLength(0);
    const usdtAfter = (await ex.fetchBalance()).USDT;
    expect(usdtAfter?.used).toBe(0);
    expect(usdtAfter?.free).toBeCloseTo(usdtBefore?.free ?? 0, 6);
  });

  it('rejects a post-only order that would take (OrderImmediatelyFillable)', async () => {
    const ob = await ex.fetchOrderBook('BTC/USDT', 5);
    const ask = ob.asks[0]?.[0] ?? 0;
    await expect(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, ask + 50, { postOnly: true })).rejects.toBeInstanceOf(ccxt.OrderImmediatelyFillable);
  });

  it('fills a marketable order, reports the fills with fees, and moves balances consistently', async () => {
    const before = await ex.fetchBalance();
    const order = await ex.createOrder('BTC/USDT', 'market', 'buy', 0.05);
    expect(order.status).toBe('closed');
    expect(order.filled).toBeCloseTo(0.05, 8);
    const trades = await ex.fetchMyTrades('BTC/USDT');
    const mine = trades.filter((t) => t.order === order.id);
    expect(mine.length).toBeGreaterThan(0);
    let qty = 0;
    let cost = 0;
    let fee = 0;
    for (const t of mine) {
      expect(t.takerOrMaker).toBe('taker');
      expect(t.fee?.currency).toBe('USDT');
      expect(t.fee?.cost).toBeCloseTo((t.cost ?? 0) * 0.001, 6);
      qty += t.amount ?? 0;
      cost += t.cost ?? 0;
      fee += t.fee?.cost ?? 0;
    }
    expect(qty).toBeCloseTo(0.05, 8);
    const after = await ex.fetchBalance();
    // Σ quote spent = Σ price × qty + Σ fee; base received = qty.
    expect((before.USDT?.total ?? 0) - (after.USDT?.total ?? 0)).toBeCloseTo(cost + fee, 6);
    expect((after.BTC?.total ?? 0) - (before.BTC?.total ?? 0)).toBeCloseTo(0.05, 8);

    // And back: a marketable limit sell, IOC, credits price × qty − fee.
    const ob = await ex.fetchOrderBook('BTC/USDT', 5);
    const bid = ob.bids[0]?.[0] ?? 0;
    const sell = await ex.createOrder('BTC/USDT', 'limit', 'sell', 0.01, bid - 100, { timeInForce: 'IOC' });
    expect(sell.filled).toBeCloseTo(0.01, 8);
    const sellTrades = (await ex.fetchMyTrades('BTC/USDT')).filter((t) => t.order === sell.id);
    const proceeds = sellTrades.reduce((s, t) => s + (t.cost ?? 0) - (t.fee?.cost ?? 0), 0);
    const end = await ex.fetchBalance();
    expect((end.USDT?.total ?? 0) - (after.USDT?.total ?? 0)).toBeCloseTo(proceeds, 6);
    expect((after.BTC?.total ?? 0) - (end.BTC?.total ?? 0)).toBeCloseTo(0.01, 8);
  });

  it('cancels all open orders of a symbol', async () => {
    const ob = await ex.fetchOrderBook('BTC/USDT', 5);
    const bid = ob.bids[0]?.[0] ?? 0;
    await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, Number(ex.priceToPrecision('BTC/USDT', bid * 0.98)), { postOnly: true });
    await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, Number(ex.priceToPrecision('BTC/USDT', bid * 0.97)), { postOnly: true });
    expect(await ex.fetchOpenOrders('BTC/USDT')).toHaveLength(2);
    const cancelled = await ex.cancelAllOrders('BTC/USDT');
    expect(cancelled).toHaveLength(2);
    expect(await ex.fetchOpenOrders('BTC/USDT')).toHaveLength(0);
  });
});
