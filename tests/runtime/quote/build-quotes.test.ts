import { describe, expect, it } from 'vitest';
import { buildQuotes, Withheld, type QuoteValues } from '../../../runtime/quote/build-quotes.js';
import { DesiredQuotes } from '../../../runtime/quote/desired.js';

const rules = { tickSize: 0.1, lotSize: 0.001, minQty: 0.001, minNotional: 5 };
const touch = { bestBid: 61800.0, bestAsk: 61800.1, allowBid: true, allowAsk: true };
const base: QuoteValues = { bid: 61790.37, ask: 61810.52, bidSize: 0.0109, askSize: 0.0109, levels: 1, step: 0, stepIsPrice: false };

function build(v: Partial<QuoteValues>, ctx: Partial<typeof touch> = {}): { bids: Array<[number, number]>; asks: Array<[number, number]> } {
  const out = new DesiredQuotes(5);
  buildQuotes({ ...base, ...v }, rules, { ...touch, ...ctx }, out);
  const side = (s: typeof out.bids): Array<[number, number]> => Array.from({ length: s.count }, (_, k) => [s.priceTicks[k] ?? 0, s.qty[k] ?? 0]);
  return { bids: side(out.bids), asks: side(out.asks) };
}

describe('buildQuotes', () => {
  it('rounds bids down and asks up to the tick, sizes down to the lot', () => {
    expect(build({})).toEqual({ bids: [[617903, 0.01]], asks: [[618106, 0.01]] });
  });

  it('absorbs float noise: a price on the grid stays on its tick', () => {
    // 61800.3 / 0.1 = 618002.9999999999 in floating point.
    expect(build({ bid: 61790.3, ask: 61810.3 }, { bestBid: 61700, bestAsk: 61900 })).toEqual({ bids: [[617903, 0.01]], asks: [[618103, 0.01]] });
  });

  it('never takes liquidity: a bid at or above the best ask moves under it (post-only)', () => {
    const q = build({ bid: 61805, ask: 61830 });
    expect(q.bids[0]?.[0]).toBe(618000);
  });

  it('never crosses or locks its own quotes', () => {
    const q = build({ bid: 61820, ask: 61815 }, { bestBid: 61700, bestAsk: 61900 });
    const bid = q.bids[0]?.[0] ?? 0;
    const ask = q.asks[0]?.[0] ?? 0;
    expect(bid).toBeLessThan(ask);
  });

  it('builds a ladder in bps steps, each level strictly worse', () => {
    const q = build({ levels: 3, step: 0.0005 });
    expect(q.bids.map((l) => l[0])).toEqual([617903, 617594, 617285]);
    expect(q.asks.map((l) => l[0])).toEqual([618106, 618415, 618724]);
  });

  it('keeps levels a tick apart when the step is under a tick', () => {
    const q = build({ levels: 3, step: 0.01, stepIsPrice: true });
    expect(q.bids.map((l) => l[0])).toEqual([617903, 617902, 617901]);
  });

  it('drops sides below the venue minimum size or notional, or with invalid values', () => {
    expect(build({ bidSize: 0.0004 }).bids).toEqual([]);
    expect(build({ askSize: NaN, bid: -1 })).toEqual({ bids: [], asks: [] });
    const enough = new DesiredQuotes(1);
    buildQuotes({ ...base, bid: 4000, ask: 4001 }, rules, { ...touch, bestBid: NaN, bestAsk: NaN }, enough);
    expect(enough.bids.count).toBe(1); // 0.01 × 4000 = 40 ≥ 5
    const tiny = new DesiredQuotes(1);
    buildQuotes({ ...base, bidSize: 0.001, askSize: 0.001, bid: 4000, ask: 4001 }, rules, { ...touch, bestBid: NaN, bestAsk: NaN }, tiny);
    expect(tiny.bids.count).toBe(0); // 0.001 × 4000 = 4 < 5
  });

  it('says why it left a side or level out: a number that is not positive, a size or a notional under the minimum', () => {
    const why = (v: Partial<QuoteValues>, ctx: Partial<typeof touch> = {}): number => buildQuotes({ ...base, ...v }, rules, { ...touch, ...ctx }, new DesiredQuotes(5));
    expect(why({})).toBe(0);
    expect(why({ bid: NaN })).toBe(Withheld.notPositive);
    expect(why({ askSize: -1 })).toBe(Withheld.notPositive);
    expect(why({ bidSize: 0.0004 })).toBe(Withheld.belowMinQty);
    expect(why({ bidSize: 0.001, askSize: 0.001, bid: 4000, ask: 4001 }, { bestBid: NaN, bestAsk: NaN })).toBe(Withheld.belowMinNotional);
    expect(why({ bid: NaN, bidSize: 0.0004, askSize: 0.0004 })).toBe(Withheld.notPositive | Withheld.belowMinQty);
    // A side the state does not allow (reduce-only) is not withheld by the venue's rules.
    expect(why({ bid: NaN }, { allowBid: false })).toBe(0);
    // The ladder's outer levels can fall under the minimum notional while the first does not.
    expect(why({ bid: 5000, ask: 5001, bidSize: 0.001, askSize: 0.01, levels: 3, step: 0.1 }, { bestBid: NaN, bestAsk: NaN })).toBe(Withheld.belowMinNotional);
  });

  it('quotes only the allowed side', () => {
    expect(build({}, { allowBid: false }).bids).toEqual([]);
    expect(build({}, { allowAsk: false }).asks).toEqual([]);
  });
});
