// Resting orders fill when the replayed market trades through them: on the real Binance spot
// recording when ../shared/data is present (skipped otherwise), and always on the simulated market.
import ccxt, { type Order } from 'ccxt';
import { describe, expect, it } from 'vitest';
import type { VenueServer, VenueServerOptions } from '../../venue/server.js';
import { client, hasSpotData, sleep, SPOT_DIR, startVenue } from './helpers.js';

type Binance = InstanceType<typeof ccxt.binance>;

/** Joins both touches with post-only orders and waits until the market fills one of them. */
async function restUntilFilled(ex: Binance, symbol: string, amount: number, waitMs: number): Promise<Order> {
  const buy = await joinTouch(ex, symbol, 'buy', amount);
  const sell = await joinTouch(ex, symbol, 'sell', amount);
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    await sleep(250);
    for (const o of [buy, sell]) {
      const seen = await ex.fetchOrder(o.id ?? '', symbol);
      if (seen.status === 'closed') return seen;
    }
  }
  throw new Error(`neither ${symbol} order filled within ${waitMs} ms`);
}

/** A post-only order at the touch; the book can move between reading it and the order arriving. */
async function joinTouch(ex: Binance, symbol: string, side: 'buy' | 'sell', amount: number): Promise<Order> {
  for (let attempt = 0; ; attempt++) {
    const ob = await ex.fetchOrderBook(symbol, 5);
    const price = (side === 'buy' ? ob.bids[0]?.[0] : ob.asks[0]?.[0]) ?? 0;
    try {
      return await ex.createOrder(symbol, 'limit', side, amount, price, { postOnly: true });
    } catch (err) {
      if (!(err instanceof ccxt.OrderImmediatelyFillable) || attempt >= 10) throw err;
    }
  }
}

async function checkMakerFill(venue: VenueServer, symbol: string, amount: number): Promise<void> {
  const ex = client(venue);
  await ex.loadMarkets();
  const before = await ex.fetchBalance();
  const filled = await restUntilFilled(ex, symbol, amount, 30_000);
  expect(filled.filled).toBeCloseTo(amount, 8);
  const trades = (await ex.fetchMyTrades(symbol)).filter((t) => t.order === filled.id);
  expect(trades.length).toBeGreaterThan(0);
  for (const t of trades) {
    expect(t.takerOrMaker).toBe('maker');
    expect(t.price).toBe(filled.price); // a maker fills at its own price
    expect(t.fee?.cost).toBeCloseTo((t.cost ?? 0) * 0.001, 6);
  }
  // The other order may fill too before it is cancelled: balances are checked against every fill.
  for (const o of await ex.fetchOpenOrders(symbol)) await ex.cancelOrder(o.id ?? '', symbol).catch(() => undefined);
  const all = await ex.fetchMyTrades(symbol);
  const [base, quote] = symbol.split('/') as [string, string];
  const after = await ex.fetchBalance();
  let baseDelta = 0;
  let quoteDelta = 0;
  for (const t of all) {
    const sign = t.side === 'buy' ? 1 : -1;
    baseDelta += sign * (t.amount ?? 0);
    quoteDelta += -sign * (t.cost ?? 0) - (t.fee?.cost ?? 0);
  }
  expect((after[base]?.total ?? 0) - (before[base]?.total ?? 0)).toBeCloseTo(baseDelta, 8);
  expect((after[quote]?.total ?? 0) - (before[quote]?.total ?? 0)).toBeCloseTo(quoteDelta, 6);
  expect(after[quote]?.used).toBe(0);
  expect(after[base]?.used).toBe(0);
}

async function withVenue(options: VenueServerOptions, body: (v: VenueServer) => Promise<void>): Promise<void> {
  const venue = await startVenue(options);
  try {
    await body(venue);
  } finally {
    await venue.close();
  }
}

describe.skipIf(!hasSpotData)(`on the recorded Binance spot data${hasSpotData ? '' : ' (skipped: ../shared/data/binance/spot not found)'}`, () => {
  it('serves both recorded markets and fills a resting BTC/USDT order when the recording trades through it', async () => {
    await withVenue({ data: SPOT_DIR, speed: 20 }, async (venue) => {
      const ex = client(venue);
      await ex.loadMarkets();
      expect(Object.keys(ex.markets ?? {}).sort()).toEqual(['BTC/USDT', 'ETH/USDT']);
      expect(ex.market('ETH/USDT').precision.amount).toBe(0.0001);
      const ob = await ex.fetchOrderBook('BTC/USDT', 5);
      // The recording's prices (2024-08-08 23:54 – 08-09 00:05 UTC, BTC about 61,000–62,500).
      expect(ob.bids[0]?.[0]).toBeGreaterThan(55_000);
      expect(ob.bids[0]?.[0]).toBeLessThan(70_000);
      await checkMakerFill(venue, 'BTC/USDT', 0.001);
    });
  });
});

describe('on the simulated market', () => {
  it('fills a resting order when the simulated market trades through it', async () => {
    await withVenue({ seed: 21, speed: 10 }, async (venue) => {
      await checkMakerFill(venue, 'BTC/USDT', 0.001);
    });
  });

  it('loops at the end of the data, expiring resting orders', async () => {
    // One simulated hour at 4000×: a pass takes 0.9 s of wall time.
    await withVenue({ seed: 8, speed: 4000 }, async (venue) => {
      const ex = client(venue);
      await ex.loadMarkets();
      const bid = (await ex.fetchOrderBook('BTC/USDT', 5)).bids[0]?.[0] ?? 0;
      const o = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, Number(ex.priceToPrecision('BTC/USDT', bid * 0.5)), { postOnly: true });
      const pass = venue.feed.passes;
      await sleep(1500);
      await ex.fetchTime();
      expect(venue.feed.passes).toBeGreaterThan(pass);
      expect((await ex.fetchOrder(o.id ?? '', 'BTC/USDT')).status).toBe('expired');
      expect((await ex.fetchBalance()).USDT?.used).toBe(0);
      expect((await ex.fetchOrderBook('BTC/USDT', 5)).bids.length).toBeGreaterThan(0);
    });
  });
});
