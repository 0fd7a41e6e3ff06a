// The backtest as a steppable simulation: a discrete-event simulation of two sides that talk only
// through timestamped messages, as in hftbacktest. The exchange side (exchange.ts) applies the
// recorded market at exchange time and matches our orders; the strategy side is the ordinary
// Engine, which sees each market message after the feed latency, sends actions that reach the
// exchange after the order latency, and learns of fills and cancels after the response latency.
// Everything happens in time order (ties: exchange before strategy), from recorded events and seeded
// models only, so a run is reproducible bit for bit — and, because `advanceTo(t)` only cuts that
// one ordered sequence of happenings at t, running in chunks gives exactly what one call gives.
//
// `runBacktest` (backtest.ts) runs a session to the end; paper instances (runtime/paper) feed it
// time in chunks paced by the wall clock, with `loop` replaying the data again and again.
import type { Plan } from '../../schemas/generated/plan.js';
import { MarketAccount } from '../account.js';
import { bindMarkets, type MarketBindingResult } from '../bind-markets.js';
import { BookReplayer } from '../book/replay.js';
import { MarkColumns } from './mark-columns.js';
import { Engine, type OrderAction } from '../engine.js';
import { EventFlag, Side, type EventBatch } from '../events.js';
import { NORMAL } from '../scenarios.js';
import { clearBooks } from './clear-books.js';
import { SimExchange, type ExchangeReport, type SimOrder } from './exchange.js';
import type { FeeModel } from './fees.js';
import { NotionalFees } from './fees.js';
import type { LatencySet } from './latency.js';
import { zeroLatency } from './latency.js';
import { PendingKind, PendingQueue, type Pending } from './pending.js';
import { PowerProbQueue, type QueueModel } from './queue.js';
import type { FillRecord, MarkSample, OrderCounts } from './records.js';

// Imported constants as module consts, which V8 folds into the code (docs/performance.md, "Imported constants").
const END_OF_MESSAGE = EventFlag.EndOfMessage;
const BID = Side.Bid;
const ASK = Side.Ask;
const PENDING_REPORT = PendingKind.report;
const PENDING_CANCEL = PendingKind.cancel;
const PENDING_PLACE = PendingKind.place;
const NORMAL_SCENARIO = NORMAL;

export interface BacktestOptions {
  latency?: LatencySet;
  fees?: FeeModel;
  queue?: QueueModel;
  /** Explicit plan-market → data-market bindings (`m` → `binance:BTC/USDT`). */
  markets?: Record<string, string>;
  /** Event-time window (ns since the batch's dayEpochMs). Rows before `fromNs` only build the books. */
  fromNs?: number;
  toNs?: number;
  /** Interval of MarkSamples (default 1 s of event time; Infinity: none). */
  sampleEveryNs?: number;
  /**
   * Extra delay (ns) before the strategy sees each row, on top of the feed latency — how a latency
   * spike from runtime/stress reaches the strategy. Read at the row that ends each message.
   */
  feedDelayNs?: Float64Array;
  /** Called now and then with the share of rows done. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Keep the explanation of the latest quote update per market, as a live engine does (default
   * false: a backtest reports fills and marks, and the snapshot per quote update costs ≈2 %).
   */
  explanations?: boolean;
  /** Replay the window again and again, each pass later in event time (see ReplayLoop). */
  loop?: ReplayLoop;
}

/**
 * A replay that never ends: after the last row the data starts again, `gapNs` after it, so event
 * time keeps increasing (pass k sees row i at exchTs[i] + k × (span + gap)). The seam is treated as
 * a venue reconnect, on each side when it reaches it: the exchange cancels our resting orders and
 * both sides' books are emptied and rebuilt from the rows that follow; the strategy cancels what
 * it still believes is working. Positions, cash, signals and risk state carry over.
 */
export interface ReplayLoop {
  /** Event time between the last row of one pass and the first row of the next, > 0. */
  gapNs: number;
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

const PROGRESS_EVERY = 200_000;

export class BacktestSession {
  readonly plan: Plan;
  readonly batch: EventBatch;
  readonly binding: MarketBindingResult;
  readonly engine: Engine;
  readonly exchange: SimExchange;
  private readonly markColumns: MarkColumns;
  /** The samples handed out so far as objects (made from the columns on request). */
  private readonly marks: MarkSample[] = [];
  private readonly quoteBidScratch: number[];
  private readonly quoteAskScratch: number[];
  private readonly midScratch: Float64Array;
  readonly orders: OrderCounts = { placed: 0, amended: 0, cancelled: 0, filledOrders: 0 };
  private fills: FillRecord[] = [];
  private fillTotal = 0;
  private quoted = 0;
  private readonly options: BacktestOptions;
  private readonly latency: LatencySet;
  private readonly sampleEvery: number;
  private readonly strategyBooks: BookReplayer;
  private readonly pending = new PendingQueue();
  // Kept per order only while it can still matter, so a session that runs for days stays small:
  // the quantity last offered (until the strategy forgets the order), the scenario that made it
  // and whether it has filled yet (until the exchange is done with it).
  private readonly openQty = new Map<number, number>();
  private readonly scenarioAtOrder = new Map<number, string>();
  private readonly filledIds = new Set<number>();
  private filledOrderCount = 0;
  private readonly trueAccounts: MarketAccount[];
  private readonly feedOfPlan: number[];
  private readonly firstRow: number;
  private readonly endRow: number;
  /** Event time from one pass of a loop to the next; NaN without a loop. */
  private readonly loopPeriodNs: number;

  private strategyTime = -Infinity;
  private nowNs: number;
  private exRow: number; // next row the exchange applies
  private stRow: number; // next message start the strategy sees
  private stDeliver = NaN; // delivery time of the strategy's next message
  private stEnd = -1; // last row of that message
  // Added to exchTs for the pass each side is in. -0, not 0: a double from the start, so the first
  // seam does not change the field's representation (docs/performance.md, "Field representations").
  private exOffsetNs = -0;
  private stOffsetNs = -0;
  private exSeam = false; // the side's next message is the first of a new pass
  private stSeam = false;
  private loopsSeen = 0;
  private nextSample: number;
  private nextProgress: number;
  private finished = false;
  private wallMs = 0;

  constructor(plan: Plan, batch: EventBatch, options: BacktestOptions = {}) {
    this.plan = plan;
    this.batch = batch;
    this.options = options;
    this.latency = options.latency ?? zeroLatency();
    this.sampleEvery = options.sampleEveryNs ?? 1e9;
    this.binding = bindMarkets(plan, batch.markets, options.markets ?? {});
    this.exchange = new SimExchange(batch, options.queue ?? new PowerProbQueue(3), options.fees ?? new NotionalFees(0, 0));
    // The strategy reads price levels only; queues by order id are the exchange's business.
    this.strategyBooks = new BookReplayer(batch, { orders: false });
    this.trueAccounts = plan.markets.map(() => new MarketAccount());
    this.markColumns = new MarkColumns(plan.markets.length);
    this.quoteBidScratch = plan.markets.map(() => NaN);
    this.quoteAskScratch = plan.markets.map(() => NaN);
    this.midScratch = new Float64Array(plan.markets.length);
    this.feedOfPlan = this.binding.planToFeed;
    const strategyBooks = this.strategyBooks;
    this.engine = new Engine(plan, {
      markets: this.feedOfPlan.map((f) => {
        const book = strategyBooks.books[f];
        if (!book) throw new Error(`no book for feed ${f}`);
        return { book };
      }),
      venueAcks: true,
      explain: options.explanations === true,
      sink: (a) => this.send(a),
    });

    // Row window: rows before `from` only build both sides' books.
    this.firstRow = options.fromNs === undefined ? 0 : lowerBound(batch.exchTs, options.fromNs);
    this.endRow = options.toNs === undefined ? batch.length : lowerBound(batch.exchTs, options.toNs + 1);
    this.buildBooksBeforeWindow({ exchange: true, strategy: true, clear: false });

    if (options.loop) {
      const gap = options.loop.gapNs;
      if (!(gap > 0) || !Number.isFinite(gap)) throw new RangeError(`a replay loop needs a gap > 0 ns between passes, not ${gap}`);
      if (this.endRow <= this.firstRow) throw new RangeError('a replay loop needs at least one event in its window');
      this.loopPeriodNs = (batch.exchTs[this.endRow - 1] ?? 0) - (batch.exchTs[this.firstRow] ?? 0) + gap;
    } else {
      this.loopPeriodNs = NaN;
    }
    this.exRow = this.firstRow;
    this.stRow = this.firstRow;
    this.nowNs = batch.exchTs[this.firstRow] ?? 0;
    this.nextSample = (batch.exchTs[this.firstRow] ?? 0) + this.sampleEvery;
    this.nextProgress = this.firstRow + PROGRESS_EVERY;
    this.scheduleStrategyMessage();
  }

  /** Event time the session has advanced to. */
  get now(): number {
    return this.nowNs;
  }
  /** Seams of a loop the strategy has passed (0 in the first pass). */
  get loops(): number {
    return this.loopsSeen;
  }
  /** Messages in flight between the two sides. */
  get inFlight(): number {
    return this.pending.size;
  }
  /** Nothing is left to happen (never, for a loop). */
  get done(): boolean {
    return this.exRow >= this.endRow && this.pending.size === 0 && this.stDeliver === Infinity;
  }
  /** Fills recorded so far, drained or not. */
  get fillCount(): number {
    return this.fillTotal;
  }
  get quotedQty(): number {
    return this.quoted;
  }
  /** Position per plan market as the exchange sees it. */
  exchangePositions(): number[] {
    return this.trueAccounts.map((a) => a.position);
  }

  /**
   * Fill records made since the last call. A long-running caller drains them so the session does
   * not hold every fill; the record of a fill still in flight gets its `localNs` when delivered.
   */
  drainFills(): FillRecord[] {
    const out = this.fills;
    this.fills = [];
    return out;
  }

  /**
   * Runs `fn` on the strategy side at the session's current time — a kill switch, a swap, an
   * announcement from outside the data: the actions it sends leave at that time.
   */
  act<T>(fn: (engine: Engine, tNs: number) => T): T {
    this.strategyTime = Math.max(this.strategyTime, this.nowNs);
    return fn(this.engine, this.strategyTime);
  }

  /** Processes everything that happens at or before `limitNs` of event time, in time order. */
  advanceTo(limitNs: number): void {
    const started = performance.now();
    const ts = this.batch.exchTs;
    const endRow = this.endRow;
    const pending = this.pending;
    for (;;) {
      const exRow = this.exRow;
      const exT = exRow < endRow ? (ts[exRow] ?? Infinity) + this.exOffsetNs : Infinity;
      const top = pending.peek();
      // `!== undefined`, not truthiness: see docs/performance.md, "Truthiness of loaded values".
      const qT = top !== undefined ? top.t : Infinity;
      const stDeliver = this.stDeliver;
      if (exT === Infinity && qT === Infinity && stDeliver === Infinity) break;
      // A sample at T shows the exchange as it stood at T: taken before anything later changes it.
      const changesAt = Math.min(exT, qT);
      while (this.nextSample < changesAt && changesAt !== Infinity) {
        this.sample(this.nextSample);
        this.nextSample += this.sampleEvery;
      }
      if (exT <= qT && exT <= stDeliver) {
        if (exT > limitNs) break;
        this.nowNs = exT;
        this.exchangeMessage();
      } else if (qT <= stDeliver) {
        if (qT > limitNs) break;
        this.nowNs = qT;
        const p = pending.pop();
        if (p === undefined) continue;
        if (p.kind !== PENDING_REPORT) this.toExchange(p);
        else this.toStrategy(p);
        pending.release(p);
      } else {
        if (stDeliver > limitNs) break;
        this.nowNs = stDeliver;
        this.strategyMessage();
      }
    }
    if (limitNs > this.nowNs && limitNs !== Infinity) this.nowNs = limitNs;
    this.wallMs += performance.now() - started;
  }

  /** Runs to the end of the data (not for a loop) and returns the result, with a last sample. */
  runToEnd(): BacktestResult {
    if (this.options.loop) throw new Error('a looping replay has no end: advance it with advanceTo');
    if (!this.finished) {
      this.advanceTo(Infinity);
      this.sample(this.lastRowTime());
      this.finished = true;
      this.options.onProgress?.(this.endRow - this.firstRow, this.endRow - this.firstRow);
    }
    return this.result();
  }

  /** The figures so far (fills: those not drained). */
  result(): BacktestResult {
    this.orders.filledOrders = this.filledOrderCount;
    return {
      plan: this.plan,
      binding: this.binding,
      engine: this.engine,
      fills: this.fills,
      marks: this.samples(),
      orders: this.orders,
      quotedQty: this.quoted,
      events: this.endRow - this.firstRow,
      fromNs: this.batch.exchTs[this.firstRow] ?? 0,
      toNs: this.lastRowTime(),
      finalPositions: this.exchangePositions(),
      exchange: this.exchange.stats,
      wallMs: this.wallMs,
    };
  }

  // ---------------------------------------------------------------- the two sides

  private lastRowTime(): number {
    return this.batch.exchTs[Math.max(this.firstRow, this.endRow - 1)] ?? 0;
  }

  /** The exchange applies one message of recorded data. */
  private exchangeMessage(): void {
    const batch = this.batch;
    const ts = batch.exchTs;
    const exchange = this.exchange;
    const off = this.exOffsetNs;
    if (this.exSeam === true) {
      this.exSeam = false;
      exchange.reconnect((ts[this.exRow] ?? 0) + off);
      this.buildBooksBeforeWindow({ exchange: true, strategy: false, clear: true });
      this.deliverReports();
    }
    const from = this.exRow;
    const end = this.nextMessageEnd(from);
    exchange.applyMessage(from, end, off);
    this.deliverReports();
    this.exRow = end + 1;
    if (this.exRow >= this.nextProgress) {
      this.options.onProgress?.(this.exRow - this.firstRow, this.endRow - this.firstRow);
      this.nextProgress += PROGRESS_EVERY;
    }
    if (this.exRow >= this.endRow && this.options.loop !== undefined) {
      this.exRow = this.firstRow;
      this.exOffsetNs += this.loopPeriodNs;
      this.exSeam = true;
    }
  }

  /** The strategy sees the next market message. */
  private strategyMessage(): void {
    const stDeliver = this.stDeliver;
    this.strategyTime = stDeliver;
    if (this.stSeam === true) {
      this.stSeam = false;
      this.loopsSeen++;
      this.engine.cancelAll('replay loop: venue reconnect', stDeliver);
      this.buildBooksBeforeWindow({ exchange: false, strategy: true, clear: true });
    }
    const offset = stDeliver - (this.batch.exchTs[this.stEnd] ?? 0);
    this.engine.replayOffsetNs = offset;
    this.engine.replayRows(this.batch, this.binding.feedToPlan, this.stRow, this.stEnd + 1);
    this.stRow = this.stEnd + 1;
    this.scheduleStrategyMessage();
  }

  private scheduleStrategyMessage(): void {
    if (this.stRow >= this.endRow) {
      if (this.options.loop === undefined) {
        this.stDeliver = Infinity;
        return;
      }
      this.stRow = this.firstRow;
      this.stOffsetNs += this.loopPeriodNs;
      this.stSeam = true;
    }
    this.stEnd = this.nextMessageEnd(this.stRow);
    const x = (this.batch.exchTs[this.stEnd] ?? 0) + this.stOffsetNs;
    // A feed is one ordered stream: a message never overtakes the one before it.
    const extra = this.options.feedDelayNs?.[this.stEnd] ?? 0;
    const prev = this.stDeliver;
    this.stDeliver = Math.max(Number.isFinite(prev) ? prev : -Infinity, x + this.latency.feed.sample(x) + extra);
  }

  private nextMessageEnd(from: number): number {
    const flags = this.batch.flags;
    const endRow = this.endRow;
    let i = from;
    while (i < endRow && ((flags[i] ?? 0) & END_OF_MESSAGE) === 0) i++;
    return Math.min(i, endRow - 1);
  }

  /** Applies the book rows before the window to the chosen sides' books, emptied first for a new pass. */
  private buildBooksBeforeWindow(o: { exchange: boolean; strategy: boolean; clear: boolean }): void {
    const batch = this.batch;
    if (o.clear && o.exchange) clearBooks(this.exchange.books);
    if (o.clear && o.strategy) clearBooks(this.strategyBooks);
    // The replayer knows which rows change a book and ignores the rest.
    for (let i = 0; i < this.firstRow; i++) {
      if (o.exchange) this.exchange.books.apply(batch, i);
      if (o.strategy) this.strategyBooks.apply(batch, i);
    }
  }

  /** An order action from the engine: it acts at strategy time and reaches the exchange after the order latency. */
  private send(a: OrderAction): void {
    const t = Math.max(this.engine.now, this.strategyTime);
    if (a.kind === 'place') {
      this.orders.placed++;
      this.noteScenario(a.id);
      if (a.hedge !== true) {
        this.quoted += a.qty;
        this.openQty.set(a.id, a.qty);
      }
    } else if (a.kind === 'amend') {
      this.orders.amended++;
      this.noteScenario(a.id);
      const before = this.openQty.get(a.id);
      if (before !== undefined) {
        if (a.qty > before) this.quoted += a.qty - before;
        this.openQty.set(a.id, a.qty);
      }
    } else {
      this.orders.cancelled++;
    }
    this.pending.pushAction(t + this.latency.order.sample(t), a);
  }

  /** The scenario an order was placed or last amended in, for its fill records. */
  private noteScenario(id: number): void {
    const scenario = this.engine.scenario;
    // A missing entry reads as the default scenario: plans that never leave it keep nothing.
    if (scenario === NORMAL_SCENARIO && this.scenarioAtOrder.size === 0) return;
    this.scenarioAtOrder.set(id, scenario);
  }

  private deliverReports(): void {
    if (!this.exchange.hasReports) return;
    const reports = this.exchange.takeReports();
    for (const r of reports) {
      const t = r.tNs + this.latency.response.sample(r.tNs);
      this.pending.pushReport(t, r, r.kind === 'fill' ? this.recordFill(r) : undefined);
    }
    // An order the exchange is done with never fills again: what was kept for its fills can go.
    // (Checked after the whole batch: several fills of one order share its SimOrder.)
    for (const r of reports) {
      const id = r.kind === 'fill' ? (r.order.qty <= 1e-12 ? r.order.id : -1) : r.orderId;
      if (id >= 0) {
        this.scenarioAtOrder.delete(id);
        this.filledIds.delete(id);
      }
    }
  }

  private recordFill(r: Extract<ExchangeReport, { kind: 'fill' }>): FillRecord {
    const o = r.order;
    const acct = this.trueAccounts[o.market];
    const signed = o.side === BID ? r.qty : -r.qty;
    acct?.fill(signed, r.price, r.fee);
    if (!this.filledIds.has(o.id)) {
      this.filledIds.add(o.id);
      this.filledOrderCount++;
    }
    const book = this.exchange.books.books[o.feed];
    const bt = book?.bestBid() ?? NaN;
    const at = book?.bestAsk() ?? NaN;
    const tick = book?.tickSize ?? 1;
    const rec: FillRecord = {
      tNs: r.tNs,
      localNs: NaN,
      market: o.market,
      marketAlias: this.plan.markets[o.market]?.alias ?? '',
      orderId: o.id,
      side: o.side,
      price: r.price,
      qty: r.qty,
      fee: r.fee,
      liquidity: r.liquidity,
      hedge: o.hedge,
      level: o.level,
      scenario: this.scenarioAtOrder.get(o.id) ?? NORMAL,
      planHash: o.planHash,
      mid: ((bt + at) / 2) * tick,
      positionAfter: acct?.position ?? 0,
      book: { bid: bt * tick, ask: at * tick, bidQty: Number.isNaN(bt) ? 0 : book?.qtyAt(BID, bt) ?? 0, askQty: Number.isNaN(at) ? 0 : book?.qtyAt(ASK, at) ?? 0 },
    };
    this.fills.push(rec);
    this.fillTotal++;
    return rec;
  }

  /** Every sample so far, as objects (those made by an earlier call are reused). */
  private samples(): MarkSample[] {
    if (this.marks.length < this.markColumns.length) for (const m of this.markColumns.read(this.marks.length)) this.marks.push(m);
    return this.marks;
  }

  private sample(t: number): void {
    const n = this.feedOfPlan.length;
    const books = this.exchange.books.books;
    const quoteBid = this.quoteBidScratch;
    const quoteAsk = this.quoteAskScratch;
    const mids = this.midScratch;
    // Loops, not fill(): a builtin call costs more than the one or two entries there are.
    for (let m = 0; m < n; m++) {
      quoteBid[m] = NaN;
      quoteAsk[m] = NaN;
    }
    this.exchange.bestQuotes(quoteBid, quoteAsk);
    let pnl = 0;
    for (let m = 0; m < n; m++) {
      const b = books[this.feedOfPlan[m] ?? -1];
      const mid = b !== undefined ? ((b.bestBid() + b.bestAsk()) / 2) * b.tickSize : NaN;
      mids[m] = mid;
      const a = this.trueAccounts[m] as MarketAccount;
      pnl += a.pnlAtMid(mid);
    }
    const row = this.markColumns.add(t, pnl, this.engine.scenario);
    for (let m = 0; m < n; m++) {
      this.markColumns.set(row, m, mids[m] ?? NaN, (this.trueAccounts[m] as MarketAccount).position, quoteBid[m] ?? NaN, quoteAsk[m] ?? NaN);
    }
  }

  private toExchange(p: Pending): void {
    const exchange = this.exchange;
    const kind = p.kind;
    if (kind === PENDING_CANCEL) {
      exchange.cancel(p.id, p.t);
      this.deliverReports();
      return;
    }
    const feed = this.feedOfPlan[p.market] ?? -1;
    const book = exchange.books.books[feed];
    const tick = book !== undefined ? book.tickSize : 1;
    // Prices move to the feed's grid (the same grid when plan and data agree): bids down, asks up.
    const priceTicks = p.side === BID ? Math.floor(p.price / tick + 1e-7) : Math.ceil(p.price / tick - 1e-7);
    if (kind === PENDING_PLACE) {
      const o: SimOrder = {
        id: p.id, market: p.market, feed, side: p.side, priceTicks, price: priceTicks * tick, qty: p.qty,
        hedge: p.hedge, taker: p.hedge && isTakerHedge(this.engine.plan, p.market), level: p.level, planHash: p.planHash, front: 0, tradedSinceDepth: 0, restSeq: 0,
      };
      exchange.place(o, p.t);
    } else {
      exchange.amend(p.id, priceTicks, priceTicks * tick, p.qty, p.planHash, p.level, p.t);
    }
    this.deliverReports();
  }

  private toStrategy(p: Pending): void {
    const r = p.report;
    if (r === undefined) return;
    const engine = this.engine;
    this.strategyTime = Math.max(this.strategyTime, p.t);
    const id = r.kind === 'fill' ? r.order.id : r.orderId;
    if (r.kind === 'fill') {
      if (p.record !== undefined) p.record.localNs = p.t;
      engine.onFill(id, r.qty, r.price, r.fee, Math.max(p.t, engine.now));
    } else {
      engine.onOrderGone(id, Math.max(p.t, engine.now));
    }
    // The engine never amends an order it has forgotten.
    if (!engine.hasOrder(id)) this.openQty.delete(id);
    // An amend sent before the strategy learned the exchange was done with the order set its
    // scenario again; now that it knows, no later amend will.
    if (r.kind === 'gone' || r.order.qty <= 1e-12) this.scenarioAtOrder.delete(id);
  }
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
