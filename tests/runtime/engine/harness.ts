// Synthetic markets and a crude fill model for engine property tests: a random-walk book, random
// public trades, and fills of our working orders at random (possibly adverse) moments. Deterministic
// for a given seed.
import { compile } from '../../../compiler/program.js';
import { Engine, type OrderAction } from '../../../runtime/engine.js';
import { allocateBatch, EventFlag, EventKind, Side, type EventBatch } from '../../../runtime/events.js';
import type { Plan } from '../../../schemas/index.js';
import { MapBook } from './test-book.js';

export function planFrom(source: string): Plan {
  const r = compile(source, { file: 'test.quoin' });
  if (!r.plan) throw new Error(r.diagnostics.map((d) => `${d.range.start.line}:${d.range.start.col} ${d.message}`).join('\n'));
  return r.plan;
}

export class Rng {
  constructor(private s: number) {}
  next(): number {
    // mulberry32
    this.s = (this.s + 0x6d2b79f5) | 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/** A stream of whole-book messages (BookClear + 5 levels a side) on `markets` markets, 50 ms apart, with jumps and trades. */
export function randomStream(opts: { seed: number; messages: number; markets?: number; startTicks?: number; tick?: number; jumpEvery?: number }): EventBatch {
  const rng = new Rng(opts.seed);
  const markets = opts.markets ?? 1;
  const tick = opts.tick ?? 0.01;
  const batch = allocateBatch(opts.messages * markets * 12, {
    dayEpochMs: 0,
    markets: Array.from({ length: markets }, (_, i) => ({ venue: 'sim', symbol: i === 0 ? 'BTC/USDT' : 'ETH/USDT', tickSize: tick, source: 'synthetic' })),
  });
  const mids = Array.from({ length: markets }, () => opts.startTicks ?? 6_000_000);
  let n = 0;
  const row = (kind: number, m: number, side: number, p: number, q: number, t: number, end: boolean): void => {
    batch.kind[n] = kind;
    batch.market[n] = m;
    batch.side[n] = side;
    batch.priceTicks[n] = p;
    batch.qty[n] = q;
    batch.exchTs[n] = t;
    batch.localTs[n] = t;
    batch.flags[n] = end ? EventFlag.EndOfMessage : 0;
    n++;
  };
  for (let i = 0; i < opts.messages; i++) {
    const t = 36_000e9 + i * 50e6;
    for (let m = 0; m < markets; m++) {
      let mid = mids[m] ?? 0;
      mid += Math.round((rng.next() - 0.5) * 6);
      if (opts.jumpEvery && i % opts.jumpEvery === opts.jumpEvery - 1) mid += Math.round((rng.next() - 0.5) * mid * 0.02);
      mids[m] = mid;
      if (rng.next() < 0.3) {
        row(EventKind.Trade, m, rng.next() < 0.5 ? Side.Bid : Side.Ask, mid + (rng.next() < 0.5 ? -1 : 1), 0.01 + rng.next(), t, true);
      }
      row(EventKind.BookClear, m, 0, 0, 0, t, false);
      for (let l = 0; l < 5; l++) {
        row(EventKind.BookLevel, m, Side.Bid, mid - 1 - l * 2, 0.1 + rng.next() * 3, t, false);
        row(EventKind.BookLevel, m, Side.Ask, mid + 1 + l * 2, 0.1 + rng.next() * 3, t, l === 4);
      }
    }
  }
  batch.length = n;
  return batch;
}

export function makeEngine(plan: Plan, sink: (a: OrderAction) => void, tick = 0.01): Engine {
  return new Engine(plan, { markets: plan.markets.map(() => ({ book: new MapBook(tick) })), sink });
}

export function identity(n: number): Int16Array {
  return Int16Array.from({ length: n }, (_, i) => i);
}

/**
 * Replays message by message. After each message, fills working orders at their price: with the
 * `random` model one random order (fully or, if `partial`, sometimes half) with some probability;
 * with the `cross` model every order the market has traded through (bids at or above the best ask,
 * asks at or below the best bid) — adverse selection at its worst.
 */
export function replayWithFills(engine: Engine, batch: EventBatch, opts: { seed: number; fillProbability: number; model?: 'random' | 'cross'; partial?: boolean; after?: (rowEnd: number) => void; from?: number; to?: number }): void {
  const rng = new Rng(opts.seed);
  const map = identity(batch.markets.length);
  let start = opts.from ?? 0;
  const end = opts.to ?? batch.length;
  for (let i = start; i < end; i++) {
    if (((batch.flags[i] ?? 0) & EventFlag.EndOfMessage) === 0) continue;
    engine.replay(batch, map, start, i + 1);
    start = i + 1;
    const t = batch.exchTs[i] ?? 0;
    if (opts.model === 'cross') {
      for (const o of engine.workingOrders()) {
        const v = engine.view(o.market);
        if (!v) continue;
        const crossed = o.side === 0 ? o.price >= v.ask : o.price <= v.bid;
        if (crossed && engine.workingOrders().some((x) => x.id === o.id)) engine.onFill(o.id, o.qty, o.price, o.qty * o.price * 0.0001, t);
      }
    } else if (rng.next() < opts.fillProbability) {
      const orders = engine.workingOrders();
      const o = orders[Math.floor(rng.next() * orders.length)];
      if (o) {
        const part = opts.partial !== false && rng.next() < 0.5 ? Math.max(o.qty / 2, 1e-9) : o.qty;
        engine.onFill(o.id, part, o.price, part * o.price * 0.0001, t);
      }
    }
    opts.after?.(i + 1);
  }
  if (start < end) engine.replay(batch, map, start, end);
}

/** A readable, byte-comparable action log line. */
export function logLine(a: OrderAction): string {
  return JSON.stringify(a);
}
