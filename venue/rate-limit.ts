// Binance's REQUEST_WEIGHT limit: every endpoint costs a weight, summed per client over a fixed
// one-minute window (the counter resets at the start of each minute, as Binance's does). Over the
// limit the venue answers 429 -1003 with Retry-After (seconds to the next window); every answer
// carries X-MBX-USED-WEIGHT-1M. Clients are told apart by API key, or by address without one.

/** Binance's current spot limit. */
export const DEFAULT_WEIGHT_PER_MINUTE = 6000;

const MINUTE_MS = 60_000;

export interface WeightCheck {
  allowed: boolean;
  usedWeight: number;
  /** Seconds until the window resets (only meaningful when not allowed). */
  retryAfterSec: number;
}

export class WeightLimiter {
  private readonly used = new Map<string, { windowStartMs: number; weight: number }>();

  constructor(readonly limitPerMinute: number = DEFAULT_WEIGHT_PER_MINUTE) {
    if (!(limitPerMinute > 0)) throw new RangeError(`weight limit must be > 0, not ${limitPerMinute}`);
  }

  /** Counts `weight` for `client` at `nowMs` (a refused request still counts, as on Binance). */
  charge(client: string, weight: number, nowMs: number): WeightCheck {
    const windowStartMs = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS;
    let entry = this.used.get(client);
    if (!entry || entry.windowStartMs !== windowStartMs) {
      entry = { windowStartMs, weight: 0 };
      this.used.set(client, entry);
      if (this.used.size > 10_000) this.forgetOld(windowStartMs);
    }
    entry.weight += weight;
    const allowed = entry.weight <= this.limitPerMinute;
    return { allowed, usedWeight: entry.weight, retryAfterSec: Math.max(1, Math.ceil((windowStartMs + MINUTE_MS - nowMs) / 1000)) };
  }

  private forgetOld(windowStartMs: number): void {
    for (const [k, v] of this.used) if (v.windowStartMs !== windowStartMs) this.used.delete(k);
  }
}

/** Weights of Binance's spot REST endpoints (as documented in 2024–2025). */
export function depthWeight(limit: number): number {
  if (limit <= 100) return 5;
  if (limit <= 500) return 25;
  if (limit <= 1000) return 50;
  return 250;
}
