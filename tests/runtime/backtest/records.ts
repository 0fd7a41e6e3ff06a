// Builders and generators of backtest records for the analytics tests.
import fc from 'fast-check';
import { Side } from '../../../runtime/events.js';
import type { FillRecord, MarkSample } from '../../../runtime/backtest/records.js';

export const S = 1e9;

/** A fill with neutral defaults; `buy` / `sell` set the side. */
export function fill(f: Partial<FillRecord> & { buy?: number; sell?: number; at?: number }): FillRecord {
  const { buy, sell, at, ...rest } = f;
  const qty = buy ?? sell ?? f.qty ?? 1;
  const side = sell !== undefined ? Side.Ask : buy !== undefined ? Side.Bid : (f.side ?? Side.Bid);
  const price = f.price ?? 100;
  const tNs = at !== undefined ? at * S : (f.tNs ?? 0);
  return {
    tNs,
    localNs: tNs,
    market: 0,
    marketAlias: 'm',
    orderId: 1,
    side,
    price,
    qty,
    fee: 0,
    liquidity: 'maker',
    hedge: false,
    level: 0,
    scenario: 'normal',
    planHash: 'sha256:test',
    mid: price,
    positionAfter: 0,
    book: { bid: price - 0.5, ask: price + 0.5, bidQty: 1, askQty: 1 },
    ...rest,
  };
}

/** A one-market sample at `at` seconds. */
export function mark(at: number, pnl: number, f: Partial<MarkSample> = {}): MarkSample {
  return { tNs: at * S, mids: [100], positions: [0], pnl, scenario: 'normal', quoteBid: [99.5], quoteAsk: [100.5], ...f };
}

/** Random fill sequences over 1–3 markets: prices and sizes across many magnitudes, some hedges, rebates, missing mids. */
export function fillsArb(opts: { minLength?: number; maxLength?: number; markets?: number } = {}): fc.Arbitrary<{ fills: FillRecord[]; finalMids: number[] }> {
  const markets = opts.markets ?? 3;
  const fillArb = fc.record({
    market: fc.integer({ min: 0, max: markets - 1 }),
    sell: fc.boolean(),
    // Integers scaled down: fast-check's doubles crowd around 0, which would make most prices 1.
    logPrice: fc.integer({ min: -200, max: 500 }).map((k) => k / 100 + 0.001 * (k % 7)),
    logQty: fc.integer({ min: -400, max: 300 }).map((k) => k / 100),
    edgeBps: fc.integer({ min: -5000, max: 5000 }).map((k) => k / 100),
    feeBps: fc.integer({ min: -100, max: 500 }).map((k) => k / 100),
    hedge: fc.boolean(),
    noMid: fc.integer({ min: 0, max: 19 }).map((k) => k === 0),
    dt: fc.integer({ min: 0, max: 5_000 }),
  });
  return fc
    .record({
      raw: fc.array(fillArb, { minLength: opts.minLength ?? 1, maxLength: opts.maxLength ?? 60 }),
      finalMoves: fc.array(fc.integer({ min: -2000, max: 2000 }).map((k) => k / 1e4), { minLength: markets, maxLength: markets }),
      missingFinal: fc.integer({ min: 0, max: markets * 4 }),
    })
    .map(({ raw, finalMoves, missingFinal }) => {
      let t = 0;
      const lastMid: number[] = Array.from({ length: markets }, () => 100);
      const fills = raw.map((r, i) => {
        t += r.dt * 1e6;
        const mid = 10 ** r.logPrice;
        lastMid[r.market] = mid;
        const s = r.sell ? -1 : 1;
        // Quoting fills sit `edgeBps` inside the mid in our favour (or outside when negative).
        const price = mid * (1 - (s * r.edgeBps) / 1e4);
        const qty = 10 ** r.logQty;
        return fill({
          tNs: t,
          market: r.market,
          marketAlias: `m${r.market}`,
          orderId: i + 1,
          side: r.sell ? Side.Ask : Side.Bid,
          price,
          qty,
          fee: (price * qty * r.feeBps) / 1e4,
          hedge: r.hedge,
          liquidity: r.hedge ? 'taker' : 'maker',
          mid: r.noMid ? NaN : mid,
        });
      });
      const finalMids = lastMid.map((m, i) => (i === missingFinal ? NaN : m * (1 + (finalMoves[i] ?? 0))));
      return { fills, finalMids };
    });
}
