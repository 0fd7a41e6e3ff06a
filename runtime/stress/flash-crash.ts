// flashCrash: prices fall by dropPct percent over fallS seconds, then come back over recoverS seconds.
import type { EventBatch } from '../events.js';
import { IDENTITY_VIEW, lowestShift, midOf, transformBookView } from './book-view.js';
import { atOptions, marketOption, validateOptions, type OptionSchema } from './options.js';
import { NS_PER_S, resolveStart, selectMarkets } from './time.js';

export interface FlashCrashOptions {
  /** Depth of the fall in percent of the mid at the start (negative: a spike up). Default 5. */
  dropPct?: number;
  /** Seconds from the start to the bottom. Default 30. */
  fallS?: number;
  /** Seconds from the bottom back to the original prices. Default 120. */
  recoverS?: number;
  /** Levels per side shown while prices move (0: full depth, one snapshot per book message). Default 200. */
  depthLevels?: number;
  at?: number;
  atS?: number;
  market?: number;
}

export const flashCrashOptions = {
  dropPct: { kind: 'number', min: -1000, max: 99, doc: 'fall in percent of the mid at the start (negative: a spike up)', defaultText: '5' },
  fallS: { kind: 'number', min: 0, doc: 'seconds from the start to the bottom', defaultText: '30' },
  recoverS: { kind: 'number', min: 0, doc: 'seconds from the bottom back to the original prices', defaultText: '120' },
  depthLevels: { kind: 'number', min: 0, integer: true, doc: 'levels per side shown while prices move (0 = full depth)', defaultText: '200' },
  ...atOptions,
  ...marketOption,
} as const satisfies OptionSchema;

/**
 * A V-shaped, piecewise-linear detour of the whole market. With t0 the start, D = round(dropPct/100 ×
 * mid) ticks (mid at the first book message at or after t0), every price is shifted by
 *   -D × (t - t0) / fallS                     for t0 <= t < t0 + fallS,
 *   -D × (1 - (t - t0 - fallS) / recoverS)    for t0 + fallS <= t < t0 + fallS + recoverS,
 *   0                                          otherwise,
 * rounded to whole ticks and re-evaluated at every message that changes the book (trades and tickers
 * in between use the shift of the last book message, so they stay consistent with the book shown).
 * The book keeps its shape (a translation). While the shift moves, only the best `depthLevels`
 * levels per side are shown (L3 input is shown as L2 then, its executions as trades); a full
 * snapshot restores all levels when the crash is over. Default start: at = 0.5.
 */
export function flashCrash(batch: EventBatch, options: FlashCrashOptions = {}): EventBatch {
  validateOptions('flashCrash', flashCrashOptions, options);
  const dropPct = options.dropPct ?? 5;
  const fallNs = (options.fallS ?? 30) * NS_PER_S;
  const recoverNs = (options.recoverS ?? 120) * NS_PER_S;
  const depthLevels = options.depthLevels ?? 200;
  const t0 = resolveStart('flashCrash', batch, options, 0.5);
  const end = t0 + fallNs + recoverNs;
  const selected = selectMarkets('flashCrash', batch, options.market);
  const drop = batch.markets.map(() => NaN);
  return transformBookView(batch, selected, (m, t, book, current) => {
    if (t < t0) return IDENTITY_VIEW;
    if (t >= end) return IDENTITY_VIEW;
    let d = drop[m] ?? NaN;
    if (!(d === d)) {
      const mid = midOf(book);
      if (!(mid === mid)) return current;
      d = Math.round((dropPct / 100) * mid);
      drop[m] = d;
    }
    const since = t - t0;
    const frac = since < fallNs ? since / fallNs : 1 - (since - fallNs) / recoverNs;
    const shift = Math.max(-Math.round(d * frac), lowestShift(book));
    return { bidShift: shift, askShift: shift, qtyScale: 1, depthLevels };
  });
}
