// toxicFlow: one-sided aggressive orders that sweep the side a market maker quotes, and a book that
// follows them.
import { Side, type EventBatch, type SideValue } from '../events.js';
import { ShiftedBooks, lowestShift, midOf, nextAway, type ViewState } from './book-view.js';
import { median, sampleBook } from './measure.js';
import { atOptions, marketOption, validateOptions, type OptionSchema } from './options.js';
import { createRng } from './rng.js';
import { NS_PER_S, resolveStart, selectMarkets } from './time.js';
import { BatchWriter, MessageTracker, SYNTHETIC_LINE } from './writer.js';

export interface ToxicFlowOptions {
  /** The aggressor: 'sell' hits the bids (toxic for a maker's bids), 'buy' lifts the asks. Default 'sell'. */
  side?: 'sell' | 'buy';
  /** Seconds the flow lasts. Default 60. */
  durationS?: number;
  /** Orders per second (mean rate with poisson arrivals). Default 1. */
  ratePerS?: number;
  /** Size of each order in the market's quantity unit. Default: the median (over book message ends where that side is not empty) quantity of its best `sweepLevels` levels. */
  size?: number;
  /** Sets the default size: levels a typical order sweeps. Default 3. */
  sweepLevels?: number;
  /** Permanent extra move of the book after each order, in bps of the mid, against the side hit. Default 2. */
  impactBps?: number;
  /** Arrival times: 'poisson' (exponential gaps, from `seed`) or 'regular' (every 1/ratePerS s). Default 'poisson'. */
  arrivals?: 'poisson' | 'regular';
  seed?: number;
  /** Levels per side shown while the flow lasts (0: full depth, a snapshot after each order). Default 0. */
  depthLevels?: number;
  at?: number;
  atS?: number;
  market?: number;
}

export const toxicFlowOptions = {
  side: { kind: 'enum', values: ['sell', 'buy'], doc: "aggressor side: sell hits bids, buy lifts asks", defaultText: 'sell' },
  durationS: { kind: 'number', min: 0, doc: 'seconds the flow lasts', defaultText: '60' },
  ratePerS: { kind: 'number', min: 0, minExclusive: true, doc: 'orders per second', defaultText: '1' },
  size: { kind: 'number', min: 0, minExclusive: true, doc: 'quantity of each order', defaultText: 'median quantity of the best sweepLevels levels hit' },
  sweepLevels: { kind: 'number', min: 1, integer: true, doc: 'levels a typical order sweeps (sets the default size)', defaultText: '3' },
  impactBps: { kind: 'number', min: 0, doc: 'extra permanent move after each order, bps of the mid', defaultText: '2' },
  arrivals: { kind: 'enum', values: ['poisson', 'regular'], doc: 'arrival process', defaultText: 'poisson' },
  seed: { kind: 'number', integer: true, doc: 'seed of the arrival times', defaultText: '1' },
  depthLevels: { kind: 'number', min: 0, integer: true, doc: 'levels per side shown during the flow (0 = full depth)', defaultText: '0' },
  ...atOptions,
  ...marketOption,
} as const satisfies OptionSchema;

/**
 * From the start (default at = 0.5) for durationS, orders arrive at times drawn from `arrivals`. At
 * each one, for each selected market, a market order of `size` walks the side it hits in the book
 * the consumer is shown, best level first: one Trade row per level it takes from (aggressor `side`,
 * the level's price, the quantity taken), until the size is used up or the side is empty. Every
 * level it touched is then gone (a partly taken last level is withdrawn too: makers pull from
 * toxic flow), and the book follows: the whole original book is shifted so that its touch on the
 * side hit sits at the first untouched level, then a further round(impactBps/10^4 × mid) ticks
 * against the side hit. The other side moves with it (the spread keeps its shape), the shift stays
 * after the flow ends (the information was real), and later trades and tickers move with it. Each
 * order is its own message at its arrival time (Trade rows, then the shifted book as a snapshot —
 * or a diff of the best depthLevels levels — ending with EndOfMessage; line 0). Orders are only
 * placed between the input's messages; orders that find the hit side empty are skipped (so is a
 * market that never shows that side: its default size would be 0).
 */
export function toxicFlow(batch: EventBatch, options: ToxicFlowOptions = {}): EventBatch {
  validateOptions('toxicFlow', toxicFlowOptions, options);
  const sell = (options.side ?? 'sell') === 'sell';
  const hit: SideValue = sell ? Side.Bid : Side.Ask;
  const aggressor: SideValue = sell ? Side.Ask : Side.Bid;
  const rate = options.ratePerS ?? 1;
  const impactBps = options.impactBps ?? 2;
  const depthLevels = options.depthLevels ?? 0;
  const start = resolveStart('toxicFlow', batch, options, 0.5);
  const end = start + (options.durationS ?? 60) * NS_PER_S;
  const selected = selectMarkets('toxicFlow', batch, options.market);
  const sizes = batch.markets.map((_, m) => {
    if (!selected[m]) return 0;
    if (options.size !== undefined) return options.size;
    // The median over the book message ends where the side is there at all; a market that never
    // shows it gets no orders (they would find nothing to hit anyway).
    const s = sampleBook(batch, m, { levels: options.sweepLevels ?? 3 });
    const depth = (sell ? s.bidDepth : s.askDepth).subarray(0, s.n).filter((q) => q > 0);
    return depth.length > 0 ? median(depth) : 0;
  });
  const rng = createRng(options.seed ?? 1);
  const poisson = (options.arrivals ?? 'poisson') === 'poisson';
  let count = 0;
  const nextArrival = (prev: number): number => (poisson ? prev + rng.exponential(rate) * NS_PER_S : start + count++ * (NS_PER_S / rate));
  let arrival = nextArrival(start);

  const out = new BatchWriter(batch);
  const books = new ShiftedBooks(batch, out);
  const messages = new MessageTracker(batch.markets.length);

  const strike = (at: number): void => {
    const exchTs = Math.max(at, out.lastTime);
    for (let m = 0; m < batch.markets.length; m++) {
      if (!selected[m]) continue;
      const book = books.book(m);
      const v = books.view(m);
      const touch = hit === Side.Bid ? book.bestBid() : book.bestAsk();
      if (!(touch === touch) || !((sizes[m] ?? 0) > 0)) continue;
      const shiftHit = hit === Side.Bid ? v.bidShift : v.askShift;
      const stamp = { exchTs, localTs: exchTs + out.offsetOf(m), line: SYNTHETIC_LINE };
      let remaining = sizes[m] ?? 0;
      let p = touch;
      let last = touch;
      while (remaining > 0 && p === p) {
        const q = book.qtyAt(hit, p) * v.qtyScale;
        const take = Math.min(q, remaining);
        if (take > 0) books.writeTrade(m, aggressor, Math.max(1, p + shiftHit), take, stamp);
        remaining -= take;
        last = p;
        p = nextAway(book, hit, p);
      }
      // The first level the order did not touch becomes the touch (or one tick past the last if it took the whole side).
      const firstUntouched = p === p ? p : last + (hit === Side.Bid ? -1 : 1);
      const mid = midOf(book);
      const impact = Math.round((impactBps / 1e4) * (mid === mid ? mid : touch));
      const move = firstUntouched - touch + (hit === Side.Bid ? -impact : impact);
      const shift = Math.max(v.bidShift + move, lowestShift(book));
      const next: ViewState = { bidShift: shift, askShift: shift + (v.askShift - v.bidShift), qtyScale: v.qtyScale, depthLevels };
      books.settle(m, next, stamp);
      out.endMessage(m);
    }
  };

  for (let i = 0; i < batch.length; i++) {
    const t = batch.exchTs[i] ?? 0;
    while (arrival < end && arrival <= t && messages.idle) {
      strike(arrival);
      arrival = nextArrival(arrival);
    }
    messages.row(batch, i);
    books.row(i);
    if (!messages.end(batch, i)) continue;
    const m = batch.market[i] ?? 0;
    if (messages.touchedBook(m) && selected[m]) {
      const v = books.view(m);
      // The shift found so far stays; the depth is cut while the flow lasts (if asked).
      const depth = t >= start && t < end ? depthLevels : 0;
      books.settle(m, depth === v.depthLevels ? v : { ...v, depthLevels: depth }, { exchTs: t, localTs: batch.localTs[i] ?? t, line: batch.line[i] ?? 0 });
    }
    messages.clearBook(m);
    out.endMessage(m);
  }
  return out.finish();
}
