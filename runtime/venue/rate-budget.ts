// A request budget per venue: a token bucket that refills continuously. Cancels draw on a reserve
// the other requests cannot touch, so a burst of quote updates can never use up the capacity the
// runner needs to pull its orders. The venue's own limit (e.g. Binance's 1200 weight a minute) is
// the bucket; the budget keeps us under it instead of finding it with 429s.

export type RequestClass = 'cancel' | 'order' | 'query';

export interface RateBudgetOptions {
  /** Tokens the bucket holds (the venue's burst). */
  capacity: number;
  /** Tokens added per second. */
  refillPerSec: number;
  /** Fraction of the capacity only cancels may use (default 0.2). */
  cancelReserve?: number;
}

export class RateBudget {
  private tokens: number;
  private lastMs: number;
  private readonly reserve: number;
  /** When the venue said to back off (429 Retry-After), until this time nothing but cancels go. */
  private blockedUntilMs = 0;

  constructor(
    private readonly options: RateBudgetOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = options.capacity;
    this.lastMs = now();
    this.reserve = options.capacity * (options.cancelReserve ?? 0.2);
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.options.capacity, this.tokens + ((t - this.lastMs) / 1000) * this.options.refillPerSec);
    this.lastMs = t;
  }

  /** Takes `cost` tokens if the class may spend them now. */
  tryTake(kind: RequestClass, cost = 1): boolean {
    this.refill();
    if (kind !== 'cancel' && this.now() < this.blockedUntilMs) return false;
    const floor = kind === 'cancel' ? 0 : this.reserve;
    if (this.tokens - cost < floor) return false;
    this.tokens -= cost;
    return true;
  }

  /** Milliseconds until `cost` tokens of this class will be there. */
  waitMs(kind: RequestClass, cost = 1): number {
    this.refill();
    const floor = kind === 'cancel' ? 0 : this.reserve;
    const short = floor + cost - this.tokens;
    const blocked = kind === 'cancel' ? 0 : Math.max(0, this.blockedUntilMs - this.now());
    return Math.max(blocked, short <= 0 ? 0 : Math.ceil((short / this.options.refillPerSec) * 1000));
  }

  /** The venue answered 429: stop sending (but cancels) for `ms`, and empty the bucket. */
  backOff(ms: number): void {
    this.blockedUntilMs = Math.max(this.blockedUntilMs, this.now() + ms);
    this.tokens = Math.min(this.tokens, this.reserve);
  }

  available(): number {
    this.refill();
    return this.tokens;
  }
}
