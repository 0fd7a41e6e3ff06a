// Synthetic event batches for the stress tests, made from a seed: an L2 feed (snapshot, diff
// messages that move the touch, trades at the touch, venue tickers, occasional re-snapshots, one
// or more markets interleaved, equal timestamps, receive times that go back now and then, a calendar
// row) and an L3 feed (LOBSTER-like: a snapshot, then adds, partial cancels, deletes, executions,
// hidden executions, messages about orders resting before the start, a halt). Both are uncrossed at
// every message end by construction; every message has its own source line.
import { EventFlag, EventKind, Side, allocateBatch, type EventBatch, type EventKindValue, type SideValue } from '../../../runtime/events.js';
import { createRng, type Rng } from '../../../runtime/stress/rng.js';

const NS_PER_MS = 1e6;
/** 2024-08-08 00:00 UTC: any day will do. */
const DAY_MS = Date.UTC(2024, 7, 8);

class Builder {
  readonly b: EventBatch;
  line = 0;
  constructor(capacity: number, markets: number, tickSize: number) {
    this.b = allocateBatch(capacity, {
      dayEpochMs: DAY_MS,
      markets: Array.from({ length: markets }, (_, m) => ({ venue: 'synthetic', symbol: `S${m}/USD`, tickSize, source: `synthetic-${m}` })),
      names: ['cpi'],
    });
  }
  row(kind: EventKindValue, market: number, t: number, local: number, side: number, price: number, qty: number, extra: { price2?: number; qty2?: number; orderId?: number } = {}): void {
    const b = this.b;
    if (b.length === b.kind.length) throw new Error('synthetic batch capacity exceeded');
    const i = b.length++;
    b.kind[i] = kind;
    b.market[i] = market;
    b.side[i] = side;
    b.exchTs[i] = t;
    b.localTs[i] = local;
    b.priceTicks[i] = price;
    b.qty[i] = qty;
    b.price2Ticks[i] = extra.price2 ?? 0;
    b.qty2[i] = extra.qty2 ?? 0;
    b.orderId[i] = extra.orderId ?? 0;
    b.line[i] = this.line;
  }
  end(): void {
    const i = this.b.length - 1;
    this.b.flags[i] = (this.b.flags[i] ?? 0) | EventFlag.EndOfMessage;
  }
  done(): EventBatch {
    const b = this.b;
    const n = b.length;
    return { ...b, kind: b.kind.slice(0, n), market: b.market.slice(0, n), side: b.side.slice(0, n), flags: b.flags.slice(0, n), exchTs: b.exchTs.slice(0, n), localTs: b.localTs.slice(0, n), priceTicks: b.priceTicks.slice(0, n), qty: b.qty.slice(0, n), price2Ticks: b.price2Ticks.slice(0, n), qty2: b.qty2.slice(0, n), orderId: b.orderId.slice(0, n), line: b.line.slice(0, n) };
  }
}

function qtyOf(rng: Rng): number {
  return Math.round((0.1 + rng.next() * 5) * 1000) / 1000;
}

function int(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng.next() * (hi - lo + 1));
}

/** One market's L2 book, as a model. */
class Model {
  bids = new Map<number, number>();
  asks = new Map<number, number>();
  bestBid(): number {
    return Math.max(...this.bids.keys());
  }
  bestAsk(): number {
    return Math.min(...this.asks.keys());
  }
}

export interface SyntheticOptions {
  seed: number;
  /** Messages after the first snapshot(s). */
  messages: number;
  markets?: number;
  /** Mid of market 0 in ticks at the start (market m starts at m+1 times it). */
  startTicks?: number;
  /** Levels per side in the first snapshot. */
  levels?: number;
}

export function syntheticL2(o: SyntheticOptions): EventBatch {
  const rng = createRng(o.seed);
  const markets = o.markets ?? 1;
  const start = o.startTicks ?? 10_000;
  const levels = o.levels ?? 12;
  const out = new Builder((o.messages + markets) * (levels * 2 + 12) + 64, markets, 0.01);
  const books = Array.from({ length: markets }, () => new Model());
  let t = 1_000 * 1e9;
  const snapshot = (m: number, model: Model): void => {
    out.line++;
    const local = t + int(rng, 0, 3) * NS_PER_MS;
    out.row(EventKind.BookClear, m, t, local, 0, 0, 0);
    for (const [p, q] of [...model.bids].sort((a, b) => b[0] - a[0])) out.row(EventKind.BookLevel, m, t, local, Side.Bid, p, q);
    for (const [p, q] of [...model.asks].sort((a, b) => a[0] - b[0])) out.row(EventKind.BookLevel, m, t, local, Side.Ask, p, q);
    out.end();
  };
  for (let m = 0; m < markets; m++) {
    const model = books[m] ?? new Model();
    const mid = start * (m + 1);
    for (let k = 0; k < levels; k++) {
      model.bids.set(mid - 1 - k * int(rng, 1, 3), qtyOf(rng));
      model.asks.set(mid + 1 + k * int(rng, 1, 3), qtyOf(rng));
    }
    snapshot(m, model);
  }
  let calendarDone = false;
  for (let n = 0; n < o.messages; n++) {
    // Equal times now and then; otherwise 1–200 ms apart.
    if (rng.next() > 0.15) t += int(rng, 1, 200) * NS_PER_MS;
    const m = int(rng, 0, markets - 1);
    const model = books[m] ?? new Model();
    // Receive times: usually a few ms later, sometimes out of order.
    const local = t + int(rng, 0, 30) * NS_PER_MS - (rng.next() < 0.05 ? 40 * NS_PER_MS : 0);
    const r = rng.next();
    if (!calendarDone && n > o.messages / 3) {
      calendarDone = true;
      out.line++;
      out.row(EventKind.Calendar, 0, t, local, 0, t + 60e9, 0, { orderId: 0 });
      out.end();
      continue;
    }
    if (r < 0.55) {
      // A diff: maybe move the touch, then a few level updates; rows in random order.
      const target = new Model();
      target.bids = new Map(model.bids);
      target.asks = new Map(model.asks);
      if (rng.next() < 0.4) {
        const move = int(rng, -4, 4);
        const bid = target.bestBid() + move;
        const ask = bid + int(rng, 1, 4);
        for (const p of [...target.bids.keys()]) if (p >= ask) target.bids.delete(p);
        for (const p of [...target.asks.keys()]) if (p <= bid) target.asks.delete(p);
        if (bid >= 1) target.bids.set(bid, qtyOf(rng));
        target.asks.set(ask, qtyOf(rng));
      }
      const updates = int(rng, 1, 4);
      for (let u = 0; u < updates; u++) {
        const bid = rng.next() < 0.5;
        const bb = target.bestBid();
        const ba = target.bestAsk();
        const p = bid ? bb - int(rng, 0, 15) : ba + int(rng, 0, 15);
        if (p < 1) continue;
        const side = bid ? target.bids : target.asks;
        // Never remove the last level of a side.
        if (rng.next() < 0.3 && side.has(p) && side.size > 1) side.delete(p);
        else side.set(p, qtyOf(rng));
      }
      const rows: Array<[SideValue, number, number]> = [];
      for (const [side, now, before] of [[Side.Bid, target.bids, model.bids], [Side.Ask, target.asks, model.asks]] as const) {
        for (const [p, q] of now) if (before.get(p) !== q) rows.push([side, p, q]);
        for (const p of before.keys()) if (!now.has(p)) rows.push([side, p, 0]);
      }
      if (rows.length === 0) continue;
      for (let k = rows.length - 1; k > 0; k--) {
        const j = int(rng, 0, k);
        const a = rows[k];
        const b = rows[j];
        if (a && b) {
          rows[k] = b;
          rows[j] = a;
        }
      }
      out.line++;
      for (const [side, p, q] of rows) out.row(EventKind.BookLevel, m, t, local, side, p, q);
      out.end();
      books[m] = target;
    } else if (r < 0.8) {
      const buyer = rng.next() < 0.5;
      out.line++;
      out.row(EventKind.Trade, m, t, local, buyer ? Side.Bid : Side.Ask, buyer ? model.bestAsk() : model.bestBid(), qtyOf(rng), { orderId: n });
      out.end();
    } else if (r < 0.95) {
      const bb = model.bestBid();
      const ba = model.bestAsk();
      out.line++;
      out.row(EventKind.Ticker, m, t, local, 0, bb, model.bids.get(bb) ?? 0, { price2: ba, qty2: model.asks.get(ba) ?? 0 });
      out.end();
    } else {
      snapshot(m, model);
    }
  }
  return out.done();
}

/** A LOBSTER-like L3 feed of one market. */
export function syntheticL3(o: SyntheticOptions): EventBatch {
  const rng = createRng(o.seed);
  const start = o.startTicks ?? 5_000;
  const levels = o.levels ?? 8;
  const out = new Builder(o.messages + levels * 2 + 16, 1, 0.01);
  // Level totals (including quantity of orders from before the start) and the known orders.
  const total = [new Map<number, number>(), new Map<number, number>()] as const;
  const orders = new Map<number, { side: SideValue; price: number; qty: number }>();
  let t = 34_200 * 1e9;
  out.line++;
  out.row(EventKind.BookClear, 0, t, t, 0, 0, 0);
  for (let k = 0; k < levels; k++) {
    const bp = start - 1 - k * int(rng, 1, 4);
    const ap = start + 1 + k * int(rng, 1, 4);
    total[Side.Bid].set(bp, int(rng, 1, 10) * 100);
    total[Side.Ask].set(ap, int(rng, 1, 10) * 100);
  }
  for (const side of [Side.Bid, Side.Ask] as const) {
    const ps = [...total[side].keys()].sort((a, b) => (side === Side.Bid ? b - a : a - b));
    for (const p of ps) out.row(EventKind.BookLevel, 0, t, t, side, p, total[side].get(p) ?? 0);
  }
  out.end();
  const best = (side: SideValue): number => (side === Side.Bid ? Math.max(...total[0].keys()) : Math.min(...total[1].keys()));
  const change = (side: SideValue, p: number, d: number): void => {
    const q = (total[side].get(p) ?? 0) + d;
    if (q > 1e-9) total[side].set(p, q);
    else total[side].delete(p);
  };
  let nextId = 1_000;
  let halted = false;
  for (let n = 0; n < o.messages; n++) {
    if (rng.next() > 0.2) t += int(rng, 1, 50) * NS_PER_MS + int(rng, 0, 999);
    const r = rng.next();
    out.line++;
    if (!halted && n === Math.floor(o.messages / 2)) {
      halted = true;
      out.row(EventKind.TradingHalt, 0, t, t, 0, 0, 0, { orderId: 0 });
      out.end();
      continue;
    }
    const side: SideValue = rng.next() < 0.5 ? Side.Bid : Side.Ask;
    const known = [...orders.entries()];
    if (r < 0.4 || known.length < 3) {
      // Add on its own side of the book, never crossing: bids below the best ask, asks above the best bid.
      const bb = best(Side.Bid);
      const ba = best(Side.Ask);
      const p = side === Side.Bid ? Math.min(ba - 1, bb + int(rng, -6, 2)) : Math.max(bb + 1, ba + int(rng, -2, 6));
      const qty = int(rng, 1, 5) * 100;
      const id = nextId++;
      orders.set(id, { side, price: p, qty });
      change(side, p, qty);
      out.row(EventKind.OrderAdd, 0, t, t, side, p, qty, { orderId: id });
    } else if (r < 0.85) {
      const [id, ord] = known[int(rng, 0, known.length - 1)] ?? [0, { side: Side.Bid, price: 1, qty: 0 }];
      // Keep at least one level per side.
      const lastLevel = total[ord.side].size === 1 && (total[ord.side].get(ord.price) ?? 0) <= ord.qty;
      const kind = r < 0.55 ? EventKind.OrderReduce : r < 0.75 ? EventKind.OrderDelete : EventKind.OrderExecute;
      const partial = kind === EventKind.OrderReduce || lastLevel || (kind === EventKind.OrderExecute && rng.next() < 0.5);
      const q = partial ? Math.max(1, Math.floor(ord.qty / 2)) : ord.qty;
      if (partial && q >= ord.qty) {
        out.row(EventKind.HiddenExecute, 0, t, t, ord.side, ord.price, 10, { orderId: 0 });
      } else {
        out.row(partial && kind === EventKind.OrderDelete ? EventKind.OrderReduce : kind, 0, t, t, ord.side, ord.price, q, { orderId: id });
        change(ord.side, ord.price, -q);
        if (q >= ord.qty) orders.delete(id);
        else ord.qty -= q;
      }
    } else if (r < 0.93) {
      // An order from before the start: a delete the book cannot attribute (LOBSTER has many).
      const p = best(side) + (side === Side.Bid ? -int(rng, 0, 3) : int(rng, 0, 3));
      let attributed = 0;
      for (const ord of orders.values()) if (ord.side === side && ord.price === p) attributed += ord.qty;
      const free = (total[side].get(p) ?? 0) - attributed;
      const lastLevel = total[side].size === 1;
      if (free >= 100 && !lastLevel) {
        out.row(EventKind.OrderDelete, 0, t, t, side, p, 100, { orderId: 1 + int(rng, 0, 500) });
        change(side, p, -100);
      } else {
        out.row(EventKind.HiddenExecute, 0, t, t, side, best(side), 7, { orderId: 0 });
      }
    } else {
      out.row(EventKind.HiddenExecute, 0, t, t, side, best(side), int(rng, 1, 50), { orderId: 0 });
    }
    out.end();
  }
  return out.done();
}
