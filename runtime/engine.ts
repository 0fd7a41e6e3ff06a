// The engine: the thin stateful core every mode shares (replay, simulator, paper, live). It keeps
// the books, the account and the working orders, runs the linked plan at the end of a venue message
// that changed something the plan reads or brought one of its timers due — signals, scenario, risk
// review, quotes, hedges, adaptation — and sends every order action
// through the risk gate to a sink. Time comes only from events: the same plan and events give the
// same actions, bit for bit.
import type { Plan } from '../schemas/generated/plan.js';
import { MarketAccount, type MarketAccountState } from './account.js';
import type { L2Book } from './book/l2-book.js';
import { Calendar } from './calendar.js';
import { EventFlag, EventKind, Side, type EventBatch, type SideValue } from './events.js';
import { explainQuote, type Explanation } from './explain.js';
import { link, type AccountReader, type LinkedPlan } from './link/link.js';
import { MarketView } from './market-view.js';
import { OrderRegistry, type WorkingOrder } from './orders.js';
import { loadPlan } from './plan/load-plan.js';
import { planReads, type PlanReads } from './plan/reads.js';
import { buildQuotes, ceilTicks, floorLots, floorTicks, Withheld, type BuildContext, type QuoteValues } from './quote/build-quotes.js';
import { DesiredQuotes, type DesiredSide } from './quote/desired.js';
import { diffOne, diffSide, type DiffPolicy, type DiffSink } from './quote/order-diff.js';
import { RiskGate, type OrderIntent, type RiskContext, type RiskGateState, type RiskTransition } from './risk/risk-gate.js';
import { ScenarioSwitch, type ScenarioChange, type ScenarioState } from './scenarios.js';
import type { SignalSnapshot, StatefulInstance } from './signals/index.js';

// Imported constants as module consts, which V8 folds into the code (docs/performance.md, "Imported constants").
const BOOK_CLEAR = EventKind.BookClear;
const BOOK_LEVEL = EventKind.BookLevel;
const TRADE = EventKind.Trade;
const CALENDAR = EventKind.Calendar;
const ORDER_ADD = EventKind.OrderAdd;
const ORDER_REDUCE = EventKind.OrderReduce;
const ORDER_DELETE = EventKind.OrderDelete;
const ORDER_EXECUTE = EventKind.OrderExecute;
const HIDDEN_EXECUTE = EventKind.HiddenExecute;
const END_OF_MESSAGE = EventFlag.EndOfMessage;
const BID = Side.Bid;
const ASK = Side.Ask;

export type OrderAction =
  | { kind: 'place'; id: number; market: number; side: SideValue; priceTicks: number; price: number; qty: number; level: number; hedge: boolean; planHash: string; tNs: number }
  | { kind: 'amend'; id: number; market: number; side: SideValue; priceTicks: number; price: number; qty: number; level: number; planHash: string; tNs: number }
  | { kind: 'cancel'; id: number; market: number; side: SideValue; reason: string; tNs: number };

export interface ActionSink {
  (action: OrderAction): void;
}

/** Applies L3 rows of one market (LOBSTER) to its book. */
export interface L3Handler {
  add(orderId: number, side: SideValue, priceTicks: number, qty: number): void;
  reduce(orderId: number, side: SideValue, priceTicks: number, qty: number): void;
  remove(orderId: number, side: SideValue, priceTicks: number, qty: number): void;
  execute(orderId: number, side: SideValue, priceTicks: number, qty: number): void;
}

export interface MarketBinding {
  book: L2Book;
  l3?: L3Handler;
}

export interface EngineOptions {
  /** One book per plan market, in plan order: what the plan reads. */
  markets: MarketBinding[];
  sink?: ActionSink;
  /**
   * The orders go to a venue (or a simulated one) that confirms cancels: a cancelled order stays
   * known, and can still fill, until `onOrderGone`. Without it (quote-only replays) a cancel takes
   * effect at once.
   */
  venueAcks?: boolean;
  /**
   * Longest stretch of event time without an evaluation while messages keep arriving (default 1 s).
   * Evaluations follow changes of what the plan reads and the plan's own timers; the heartbeat
   * bounds how stale the time-only quantities (time of day, signal windows, free risk conditions)
   * can get between them. See docs/runtime.md, "When the plan is evaluated".
   */
  heartbeatNs?: number;
  /**
   * Keep the latest quote update's explanation per market (default true). A backtest whose quotes
   * nobody asks about turns it off: the snapshot copies the plan's values at every quote update.
   */
  explain?: boolean;
  /** Record the explanation of every quote update (default: only the latest per market). */
  keepExplanations?: boolean;
  /** Called for each recorded explanation; lets a caller keep the N-th without holding them all. */
  onExplanation?: (e: Explanation, index: number) => void;
}

export interface ParamMove {
  tNs: number;
  param: string;
  from: number;
  to: number;
  rule: string;
}

export interface EngineStats {
  events: number;
  evaluations: number;
  quoteUpdates: number;
  actions: { place: number; amend: number; cancel: number };
  rejected: number;
  throttled: number;
  scenarioChanges: ScenarioChange[];
  riskTransitions: RiskTransition[];
  paramMoves: ParamMove[];
  swaps: Array<{ tNs: number; from: string; to: string }>;
}

const NO_ORDER = -1;

export class Engine {
  private lp: LinkedPlan;
  private readonly views: MarketView[];
  private readonly accounts: MarketAccount[];
  private readonly orders: OrderRegistry;
  private gate: RiskGate;
  private scenarios: ScenarioSwitch;
  private readonly calendar: Calendar;
  private desired: DesiredQuotes[];
  /** Per plan quote: what a quote pass reads of it, laid out once (see QuoteShape). */
  private quoteShapes: QuoteShape[];
  private readonly scratch = { keptW: new Uint8Array(64), keptD: new Uint8Array(64) };
  // Reused by every quote pass (one runs at a time), so a pass allocates only the actions it sends.
  private readonly raw: QuoteValues = { bid: NaN, ask: NaN, bidSize: NaN, askSize: NaN, levels: 0, step: 0, stepIsPrice: false };
  private readonly diffPolicy: DiffPolicy = { toleranceTicks: 0, maxAgeNs: Infinity, nowNs: 0, descending: false };
  private readonly quoteSink = new QuoteSink(this);
  private readonly buildContext: BuildContext = { bestBid: NaN, bestAsk: NaN, allowBid: true, allowAsk: true };
  private readonly intent: OrderIntent = { market: 0, side: BID, price: NaN, qty: 0, replaces: NO_ORDER };
  private readonly sink: ActionSink;
  private nowNs = 0;
  private dayIndex = NaN;
  /** Event-time bounds of day `dayIndex` (NaN: not known yet, so the next evaluation works it out). */
  private dayStartNs = NaN;
  private dayEndNs = NaN;
  private dayStartPnl = 0;
  private lastQuoteNs: number[];
  private smoothed: Float64Array;
  private smoothedAt: Float64Array;
  private adaptNextNs: number[];
  private forceQuote = true;
  /** Something the plan reads changed since the last evaluation (trades, calendar, own orders). */
  private dirty = false;
  /** What the plan reads (book depth, trades, clock grids, calendar windows): what wakes it. */
  private reads: PlanReads;
  /** Per plan market: the book's stamp (bookStamp) at the last evaluation. */
  private readonly seenBook: number[];
  /** Earliest event time a timer of the plan falls due (heartbeat, deferred quote pass, order age…). */
  private dueNs = -Infinity;
  private readonly heartbeatNs: number;
  /** Per plan market: the L3 handler bound with its book, if any (read at every L3 row). */
  private readonly l3Handlers: Array<L3Handler | undefined>;
  private pendingCancelAll: string | undefined;
  readonly explanations: Explanation[] = [];
  private explanationCount = 0;
  private readonly limitsThisPass: Array<{ rule: string; reason: string; side: SideValue }> = [];
  /** Explanations are built at each quote update (kept or handed out), not only on request. */
  private readonly explainEagerly: boolean;
  private readonly explainLatest: boolean;
  readonly stats: EngineStats = {
    events: 0, evaluations: 0, quoteUpdates: 0, actions: { place: 0, amend: 0, cancel: 0 }, rejected: 0, throttled: 0,
    scenarioChanges: [], riskTransitions: [], paramMoves: [], swaps: [],
  };

  constructor(
    plan: Plan,
    private readonly options: EngineOptions,
  ) {
    const valid = loadPlan(plan);
    if (options.markets.length !== valid.markets.length) {
      throw new Error(`the plan has ${valid.markets.length} markets but ${options.markets.length} books were bound`);
    }
    this.lp = link(valid);
    this.views = valid.markets.map((m, i) => new MarketView(options.markets[i]?.book as L2Book, m.tickSize, m.lotSize));
    this.accounts = valid.markets.map(() => new MarketAccount());
    this.orders = new OrderRegistry(valid.markets.length);
    this.calendar = new Calendar(valid.events);
    this.sink = options.sink ?? (() => undefined);
    this.gate = this.makeGate(valid);
    this.scenarios = new ScenarioSwitch(valid.scenarios);
    this.desired = this.makeDesired(valid);
    this.quoteShapes = valid.quotes.map((q) => new QuoteShape(q, valid));
    this.lastQuoteNs = valid.markets.map(() => -Infinity);
    this.smoothed = new Float64Array(valid.markets.length * 2).fill(NaN);
    this.smoothedAt = new Float64Array(valid.markets.length * 2).fill(NaN);
    this.adaptNextNs = valid.adaptations.map(() => NaN);
    this.snapshots = this.makeSnapshots(valid);
    this.reads = planReads(valid, this.lp.eventNames);
    // Small integers in a plain array (compared at every message end); -1: nothing seen yet.
    this.seenBook = valid.markets.map(() => -1);
    const hb = options.heartbeatNs ?? 1e9;
    if (!(hb > 0)) throw new RangeError(`heartbeatNs must be > 0, not ${hb}`);
    this.heartbeatNs = hb;
    this.l3Handlers = options.markets.map((b) => b.l3);
    this.explainEagerly = options.keepExplanations === true || options.onExplanation !== undefined;
    this.explainLatest = options.explain !== false || this.explainEagerly;
  }

  get plan(): Plan {
    return this.lp.plan;
  }
  get riskState(): string {
    return this.gate.state;
  }
  get scenario(): string {
    return this.scenarios.name;
  }
  get now(): number {
    return this.nowNs;
  }
  /** Node values of the last evaluation (read-only view for explain and dashboards). */
  get values(): Float64Array {
    return this.lp.values;
  }
  get params(): Float64Array {
    return this.lp.params;
  }
  position(market: number): number {
    // A ternary, not `?.position ?? 0`: that makes V8 box the double to compare it with undefined
    // (docs/performance.md, "Truthiness of loaded values").
    const a = this.accounts[market];
    return a !== undefined ? a.position : 0;
  }
  account(market: number): MarketAccount | undefined {
    return this.accounts[market];
  }
  /**
   * Holdings per asset from our fills, summed over markets: each market's base asset by its position,
   * its quote currency by its cash flow after fees (a perpetual's base position is a contract
   * exposure, not a holding, but it is reported the same way).
   */
  balances(): Record<string, number> {
    const out: Record<string, number> = {};
    this.lp.plan.markets.forEach((m, i) => {
      const a = this.accounts[i];
      if (!a) return;
      out[m.base] = (out[m.base] ?? 0) + a.position;
      out[m.quote] = (out[m.quote] ?? 0) + a.cash - a.fees;
    });
    return out;
  }

  view(market: number): MarketView | undefined {
    return this.views[market];
  }
  /** The order is still known to the engine (working, or a cancel not yet confirmed by the venue). */
  hasOrder(id: number): boolean {
    return this.orders.get(id) !== undefined;
  }
  /** Orders the engine considers live (a cancel in flight excluded). */
  workingOrders(): WorkingOrder[] {
    return [...this.orders.all()].filter((o) => !o.closing);
  }
  /** Times each risk rule bit (refused an order or changed the state), by rule id. */
  riskHits(): Map<string, number> {
    return new Map(this.gate.hits);
  }

  /** How the latest quote update on this market was made (built on request). */
  explanation(market: number): Explanation | undefined {
    return this.buildExplanation(market);
  }

  // ---------------------------------------------------------------- events

  /**
   * Replays rows [from, to) of a batch. `feedToPlan[f]` is the plan market fed by feed market f
   * (-1: not used by the plan). Book changes apply row by row; the plan runs at a message end when
   * something it reads changed or one of its timers is due (docs/runtime.md, "When the plan is
   * evaluated").
   * Public trades and book rows of the same message are applied before the plan sees them.
   */
  replay(batch: EventBatch, feedToPlan: Int16Array | Int32Array, from = 0, to = batch.length, timeOffsetNs = 0): void {
    this.replayOffsetNs = timeOffsetNs;
    this.replayRows(batch, feedToPlan, from, to);
  }

  /**
   * Added to each row's exchange time by `replayRows`. The offset lets a replay loop (and the
   * benchmarks) play one recording many times on a clock that keeps going forward. A field, not an
   * argument: a double passed to a call V8 does not inline is boxed, and the backtest calls once per
   * message. (Calling `replay`, two lines as it is, instead of `replayRows` still cost the backtest
   * ≈70 instructions a row: V8 does not inline it there.)
   */
  replayOffsetNs = -0; // a double from the start (docs/performance.md, "Field representations")

  /** `replay` with the time offset already in `replayOffsetNs`. */
  replayRows(batch: EventBatch, feedToPlan: Int16Array | Int32Array, from: number, to: number): void {
    const { kind, market, side, flags, exchTs, priceTicks, qty, orderId } = batch;
    const timeOffsetNs = this.replayOffsetNs;
    if (to > from) this.stats.events += to - from;
    for (let i = from; i < to; i++) {
      const m = feedToPlan[market[i] ?? 0] ?? -1;
      const t = (exchTs[i] ?? 0) + timeOffsetNs;
      // Book rows are judged at the message end (did the touch, or the levels the plan reads,
      // move?); trades count where the plan reads trades (onTrade), calendar events always.
      const k0 = kind[i] ?? 0;
      if (k0 === CALENDAR) {
        this.dirty = true;
        const name = batch.names[orderId[i] ?? -1];
        if (name !== undefined) this.calendar.addByName(name, (priceTicks[i] ?? 0) + timeOffsetNs);
      } else if (m >= 0) {
        // Rows of feeds the plan does not read are skipped: nothing reads their books.
        const view = this.views[m];
        // `!== undefined`, not truthiness: see docs/performance.md, "Truthiness of loaded values".
        if (view !== undefined) {
          switch (k0) {
            case BOOK_LEVEL:
              view.book.set((side[i] ?? 0) as SideValue, priceTicks[i] ?? 0, qty[i] ?? 0);
              break;
            case BOOK_CLEAR:
              view.book.clear();
              break;
            case TRADE:
              this.onTrade(m, (priceTicks[i] ?? 0) * view.book.tickSize, qty[i] ?? 0, t);
              break;
            case ORDER_ADD:
            case ORDER_REDUCE:
            case ORDER_DELETE:
            case ORDER_EXECUTE: {
              const l3 = this.l3Handlers[m];
              const s = (side[i] ?? 0) as SideValue;
              const p = priceTicks[i] ?? 0;
              const q = qty[i] ?? 0;
              const id = orderId[i] ?? 0;
              if (l3 !== undefined) {
                if (k0 === ORDER_ADD) l3.add(id, s, p, q);
                else if (k0 === ORDER_REDUCE) l3.reduce(id, s, p, q);
                else if (k0 === ORDER_DELETE) l3.remove(id, s, p, q);
                else l3.execute(id, s, p, q);
              } else {
                view.book.add(s, p, k0 === ORDER_ADD ? q : -q);
              }
              if (k0 === ORDER_EXECUTE) this.onTrade(m, p * view.book.tickSize, q, t);
              break;
            }
            case HIDDEN_EXECUTE:
              this.onTrade(m, (priceTicks[i] ?? 0) * view.book.tickSize, qty[i] ?? 0, t);
              break;
            default:
              break;
          }
        }
      }
      if (((flags[i] ?? 0) & END_OF_MESSAGE) !== 0 && (this.dirty === true || t >= this.dueNs || this.booksMoved())) this.evaluate(t);
    }
  }

  /** A book the plan reads changed where it looks (the touch, or anywhere for plans reading depth). */
  private booksMoved(): boolean {
    for (let k = 0; k < this.views.length; k++) if (this.bookStamp(k) !== this.seenBook[k]) return true;
    return false;
  }

  /** What the plan sees of market k's book changing: its version, or only its touch version. */
  private bookStamp(k: number): number {
    const b = (this.views[k] as MarketView).book;
    return this.reads.depth[k] === true ? b.version : b.touchVersion;
  }

  /** A public trade: feeds the trade statistics of its market. */
  onTrade(market: number, price: number, qty: number, tNs: number): void {
    const view = this.views[market];
    if (view !== undefined) view.lastTrade = price;
    if (this.reads.trades[market] === true) this.dirty = true;
    for (const s of this.lp.stateful) {
      if (s.tradeMarket === market && s.instance.input === 'trades') s.instance.trade(price, qty, tNs);
    }
  }

  /** An announced calendar event (from an API call or a calendar file). */
  announce(name: string, atNs: number): void {
    this.calendar.addByName(name, atNs);
  }

  /** Our order filled (partly): `qty` > 0, at `price`, paying `fee` (negative for a rebate). */
  onFill(orderId: number, qty: number, price: number, fee: number, tNs: number): void {
    const o = this.orders.get(orderId);
    if (o === undefined) return;
    const q = Math.min(qty, o.qty);
    this.accounts[o.market]?.fill(o.side === BID ? q : -q, price, fee);
    o.qty -= q;
    o.filled += q;
    const market = this.lp.plan.markets[o.market];
    const lot = market !== undefined ? market.lotSize : 0;
    if (o.qty < lot / 2) this.orders.remove(orderId);
    this.forceQuote = true;
    this.evaluate(tNs);
  }

  /** The venue refused or cancelled an order on its own. */
  onOrderGone(orderId: number, tNs: number): void {
    if (this.orders.remove(orderId)) {
      this.forceQuote = true;
      this.dirty = true;
      this.nowNs = Math.max(this.nowNs, tNs);
    }
  }

  kill(reason: string, tNs = this.nowNs): void {
    const before = this.gate.transitions.length;
    this.gate.kill(tNs, reason);
    this.recordTransitions(before);
    this.flushCancelAll(tNs);
  }

  /**
   * Cancels every working order without touching the risk state — what a strategy does when its
   * venue connection was reset (paper replays do it at the seam of a loop). Quotes come back at the
   * next evaluation.
   */
  cancelAll(reason: string, tNs = this.nowNs): void {
    this.pendingCancelAll ??= reason;
    this.flushCancelAll(tNs);
    this.forceQuote = true;
    this.dirty = true;
  }

  resume(reason: string, tNs = this.nowNs): void {
    const before = this.gate.transitions.length;
    this.gate.resume(tNs, reason);
    this.recordTransitions(before);
    this.forceQuote = true;
    this.dirty = true;
  }

  /** Copies the gate's transitions from index `before` on into the stats. */
  private recordTransitions(before: number): void {
    for (let k = before; k < this.gate.transitions.length; k++) {
      const tr = this.gate.transitions[k];
      if (tr) this.stats.riskTransitions.push(tr);
    }
  }

  // ---------------------------------------------------------------- evaluation

  /** Runs the plan at time `t` (the end of a venue message). */
  evaluate(t: number): void {
    this.nowNs = t;
    this.stats.evaluations++;
    this.dirty = false;
    const lp = this.lp;
    const views = this.views;
    for (let k = 0; k < views.length; k++) {
      (views[k] as MarketView).refresh();
      this.seenBook[k] = this.bookStamp(k);
    }
    this.rollDay(t);
    this.adapt(t);
    lp.evalAlways(lp.values, lp.ticks, lp.params, this.views, this.accountReader, lp.instances, this.calendar, t);

    const change = lp.plan.scenarios.length === 0 ? undefined : this.scenarios.update(t, this.enterCondition, this.exitCondition);
    if (change !== undefined) {
      this.stats.scenarioChanges.push(change);
      this.applyParams();
      lp.evalParams(lp.values, lp.ticks, lp.params, this.views, this.accountReader, lp.instances, this.calendar, t);
      this.forceQuote = true;
    }

    const before = this.gate.transitions.length;
    this.gate.review(this.riskContext);
    this.flushCancelAll(t);
    if (this.gate.transitions.length !== before) {
      this.recordTransitions(before);
      this.forceQuote = true;
    }

    let quoted = false;
    let due = t + this.heartbeatNs;
    const throttledBefore = this.stats.throttled;
    const quotes = lp.plan.quotes;
    for (let qi = 0; qi < quotes.length; qi++) {
      const m = lp.quoteMarkets[qi] ?? -1;
      if (m < 0) continue;
      const nextPass = (this.lastQuoteNs[m] ?? -Infinity) + (lp.quoteIntervalsNs[qi] ?? 0);
      if (this.forceQuote !== true && t < nextPass) {
        // min_interval put this pass off: it is owed when the interval ends.
        if (nextPass < due) due = nextPass;
        continue;
      }
      if (!quoted) {
        lp.evalQuote(lp.values, lp.ticks, lp.params, this.views, this.accountReader, lp.instances, this.calendar, t);
        quoted = true;
      }
      this.quoteMarket(qi, m, t);
      const shape = this.quoteShapes[qi];
      const maxAgeNs = shape !== undefined ? shape.maxAgeNs : Infinity;
      if (maxAgeNs !== Infinity) {
        const aged = this.oldestQuoteNs(m) + maxAgeNs;
        if (aged < due) due = aged;
      }
    }
    this.forceQuote = false;
    if (lp.plan.hedges.length > 0) this.hedge(t);
    // A throttled order is tried again at the next message, as the token bucket refills.
    if (this.stats.throttled !== throttledBefore) this.dirty = true;
    this.dueNs = this.nextTimer(due, t);
  }

  /** Earliest of `due` and the plan's other timers after an evaluation at `t`. */
  private nextTimer(due: number, t: number): number {
    // The next UTC day (rollDay keeps its start; NaN only before the first evaluation).
    if (this.dayEndNs < due) due = this.dayEndNs;
    // beta takes its sample at the first update after each whole second (signals/beta.ts).
    if (this.reads.seconds === true) {
      const nextSecond = (Math.floor(t / 1e9) + 1) * 1e9;
      if (nextSecond < due) due = nextSecond;
    }
    const scenarioDue = this.scenarios.dueNs;
    if (scenarioDue < due) due = scenarioDue;
    for (let k = 0; k < this.adaptNextNs.length; k++) {
      const a = this.adaptNextNs[k] ?? NaN;
      if (a < due) due = a;
    }
    const windows = this.reads.calendarWindows;
    for (let k = 0; k < windows.length; k++) {
      const w = windows[k] as { name: number; windowNs: number };
      const edge = this.calendar.nextEdge(w.name, w.windowNs, t);
      if (edge < due) due = edge;
    }
    return due;
  }

  /** Time the oldest working quote order of a market was placed or last moved (Infinity: none). */
  private oldestQuoteNs(m: number): number {
    let oldest = Infinity;
    for (let k = 0; k < 2; k++) {
      const list = this.orders.quoteOrders(m, k === 0 ? BID : ASK);
      for (let j = 0; j < list.length; j++) {
        const o = list[j] as WorkingOrder;
        if (o.sinceNs < oldest) oldest = o.sinceNs;
      }
    }
    return oldest;
  }

  private quoteMarket(qi: number, m: number, t: number): void {
    const lp = this.lp;
    const q = this.quoteShapes[qi];
    const view = this.views[m];
    const market = lp.plan.markets[m];
    const desired = this.desired[qi];
    if (q === undefined || view === undefined || market === undefined || desired === undefined) return;
    const v = lp.values;
    const scenario = this.scenarios.current >= 0 ? lp.plan.scenarios[this.scenarios.current] : undefined;
    const pos = this.position(m);
    const reduceOnly = this.gate.state === 'reduce_only' || scenario?.reduceOnly === true;
    const paused = scenario?.pause === true || this.gate.state === 'halted';

    const raw = this.raw;
    raw.bid = v[q.bid] ?? NaN;
    raw.ask = v[q.ask] ?? NaN;
    raw.bidSize = v[q.bidSize] ?? NaN;
    raw.askSize = v[q.askSize] ?? NaN;
    raw.levels = q.levelsNode >= 0 ? v[q.levelsNode] ?? 0 : 1;
    raw.step = q.stepNode >= 0 ? v[q.stepNode] ?? 0 : 0;
    raw.stepIsPrice = q.stepIsPrice;
    if (q.smoothingSec === q.smoothingSec) {
      raw.bid = this.smooth(2 * m, raw.bid, q.smoothingSec, t);
      raw.ask = this.smooth(2 * m + 1, raw.ask, q.smoothingSec, t);
    }
    if (paused) {
      desired.clear();
    } else {
      const bc = this.buildContext;
      bc.bestBid = view.bid;
      bc.bestAsk = view.ask;
      bc.allowBid = !reduceOnly || pos < 0;
      bc.allowAsk = !reduceOnly || pos > 0;
      const withheld = buildQuotes(raw, market, bc, desired);
      if (withheld !== 0) this.noteWithheld(withheld);
    }

    const tol = q.toleranceNode < 0 ? 0 : v[q.toleranceNode] ?? 0;
    const refPrice = Number.isFinite(view.mid) ? view.mid : raw.bid;
    const toleranceTicks = Math.max(0, q.toleranceIsPrice === true ? tol / market.tickSize : (tol * refPrice) / market.tickSize);

    if (this.limitsThisPass.length !== 0) this.limitsThisPass.length = 0;
    const actionsBefore = this.totalActions();
    const policy = this.diffPolicy;
    policy.toleranceTicks = toleranceTicks;
    policy.maxAgeNs = q.maxAgeNs;
    policy.nowNs = t;
    const sink = this.quoteSink;
    sink.market = m;
    sink.tickSize = market.tickSize;
    sink.tNs = t;
    for (let k = 0; k < 2; k++) {
      const side: SideValue = k === 0 ? BID : ASK;
      const working = this.orders.quoteOrders(m, side);
      const wanted = k === 0 ? desired.bids : desired.asks;
      const n = working.length > wanted.count ? working.length : wanted.count;
      if (this.scratch.keptW.length < n) this.ensureScratch(n);
      sink.side = side;
      // One order and one level (most passes) skip diffSide's setup; diffOne decides the same.
      if (working.length === 1 && wanted.count === 1) {
        diffOne(working[0] as WorkingOrder, wanted, policy, sink);
        continue;
      }
      policy.descending = k === 0;
      diffSide(working, wanted, policy, sink, this.scratch);
    }
    this.lastQuoteNs[m] = t;
    const acted = this.totalActions() !== actionsBefore;
    if (acted) this.stats.quoteUpdates++;
    // A pass where limits refused orders is worth explaining even though nothing was sent.
    if (acted || this.limitsThisPass.length > 0) this.record(qi, m, raw, t);
  }

  /**
   * Quote passes in which the plan asked for something the venue's rules or the numbers did not
   * allow, by reason (quote/build-quotes.ts, Withheld): what a run with no quotes points at.
   * Kept apart from `stats`, whose contents are part of the decision fingerprint.
   */
  readonly withheld = { notPositive: 0, belowMinQty: 0, belowMinNotional: 0 };

  private noteWithheld(bits: number): void {
    if ((bits & Withheld.notPositive) !== 0) this.withheld.notPositive++;
    if ((bits & Withheld.belowMinQty) !== 0) this.withheld.belowMinQty++;
    if ((bits & Withheld.belowMinNotional) !== 0) this.withheld.belowMinNotional++;
  }

  private totalActions(): number {
    const a = this.stats.actions;
    return a.place + a.amend + a.cancel;
  }

  private ensureScratch(n: number): void {
    if (this.scratch.keptW.length < n) {
      this.scratch.keptW = new Uint8Array(n * 2);
      this.scratch.keptD = new Uint8Array(n * 2);
    }
  }

  /** @internal (QuoteSink) */
  place(m: number, side: SideValue, priceTicks: number, price: number, qty: number, level: number, hedge: boolean, t: number): boolean {
    const intent = this.intent;
    intent.market = m;
    intent.side = side;
    intent.price = price;
    intent.qty = qty;
    intent.replaces = NO_ORDER;
    const verdict = this.gate.check(intent, this.riskContext, this.scenarioReduceOnly);
    this.flushCancelAll(t);
    if (verdict.ok !== true) {
      if (verdict.throttled === true) this.stats.throttled++;
      else this.stats.rejected++;
      this.limitsThisPass.push({ rule: verdict.rule, reason: verdict.reason, side });
      return false;
    }
    const id = this.orders.newId();
    const planHash = this.lp.plan.hash;
    this.orders.add({ id, market: m, side, priceTicks, price, qty, filled: 0, level, hedge, planHash, sinceNs: t });
    this.stats.actions.place++;
    this.sink({ kind: 'place', id, market: m, side, priceTicks, price, qty, level, hedge, planHash, tNs: t });
    return true;
  }

  /** @internal (QuoteSink) */
  amend(id: number, priceTicks: number, price: number, qty: number, level: number, t: number): void {
    const o = this.orders.get(id);
    if (o === undefined || o.closing === true) return;
    const intent = this.intent;
    intent.market = o.market;
    intent.side = o.side;
    intent.price = price;
    intent.qty = qty;
    intent.replaces = id;
    const verdict = this.gate.check(intent, this.riskContext, this.scenarioReduceOnly);
    // Only a cancel-all the check triggered can have removed the order (one Map lookup fewer per amend).
    if (this.pendingCancelAll !== undefined) {
      this.flushCancelAll(t);
      if (this.orders.get(id) === undefined) return;
    }
    if (verdict.ok !== true) {
      if (verdict.throttled === true) {
        this.stats.throttled++;
      } else {
        this.stats.rejected++;
        // A working order that can no longer be what the plan wants must not stay in the book.
        this.cancel(id, `amend refused: ${verdict.reason}`, t);
      }
      this.limitsThisPass.push({ rule: verdict.rule, reason: verdict.reason, side: o.side });
      return;
    }
    o.priceTicks = priceTicks;
    o.price = price;
    o.qty = qty;
    o.level = level;
    o.sinceNs = t;
    o.planHash = this.lp.plan.hash;
    this.orders.moved(o);
    this.stats.actions.amend++;
    this.sink({ kind: 'amend', id, market: o.market, side: o.side, priceTicks, price, qty, level, planHash: o.planHash, tNs: t });
  }

  /** @internal (QuoteSink) */
  cancel(id: number, reason: string, t: number): void {
    const o = this.options.venueAcks === true ? this.orders.close(id) : this.orders.remove(id);
    if (o === undefined) return;
    this.stats.actions.cancel++;
    this.sink({ kind: 'cancel', id, market: o.market, side: o.side, reason, tNs: t });
  }

  private flushCancelAll(t: number): void {
    const reason = this.pendingCancelAll;
    if (reason === undefined) return;
    this.pendingCancelAll = undefined;
    for (const o of [...this.orders.all()]) if (!o.closing) this.cancel(o.id, reason, t);
  }

  // Bound once: the scenario switch reads conditions through these at every evaluation.
  private readonly enterCondition = (i: number): boolean => (this.lp.values[this.lp.plan.scenarios[i]?.enter ?? 0] ?? 0) !== 0;
  private readonly exitCondition = (i: number): boolean | undefined => {
    const x = this.lp.plan.scenarios[i]?.exit;
    return x === undefined ? undefined : (this.lp.values[x] ?? 0) !== 0;
  };

  private get scenarioReduceOnly(): boolean {
    const s = this.scenarios.current >= 0 ? this.lp.plan.scenarios[this.scenarios.current] : undefined;
    return s?.reduceOnly === true;
  }

  // ---------------------------------------------------------------- hedging, adaptation, smoothing

  private hedge(t: number): void {
    const lp = this.lp;
    const v = lp.values;
    for (const h of lp.plan.hedges) {
      if ((v[h.trigger] ?? 0) === 0) continue;
      const src = lp.marketIndex.get(h.source) ?? -1;
      const hm = lp.marketIndex.get(h.market) ?? -1;
      const market = lp.plan.markets[hm];
      const view = this.views[hm];
      if (src < 0 || hm < 0 || !market || !view || this.orders.hedgeWorking(hm)) continue;
      const ratio = v[h.ratio] ?? NaN;
      const target = v[h.target] ?? 0;
      const wanted = target - ratio * (this.accounts[src]?.position ?? 0);
      const delta = wanted - (this.accounts[hm]?.position ?? 0);
      const qty = floorLots(Math.abs(delta), market.lotSize);
      if (!Number.isFinite(qty) || qty < market.minQty || qty <= 0) continue;
      const side: SideValue = delta > 0 ? BID : ASK;
      const slipNode = h.maxSlippage;
      const slip = slipNode === undefined ? 0 : v[slipNode] ?? 0;
      const slipIsPrice = slipNode !== undefined && lp.nodeKinds[slipNode] === 'price';
      let price: number;
      if (h.via === 'taker') {
        const touch = side === BID ? view.ask : view.bid;
        const off = slipIsPrice ? slip : slip * touch;
        price = side === BID ? touch + off : touch - off;
      } else {
        price = side === BID ? view.bid : view.ask;
      }
      if (!Number.isFinite(price) || price <= 0) continue;
      // Buys round down and sells up: a taker hedge never pays more than its slippage bound.
      const ticks = side === BID ? floorTicks(price, market.tickSize) : ceilTicks(price, market.tickSize);
      this.place(hm, side, ticks, ticks * market.tickSize, qty, 0, true, t);
    }
  }

  private adapt(t: number): void {
    const lp = this.lp;
    if (lp.plan.adaptations.length === 0) return;
    let changed = false;
    lp.plan.adaptations.forEach((a, i) => {
      const next = this.adaptNextNs[i] ?? NaN;
      if (Number.isNaN(next)) {
        this.adaptNextNs[i] = t + a.everySec * 1e9;
        return;
      }
      if (t < next) return;
      this.adaptNextNs[i] = next + Math.max(1, Math.floor((t - next) / (a.everySec * 1e9)) + 1) * a.everySec * 1e9;
      const slot = lp.paramIndex.get(a.param);
      if (slot === undefined) return;
      const target = lp.values[a.toward] ?? NaN;
      const from = lp.baseParams[slot] ?? NaN;
      if (!Number.isFinite(target) || !Number.isFinite(from)) return;
      let to = Math.min(a.bounds.hi, Math.max(a.bounds.lo, from + a.rate * (target - from)));
      if (lp.plan.params[slot]?.integer) to = Math.round(to);
      if (to === from) return;
      lp.baseParams[slot] = to;
      this.stats.paramMoves.push({ tNs: t, param: a.param, from, to, rule: a.id });
      changed = true;
    });
    if (changed) this.applyParams();
  }

  /** Effective params: base values, then the applied scenario's overrides. */
  private applyParams(): void {
    const lp = this.lp;
    lp.params.set(lp.baseParams);
    const over = this.scenarios.current >= 0 ? lp.overrides[this.scenarios.current] : undefined;
    if (over) for (const [slot, value] of over) lp.params[slot] = value;
    lp.evalInvariant(lp.values, lp.ticks, lp.params, this.views, this.accountReader, lp.instances, this.calendar, this.nowNs);
  }

  private smooth(slot: number, x: number, halflifeSec: number, t: number): number {
    const prev = this.smoothed[slot] ?? NaN;
    const prevT = this.smoothedAt[slot] ?? NaN;
    if (!Number.isFinite(x)) return x;
    if (Number.isNaN(prev)) {
      this.smoothed[slot] = x;
      this.smoothedAt[slot] = t;
      return x;
    }
    const alpha = 1 - Math.pow(2, -(t - prevT) / (halflifeSec * 1e9));
    const y = prev + alpha * (x - prev);
    this.smoothed[slot] = y;
    this.smoothedAt[slot] = t;
    return y;
  }

  private rollDay(t: number): void {
    // The day index changes only when t leaves [dayStartNs, dayEndNs): one comparison per evaluation.
    if (t >= this.dayStartNs && t < this.dayEndNs) return;
    const day = Math.floor(t / 86400e9);
    this.dayStartNs = day * 86400e9;
    this.dayEndNs = (day + 1) * 86400e9;
    if (day !== this.dayIndex) {
      this.dayIndex = day;
      this.dayStartPnl = this.totalPnl();
    }
  }

  /** For the risk context: open quantity on a side, except one order. */
  workingQty(market: number, side: SideValue, except: number): number {
    return this.orders.workingQty(market, side, except);
  }

  dailyPnl(): number {
    return this.totalPnl() - this.dayStartPnl;
  }

  /** @internal (EngineRiskContext) */
  get dayStartPnlValue(): number {
    return this.dayStartPnl;
  }

  totalPnl(): number {
    let p = 0;
    for (let m = 0; m < this.accounts.length; m++) p += this.marketPnl(m);
    return p;
  }

  /** PnL of market m at its mid (0 for a market the plan does not have). */
  private marketPnl(m: number): number {
    const a = this.accounts[m];
    const view = this.views[m];
    return a !== undefined ? a.pnlAtMid(view !== undefined ? view.mid : NaN) : 0;
  }

  private readonly accountReader: AccountReader = {
    position: (m) => this.position(m),
    pnl: (m) => this.marketPnl(m),
    totalPnl: () => this.totalPnl(),
    dailyPnl: () => this.dailyPnl(),
  };

  private readonly riskContext: RiskContext = new EngineRiskContext(this);

  // ---------------------------------------------------------------- explain, swap, state

  /**
   * Keeps what is needed to explain this quote update. Building the Explanation objects costs more
   * than the update itself, so by default only a copy of the inputs is kept (into buffers allocated
   * once) and the explanation is built when someone asks (`explanation(m)`).
   */
  private record(qi: number, m: number, raw: QuoteValues, t: number): void {
    const index = this.explanationCount++;
    if (!this.explainLatest) return;
    const snap = this.snapshots[m];
    if (snap) {
      snap.values.set(this.lp.values);
      snap.params.set(this.lp.params);
      const r = snap.raw;
      r.bid = raw.bid;
      r.ask = raw.ask;
      r.bidSize = raw.bidSize;
      r.askSize = raw.askSize;
      r.levels = raw.levels;
      r.step = raw.step;
      r.stepIsPrice = raw.stepIsPrice;
      copyDesired(this.desired[qi] as DesiredQuotes, snap.desired);
      if (snap.limits.length !== 0) snap.limits.length = 0;
      for (const l of this.limitsThisPass) snap.limits.push(l);
      snap.quoteIndex = qi;
      snap.scenario = this.scenarios.name;
      snap.riskState = this.gate.state;
      snap.position = this.accounts[m]?.position ?? 0;
      snap.tNs = t;
      snap.index = index;
      snap.valid = true;
    }
    if (this.explainEagerly) {
      const e = this.buildExplanation(m);
      if (!e) return;
      if (this.options.keepExplanations) this.explanations.push(e);
      this.options.onExplanation?.(e, index);
    }
  }

  private buildExplanation(m: number): Explanation | undefined {
    const snap = this.snapshots[m];
    if (!snap?.valid) return undefined;
    return explainQuote({
      plan: this.lp.plan,
      quoteIndex: snap.quoteIndex,
      values: snap.values,
      params: snap.params,
      raw: snap.raw,
      desired: snap.desired,
      scenario: snap.scenario,
      riskState: snap.riskState,
      limits: [...snap.limits],
      position: snap.position,
      tNs: snap.tNs,
      index: snap.index,
    });
  }

  private snapshots: ExplainSnapshot[] = [];

  private makeSnapshots(plan: Plan): ExplainSnapshot[] {
    return plan.markets.map((_, m) => {
      const qi = plan.quotes.findIndex((q) => q.market === plan.markets[m]?.alias);
      return {
        valid: false,
        values: new Float64Array(plan.nodes.length),
        params: new Float64Array(plan.params.length),
        raw: { bid: NaN, ask: NaN, bidSize: NaN, askSize: NaN, levels: 0, step: 0, stepIsPrice: false },
        desired: new DesiredQuotes(Math.max(1, plan.quotes[qi]?.maxLevels ?? 1)),
        limits: [],
        quoteIndex: qi,
        scenario: '',
        riskState: '',
        position: 0,
        tNs: 0,
        index: 0,
      };
    });
  }

  /** Hot-swap: from the next event on, `plan` runs, with the state of this engine carried over. */
  swap(plan: Plan): void {
    const next = loadPlan(plan);
    if (next.markets.length !== this.lp.plan.markets.length || next.markets.some((m, i) => m.alias !== this.lp.plan.markets[i]?.alias)) {
      throw new Error('a swapped plan must quote the same markets (same aliases, same order)');
    }
    const state = this.exportState();
    const from = this.lp.plan.hash;
    this.lp = link(next, this.lp);
    this.rebuildForPlan(next);
    this.importState(state, { carrySignals: false });
    this.stats.swaps.push({ tNs: this.nowNs, from, to: next.hash });
    this.forceQuote = true;
    this.dirty = true;
  }

  private rebuildForPlan(plan: Plan): void {
    this.gate = this.makeGate(plan);
    this.scenarios = new ScenarioSwitch(plan.scenarios);
    this.desired = this.makeDesired(plan);
    this.quoteShapes = plan.quotes.map((q) => new QuoteShape(q, plan));
    this.snapshots = this.makeSnapshots(plan);
    this.adaptNextNs = plan.adaptations.map(() => NaN);
    this.reads = planReads(plan, this.lp.eventNames);
    plan.markets.forEach((m, i) => {
      const old = this.views[i];
      if (old) this.views[i] = Object.assign(new MarketView(old.book, m.tickSize, m.lotSize), { lastTrade: old.lastTrade });
    });
  }

  private makeGate(plan: Plan): RiskGate {
    const gate = new RiskGate(plan, (reason) => {
      this.pendingCancelAll ??= reason;
    });
    gate.setNodeKinds(plan.nodes.map((n) => n.type.kind));
    return gate;
  }

  private makeDesired(plan: Plan): DesiredQuotes[] {
    return plan.quotes.map((q) => new DesiredQuotes(Math.max(1, q.maxLevels)));
  }

  /** Everything needed to continue elsewhere (another plan, another process): plain data. */
  exportState(): EngineState {
    return {
      planHash: this.lp.plan.hash,
      nowNs: this.nowNs,
      dayIndex: Number.isNaN(this.dayIndex) ? null : this.dayIndex,
      dayStartPnl: this.dayStartPnl,
      accounts: this.accounts.map((a) => a.export()),
      orders: this.orders.export(),
      nextOrderId: this.orders.next,
      risk: this.gate.export(),
      scenarios: this.scenarios.export(),
      baseParams: Object.fromEntries(this.lp.plan.params.map((p, i) => [p.name, this.lp.baseParams[i] ?? NaN])),
      paramDefaults: Object.fromEntries(this.lp.plan.params.map((p) => [p.name, p.value])),
      adaptNextNs: Object.fromEntries(this.lp.plan.adaptations.map((a, i) => [a.param, this.adaptNextNs[i] ?? null])),
      lastQuoteNs: this.lastQuoteNs.map((x) => (Number.isFinite(x) ? x : null)),
      smoothed: [...this.smoothed].map((x) => (Number.isFinite(x) ? x : null)),
      smoothedAt: [...this.smoothedAt].map((x) => (Number.isFinite(x) ? x : null)),
      lastTrades: this.views.map((v) => (Number.isFinite(v.lastTrade) ? v.lastTrade : null)),
      calendar: this.calendar.export(),
      signals: this.lp.stateful.map((s) => ({ key: s.key, snapshot: s.instance.exportState() })),
    };
  }

  /**
   * Restores state exported by `exportState` (of this or another plan). Stateful computations carry
   * over by structural key; a param keeps its adapted value only when the plan did not change it.
   */
  importState(s: EngineState, opts: { carrySignals: boolean }): void {
    this.nowNs = s.nowNs;
    this.dayIndex = s.dayIndex ?? NaN;
    this.dayStartNs = NaN;
    this.dayEndNs = NaN;
    this.dayStartPnl = s.dayStartPnl;
    s.accounts.forEach((a, i) => this.accounts[i]?.import(a));
    this.orders.import(s.orders, s.nextOrderId);
    this.gate.import(s.risk);
    this.scenarios.import(s.scenarios);
    this.lastQuoteNs = s.lastQuoteNs.map((x) => x ?? -Infinity);
    this.smoothed = Float64Array.from(s.smoothed, (x) => x ?? NaN);
    this.smoothedAt = Float64Array.from(s.smoothedAt, (x) => x ?? NaN);
    s.lastTrades.forEach((x, i) => {
      const v = this.views[i];
      if (v) v.lastTrade = x ?? NaN;
    });
    this.calendar.import(s.calendar);
    this.lp.plan.adaptations.forEach((a, i) => {
      const next = s.adaptNextNs[a.param];
      this.adaptNextNs[i] = next ?? NaN;
    });
    if (opts.carrySignals) {
      // Same structural key: same computation over the same inputs, so its state applies as is.
      const byKey = new Map(s.signals.map((x) => [x.key, x.snapshot]));
      for (const slot of this.lp.stateful) {
        const snap = byKey.get(slot.key);
        if (snap) slot.instance.importState(snap);
      }
    }
    for (const p of this.lp.plan.params) {
      // An adapted value survives a restart or swap only where the plan left the param's base value as it was.
      const slot = this.lp.paramIndex.get(p.name);
      const carried = s.baseParams[p.name];
      if (slot !== undefined && carried !== undefined && s.paramDefaults[p.name] === p.value) this.lp.baseParams[slot] = carried;
    }
    this.applyParams();
    // Reconcile working orders with this plan at the next evaluation, whatever min_interval says.
    this.forceQuote = true;
    this.dirty = true;
  }
}

/** One plan quote as a quote pass reads it: node slots (-1: none) and the settings in plain fields. */
class QuoteShape {
  readonly bid: number;
  readonly ask: number;
  readonly bidSize: number;
  readonly askSize: number;
  readonly levelsNode: number;
  readonly stepNode: number;
  readonly stepIsPrice: boolean;
  /** Half-life of `smooth ema`, NaN without smoothing. */
  readonly smoothingSec: number;
  readonly toleranceNode: number;
  readonly toleranceIsPrice: boolean;
  /** `refresh … every`: Infinity without. */
  readonly maxAgeNs: number;

  constructor(q: Plan['quotes'][number], plan: Plan) {
    const isPrice = (node: number | undefined): boolean => node !== undefined && plan.nodes[node]?.type.kind === 'price';
    this.bid = q.bid;
    this.ask = q.ask;
    this.bidSize = q.bidSize;
    this.askSize = q.askSize;
    this.levelsNode = q.ladder?.levels ?? -1;
    this.stepNode = q.ladder?.step ?? -1;
    this.stepIsPrice = q.ladder ? isPrice(q.ladder.step) : false;
    this.smoothingSec = q.smoothing?.halflifeSec ?? NaN;
    this.toleranceNode = q.refresh?.tolerance ?? -1;
    this.toleranceIsPrice = isPrice(q.refresh?.tolerance);
    this.maxAgeNs = q.refresh?.maxAgeSec === undefined ? Infinity : q.refresh.maxAgeSec * 1e9;
  }
}

export interface EngineState {
  planHash: string;
  nowNs: number;
  dayIndex: number | null;
  dayStartPnl: number;
  accounts: MarketAccountState[];
  orders: WorkingOrder[];
  nextOrderId: number;
  risk: RiskGateState;
  scenarios: { current: string; states: Record<string, ScenarioState> };
  baseParams: Record<string, number>;
  /** The plan's own param values when the state was taken (to tell adapted values from new defaults). */
  paramDefaults: Record<string, number | boolean>;
  adaptNextNs: Record<string, number | null>;
  lastQuoteNs: Array<number | null>;
  smoothed: Array<number | null>;
  smoothedAt: Array<number | null>;
  lastTrades: Array<number | null>;
  calendar: Record<string, number[]>;
  /** Signal state by structural key (JSON-able snapshots). */
  signals: Array<{ key: string; snapshot: SignalSnapshot }>;
}

/** The gate's view of the engine: a class, so the review's reads at every evaluation stay monomorphic. */
class EngineRiskContext implements RiskContext {
  constructor(private readonly e: Engine) {}
  get nowNs(): number {
    return this.e.now;
  }
  get values(): Float64Array {
    return this.e.values;
  }
  position(m: number): number {
    return this.e.position(m);
  }
  workingQty(m: number, side: SideValue, except: number): number {
    return this.e.workingQty(m, side, except);
  }
  mid(m: number): number {
    const view = this.e.view(m);
    return view !== undefined ? view.mid : NaN;
  }
  pnl(): number {
    return this.e.totalPnl();
  }
  dailyPnl(): number {
    return this.e.dailyPnl();
  }
  get dayStartPnl(): number {
    return this.e.dayStartPnlValue;
  }
}

interface ExplainSnapshot {
  valid: boolean;
  values: Float64Array;
  params: Float64Array;
  raw: QuoteValues;
  desired: DesiredQuotes;
  limits: Array<{ rule: string; reason: string; side: SideValue }>;
  quoteIndex: number;
  scenario: string;
  riskState: string;
  position: number;
  tNs: number;
  index: number;
}

function copyDesired(from: DesiredQuotes, to: DesiredQuotes): void {
  copySide(from.bids, to.bids);
  copySide(from.asks, to.asks);
}

function copySide(a: DesiredSide, b: DesiredSide): void {
  b.clear();
  for (let k = 0; k < a.count; k++) b.push(a.priceTicks[k] ?? 0, a.qty[k] ?? 0);
}

/**
 * Where the quote diff of one side sends its actions: one instance per engine, pointed at the
 * market, side and time of the pass before each diff (closures made per pass were most of what a
 * quote pass allocated).
 */
class QuoteSink implements DiffSink {
  market = 0;
  side: SideValue = BID;
  tickSize = 1;
  tNs = 0;
  constructor(private readonly engine: Engine) {}
  place(level: number, priceTicks: number, qty: number): void {
    this.engine.place(this.market, this.side, priceTicks, priceTicks * this.tickSize, qty, level, false, this.tNs);
  }
  amend(id: number, level: number, priceTicks: number, qty: number): void {
    this.engine.amend(id, priceTicks, priceTicks * this.tickSize, qty, level, this.tNs);
  }
  cancel(id: number): void {
    this.engine.cancel(id, 'no longer wanted', this.tNs);
  }
}
