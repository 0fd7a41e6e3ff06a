// gap: at one moment every price of a market jumps by pct percent and stays there.
import type { EventBatch } from '../events.js';
import { IDENTITY_VIEW, midOf, transformBookView, type ViewState } from './book-view.js';
import { atOptions, marketOption, validateOptions, type OptionSchema } from './options.js';
import { resolveStart, selectMarkets } from './time.js';

export interface GapOptions {
  /** Size of the jump in percent of the mid at that moment: +5 up, -5 down. */
  pct: number;
  at?: number;
  atS?: number;
  market?: number;
}

export const gapOptions = {
  pct: { kind: 'number', min: -99, max: 1000, doc: 'jump in percent of the mid (+ up, - down)', defaultText: 'required', required: true },
  ...atOptions,
  ...marketOption,
} as const satisfies OptionSchema;

/**
 * At the first message that changes the book at or after the start time, the whole market moves by
 * D = round(pct/100 × mid) ticks, mid being the book's mid after that message, and stays moved: from
 * then on every book level, trade and ticker price is the original plus D (a translation, so the
 * book keeps its exact shape and stays on the tick grid). The jump is written as a snapshot
 * (BookClear + every level) closing that message; rows after it are mapped one by one. Levels that
 * would fall below 1 tick are left out. Default start: the middle of the batch (at = 0.5).
 */
export function gap(batch: EventBatch, options: GapOptions): EventBatch {
  validateOptions('gap', gapOptions, options);
  const start = resolveStart('gap', batch, options, 0.5);
  const selected = selectMarkets('gap', batch, options.market);
  const jumped: Array<ViewState | undefined> = batch.markets.map(() => undefined);
  return transformBookView(batch, selected, (m, t, book) => {
    const done = jumped[m];
    if (done) return done;
    const mid = midOf(book);
    if (t < start || !(mid === mid)) return IDENTITY_VIEW;
    const d = Math.round((options.pct / 100) * mid);
    const v: ViewState = { bidShift: d, askShift: d, qtyScale: 1, depthLevels: 0 };
    jumped[m] = v;
    return v;
  });
}
