// Binance's error codes as the venue answers them, and the ccxt error class each becomes.
import ccxt from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VenueServer } from '../../venue/server.js';
import { hmacHex } from '../../venue/signing.js';
import { client, startVenue } from './helpers.js';

describe('venue errors → ccxt error classes', () => {
  let venue: VenueServer;
  let ex: InstanceType<typeof ccxt.binance>;
  let bid = 0;
  beforeAll(async () => {
    venue = await startVenue({ seed: 5, balances: { USDT: 1000, BTC: 0.01 } });
    ex = client(venue);
    await ex.loadMarkets();
    bid = (await ex.fetchOrderBook('BTC/USDT', 5)).bids[0]?.[0] ?? 0;
  });
  afterAll(async () => {
    await venue.close();
  });

  /** A raw venue call: the status, Binance's {code, msg} and the headers. */
  async function raw(method: string, path: string, query = '', init: RequestInit = {}): Promise<{ status: number; body: { code?: number; msg?: string }; headers: Headers }> {
    const res = await fetch(`${venue.url}${path}${query ? `?${query}` : ''}`, { method, ...init });
    const text = await res.text();
    let body: { code?: number; msg?: string } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      body = { msg: text };
    }
    return { status: res.status, body, headers: res.headers };
  }

  function signed(params: string, secret = venue.secret): string {
    return `${params}&signature=${hmacHex(params, secret)}`;
  }

  it('-1022 wrong secret → AuthenticationError', async () => {
    const bad = client(venue, { secret: 'not-the-secret' });
    await expect(bad.fetchBalance()).rejects.toBeInstanceOf(ccxt.AuthenticationError);
    const r = await raw('GET', '/api/v3/account', signed(`timestamp=${Date.now()}`, 'nope'), { headers: { 'X-MBX-APIKEY': venue.apiKey } });
    expect(r).toMatchObject({ status: 400, body: { code: -1022 } });
  });

  it('-2015 unknown API key and -2014 malformed key → AuthenticationError', async () => {
    const bad = client(venue, { apiKey: 'unknownkey123' });
    await expect(bad.fetchBalance()).rejects.toBeInstanceOf(ccxt.AuthenticationError);
    const r = await raw('GET', '/api/v3/account', signed(`timestamp=${Date.now()}`), { headers: { 'X-MBX-APIKEY': 'unknownkey123' } });
    expect(r).toMatchObject({ status: 401, body: { code: -2015 } });
    const missing = await raw('GET', '/api/v3/account', signed(`timestamp=${Date.now()}`));
    expect(missing).toMatchObject({ status: 401, body: { code: -2014 } });
  });

  it('-1021 timestamp outside recvWindow → InvalidNonce', async () => {
    // ccxt's nonce is milliseconds() - options.timeDifference: 10 s behind the venue's clock.
    const stale = client(venue, { options: { timeDifference: 10_000 } });
    await expect(stale.fetchBalance()).rejects.toBeInstanceOf(ccxt.InvalidNonce);
    const ahead = await raw('GET', '/api/v3/account', signed(`timestamp=${Date.now() + 5000}`), { headers: { 'X-MBX-APIKEY': venue.apiKey } });
    expect(ahead.body.code).toBe(-1021);
    // A wider recvWindow accepts the same lag.
    const wide = await raw('GET', '/api/v3/account', signed(`timestamp=${Date.now() - 10_000}&recvWindow=20000`), { headers: { 'X-MBX-APIKEY': venue.apiKey } });
    expect(wide.status).toBe(200);
  });

  it('-2010 insufficient balance → InsufficientFunds', async () => {
    await expect(ex.createOrder('BTC/USDT', 'limit', 'buy', 1, Number(ex.priceToPrecision('BTC/USDT', bid * 0.9)))).rejects.toBeInstanceOf(ccxt.InsufficientFunds);
    await expect(ex.createOrder('BTC/USDT', 'market', 'sell', 0.5)).rejects.toBeInstanceOf(ccxt.InsufficientFunds);
  });

  it('-2010 post-only that would take → OrderImmediatelyFillable (an InvalidOrder)', async () => {
    const err = await ex.createOrder('BTC/USDT', 'limit', 'sell', 0.001, Number(ex.priceToPrecision('BTC/USDT', bid * 0.99)), { postOnly: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ccxt.OrderImmediatelyFillable);
    expect(err).toBeInstanceOf(ccxt.InvalidOrder);
  });

  it('-1013 filter failures: PRICE_FILTER and LOT_SIZE → InvalidOrder, NOTIONAL → BadRequest (as ccxt maps -1013)', async () => {
    const h = { headers: { 'X-MBX-APIKEY': venue.apiKey } };
    const base = `symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&timestamp=${Date.now()}`;
    const price = (bid * 0.9).toFixed(2);
    const offTick = await raw('POST', '/api/v3/order', signed(`${base}&quantity=0.001&price=${price}5`), h);
    expect(offTick.body).toEqual({ code: -1013, msg: 'Filter failure: PRICE_FILTER' });
    const offLot = await raw('POST', '/api/v3/order', signed(`${base}&quantity=0.0010001&price=${price}`), h);
    expect(offLot.body).toEqual({ code: -1013, msg: 'Filter failure: LOT_SIZE' });
    const small = await raw('POST', '/api/v3/order', signed(`${base}&quantity=0.00001&price=${price}`), h);
    expect(small.body).toEqual({ code: -1013, msg: 'Filter failure: NOTIONAL' });
    // Through ccxt (which rounds amounts itself, so the request reaches the venue only for notional).
    await expect(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.00001, Number(price))).rejects.toBeInstanceOf(ccxt.BadRequest);
    await expect(ex.privatePostOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.001', price: `${price}5` })).rejects.toBeInstanceOf(ccxt.InvalidOrder);
    await expect(ex.privatePostOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.0010001', price })).rejects.toBeInstanceOf(ccxt.InvalidOrder);
  });

  it('-2011 cancel of an unknown order and -2013 fetch of one → OrderNotFound', async () => {
    await expect(ex.cancelOrder('123', 'BTC/USDT')).rejects.toBeInstanceOf(ccxt.OrderNotFound);
    await expect(ex.fetchOrder('123', 'BTC/USDT')).rejects.toBeInstanceOf(ccxt.OrderNotFound);
    await expect(ex.cancelOrder('', 'BTC/USDT', { clientOrderId: 'never-sent' })).rejects.toBeInstanceOf(ccxt.OrderNotFound);
    const r = await raw('GET', '/api/v3/order', signed(`symbol=BTCUSDT&orderId=99&timestamp=${Date.now()}`), { headers: { 'X-MBX-APIKEY': venue.apiKey } });
    expect(r).toMatchObject({ status: 400, body: { code: -2013, msg: 'Order does not exist.' } });
  });

  it('-1121 invalid symbol → BadSymbol', async () => {
    await expect(ex.publicGetDepth({ symbol: 'NOPEUSDT' })).rejects.toBeInstanceOf(ccxt.BadSymbol);
    const r = await raw('GET', '/api/v3/depth', 'symbol=NOPEUSDT');
    expect(r).toMatchObject({ status: 400, body: { code: -1121, msg: 'Invalid symbol.' } });
  });

  it('malformed requests get -1102/-1100/-11xx naming the parameter, never a 500', async () => {
    const h = { headers: { 'X-MBX-APIKEY': venue.apiKey } };
    const t = () => `timestamp=${Date.now()}`;
    const cases: Array<[string, string, string, number, RegExp]> = [
      ['GET', '/api/v3/depth', '', -1102, /'symbol'/],
      ['GET', '/api/v3/depth', 'symbol=BTCUSDT&limit=abc', -1100, /'limit'/],
      ['GET', '/api/v3/depth', 'symbol=BTCUSDT&limit=0', -1100, /'limit'/],
      ['GET', '/api/v3/trades', 'symbol=BTCUSDT&limit=5000', -1100, /'limit'/],
      ['GET', '/api/v3/exchangeInfo', 'symbols=[oops', -1100, /'symbols'/],
      ['GET', '/api/v3/account', 'timestamp=yesterday&signature=00', -1100, /'timestamp'/],
      ['GET', '/api/v3/account', `recvWindow=5000&signature=${'0'.repeat(64)}`, -1102, /'timestamp'/],
      ['GET', '/api/v3/account', t(), -1102, /'signature'/],
      ['POST', '/api/v3/order', signed(`symbol=BTCUSDT&type=LIMIT&${t()}`), -1102, /'side'/],
      ['POST', '/api/v3/order', signed(`symbol=BTCUSDT&side=UP&type=LIMIT&${t()}`), -1117, /side/i],
      ['POST', '/api/v3/order', signed(`symbol=BTCUSDT&side=BUY&type=STOP&${t()}`), -1116, /orderType/],
      ['POST', '/api/v3/order', signed(`symbol=BTCUSDT&side=BUY&type=LIMIT&price=1&quantity=1&${t()}`), -1102, /'timeInForce'/],
      ['POST', '/api/v3/order', signed(`symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=DAY&price=1&quantity=1&${t()}`), -1115, /timeInForce/],
      ['POST', '/api/v3/order', signed(`symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&price=1e5&quantity=1&${t()}`), -1100, /'price'/],
      ['POST', '/api/v3/order', signed(`symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&price=100&${t()}`), -1102, /'quantity'/],
      ['POST', '/api/v3/order', signed(`symbol=BTCUSDT&side=BUY&type=MARKET&price=100&quantity=1&${t()}`), -1106, /'price'/],
      ['POST', '/api/v3/order', signed(`symbol=BTCUSDT&side=BUY&type=MARKET&${t()}`), -1102, /'quantity'/],
      ['POST', '/api/v3/order', signed(`symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.001&newClientOrderId=${'x'.repeat(40)}&${t()}`), -1100, /'newClientOrderId'/],
      ['DELETE', '/api/v3/order', signed(`symbol=BTCUSDT&${t()}`), -1102, /'origClientOrderId' or 'orderId'/],
      ['GET', '/api/v3/account', signed(`${t()}&recvWindow=90000`), -1131, /recvWindow/],
    ];
    for (const [method, path, query, code, msg] of cases) {
      const r = await raw(method, path, query, path.startsWith('/api/v3/order') || path === '/api/v3/account' ? h : {});
      expect(r.status, `${method} ${path}?${query}`).toBe(400);
      expect(r.body.code, `${method} ${path}?${query}: ${r.body.msg}`).toBe(code);
      expect(r.body.msg).toMatch(msg);
    }
    // A body in another content type, or garbage, is still a 400 with a code.
    const junk = await raw('POST', '/api/v3/order', '', { method: 'POST', headers: { 'X-MBX-APIKEY': venue.apiKey, 'content-type': 'application/json' }, body: '{"symbol":' });
    expect(junk.status).toBe(400);
    expect(junk.body.code).toBeLessThan(0);
    const unknown = await raw('GET', '/api/v3/nothing');
    expect(unknown.status).toBe(404);
  });
});
