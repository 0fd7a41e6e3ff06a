// Where in a batch a timed transform acts: start points given as a fraction of the batch's time
// span or in seconds after its first row, windows [startNs, endNs) on the exchange clock, and the
// markets a transform applies to.
import type { EventBatch } from '../events.js';
import { StressError } from './errors.js';

export const NS_PER_S = 1e9;
export const NS_PER_MS = 1e6;

/** First and last exchange times of the batch (0, 0 when it is empty). */
export function streamSpan(batch: EventBatch): { startNs: number; endNs: number; durationS: number } {
  if (batch.length === 0) return { startNs: 0, endNs: 0, durationS: 0 };
  const startNs = batch.exchTs[0] ?? 0;
  const endNs = batch.exchTs[batch.length - 1] ?? startNs;
  return { startNs, endNs, durationS: (endNs - startNs) / NS_PER_S };
}

/** A start time in ns from `at` (fraction of the span) or `atS` (seconds after the first row). */
export function resolveStart(transform: string, batch: EventBatch, when: { at?: number; atS?: number }, defaultAt: number): number {
  if (when.at !== undefined && when.atS !== undefined) throw new StressError(`${transform}: give either at or atS, not both`);
  const span = streamSpan(batch);
  if (when.atS !== undefined) return span.startNs + when.atS * NS_PER_S;
  return span.startNs + (when.at ?? defaultAt) * (span.endNs - span.startNs);
}

/** Which feed markets a transform touches: one (`market`) or all. */
export function selectMarkets(transform: string, batch: EventBatch, market: number | undefined): boolean[] {
  if (market !== undefined && !(market >= 0 && market < batch.markets.length)) {
    throw new StressError(`${transform}: option market=${market} is out of range (the batch has ${batch.markets.length} market${batch.markets.length === 1 ? '' : 's'}: 0..${batch.markets.length - 1})`);
  }
  return batch.markets.map((_, m) => market === undefined || m === market);
}
