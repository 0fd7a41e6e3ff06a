// Grows an EventBatch one row at a time (amortised doubling, columns written in place), then trims
// it to length. Loaders write the columns of the row they just opened directly: no object per row.
import { allocateBatch, type EventBatch, type EventKindValue, type FeedMarket } from '../events.js';

export class BatchBuilder {
  private batch: EventBatch;

  constructor(capacity = 1 << 16) {
    this.batch = allocateBatch(Math.max(16, capacity), { dayEpochMs: 0, markets: [] });
  }

  get length(): number {
    return this.batch.length;
  }

  /** The batch being built: its arrays are replaced when it grows, so re-read them after `row`. */
  get columns(): EventBatch {
    return this.batch;
  }

  /**
   * Opens a row with the fields every row has and returns its index. Other columns start at 0 (the
   * arrays are zero-filled and each row is written once).
   */
  row(kind: EventKindValue, exchTs: number, localTs: number, line: number): number {
    if (this.batch.length === this.batch.kind.length) this.grow();
    const b = this.batch;
    const i = b.length++;
    b.kind[i] = kind;
    b.exchTs[i] = exchTs;
    b.localTs[i] = localTs;
    b.line[i] = line;
    return i;
  }

  /** A copy trimmed to length, with the feed's metadata. */
  finish(meta: { dayEpochMs: number; markets: FeedMarket[]; names?: string[] }): EventBatch {
    const b = this.batch;
    const n = b.length;
    return {
      dayEpochMs: meta.dayEpochMs,
      markets: meta.markets,
      names: meta.names ?? [],
      length: n,
      kind: b.kind.slice(0, n),
      market: b.market.slice(0, n),
      side: b.side.slice(0, n),
      flags: b.flags.slice(0, n),
      exchTs: b.exchTs.slice(0, n),
      localTs: b.localTs.slice(0, n),
      priceTicks: b.priceTicks.slice(0, n),
      qty: b.qty.slice(0, n),
      price2Ticks: b.price2Ticks.slice(0, n),
      qty2: b.qty2.slice(0, n),
      orderId: b.orderId.slice(0, n),
      line: b.line.slice(0, n),
    };
  }

  private grow(): void {
    const old = this.batch;
    const next = allocateBatch(old.kind.length * 2, { dayEpochMs: 0, markets: [] });
    next.length = old.length;
    next.kind.set(old.kind);
    next.market.set(old.market);
    next.side.set(old.side);
    next.flags.set(old.flags);
    next.exchTs.set(old.exchTs);
    next.localTs.set(old.localTs);
    next.priceTicks.set(old.priceTicks);
    next.qty.set(old.qty);
    next.price2Ticks.set(old.price2Ticks);
    next.qty2.set(old.qty2);
    next.orderId.set(old.orderId);
    next.line.set(old.line);
    this.batch = next;
  }
}
