// The market a job runs on: recorded data files (opened through the binary cache), or the built-in
// simulated market for the plan's own markets when the server has no data.
import { openData } from '../../runtime/data/open.js';
import type { EventBatch } from '../../runtime/events.js';
import { simulatedBatchForPlan } from '../../runtime/paper/simulated-plan-market.js';
import type { Plan } from '../../schemas/index.js';

export type JobMarket = { kind: 'files'; paths: string[] } | { kind: 'simulated'; seed: number; durationSec: number };

export async function openJobMarket(plan: Plan, market: JobMarket): Promise<EventBatch> {
  if (market.kind === 'files') return (await openData(market.paths)).batch;
  return simulatedBatchForPlan(plan, { seed: market.seed, spanSec: market.durationSec });
}
