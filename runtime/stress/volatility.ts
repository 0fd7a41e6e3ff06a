// volatility: the mid's moves scaled by k around a slowly moving anchor.
import type { EventBatch } from '../events.js';
import { IDENTITY_VIEW, lowestShift, midOf, transformBookView } from './book-view.js';
import { atOptions, marketOption, validateOptions, type OptionSchema } from './options.js';
import { NS_PER_S, resolveStart, selectMarkets, streamSpan } from './time.js';

export interface VolatilityOptions {
  /** Scale of the mid's deviations from the anchor (3: three times the volatility). Default 3. */
  k?: number;
  /** Half-life of the anchor, an exponentially weighted mean of the mid (Infinity: the anchor stays at the first mid). Default 300. */
  anchorHalfLifeS?: number;
  /** Length of the window in seconds. Default: to the end of the batch. */
  durationS?: number;
  /** Levels per side shown while the window lasts (0: full depth). Default 200. */
  depthLevels?: number;
  at?: number;
  atS?: number;
  market?: number;
}

export const volatilityOptions = {
  k: { kind: 'number', min: 0, doc: 'scale of the mid moves around the anchor', defaultText: '3' },
  anchorHalfLifeS: { kind: 'number', min: 0, minExclusive: true, infinite: true, doc: 'half-life of the anchor (EWM of the mid; Infinity = fixed at the first mid)', defaultText: '300' },
  durationS: { kind: 'number', min: 0, doc: 'window length in seconds', defaultText: 'to the end of the batch' },
  depthLevels: { kind: 'number', min: 0, integer: true, doc: 'levels per side shown during the window (0 = full depth)', defaultText: '200' },
  ...atOptions,
  ...marketOption,
} as const satisfies OptionSchema;

/**
 * Inside the window [start, start + durationS), at every message that changes the book, the anchor
 * A is updated as an exponentially weighted mean of the original mid M in time
 * (A += (1 - 2^(-dt / anchorHalfLifeS)) × (M - A), starting at the first mid of the window) and the
 * whole market is shifted by round((k - 1) × (M - A)) ticks, so the shown mid is A + k × (M - A):
 * moves faster than the half-life are k times larger, the slow trend is kept, the book keeps its
 * shape (a translation). Trades and tickers move with the book. During the window only the best
 * `depthLevels` levels per side are shown (L3 input is shown as L2, executions as trades); at the
 * window end the shift drops to 0 (a jump of the last deviation) with a full snapshot. Shifts that
 * would take the best bid below 1 tick are capped. Default start: at = 0 (the whole batch).
 */
export function volatility(batch: EventBatch, options: VolatilityOptions = {}): EventBatch {
  validateOptions('volatility', volatilityOptions, options);
  const k = options.k ?? 3;
  const halfLifeNs = (options.anchorHalfLifeS ?? 300) * NS_PER_S;
  const depthLevels = options.depthLevels ?? 200;
  const start = resolveStart('volatility', batch, options, 0);
  const end = options.durationS === undefined ? streamSpan(batch).endNs + 1 : start + options.durationS * NS_PER_S;
  const selected = selectMarkets('volatility', batch, options.market);
  const anchor = batch.markets.map(() => NaN);
  const lastT = batch.markets.map(() => NaN);
  return transformBookView(batch, selected, (m, t, book, current) => {
    if (t < start || t >= end) return IDENTITY_VIEW;
    const mid = midOf(book);
    if (!(mid === mid)) return current.depthLevels > 0 ? current : { ...IDENTITY_VIEW, depthLevels };
    let a = anchor[m] ?? NaN;
    if (!(a === a)) a = mid;
    else a += (1 - Math.pow(2, -(t - (lastT[m] ?? t)) / halfLifeNs)) * (mid - a);
    anchor[m] = a;
    lastT[m] = t;
    const shift = Math.max(Math.round((k - 1) * (mid - a)), lowestShift(book));
    return { bidShift: shift, askShift: shift, qtyScale: 1, depthLevels };
  });
}
