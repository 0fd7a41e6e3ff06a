// The simulated market: deterministic for a seed, books never crossed, prices on the tick grid and
// sizes in whole lots, messages at a realistic rate, and trades against both sides.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BookReplayer } from '../../../runtime/book/replay.js';
import { EventFlag, EventKind, Side, type EventBatch } from '../../../runtime/events.js';
import { SimulatedMarket, simulateMarket, type SimulatedMarketSpec } from '../../../runtime/sim/simulated-market.js';

const btc: SimulatedMarketSpec = { venue: 'binance', symbol: 'BTC/USDT', tickSize: 0.01, lotSize: 0.00001, startPrice: 60_000 };
const eth: SimulatedMarketSpec = { venue: 'binance', symbol: 'ETH/USDT', tickSize: 0.01, lotSize: 0.0001, startPrice: 3_000 };
const odd: SimulatedMarketSpec = { venue: 'sim', symbol: 'ODD/USD', tickSize: 0.25, lotSize: 5, startPrice: 101.3 };

const columns = (b: EventBatch) => [b.kind, b.market, b.side, b.flags, b.exchTs, b.localTs, b.priceTicks, b.qty, b.orderId].map((c) => Array.from(c.subarray(0, b.length)));

const marketsArb = fc.subarray([btc, eth, odd], { minLength: 1 });

describe('simulated market', () => {
  it('is deterministic: the same seed gives the same batch, another seed another one', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), marketsArb, (seed, markets) => {
        const a = simulateMarket({ markets, seed, durationSec: 5 });
        const b = simulateMarket({ markets, seed, durationSec: 5 });
        expect(columns(a)).toEqual(columns(b));
        expect(columns(simulateMarket({ markets, seed: seed + 1, durationSec: 5 }))).not.toEqual(columns(a));
      }),
      { numRuns: 20 },
    );
  });

  it('never crosses a book, even between the rows of a message; prices on the tick grid, sizes in lots', () => {
    fc.assert(
      fc.property(fc.integer(), marketsArb, (seed, markets) => {
        const b = simulateMarket({ markets, seed, durationSec: 30 });
        const books = new BookReplayer(b);
        for (let i = 0; i < b.length; i++) {
          const p = b.priceTicks[i] ?? NaN;
          const q = b.qty[i] ?? NaN;
          const m = markets[b.market[i] ?? 0] as SimulatedMarketSpec;
          if (b.kind[i] !== EventKind.BookClear) {
            expect(Number.isInteger(p) && p > 0).toBe(true);
            expect(Math.abs(q / m.lotSize - Math.round(q / m.lotSize))).toBeLessThan(1e-6);
          }
          books.apply(b, i);
          const book = books.books[b.market[i] ?? 0];
          const bid = book?.bestBid() ?? NaN;
          const ask = book?.bestAsk() ?? NaN;
          if (!Number.isNaN(bid) && !Number.isNaN(ask)) expect(bid).toBeLessThan(ask);
          if (b.kind[i] === EventKind.Trade) {
            // A trade prints at a price that rests on the side it hits.
            expect(q).toBeGreaterThan(0);
          }
        }
        for (let i = 1; i < b.length; i++) expect(b.exchTs[i] ?? 0).toBeGreaterThanOrEqual(b.exchTs[i - 1] ?? 0);
        expect((b.flags[b.length - 1] ?? 0) & EventFlag.EndOfMessage).toBe(EventFlag.EndOfMessage);
      }),
      { numRuns: 15 },
    );
  });

  it('sends 20–50 messages a second per market, with trades on both sides and a book at least five levels deep', () => {
    const b = simulateMarket({ markets: [btc, eth], seed: 7, durationSec: 120 });
    const books = new BookReplayer(b);
    const messages = [0, 0];
    const trades = [[0, 0], [0, 0]];
    let depthChecks = 0;
    for (let i = 0; i < b.length; i++) {
      books.apply(b, i);
      const m = b.market[i] ?? 0;
      const side = b.side[i] ?? 0;
      const perSide = trades[m] ?? [];
      if (b.kind[i] === EventKind.Trade) perSide[side] = (perSide[side] ?? 0) + 1;
      if (((b.flags[i] ?? 0) & EventFlag.EndOfMessage) !== 0) {
        messages[m] = (messages[m] ?? 0) + 1;
        if (i % 97 === 0) {
          depthChecks++;
          expect(books.books[m]?.levelPrice(Side.Bid, 5)).not.toBeNaN();
          expect(books.books[m]?.levelPrice(Side.Ask, 5)).not.toBeNaN();
        }
      }
    }
    for (const n of messages) {
      expect(n / 120).toBeGreaterThanOrEqual(20);
      expect(n / 120).toBeLessThanOrEqual(50);
    }
    for (const [buys, sells] of trades) {
      expect(buys).toBeGreaterThan(100);
      expect(sells).toBeGreaterThan(100);
    }
    expect(depthChecks).toBeGreaterThan(10);
    expect(b.markets.map((m) => `${m.venue}:${m.symbol}`)).toEqual(['binance:BTC/USDT', 'binance:ETH/USDT']);
  });

  it('moves: the mid wanders and jumps, but stays near its start over ten minutes', () => {
    const b = simulateMarket({ markets: [btc], seed: 3, durationSec: 600 });
    const books = new BookReplayer(b);
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < b.length; i++) {
      books.apply(b, i);
      if (((b.flags[i] ?? 0) & EventFlag.EndOfMessage) === 0) continue;
      const book = books.books[0];
      const mid = (((book?.bestBid() ?? NaN) + (book?.bestAsk() ?? NaN)) / 2) * 0.01;
      lo = Math.min(lo, mid);
      hi = Math.max(hi, mid);
    }
    expect(hi / lo - 1).toBeGreaterThan(0.0005);
    expect(lo).toBeGreaterThan(60_000 * 0.9);
    expect(hi).toBeLessThan(60_000 * 1.1);
  });

  it('continues where it stopped: chunks join into one stream, the first one opening with snapshots', () => {
    const gen = new SimulatedMarket({ markets: [btc], seed: 11 });
    const a = gen.next(2e9);
    const c = gen.next(2e9);
    expect(a.kind[0]).toBe(EventKind.BookClear);
    expect(c.kind.subarray(0, c.length).includes(EventKind.BookClear)).toBe(false);
    expect(c.exchTs[0] ?? 0).toBeGreaterThanOrEqual(a.exchTs[a.length - 1] ?? 0);
    expect(c.exchTs[c.length - 1] ?? 0).toBeLessThan(4e9);
    expect(gen.now).toBe(4e9);
  });

  it('refuses markets it cannot simulate', () => {
    expect(() => simulateMarket({ markets: [], seed: 1, durationSec: 1 })).toThrow(/at least one/);
    expect(() => simulateMarket({ markets: [{ ...btc, startPrice: 0 }], seed: 1, durationSec: 1 })).toThrow(/start price/);
  });
});
