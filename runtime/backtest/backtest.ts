// The backtest driver: a plan run against recorded market data with our orders filled the way the
// venue would have filled them, from the first row to the last. The simulation itself — two sides
// talking through timestamped messages, in time order — is the steppable BacktestSession
// (session.ts); this is the one-call form the CLI, sweeps and stress runs use.
import type { Plan } from '../../schemas/generated/plan.js';
import type { EventBatch } from '../events.js';
import { BacktestSession, type BacktestOptions, type BacktestResult } from './session.js';

export { BacktestSession, type BacktestOptions, type BacktestResult, type ReplayLoop } from './session.js';

export function runBacktest(plan: Plan, batch: EventBatch, options: BacktestOptions = {}): BacktestResult {
  return new BacktestSession(plan, batch, options).runToEnd();
}
