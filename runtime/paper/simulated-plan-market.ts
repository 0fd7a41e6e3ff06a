// The simulated market a paper instance runs on when it has no recorded data: one simulated feed
// per plan market, with the plan's own venue, symbol, tick and lot (so binding is exact) and a
// plausible start price — the plan knows its instruments but not their prices.
import type { Plan } from '../../schemas/generated/plan.js';
import type { EventBatch } from '../events.js';
import { simulateMarket, type SimulatedMarketSpec } from '../sim/simulated-market.js';

/** Rough prices of well-known base assets; anything else starts at 10,000 ticks. */
const START_PRICES: Record<string, number> = { BTC: 60_000, ETH: 3_000, SOL: 150, BNB: 550 };

export interface SimulatedPlanMarketOptions {
  seed: number;
  /** Event time generated before the replay loops (default 600 s). */
  spanSec?: number;
  /** Start prices by plan alias or symbol, over the built-in guesses. */
  startPrices?: Record<string, number>;
}

export function simulatedMarketSpecs(plan: Plan, startPrices: Record<string, number> = {}): SimulatedMarketSpec[] {
  return plan.markets.map((m) => ({
    venue: m.venue,
    symbol: m.symbol,
    tickSize: m.tickSize,
    lotSize: m.lotSize,
    startPrice: startPrices[m.alias] ?? startPrices[m.symbol] ?? START_PRICES[m.base] ?? 10_000 * m.tickSize,
  }));
}

export function simulatedBatchForPlan(plan: Plan, o: SimulatedPlanMarketOptions): EventBatch {
  return simulateMarket({ markets: simulatedMarketSpecs(plan, o.startPrices), seed: o.seed, durationSec: o.spanSec ?? 600 });
}
