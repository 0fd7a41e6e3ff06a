// liquidityDrought: depth divided by depthDivisor, touch spread multiplied by spreadMultiplier.
import type { EventBatch } from '../events.js';
import { IDENTITY_VIEW, transformBookView } from './book-view.js';
import { StressError } from './errors.js';
import { atOptions, marketOption, validateOptions, type OptionSchema } from './options.js';
import { NS_PER_S, resolveStart, selectMarkets, streamSpan } from './time.js';

export interface LiquidityDroughtOptions {
  /** Sets both depthDivisor and spreadMultiplier (each may still be given on its own). */
  k?: number;
  /** Every size (book levels, L3 orders, trades, tickers) is divided by this. Default k, else 3. */
  depthDivisor?: number;
  /** The touch spread becomes this many times wider. Default k, else 3. */
  spreadMultiplier?: number;
  /** Window length in seconds. Default: to the end of the batch. */
  durationS?: number;
  at?: number;
  atS?: number;
  market?: number;
}

export const liquidityDroughtOptions = {
  k: { kind: 'number', min: 1, doc: 'sets both depthDivisor and spreadMultiplier', defaultText: '3' },
  depthDivisor: { kind: 'number', min: 0, minExclusive: true, doc: 'sizes are divided by this', defaultText: 'k' },
  spreadMultiplier: { kind: 'number', min: 1, doc: 'the touch spread is multiplied by this', defaultText: 'k' },
  durationS: { kind: 'number', min: 0, doc: 'window length in seconds', defaultText: 'to the end of the batch' },
  ...atOptions,
  ...marketOption,
} as const satisfies OptionSchema;

/**
 * Inside the window [start, start + durationS), at every message that changes the book: with s the
 * original touch spread in ticks (best ask - best bid) and w = round((spreadMultiplier - 1) × s),
 * every bid level moves down by floor(w/2) ticks and every ask level up by ceil(w/2), so the touch
 * spread shown is s + w (exactly spreadMultiplier × s when that is a whole number of ticks) and the
 * book keeps its shape on each side; every size (book, L3 orders, trades, tickers) is divided by
 * depthDivisor, so the depth at every distance from the touch is divided by it. Trades move with
 * the side they hit. When s changes, the book is re-sent as a snapshot (full depth); at the window
 * end, a snapshot restores the original. While the book is one-sided, the last widening stays.
 * Sizes are not rounded to lots (L3 sizes stay consistent that way). Default: the whole batch.
 */
export function liquidityDrought(batch: EventBatch, options: LiquidityDroughtOptions = {}): EventBatch {
  validateOptions('liquidityDrought', liquidityDroughtOptions, options);
  const depthDivisor = options.depthDivisor ?? options.k ?? 3;
  const spreadMultiplier = options.spreadMultiplier ?? options.k ?? 3;
  if (depthDivisor === 1 && spreadMultiplier === 1) throw new StressError('liquidityDrought: depthDivisor and spreadMultiplier are both 1 (the transform would change nothing)');
  const start = resolveStart('liquidityDrought', batch, options, 0);
  const end = options.durationS === undefined ? streamSpan(batch).endNs + 1 : start + options.durationS * NS_PER_S;
  const selected = selectMarkets('liquidityDrought', batch, options.market);
  const qtyScale = 1 / depthDivisor;
  return transformBookView(batch, selected, (_m, t, book, current) => {
    if (t < start || t >= end) return IDENTITY_VIEW;
    const spread = book.bestAsk() - book.bestBid();
    if (!(spread === spread)) return current === IDENTITY_VIEW ? { ...IDENTITY_VIEW, qtyScale } : current;
    const w = Math.max(0, Math.round((spreadMultiplier - 1) * spread));
    const bidShift = -Math.floor(w / 2);
    const askShift = Math.ceil(w / 2);
    if (current.bidShift === bidShift && current.askShift === askShift && current.qtyScale === qtyScale) return current;
    return { bidShift, askShift, qtyScale, depthLevels: 0 };
  });
}
