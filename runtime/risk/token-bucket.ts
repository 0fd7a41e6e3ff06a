// Order-rate limit as a token bucket in which every token comes back exactly one window after it was
// spent. Unlike a bucket refilled at a constant rate (which lets up to twice the limit through in a
// window after an idle spell), this never admits more than `capacity` actions in any window of
// `windowNs` — the property the risk tests check. O(1): a ring of the last `capacity` spending times.
// Time comes from events, so the same stream always throttles the same orders.
export class TokenBucket {
  private readonly spent: Float64Array;
  private head = 0;

  constructor(
    readonly capacity: number,
    readonly windowNs: number,
  ) {
    this.spent = new Float64Array(Math.max(1, Math.floor(capacity))).fill(-Infinity);
  }

  /** Takes a token if one is back: the oldest of the last `capacity` spends is at least a window old. */
  take(nowNs: number): boolean {
    const oldest = this.spent[this.head] ?? -Infinity;
    if (nowNs - oldest < this.windowNs) return false;
    this.spent[this.head] = nowNs;
    this.head = (this.head + 1) % this.spent.length;
    return true;
  }

  available(nowNs: number): number {
    let n = 0;
    for (const t of this.spent) if (nowNs - t >= this.windowNs) n++;
    return n;
  }

  export(): TokenBucketState {
    const spent: Array<number | null> = [];
    for (let k = 0; k < this.spent.length; k++) {
      const t = this.spent[(this.head + k) % this.spent.length] ?? -Infinity;
      spent.push(Number.isFinite(t) ? t : null);
    }
    return { spent };
  }

  import(s: TokenBucketState): void {
    this.spent.fill(-Infinity);
    this.head = 0;
    const recent = s.spent.slice(-this.spent.length);
    // Oldest first, so the next slot to overwrite is the oldest spend.
    const offset = this.spent.length - recent.length;
    recent.forEach((t, k) => {
      this.spent[offset + k] = t ?? -Infinity;
    });
  }
}

/** JSON-safe: spend times oldest first, null for never. */
export interface TokenBucketState {
  spent: Array<number | null>;
}
