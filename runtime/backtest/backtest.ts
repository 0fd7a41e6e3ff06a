// The backtest driver: a discrete-event simulation of two sides that talk only through timestamped
// messages, as in hftbacktest. The exchange side (exchange.ts) applies the recorded market at
// exchange time and matches our orders; the strategy side is the ordinary Engine, which sees each
// market message after the feed latency, sends actions that reach the exchange after the order
// latency, and learns of fills and cancels after the response latency. Everything happens in time
// order (ties: exchange before strategy), from recorded events and seeded models only, so a run is
// reproducible bit for bit.
import type { Plan } from '../../schemas/generated/plan.js';
import { MarketAccount } from '../account.js';
import { bindMarkets, type MarketBindingResult } from '../bind-markets.js';
import { BookReplayer } from '../book/replay.js';
import { Engine, type OrderAction } from '../engine.js';
import { EventFlag, EventKind, Side, type EventBatch } from '../events.js';
import { SimExchange, type ExchangeReport, type SimOrder } from './exchange.js';
import type { FeeModel } from './fees.js';
import { NotionalFees } from './fees.js';
import type { LatencySet } from './latency.js';
import { zeroLatency } from './latency.js';
import { PowerProbQueue, type QueueModel } from './queue.js';
import type { FillRecord, MarkSample, OrderCounts } from './records.js';

export interface BacktestOptions {
  latency?: LatencySet;
  fees?: FeeModel;
  queue?: QueueModel;
  /** Explicit plan-market → data-market bindings (`m` → `binance:BTC/USDT`). */
  markets?: Record<string, string>;
  /** Event-time window (ns since the batch's dayEpochMs). Rows before `fromNs` only build the books. */
  fromNs?: number;
  toNs?: number;
  /** Interval of MarkSamples (default 1 s of event time). */
  sampleEveryNs?: number;
  /**
   * Extra delay (ns) before the strategy sees each row, on top of the feed latency — how a latency
   * spike from runtime/stress reaches the strategy. Read at the row that ends each message.
   */
  feedDelayNs?: Float64Array;
  /** Called now and then with the share of rows done. */
  onProgress?: (done: number, total: number) => void;
}

export interface BacktestResult {
  plan: Plan;
  binding: MarketBindingResult;
  engine: Engine;
  fills: FillRecord[];
  marks: MarkSample[];
  orders: OrderCounts;
  /** Rows replayed (market events), and the event-time span. */
  events: number;
  fromNs: number;
  toNs: number;
  /** Quantity our quoting orders offered: placed quantities plus increases by amends. */
  quotedQty: number;
  /** Position per plan market as the exchange saw it, and as the strategy believed it at the end. */
  finalPositions: number[];
  exchange: SimExchange['stats'];
  /** Wall time of the simulation loop. */
  wallMs: number;
}

interface Pending {
  t: number;
  seq: number;
  toExchange: boolean;
  action?: OrderAction;
  report?: ExchangeReport;
  /** The fill's record, completed with the time the strategy learns of it. */
  record?: FillRecord;
}

/** A binary heap of pending messages by (time, arrival order). */
class Queue {
  private readonly items: Pending[] = [];
  private seq = 0;
  get size(): number {
    return this.items.length;
  }
  peek(): Pending | undefined {
    return this.items[0];
  }
  push(p: Omit<Pending, 'seq'>): void {
    const item = { ...p, seq: this.seq++ };
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(item, a[parent] as Pending)) break;
      a[i] = a[parent] as Pending;
      i = parent;
    }
    a[i] = item;
  }
  pop(): Pending | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (top === undefined || last === undefined || a.length === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      let best = last;
      if (l < a.length && before(a[l] as Pending, best)) {
        m = l;
        best = a[l] as Pending;
      }
      if (r < a.length && before(a[r] as Pending, best)) m = r;
      if (m === i) break;
      a[i] = a[m] as Pending;
      i = m;
    }
    a[i] = last;
    return top;
  }
}

function before(a: Pending, b: Pending): boolean {
  // At equal times the exchange acts first, then messages keep their sending order.
  if (a.t !== b.t) return a.t < b.t;
  if (a.toExchange !== b.toExchange) return a.toExchange;
  return a.seq < b.seq;
}

export function runBacktest(plan: Plan, batch: EventBatch, options: BacktestOptions = {}): BacktestResult {
  const latency = options.latency ?? zeroLatency();
  const fees = options.fees ?? new NotionalFees(0, 0);
  const queueModel = options.queue ?? new PowerProbQueue(3);
  const sampleEvery = options.sampleEveryNs ?? 1e9;
  const binding = bindMarkets(plan, batch.markets, options.markets ?? {});
  const exchange = new SimExchange(batch, queueModel, fees);
  const strategyBooks = new BookReplayer(batch);
  const pending = new Queue();
  const fills: FillRecord[] = [];
  const marks: MarkSample[] = [];
  const orders: OrderCounts = { placed: 0, amended: 0, cancelled: 0, filledOrders: 0 };
  let quotedQty = 0;
  const openQty = new Map<number, number>();
  const filledIds = new Set<number>();
  const trueAccounts = plan.markets.map(() => new MarketAccount());
  const scenarioAtOrder = new Map<number, string>();
  const feedOfPlan = binding.planToFeed;

  let strategyTime = -Infinity;
  const engine: Engine = new Engine(plan, {
    markets: feedOfPlan.map((f) => {
      const book = strategyBooks.books[f];
      if (!book) throw new Error(`no book for feed ${f}`);
      return { book };
    }),
    applyBook: (b, i) => strategyBooks.apply(b, i),
    venueAcks: true,
    sink: (a) => {
      // The engine acts at strategy time; the message reaches the exchange after the order latency.
      const t = Math.max(engine.now, strategyTime);
      if (a.kind === 'place') {
        orders.placed++;
        scenarioAtOrder.set(a.id, engine.scenario);
        if (!a.hedge) {
          quotedQty += a.qty;
          openQty.set(a.id, a.qty);
        }
      } else if (a.kind === 'amend') {
        orders.amended++;
        scenarioAtOrder.set(a.id, engine.scenario);
        const before = openQty.get(a.id);
        if (before !== undefined) {
          if (a.qty > before) quotedQty += a.qty - before;
          openQty.set(a.id, a.qty);
        }
      } else {
        orders.cancelled++;
      }
      pending.push({ t: t + latency.order.sample(t), toExchange: true, action: a });
    },
  });

  // Row window: rows before `from` only build both sides' books.
  const firstRow = options.fromNs === undefined ? 0 : lowerBound(batch.exchTs, options.fromNs);
  const endRow = options.toNs === undefined ? batch.length : lowerBound(batch.exchTs, options.toNs + 1);
  for (let i = 0; i < firstRow; i++) {
    const k = batch.kind[i] ?? 0;
    if (k === EventKind.BookClear || k === EventKind.BookLevel || (k >= EventKind.OrderAdd && k <= EventKind.OrderExecute)) {
      exchange.books.apply(batch, i);
      strategyBooks.apply(batch, i);
    }
  }

  const started = performance.now();
  let exRow = firstRow; // next row the exchange applies
  let stRow = firstRow; // next message start the strategy sees
  let stDeliver = NaN; // delivery time of the strategy's next message
  let stEnd = -1; // last row of that message
  let nextSample = (batch.exchTs[firstRow] ?? 0) + sampleEvery;
  const progressEvery = 200_000;
  let nextProgress = firstRow + progressEvery;

  const nextMessageEnd = (from: number): number => {
    let i = from;
    while (i < endRow && ((batch.flags[i] ?? 0) & EventFlag.EndOfMessage) === 0) i++;
    return Math.min(i, endRow - 1);
  };
  const scheduleStrategyMessage = (): void => {
    if (stRow >= endRow) {
      stDeliver = Infinity;
      return;
    }
    stEnd = nextMessageEnd(stRow);
    const x = batch.exchTs[stEnd] ?? 0;
    // A feed is one ordered stream: a message never overtakes the one before it.
    const extra = options.feedDelayNs?.[stEnd] ?? 0;
    stDeliver = Math.max(Number.isFinite(stDeliver) ? stDeliver : -Infinity, x + latency.feed.sample(x) + extra);
  };
  scheduleStrategyMessage();

  const deliverReports = (): void => {
    if (!exchange.hasReports) return;
    for (const r of exchange.takeReports()) {
      const t = r.tNs + latency.response.sample(r.tNs);
      if (r.kind === 'fill') pending.push({ t, toExchange: false, report: r, record: recordFill(r) });
      else pending.push({ t, toExchange: false, report: r });
    }
  };

  const recordFill = (r: Extract<ExchangeReport, { kind: 'fill' }>): FillRecord => {
    const o = r.order;
    const acct = trueAccounts[o.market];
    const signed = o.side === Side.Bid ? r.qty : -r.qty;
    acct?.fill(signed, r.price, r.fee);
    filledIds.add(o.id);
    const book = exchange.books.books[o.feed];
    const bt = book?.bestBid() ?? NaN;
    const at = book?.bestAsk() ?? NaN;
    const tick = book?.tickSize ?? 1;
    const rec: FillRecord = {
      tNs: r.tNs,
      localNs: NaN,
      market: o.market,
      marketAlias: plan.markets[o.market]?.alias ?? '',
      orderId: o.id,
      side: o.side,
      price: r.price,
      qty: r.qty,
      fee: r.fee,
      liquidity: r.liquidity,
      hedge: o.hedge,
      level: o.level,
      scenario: scenarioAtOrder.get(o.id) ?? 'normal',
      planHash: o.planHash,
      mid: ((bt + at) / 2) * tick,
      positionAfter: acct?.position ?? 0,
      book: { bid: bt * tick, ask: at * tick, bidQty: Number.isNaN(bt) ? 0 : book?.qtyAt(Side.Bid, bt) ?? 0, askQty: Number.isNaN(at) ? 0 : book?.qtyAt(Side.Ask, at) ?? 0 },
    };
    fills.push(rec);
    return rec;
  };

  const sample = (t: number): void => {
    const mids = feedOfPlan.map((f) => {
      const b = exchange.books.books[f];
      return b ? ((b.bestBid() + b.bestAsk()) / 2) * b.tickSize : NaN;
    });
    const quoteBid = plan.markets.map(() => NaN);
    const quoteAsk = plan.markets.map(() => NaN);
    for (const o of exchange.restingOrders) {
      if (o.hedge) continue;
      const m = o.market;
      if (o.side === Side.Bid) {
        const cur = quoteBid[m] ?? NaN;
        if (Number.isNaN(cur) || o.price > cur) quoteBid[m] = o.price;
      } else {
        const cur = quoteAsk[m] ?? NaN;
        if (Number.isNaN(cur) || o.price < cur) quoteAsk[m] = o.price;
      }
    }
    let pnl = 0;
    trueAccounts.forEach((a, m) => {
      const mid = mids[m] ?? NaN;
      pnl += a.pnl(Number.isFinite(mid) ? mid : a.avgPrice);
    });
    marks.push({ tNs: t, mids, positions: trueAccounts.map((a) => a.position), pnl, scenario: engine.scenario, quoteBid, quoteAsk });
  };

  const toExchange = (p: Pending): void => {
    const a = p.action;
    if (!a) return;
    const feed = feedOfPlan[a.market] ?? -1;
    const book = exchange.books.books[feed];
    const tick = book?.tickSize ?? 1;
    if (a.kind === 'place') {
      // Prices move to the feed's grid (the same grid when plan and data agree): bids down, asks up.
      const priceTicks = a.side === Side.Bid ? Math.floor(a.price / tick + 1e-7) : Math.ceil(a.price / tick - 1e-7);
      const o: SimOrder = {
        id: a.id, market: a.market, feed, side: a.side, priceTicks, price: priceTicks * tick, qty: a.qty,
        hedge: a.hedge, taker: a.hedge && isTakerHedge(plan, a.market), level: a.level, planHash: a.planHash, front: 0, tradedSinceDepth: 0,
      };
      exchange.place(o, p.t);
    } else if (a.kind === 'amend') {
      const priceTicks = a.side === Side.Bid ? Math.floor(a.price / tick + 1e-7) : Math.ceil(a.price / tick - 1e-7);
      exchange.amend(a.id, priceTicks, priceTicks * tick, a.qty, a.planHash, a.level, p.t);
    } else {
      exchange.cancel(a.id, p.t);
    }
    deliverReports();
  };

  const toStrategy = (p: Pending): void => {
    const r = p.report;
    if (!r) return;
    strategyTime = Math.max(strategyTime, p.t);
    if (r.kind === 'fill') {
      if (p.record) p.record.localNs = p.t;
      engine.onFill(r.order.id, r.qty, r.price, r.fee, Math.max(p.t, engine.now));
    } else {
      engine.onOrderGone(r.orderId, Math.max(p.t, engine.now));
    }
  };

  for (;;) {
    const exT = exRow < endRow ? batch.exchTs[exRow] ?? Infinity : Infinity;
    const top = pending.peek();
    const qT = top ? top.t : Infinity;
    if (exT === Infinity && qT === Infinity && stDeliver === Infinity) break;
    // A sample at T shows the exchange as it stood at T: taken before anything later changes it.
    const changesAt = Math.min(exT, qT);
    while (nextSample < changesAt && changesAt !== Infinity) {
      sample(nextSample);
      nextSample += sampleEvery;
    }
    if (exT <= qT && exT <= stDeliver) {
      // The exchange applies one message of recorded data.
      const end = nextMessageEnd(exRow);
      for (let i = exRow; i <= end; i++) exchange.applyRow(i, batch.exchTs[i] ?? exT);
      const feed = batch.market[end] ?? 0;
      exchange.settle(feed, batch.exchTs[end] ?? exT);
      deliverReports();
      exRow = end + 1;
      if (exRow >= nextProgress) {
        options.onProgress?.(exRow - firstRow, endRow - firstRow);
        nextProgress += progressEvery;
      }
    } else if (qT <= stDeliver) {
      const p = pending.pop();
      if (!p) continue;
      if (p.toExchange) toExchange(p);
      else toStrategy(p);
    } else {
      // The strategy sees the next market message.
      const offset = stDeliver - (batch.exchTs[stEnd] ?? 0);
      strategyTime = stDeliver;
      engine.replay(batch, binding.feedToPlan, stRow, stEnd + 1, offset);
      stRow = stEnd + 1;
      scheduleStrategyMessage();
    }
  }
  const lastT = batch.exchTs[Math.max(firstRow, endRow - 1)] ?? 0;
  sample(lastT);
  orders.filledOrders = filledIds.size;
  options.onProgress?.(endRow - firstRow, endRow - firstRow);

  return {
    plan,
    binding,
    engine,
    fills,
    marks,
    orders,
    quotedQty,
    events: endRow - firstRow,
    fromNs: batch.exchTs[firstRow] ?? 0,
    toNs: lastT,
    finalPositions: trueAccounts.map((a) => a.position),
    exchange: exchange.stats,
    wallMs: performance.now() - started,
  };
}

function isTakerHedge(plan: Plan, market: number): boolean {
  const alias = plan.markets[market]?.alias;
  return plan.hedges.some((h) => h.market === alias && h.via === 'taker');
}

function lowerBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((a[mid] ?? 0) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
