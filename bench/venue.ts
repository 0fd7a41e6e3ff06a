// Venue round trips through ccxt (unmodified) against the loopback venue server: the time from a
// quote update's order request to the venue's ack (place and cancel, p50/p99), and the orders per
// second a runner sustains within a venue's rate limit (the budget the runner enforces on itself).
import { performance } from 'node:perf_hooks';
import { CcxtVenue } from '../runtime/venue/ccxt-venue.js';
import { loopbackBinanceOptions } from '../venue/ccxt-options.js';
import { startVenueServer } from '../venue/server.js';
import type { BenchContext } from './run.js';

const q = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;

export async function benchVenue(ctx: BenchContext): Promise<void> {
  // The simulated market: the figure is about the client path, not the data.
  const server = await startVenueServer({ weightPerMinute: 1_000_000 });
  const venue = await CcxtVenue.create({ exchange: 'binance', config: { ...loopbackBinanceOptions(server.url, server.apiKey, server.secret), timeout: 5000 }, budget: { capacity: 1e9, refillPerSec: 1e9 } });
  try {
    await venue.loadMarkets(['BTC/USDT']);
    const book = await venue.fetchBook('BTC/USDT', 5);
    const far = Math.floor((book.bids[0]?.[0] ?? 60000) * 0.9);
    const place: number[] = [];
    const cancel: number[] = [];
    const n = 400;
    ctx.progress(`[venue] ${n} post-only orders placed and cancelled through ccxt on loopback`);
    for (let i = 0; i < n + 50; i++) {
      const id = `qbench-00000000-${i.toString(36)}`;
      const t0 = performance.now();
      await venue.placeOrder({ clientId: id, symbol: 'BTC/USDT', side: 'buy', price: far, qty: 0.001, postOnly: true });
      const t1 = performance.now();
      await venue.cancelOrder('BTC/USDT', id);
      const t2 = performance.now();
      if (i >= 50) {
        place.push(t1 - t0);
        cancel.push(t2 - t1);
      }
    }
    place.sort((a, b) => a - b);
    cancel.sort((a, b) => a - b);
    ctx.report('venue place→ack ccxt loopback p50', q(place, 0.5), 'ms');
    ctx.report('venue place→ack ccxt loopback p99', q(place, 0.99), 'ms');
    ctx.report('venue cancel→ack ccxt loopback p50', q(cancel, 0.5), 'ms');
    ctx.report('venue cancel→ack ccxt loopback p99', q(cancel, 0.99), 'ms');

    // Unthrottled order actions per second through ccxt (place + cancel pairs, one at a time).
    const t0 = performance.now();
    let actions = 0;
    for (let i = 0; i < 300; i++) {
      const id = `qbench-00000001-${i.toString(36)}`;
      await venue.placeOrder({ clientId: id, symbol: 'BTC/USDT', side: 'buy', price: far, qty: 0.001, postOnly: true });
      await venue.cancelOrder('BTC/USDT', id);
      actions += 2;
    }
    ctx.report('venue order actions ccxt loopback unthrottled', actions / ((performance.now() - t0) / 1000), 'actions/s');

    // Through the runner's own budget of 10 requests/s (burst 25, a fifth kept for cancels): the
    // place+cancel pairs it sustains over 5 s, never meeting a 429.
    const budgeted = await CcxtVenue.create({ exchange: 'binance', config: { ...loopbackBinanceOptions(server.url, server.apiKey, server.secret), timeout: 5000 }, budget: { capacity: 25, refillPerSec: 10 }, maxBudgetWaitMs: 10_000 });
    await budgeted.loadMarkets(['BTC/USDT']).catch(() => undefined);
    const b0 = performance.now();
    let placed = 0;
    let i = 0;
    while (performance.now() - b0 < 5000) {
      const id = `qbench-00000002-${(i++).toString(36)}`;
      await budgeted.placeOrder({ clientId: id, symbol: 'BTC/USDT', side: 'buy', price: far, qty: 0.001, postOnly: true });
      placed++;
      await budgeted.cancelOrder('BTC/USDT', id);
    }
    ctx.report('venue place+cancel pairs sustained within a 10 req/s budget', placed / ((performance.now() - b0) / 1000), 'pairs/s');
    await budgeted.close();
  } finally {
    await venue.close();
    await server.close();
  }
}
