// latencySpike: what the strategy receives arrives delayMs later for a while (exchange times kept).
import { MAX_LATENCY_NS } from '../backtest/latency.js';
import { EventKind, type EventBatch } from '../events.js';
import { atOptions, marketOption, validateOptions, type OptionSchema } from './options.js';
import { NS_PER_MS, NS_PER_S, resolveStart, selectMarkets } from './time.js';
import { BatchWriter, MessageTracker } from './writer.js';

export interface LatencySpikeOptions {
  /** Extra delay in milliseconds. Default 1000. */
  delayMs?: number;
  /** Seconds the spike lasts. Default 10. */
  durationS?: number;
  at?: number;
  atS?: number;
  market?: number;
}

export const latencySpikeOptions = {
  delayMs: { kind: 'number', min: 0, max: MAX_LATENCY_NS / NS_PER_MS, doc: 'extra delay in milliseconds (at most a minute, as any latency)', defaultText: '1000' },
  durationS: { kind: 'number', min: 0, doc: 'seconds the spike lasts', defaultText: '10' },
  ...atOptions,
  ...marketOption,
} as const satisfies OptionSchema;

/**
 * Every message of a selected market that starts (its first row's exchTs) in [start, start +
 * durationS) is received delayMs later: localTs += delayMs on all its rows; exchTs, order and
 * content are unchanged. Delivery stays in order per market, so after the window the backlog drains:
 * a later row of that market gets localTs = max(its own localTs, the last delayed localTs) until its
 * own time is past that. Calendar rows are not market data and keep their times. The engine must
 * schedule on localTs for this to matter (it orders by exchTs). Default start: at = 0.5.
 */
export function latencySpike(batch: EventBatch, options: LatencySpikeOptions = {}): EventBatch {
  validateOptions('latencySpike', latencySpikeOptions, options);
  const delayNs = (options.delayMs ?? 1000) * NS_PER_MS;
  const start = resolveStart('latencySpike', batch, options, 0.5);
  const end = start + (options.durationS ?? 10) * NS_PER_S;
  const selected = selectMarkets('latencySpike', batch, options.market);
  const out = new BatchWriter(batch);
  const messages = new MessageTracker(batch.markets.length);
  const delayed = batch.markets.map(() => false);
  const backlog = batch.markets.map(() => -Infinity);
  for (let i = 0; i < batch.length; i++) {
    const m = batch.market[i] ?? 0;
    const t = batch.exchTs[i] ?? 0;
    if (messages.row(batch, i)) delayed[m] = t >= start && t < end;
    const j = out.copy(i);
    if (batch.kind[i] !== EventKind.Calendar && selected[m]) {
      const c = out.columns;
      const local = batch.localTs[i] ?? t;
      if (delayed[m]) {
        c.localTs[j] = local + delayNs;
        backlog[m] = Math.max(backlog[m] ?? -Infinity, local + delayNs);
      } else {
        c.localTs[j] = Math.max(local, backlog[m] ?? -Infinity);
      }
    }
    if (messages.end(batch, i)) out.endMessage(m);
  }
  return out.finish();
}
