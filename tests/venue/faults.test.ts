// Fault injection through the control endpoint and the FaultControl object, as ccxt sees it.
import ccxt from 'ccxt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FaultControl, parseFaultFlag, type FaultSpec } from '../../venue/faults.js';
import type { VenueServer } from '../../venue/server.js';
import { client, startVenue } from './helpers.js';

describe('venue faults', () => {
  let venue: VenueServer;
  let ex: InstanceType<typeof ccxt.binance>;
  beforeAll(async () => {
    venue = await startVenue({ seed: 11 });
    ex = client(venue);
    await ex.loadMarkets();
  });
  afterEach(() => {
    venue.faults.clear();
  });
  afterAll(async () => {
    await venue.close();
  });

  async function inject(spec: FaultSpec | FaultSpec[]): Promise<Response> {
    return fetch(`${venue.url}/_quoin/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spec) });
  }

  async function farBid(): Promise<number> {
    const bid = (await ex.fetchOrderBook('BTC/USDT', 5)).bids[0]?.[0] ?? 0;
    return Number(ex.priceToPrecision('BTC/USDT', bid * 0.98));
  }

  it('control endpoint: add, list, remove; bad specs are 400 naming the field', async () => {
    const res = await inject({ kind: 'latency', ms: 5, path: '/api/v3/time' });
    expect(res.status).toBe(200);
    const { added } = (await res.json()) as { added: Array<{ id: number }> };
    const list = (await (await fetch(`${venue.url}/_quoin/faults`)).json()) as { faults: unknown[] };
    expect(list.faults).toHaveLength(1);
    expect((await fetch(`${venue.url}/_quoin/faults/${added[0]?.id}`, { method: 'DELETE' })).status).toBe(200);
    expect(venue.faults.list()).toHaveLength(0);
    const bad = await inject({ kind: 'latency' } as FaultSpec);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/ms/);
    const unknownField = await inject({ kind: 'drop', when: 'later' } as unknown as FaultSpec);
    expect(((await unknownField.json()) as { error: string }).error).toMatch(/"when"/);
    const notJson = await fetch(`${venue.url}/_quoin/faults`, { method: 'POST', body: 'drop!' });
    expect(notJson.status).toBe(400);
    expect(venue.faults.list()).toHaveLength(0);
  });

  it('latency: a constant delay on the scoped endpoint only', async () => {
    await inject({ kind: 'latency', ms: 300, path: '/api/v3/time' });
    let t0 = performance.now();
    await ex.fetchTime();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
    t0 = performance.now();
    await ex.publicGetPing();
    expect(performance.now() - t0).toBeLessThan(250);
  });

  it('rate_limit: the next N requests get 429 -1003 with Retry-After → ccxt DDoSProtection (RateLimitExceeded’s parent)', async () => {
    await inject({ kind: 'rate_limit', count: 2, retryAfterSec: 3 });
    const raw = await fetch(`${venue.url}/api/v3/ping`);
    expect(raw.status).toBe(429);
    expect(raw.headers.get('retry-after')).toBe('3');
    expect(((await raw.json()) as { code: number }).code).toBe(-1003);
    // ccxt 4.5.84's binance.handleErrors throws DDoSProtection for any 418/429 before it reads the body.
    await expect(ex.fetchOrderBook('BTC/USDT')).rejects.toBeInstanceOf(ccxt.DDoSProtection);
    await expect(ex.fetchOrderBook('BTC/USDT')).resolves.toBeDefined(); // the burst is over
  });

  it.each([500, 502, 503])('server_error %i → ExchangeNotAvailable (a NetworkError)', async (status) => {
    await inject({ kind: 'server_error', status, count: 1 });
    const err = await ex.fetchOrderBook('BTC/USDT').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ccxt.ExchangeNotAvailable);
    expect(err).toBeInstanceOf(ccxt.NetworkError);
  });

  it('timeout: the request is never answered → RequestTimeout with a short ccxt timeout', async () => {
    const quick = client(venue, { timeout: 400 });
    await quick.loadMarkets();
    venue.faults.add({ kind: 'timeout', path: '/api/v3/depth', count: 1 });
    const t0 = performance.now();
    await expect(quick.fetchOrderBook('BTC/USDT')).rejects.toBeInstanceOf(ccxt.RequestTimeout);
    expect(performance.now() - t0).toBeLessThan(3000);
    await expect(quick.fetchOrderBook('BTC/USDT')).resolves.toBeDefined();
  });

  it('drop: the connection is reset before anything happens → NetworkError, no order', async () => {
    venue.faults.add({ kind: 'drop', method: 'POST', path: '/api/v3/order', count: 1 });
    const price = await farBid();
    const err = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, price, { clientOrderId: 'dropped-1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ccxt.NetworkError);
    await expect(ex.fetchOrder('', 'BTC/USDT', { clientOrderId: 'dropped-1' })).rejects.toBeInstanceOf(ccxt.OrderNotFound);
  });

  it('drop_after: the cancel takes effect but the client sees a reset connection', async () => {
    const price = await farBid();
    const placed = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, price, { clientOrderId: 'drop-after-1' });
    venue.faults.add({ kind: 'drop_after', method: 'DELETE', path: '/api/v3/order', count: 1 });
    const err = await ex.cancelOrder(placed.id ?? '', 'BTC/USDT').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ccxt.NetworkError);
    const after = await ex.fetchOrder('', 'BTC/USDT', { clientOrderId: 'drop-after-1' });
    expect(after.status).toBe('canceled');
  });

  it('reject_orders: the next N new orders are refused with -2010 → InvalidOrder', async () => {
    await inject({ kind: 'reject_orders', count: 2 });
    const price = await farBid();
    await expect(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, price)).rejects.toBeInstanceOf(ccxt.InvalidOrder);
    await expect(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, price)).rejects.toBeInstanceOf(ccxt.InvalidOrder);
    const ok = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, price);
    expect(ok.status).toBe('open');
    await ex.cancelOrder(ok.id ?? '', 'BTC/USDT');
  });

  it('partial_fill: the next order that fills gets only the fraction; fetchOrder shows it', async () => {
    await inject({ kind: 'partial_fill', fraction: 0.4, count: 1 });
    const ask = (await ex.fetchOrderBook('BTC/USDT', 5)).asks[0]?.[0] ?? 0;
    const order = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, ask + 20, { timeInForce: 'IOC' });
    const seen = await ex.fetchOrder(order.id ?? '', 'BTC/USDT');
    expect(seen.filled).toBeCloseTo(0.004, 8);
    expect(seen.remaining).toBeCloseTo(0.006, 8);
    expect(seen.status).toBe('expired');
    const trades = (await ex.fetchMyTrades('BTC/USDT')).filter((t) => t.order === order.id);
    expect(trades.reduce((s, t) => s + (t.amount ?? 0), 0)).toBeCloseTo(0.004, 8);
    // GTC: the rest of a partially filled order stays working.
    await inject({ kind: 'partial_fill', fraction: 0.5, count: 1 });
    const ask2 = (await ex.fetchOrderBook('BTC/USDT', 5)).asks[0]?.[0] ?? 0;
    const gtc = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.002, ask2, {});
    expect(['open', 'closed']).toContain(gtc.status);
    expect(gtc.filled).toBeGreaterThanOrEqual(0.001 - 1e-12);
  });

  it('request weight: 429 -1003 with Retry-After and X-MBX-USED-WEIGHT-1M once over the limit', async () => {
    // A frozen clock in the middle of a minute: the fixed window cannot roll over mid-test.
    const now = Math.floor(Date.now() / 60_000) * 60_000 + 30_000;
    const tight = await startVenue({ seed: 2, weightPerMinute: 30, clock: () => now });
    try {
      const first = await fetch(`${tight.url}/api/v3/exchangeInfo`);
      expect(first.headers.get('x-mbx-used-weight-1m')).toBe('20');
      const second = await fetch(`${tight.url}/api/v3/depth?symbol=BTCUSDT`);
      expect(second.status).toBe(200);
      expect(second.headers.get('x-mbx-used-weight-1m')).toBe('25');
      await fetch(`${tight.url}/api/v3/depth?symbol=BTCUSDT`); // 30: at the limit, still allowed
      const over = await fetch(`${tight.url}/api/v3/depth?symbol=BTCUSDT`);
      expect(over.status).toBe(429);
      expect(over.headers.get('retry-after')).toBe('30');
      expect(over.headers.get('x-mbx-used-weight-1m')).toBe('35');
      expect(((await over.json()) as { code: number; msg: string }).code).toBe(-1003);
      // Per API key: another key has its own budget.
      const other = await fetch(`${tight.url}/api/v3/ping`, { headers: { 'X-MBX-APIKEY': 'someoneelse' } });
      expect(other.status).toBe(200);
      expect(other.headers.get('x-mbx-used-weight-1m')).toBe('1');
      const tc = client(tight, { enableRateLimit: false });
      await expect(tc.loadMarkets()).rejects.toBeInstanceOf(ccxt.DDoSProtection);
    } finally {
      await tight.close();
    }
  });

  it('faults at start, scoping by method and path, rates, and the --fault syntax', () => {
    expect(parseFaultFlag('latency:ms=200')).toEqual({ kind: 'latency', ms: 200 });
    expect(parseFaultFlag('503:rate=0.1,path=/api/v3/order')).toEqual({ kind: 'server_error', status: 503, rate: 0.1, path: '/api/v3/order' });
    expect(parseFaultFlag('drop-after:method=delete,path=/api/v3/order,count=1')).toEqual({ kind: 'drop_after', method: 'DELETE', path: '/api/v3/order', count: 1 });
    expect(parseFaultFlag('429:count=5')).toEqual({ kind: 'rate_limit', count: 5, retryAfterSec: 1 });
    expect(() => parseFaultFlag('explode')).toThrow(/kind must be one of/);
    expect(() => parseFaultFlag('partial_fill:fraction=2')).toThrow(/fraction/);
    const f = new FaultControl([{ kind: 'drop', method: 'DELETE', count: 2 }], 1);
    expect(f.requestFault('GET', '/api/v3/order')).toBeUndefined();
    expect(f.requestFault('DELETE', '/api/v3/order')).toEqual({ kind: 'drop' });
    expect(f.requestFault('DELETE', '/api/v3/openOrders')).toEqual({ kind: 'drop' });
    expect(f.requestFault('DELETE', '/api/v3/order')).toBeUndefined();
    const sometimes = new FaultControl([{ kind: 'server_error', rate: 0.25 }], 42);
    let hits = 0;
    for (let i = 0; i < 4000; i++) if (sometimes.requestFault('GET', '/api/v3/depth')) hits++;
    expect(hits / 4000).toBeGreaterThan(0.2);
    expect(hits / 4000).toBeLessThan(0.3);
  });

  it('closes cleanly while a request is held by a timeout fault', async () => {
    const v = await startVenue({ seed: 6, faults: [{ kind: 'timeout', path: '/api/v3/ping' }] });
    const pending = fetch(`${v.url}/api/v3/ping`).then(
      () => 'answered',
      () => 'reset',
    );
    await new Promise((r) => setTimeout(r, 100));
    const t0 = performance.now();
    await v.close();
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(await pending).toBe('reset');
    await v.close(); // idempotent
  });

  it('faults given at start are active from the first request', async () => {
    const faulty = await startVenue({ seed: 4, faults: [parseFaultFlag('502:count=1,path=/api/v3/exchangeInfo')] });
    try {
      const c = client(faulty);
      await expect(c.loadMarkets()).rejects.toBeInstanceOf(ccxt.ExchangeNotAvailable);
      await expect(c.loadMarkets(true)).resolves.toBeDefined();
    } finally {
      await faulty.close();
    }
  });
});
