// Shared pieces of the paper-instance tests: a tightly quoting plan (so fills come quickly), a
// fake wall clock, and a pump loop that checks the position limit after every step.
import { expect } from 'vitest';
import type { PaperInstance } from '../../../runtime/paper/paper-instance.js';
import type { Plan } from '../../../schemas/index.js';
import { planFrom } from '../engine/harness.js';

export const MAX_POSITION = 0.05;

/** Quotes half a basis point around the mid on Binance BTC/USDT (the simulated market's grid is half a bp). */
export function tightPlan(halfSpreadBps = 0.5, version = 1): Plan {
  return planFrom(`strategy "paper-test" version ${version} {
  market m = binance:"BTC/USDT"
  params {
    half_spread  = ${halfSpreadBps} bps in [0.1 bps, 50 bps]
    order_size   = 0.01 BTC
    max_position = ${MAX_POSITION} BTC
  }
  quote m {
    bid  = m.mid - half_spread * m.mid
    ask  = m.mid + half_spread * m.mid
    size = order_size
    refresh when moved > 0.5 bps or every 5s
    min_interval 100ms
  }
  risk {
    position abs <= max_position -> reduce_only
    orders       <= 20 per 1s    -> throttle
  }
}`);
}

export class FakeClock {
  constructor(public ms = 1_700_000_000_000) {}
  readonly now = (): number => this.ms;
}

/**
 * Pumps `steps` times, `stepMs` of wall time apart, checking after each step that no position —
 * the strategy's or the venue's — is beyond `limit`.
 */
export function pumpSteps(inst: PaperInstance, clock: FakeClock, steps: number, stepMs: number, limit = MAX_POSITION, after?: (step: number) => void): void {
  for (let k = 0; k < steps; k++) {
    clock.ms += stepMs;
    inst.pump();
    expect(inst.status).not.toBe('failed');
    withinLimit(inst, limit);
    after?.(k);
  }
}

export function withinLimit(inst: PaperInstance, limit: number): void {
  const s = inst.session;
  s.engine.plan.markets.forEach((_, m) => {
    expect(Math.abs(s.engine.position(m))).toBeLessThanOrEqual(limit + 1e-9);
    expect(Math.abs(s.exchangePositions()[m] ?? 0)).toBeLessThanOrEqual(limit + 1e-9);
  });
}
