// The paper/live runner: the same engine and plan as in backtests, driven by venues instead of a
// recording. Each step polls the books and our orders, lets the engine evaluate, and sends what it
// decided — every order action and every fill written to the journal before it is acted upon.
//
//   start():  recover positions and possibly-open orders from the journal, load venue metadata,
//             reconcile (our leftover orders at the venues are cancelled, or adopted; fills missed
//             while down are journaled), then quote.
//   step():   books → fills → engine.evaluate → actions (through the engine's risk gate, the only
//             path) → venue, with retries for what may be retried and a query when the outcome of
//             a request is unknown (timeouts, dropped connections).
//   stop():   cancel every order of ours at every venue, confirm, journal the stop.
// A venue that keeps failing is treated as disconnected: the engine cancels all and stops quoting
// there until the venue answers again, then the runner reconciles before quoting again.
import type { Plan } from '../../schemas/generated/plan.js';
import { DenseL2Book } from '../book/dense-l2-book.js';
import { Engine, type OrderAction } from '../engine.js';
import { ceilTicks, floorTicks } from '../quote/build-quotes.js';
import { Side } from '../events.js';
import { venueExposures, type CreditState, type VenueLimit } from '../credit/venue-exposure.js';
import { encodeClientId, isOurs } from '../venue/client-ids.js';
import { VenueError, type VenueAdapter, type VenueFill, type VenueMarketInfo, type VenueOrder } from '../venue/venue.js';
import { recover, type Journal, type JournalEntry } from './journal.js';

export interface RunnerOptions {
  plan: Plan;
  instanceId: string;
  /** One adapter per venue name the plan's markets use. */
  venues: Map<string, VenueAdapter>;
  journal: Journal;
  /** Book depth polled per market. */
  depth?: number;
  /** What to do with our orders found open at a venue at start: cancel them (default) or adopt them. */
  startupPolicy?: 'cancel' | 'adopt';
  /** Attempts for a request whose failure may be retried (default 4), and the first backoff (ms). */
  retries?: number;
  /**
   * Attempts while starting and stopping (default 10, about 20 s with the backoff capped at 5 s): a
   * venue that is rate-limiting or briefly down is waited out there rather than given up on, since
   * reconciliation and the final cancels must happen.
   */
  patientRetries?: number;
  backoffMs?: number;
  /** Consecutive failed polls after which a venue counts as disconnected (default 3). */
  disconnectAfter?: number;
  /** Hedge orders cross at most this far beyond the touch (bps, default 20) and are retried this often. */
  hedgeSlippageBps?: number;
  hedgeRetries?: number;
  /**
   * Credit exposure per venue (R8): balances held there plus what our open orders lock, valued at
   * the plan's mids (quote currency = 1), against a limit per venue. At the alert fraction the runner
   * logs and journals it; at the limit only orders that reduce a position go to that venue.
   */
  credit?: { limits: Record<string, VenueLimit>; checkEveryMs?: number };
  now?: () => number;
  log?: (line: string) => void;
  sleep?: (ms: number) => Promise<void>;
}

interface LiveOrder {
  engineId: number;
  clientId: string;
  venueId: string | undefined;
  market: number;
  side: 'buy' | 'sell';
  price: number;
  qty: number;
  filled: number;
  hedge: boolean;
  /** A cancel was sent and not yet confirmed. */
  cancelling: boolean;
}

export interface RunnerSnapshot {
  instanceId: string;
  planHash: string;
  state: 'idle' | 'running' | 'stopped';
  riskState: string;
  positions: Record<string, number>;
  openOrders: number;
  fills: number;
  disconnected: string[];
  hedgeFailures: number;
  /** Credit state per venue (when limits are set). */
  credit: Record<string, CreditState>;
  counts: { placed: number; cancelled: number; rejected: number; retries: number; unknownOutcomes: number };
}

const dayMs = 86_400_000;

export class LiveRunner {
  engine: Engine;
  private plan: Plan;
  private books: DenseL2Book[];
  private markets: Plan['markets'];
  private readonly credit = new Map<string, CreditState>();
  /** Limits per venue: the plan's `credit` rules, overridden by RunnerOptions.credit. */
  private readonly creditLimits: Record<string, VenueLimit & { action: string }> = {};
  private lastCreditMs = -Infinity;
  private info: VenueMarketInfo[] = [];
  private readonly byEngineId = new Map<number, LiveOrder>();
  private readonly byClientId = new Map<string, LiveOrder>();
  private readonly byVenueId = new Map<string, string>();
  private readonly seenTrades = new Set<string>();
  private readonly pending: OrderAction[] = [];
  private readonly failures = new Map<string, number>();
  private readonly disconnected = new Set<string>();
  private lastFillMs: number[] = [];
  private seq = 0;
  private dayStartMs: number;
  private state: RunnerSnapshot['state'] = 'idle';
  private readonly counts = { placed: 0, cancelled: 0, rejected: 0, retries: 0, unknownOutcomes: 0 };
  private hedgeFailures = 0;
  private fillCount = 0;
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: RunnerOptions) {
    this.plan = options.plan;
    this.markets = options.plan.markets;
    for (const m of this.markets) if (!options.venues.has(m.venue)) throw new Error(`no venue adapter for '${m.venue}' (market ${m.alias} ${m.symbol})`);
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => undefined);
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.dayStartMs = Math.floor(this.now() / dayMs) * dayMs;
    this.books = this.markets.map((m) => new DenseL2Book(m.tickSize));
    this.engine = new Engine(this.plan, { markets: this.books.map((book) => ({ book })), venueAcks: true, sink: (a) => this.pending.push(a) });
    for (const r of this.plan.risk) {
      if (r.kind !== 'credit' || !r.venue) continue;
      const node = r.limit === undefined ? undefined : this.plan.nodes[r.limit];
      const value = node?.op === 'const' && typeof node.value === 'number' ? node.value : node?.op === 'param' ? Number(this.plan.params.find((p) => p.name === node.param)?.value) : r.worstCase;
      if (value !== undefined && value > 0) this.creditLimits[r.venue] = { limit: value, action: r.action };
    }
    for (const [venue, l] of Object.entries(options.credit?.limits ?? {})) this.creditLimits[venue] = { ...l, action: 'reduce_only' };
  }

  private tNs(): number {
    return (this.now() - this.dayStartMs) * 1e6;
  }

  private venueOf(market: number): VenueAdapter {
    return this.options.venues.get(this.markets[market]!.venue)!;
  }

  /** Runs a venue call, retrying what may be retried with exponential backoff. */
  private async retry<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const attempts = this.patient ? (this.options.patientRetries ?? 10) : (this.options.retries ?? 4);
    let delay = this.options.backoffMs ?? 100;
    for (let i = 1; ; i++) {
      try {
        return await fn();
      } catch (err) {
        if (!(err instanceof VenueError) || err.kind !== 'retryable' || i >= attempts) throw err;
        this.counts.retries++;
        // Adapter messages already name the call; `what` is for errors that do not.
        this.log(`${err.message.startsWith(what) ? err.message : `${what}: ${err.message}`}; retry ${i}/${attempts - 1} in ${delay} ms`);
        await this.sleep(delay);
        delay = Math.min(delay * 2, 5000);
      }
    }
  }

  /** Start and stop retry longer (patientRetries); the quoting loop does not wait that long. */
  private patient = false;

  private async patiently<T>(fn: () => Promise<T>): Promise<T> {
    this.patient = true;
    try {
      return await fn();
    } finally {
      this.patient = false;
    }
  }

  // ------------------------------------------------------------------ start and reconciliation

  async start(): Promise<void> {
    await this.patiently(() => this.startNow());
    this.state = 'running';
  }

  private async startNow(): Promise<void> {
    const records = await this.options.journal.read();
    const recovered = recover(records, this.markets.length);
    this.seq = records.length + 1;
    // Venue metadata overrides the plan's catalogue values where they differ (the venue decides).
    const bySymbol = new Map<string, VenueMarketInfo>();
    for (const [name, venue] of this.options.venues) {
      const symbols = this.markets.filter((m) => m.venue === name).map((m) => m.symbol);
      for (const [s, info] of await this.retry(`load markets of ${name}`, () => venue.loadMarkets(symbols))) bySymbol.set(`${name}:${s}`, info);
    }
    this.info = this.markets.map((m) => bySymbol.get(`${m.venue}:${m.symbol}`)!);
    // The venue decides tick, lot and minimums: where they differ from the plan's catalogue values,
    // the engine runs on a copy of the plan with the venue's (the plan hash, which approvals name,
    // stays the approved one: these are facts about the venue, not choices of the strategy).
    let differs = false;
    const markets = this.markets.map((m, i) => {
      const v = this.info[i]!;
      const same = Math.abs(v.tickSize - m.tickSize) < 1e-12 && Math.abs(v.lotSize - m.lotSize) < 1e-12 && Math.abs(v.minQty - m.minQty) < 1e-12 && Math.abs(v.minNotional - m.minNotional) < 1e-9;
      if (same || !(v.tickSize > 0) || !(v.lotSize > 0)) return m;
      differs = true;
      this.log(`market ${m.alias}: the venue's tick/lot/min qty/min notional ${v.tickSize}/${v.lotSize}/${v.minQty}/${v.minNotional} replace the plan's ${m.tickSize}/${m.lotSize}/${m.minQty}/${m.minNotional}`);
      return { ...m, tickSize: v.tickSize, lotSize: v.lotSize, minQty: v.minQty, minNotional: v.minNotional };
    });
    if (differs) {
      this.plan = { ...this.plan, markets: markets as Plan['markets'] };
      this.markets = this.plan.markets;
      this.books = this.markets.map((m) => new DenseL2Book(m.tickSize));
      this.engine = new Engine(this.plan, { markets: this.books.map((book) => ({ book })), venueAcks: true, sink: (a) => this.pending.push(a) });
    }

    // Positions from the journal, into the engine's accounts.
    for (const f of recovered.fills) this.applyFillToEngine(f.market, f.side, f.qty, f.price, this.feeInQuote(f.market, f.fee, f.feeAsset, f.price), false);
    for (const t of recovered.seenTrades) this.seenTrades.add(t);
    for (const [v, c] of recovered.venueIds) this.byVenueId.set(v, c);
    this.lastFillMs = this.markets.map(() => recovered.lastFillMs);
    this.fillCount = recovered.fills.length;
    this.hedgeFailures = recovered.hedgeFailures.length;

    if (!recovered.firstStart) {
      const balances: Record<string, Record<string, number>> = {};
      for (const [name, venue] of this.options.venues) {
        const b = await this.retry(`balances of ${name}`, () => venue.fetchBalances());
        balances[name] = Object.fromEntries(Object.entries(b).map(([a, x]) => [a, x.total]));
      }
      await this.journal({ kind: 'start', balances, planHash: this.plan.hash });
    } else {
      await this.journal({ kind: 'note', text: `restart: ${recovered.fills.length} fills and ${recovered.maybeOpen.size} possibly open orders on record` });
    }
    await this.reconcile(recovered.maybeOpen);
  }

  /**
   * Our orders at the venues against the journal: orders the journal thinks may be open are looked
   * up (fills they had while we were away are journaled); every open order of ours is cancelled, or
   * adopted when the policy says so; orders of others are left alone.
   */
  private async reconcile(maybeOpen: Map<string, Extract<JournalEntry, { kind: 'place' }> & { venueId?: string }>): Promise<void> {
    for (const [clientId, o] of maybeOpen) {
      const venue = this.venueOf(o.market);
      const state = await this.retry(`look up ${clientId}`, () => venue.fetchOrder(o.symbol, clientId));
      if (!state) {
        await this.journal({ kind: 'done', clientId, status: 'unknown' });
        continue;
      }
      if (state.venueId) this.byVenueId.set(state.venueId, clientId);
      if (state.status !== 'open') await this.journal({ kind: 'done', clientId, status: state.status });
    }
    for (let m = 0; m < this.markets.length; m++) await this.collectFills(m, true);
    const policy = this.options.startupPolicy ?? 'cancel';
    for (const [name, venue] of this.options.venues) {
      for (const market of this.markets.filter((x) => x.venue === name)) {
        const open = await this.retry(`open orders ${market.symbol}`, () => venue.fetchOpenOrders(market.symbol));
        for (const o of open) {
          if (!isOurs(o.clientId, this.options.instanceId)) {
            this.log(`leaving ${o.clientId || o.venueId} at ${name} alone: not an order of instance ${this.options.instanceId}`);
            continue;
          }
          if (policy === 'adopt') {
            this.log(`adopting ${o.clientId}: cancelled at the next quote update`);
            await this.journal({ kind: 'note', text: `adopted ${o.clientId}` });
          }
          await this.journal({ kind: 'cancel', clientId: o.clientId, reason: 'startup reconciliation' });
          const final = await this.retry(`cancel ${o.clientId}`, () => venue.cancelOrder(market.symbol, o.clientId));
          await this.journal({ kind: 'done', clientId: o.clientId, status: final?.status ?? 'unknown' });
          this.counts.cancelled++;
        }
      }
    }
    for (let m = 0; m < this.markets.length; m++) await this.collectFills(m, true);
  }

  // ------------------------------------------------------------------ the loop

  /** One cycle: books, fills, evaluation, actions. */
  async step(): Promise<void> {
    if (this.state !== 'running') return;
    for (let m = 0; m < this.markets.length; m++) {
      const market = this.markets[m]!;
      try {
        const book = await this.venueOf(m).fetchBook(market.symbol, this.options.depth ?? 20);
        this.applyBook(m, book.bids, book.asks);
        await this.connected(market.venue);
      } catch (err) {
        await this.failed(market.venue, err);
      }
    }
    for (let m = 0; m < this.markets.length; m++) {
      if (this.disconnected.has(this.markets[m]!.venue)) continue;
      try {
        await this.pollOrders(m);
      } catch (err) {
        await this.failed(this.markets[m]!.venue, err);
      }
    }
    if (Object.keys(this.creditLimits).length > 0 && this.now() - this.lastCreditMs >= (this.options.credit?.checkEveryMs ?? 10_000)) {
      this.lastCreditMs = this.now();
      await this.checkCredit().catch((err: unknown) => this.log(`credit check: ${(err as Error).message}`));
    }
    if (this.disconnected.size === 0) this.engine.evaluate(this.tNs());
    await this.flush();
  }

  /** Exposure per venue from its balances and our open orders, valued at the plan's mids. */
  private async checkCredit(): Promise<void> {
    const limits = this.creditLimits;
    const marks: Record<string, number> = {};
    this.markets.forEach((m, i) => {
      marks[m.quote] = 1;
      const b = this.books[i]!;
      const mid = ((b.bestBid() + b.bestAsk()) / 2) * m.tickSize;
      if (Number.isFinite(mid)) marks[m.base] = mid;
    });
    const balances: Array<{ venue: string; asset: string; qty: number }> = [];
    for (const [name, venue] of this.options.venues) {
      if (this.disconnected.has(name)) continue;
      for (const [asset, b] of Object.entries(await venue.fetchBalances())) {
        if (b.free === 0) continue;
        if (marks[asset] === undefined) continue; // an asset no market of the plan prices (see docs/venues.md)
        balances.push({ venue: name, asset, qty: b.free });
      }
    }
    const openOrders = [...this.byEngineId.values()].map((o) => {
      const m = this.markets[o.market]!;
      return { venue: m.venue, base: m.base, quote: m.quote, side: o.side, price: o.price, qty: o.qty - o.filled };
    });
    for (const e of venueExposures({ balances, openOrders, marks, limits })) {
      const before = this.credit.get(e.venue) ?? 'ok';
      this.credit.set(e.venue, e.state);
      if (e.state !== before) {
        const text = `credit ${e.venue}: ${before} → ${e.state} (exposure ${e.exposure.toFixed(2)} of limit ${e.limit}, ${(e.utilisation * 100).toFixed(1)}%)`;
        this.log(text);
        await this.journal({ kind: 'note', text });
        // A plan rule whose action is halt (or cancel_all) stops quoting altogether at the limit.
        const action = limits[e.venue]?.action;
        if (e.state === 'reduce_only' && (action === 'halt' || action === 'cancel_all')) this.engine.kill(`credit limit at ${e.venue}`, this.tNs());
      }
    }
  }

  private applyBook(m: number, bids: Array<[number, number]>, asks: Array<[number, number]>): void {
    const book = this.books[m]!;
    const tick = this.markets[m]!.tickSize;
    book.clear();
    for (const [p, q] of bids) if (q > 0) book.set(Side.Bid, Math.round(p / tick), q);
    for (const [p, q] of asks) if (q > 0) book.set(Side.Ask, Math.round(p / tick), q);
  }

  private async connected(venue: string): Promise<void> {
    this.failures.set(venue, 0);
    if (!this.disconnected.has(venue)) return;
    this.disconnected.delete(venue);
    this.log(`${venue} answers again: reconciling before quoting`);
    await this.journal({ kind: 'note', text: `${venue} reconnected` });
    const maybeOpen = new Map<string, Extract<JournalEntry, { kind: 'place' }> & { venueId?: string }>();
    for (const o of this.byClientId.values()) {
      if (this.markets[o.market]!.venue !== venue) continue;
      maybeOpen.set(o.clientId, { kind: 'place', clientId: o.clientId, engineId: o.engineId, market: o.market, symbol: this.markets[o.market]!.symbol, venue, side: o.side, price: o.price, qty: o.qty, hedge: o.hedge, planHash: this.plan.hash, ...(o.venueId ? { venueId: o.venueId } : {}) });
      this.forget(o, 'disconnected');
      this.engine.onOrderGone(o.engineId, this.tNs());
    }
    await this.reconcile(maybeOpen);
  }

  private async failed(venue: string, err: unknown): Promise<void> {
    if (err instanceof VenueError && err.kind === 'fatal') throw err;
    const n = (this.failures.get(venue) ?? 0) + 1;
    this.failures.set(venue, n);
    this.log(`${venue}: ${(err as Error).message} (${n} in a row)`);
    if (n >= (this.options.disconnectAfter ?? 3) && !this.disconnected.has(venue)) {
      this.disconnected.add(venue);
      await this.journal({ kind: 'note', text: `${venue} disconnected: cancelling all` });
      this.engine.cancelAll(`${venue} disconnected`, this.tNs());
      await this.flush();
    }
  }

  /** Our orders' states at the venue: fills and orders that ended. */
  private async pollOrders(m: number): Promise<void> {
    const mine = [...this.byEngineId.values()].filter((o) => o.market === m);
    if (mine.length === 0) return;
    const venue = this.venueOf(m);
    const symbol = this.markets[m]!.symbol;
    const open = new Map((await venue.fetchOpenOrders(symbol)).map((o) => [o.clientId, o] as const));
    let changed = false;
    for (const o of mine) {
      const v = open.get(o.clientId);
      if (!v || v.filled > o.filled + 1e-12) changed = true;
    }
    if (!changed) return;
    await this.collectFills(m, false);
    for (const o of mine) {
      if (open.has(o.clientId) || !this.byEngineId.has(o.engineId)) continue;
      // Gone from the open list: filled, cancelled or expired. Ask for its final state.
      const final = await this.retry(`query ${o.clientId}`, () => venue.fetchOrder(symbol, o.clientId));
      if (final && final.filled > o.filled + 1e-12) await this.collectFills(m, false);
      await this.journal({ kind: 'done', clientId: o.clientId, status: final?.status ?? 'unknown' });
      if (this.byEngineId.get(o.engineId) === o) {
        this.forget(o, final?.status ?? 'unknown');
        this.engine.onOrderGone(o.engineId, this.tNs());
      }
    }
  }

  /** Journals and applies our fills at a market since the last one seen. */
  private async collectFills(m: number, recovering: boolean): Promise<void> {
    const market = this.markets[m]!;
    const since = Math.max(0, (this.lastFillMs[m] ?? 0) - 1000);
    const fills = await this.retry(`fills ${market.symbol}`, () => this.venueOf(m).fetchFills(market.symbol, since || undefined));
    for (const f of fills) await this.takeFill(m, f, recovering);
  }

  private async takeFill(m: number, f: VenueFill, recovering: boolean): Promise<void> {
    const market = this.markets[m]!;
    const key = `${market.venue}:${f.tradeId}`;
    if (this.seenTrades.has(key)) return;
    const clientId = f.clientId ?? this.byVenueId.get(f.venueOrderId);
    if (!isOurs(clientId, this.options.instanceId)) return;
    this.seenTrades.add(key);
    await this.journal({ kind: 'fill', tradeId: f.tradeId, clientId: clientId!, venueId: f.venueOrderId, market: m, symbol: market.symbol, venue: market.venue, side: f.side, price: f.price, qty: f.qty, fee: f.fee, feeAsset: f.feeAsset, liquidity: f.liquidity, timeMs: f.timeMs });
    this.lastFillMs[m] = Math.max(this.lastFillMs[m] ?? 0, f.timeMs);
    this.fillCount++;
    const o = this.byClientId.get(clientId!);
    const fee = this.feeInQuote(m, f.fee, f.feeAsset, f.price);
    if (o && !recovering) {
      o.filled += f.qty;
      this.engine.onFill(o.engineId, f.qty, f.price, fee, this.tNs());
    } else {
      // A fill of an order the engine no longer tracks (e.g. while we were down): the position still moves.
      this.applyFillToEngine(m, f.side, f.qty, f.price, fee, true);
    }
  }

  private applyFillToEngine(m: number, side: 'buy' | 'sell', qty: number, price: number, fee: number, _live: boolean): void {
    this.engine.account(m)?.fill(side === 'buy' ? qty : -qty, price, fee);
  }

  private feeInQuote(m: number, fee: number, asset: string, price: number): number {
    const market = this.markets[m]!;
    if (!asset || asset === market.quote) return fee;
    if (asset === market.base) return fee * price;
    this.log(`fee in ${asset} on ${market.alias} not converted (no ${asset}/${market.quote} price): counted as 0`);
    return 0;
  }

  // ------------------------------------------------------------------ actions

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const a = this.pending.shift()!;
      try {
        if (a.kind === 'place') await this.place(a);
        else if (a.kind === 'amend') await this.amend(a);
        else await this.cancel(a.id, a.reason);
      } catch (err) {
        if (err instanceof VenueError && err.kind === 'fatal') throw err;
        this.log(`${a.kind} ${a.id}: ${(err as Error).message}`);
      }
    }
  }

  private newClientId(): string {
    return encodeClientId(this.options.instanceId, this.plan.hash, this.seq++);
  }

  private async place(a: Extract<OrderAction, { kind: 'place' }>): Promise<void> {
    const m = a.market;
    const market = this.markets[m]!;
    const venue = this.venueOf(m);
    const side = a.side === Side.Bid ? 'buy' : 'sell';
    let price = a.price;
    if (a.hedge) {
      // A hedge crosses the spread, but never further than the slippage bound from the touch.
      const book = this.books[m]!;
      const bound = (this.options.hedgeSlippageBps ?? 20) / 1e4;
      const touch = side === 'buy' ? book.bestAsk() * market.tickSize : book.bestBid() * market.tickSize;
      if (Number.isFinite(touch)) price = side === 'buy' ? Math.min(a.price, touch * (1 + bound)) : Math.max(a.price, touch * (1 - bound));
      price = roundToTick(price, this.info[m]?.tickSize ?? market.tickSize, side);
    }
    if (this.credit.get(market.venue) === 'reduce_only' && !a.hedge) {
      // Over the venue's credit limit: only orders that shrink the position there may go.
      const pos = this.engine.position(m);
      const reduces = (side === 'sell' && pos > 0 && a.qty <= pos + 1e-12) || (side === 'buy' && pos < 0 && a.qty <= -pos + 1e-12);
      if (!reduces) {
        this.counts.rejected++;
        this.engine.onOrderGone(a.id, this.tNs());
        return;
      }
    }
    const o: LiveOrder = { engineId: a.id, clientId: this.newClientId(), venueId: undefined, market: m, side, price, qty: a.qty, filled: 0, hedge: a.hedge, cancelling: false };
    this.byEngineId.set(o.engineId, o);
    this.byClientId.set(o.clientId, o);
    await this.journal({ kind: 'place', clientId: o.clientId, engineId: o.engineId, market: m, symbol: market.symbol, venue: market.venue, side, price, qty: a.qty, hedge: a.hedge, planHash: a.planHash });
    const attempts = a.hedge ? (this.options.hedgeRetries ?? 3) : 1;
    for (let i = 1; ; i++) {
      try {
        const ack = await this.sendPlace(venue, market.symbol, o);
        this.counts.placed++;
        await this.acked(o, ack);
        return;
      } catch (err) {
        const e = err instanceof VenueError ? err : new VenueError('retryable', String(err), market.venue, 'Error');
        if (e.kind === 'fatal') throw e;
        if (e.kind === 'retryable') {
          // Outcome unknown even after lookups: keep tracking the order; the next poll finds it in
          // the open orders or learns its final state by client id. Never forget a maybe-live order.
          this.log(`place ${o.clientId}: outcome unknown (${e.message}); tracking it until the venue says`);
          return;
        }
        await this.journal({ kind: 'rejected', clientId: o.clientId, reason: e.message });
        this.counts.rejected++;
        this.forget(o, 'rejected');
        if (!a.hedge || i >= attempts) {
          if (a.hedge) await this.hedgeFailed(m, side, o.qty - o.filled, e.message);
          this.engine.onOrderGone(a.id, this.tNs());
          return;
        }
        // Retry the hedge with a fresh id at the slippage bound from the current touch.
        o.clientId = this.newClientId();
        this.byEngineId.set(o.engineId, o);
        this.byClientId.set(o.clientId, o);
        await this.journal({ kind: 'place', clientId: o.clientId, engineId: o.engineId, market: m, symbol: market.symbol, venue: market.venue, side, price: o.price, qty: o.qty - o.filled, hedge: true, planHash: a.planHash });
        await this.sleep((this.options.backoffMs ?? 100) * i);
      }
    }
  }

  /**
   * Sends a new order. When the outcome is unknown (timeout, dropped connection) the order is looked
   * up by its client id before anything is sent again, so it is never doubled.
   */
  private async sendPlace(venue: VenueAdapter, symbol: string, o: LiveOrder): Promise<VenueOrder> {
    const attempts = this.options.retries ?? 4;
    for (let i = 1; ; i++) {
      try {
        return await venue.placeOrder({ clientId: o.clientId, symbol, side: o.side, price: o.price, qty: o.qty - o.filled, postOnly: !o.hedge });
      } catch (err) {
        if (!(err instanceof VenueError) || err.kind !== 'retryable') throw err;
        this.counts.unknownOutcomes++;
        await this.sleep((this.options.backoffMs ?? 100) * i);
        // null: the venue never got it (safe to send again); undefined: the lookup failed too.
        const found = await this.retry(`look up ${o.clientId}`, () => venue.fetchOrder(symbol, o.clientId)).catch(() => undefined);
        if (found) return found;
        if (i >= attempts) throw err;
        this.counts.retries++;
      }
    }
  }

  private async acked(o: LiveOrder, ack: VenueOrder): Promise<void> {
    o.venueId = ack.venueId;
    this.byVenueId.set(ack.venueId, o.clientId);
    await this.journal({ kind: 'ack', clientId: o.clientId, venueId: ack.venueId, status: ack.status, filled: ack.filled });
    if (ack.filled > 0) await this.collectFills(o.market, false);
    if (ack.status !== 'open' && this.byEngineId.get(o.engineId) === o) {
      await this.journal({ kind: 'done', clientId: o.clientId, status: ack.status });
      this.forget(o, ack.status);
      this.engine.onOrderGone(o.engineId, this.tNs());
    }
  }

  private async hedgeFailed(m: number, side: 'buy' | 'sell', qty: number, reason: string): Promise<void> {
    // Rollback rule: the unhedged exposure stays on record and quoting halts, so it can never be
    // forgotten or grown; a person decides what to do with it.
    this.hedgeFailures++;
    await this.journal({ kind: 'hedge_failed', market: m, symbol: this.markets[m]!.symbol, side, qty, reason });
    this.log(`hedge on ${this.markets[m]!.alias} failed after retries (${reason}): halting with ${side} ${qty} unhedged on record`);
    this.engine.kill(`hedge failed on ${this.markets[m]!.alias}: ${side} ${qty} unhedged (${reason})`, this.tNs());
  }

  /** Binance spot has no amend: cancel, then place the new price under a new client id. */
  private async amend(a: Extract<OrderAction, { kind: 'amend' }>): Promise<void> {
    const o = this.byEngineId.get(a.id);
    if (o) await this.cancelOrder(o, 'amend');
    if (this.byEngineId.has(a.id)) return; // the cancel failed: keep the old order, the engine retries later
    // Fills that arrived with the cancel went to the engine first: re-place only what it still wants.
    const working = this.engine.workingOrders().find((w) => w.id === a.id);
    if (!working) return;
    const qty = Math.min(a.qty, working.qty);
    if (!(qty > 0)) {
      this.engine.onOrderGone(a.id, this.tNs());
      return;
    }
    await this.place({ kind: 'place', id: a.id, market: a.market, side: a.side, priceTicks: a.priceTicks, price: a.price, qty, level: a.level, hedge: false, planHash: a.planHash, tNs: a.tNs });
  }

  private async cancel(engineId: number, reason: string): Promise<void> {
    const o = this.byEngineId.get(engineId);
    if (!o) {
      this.engine.onOrderGone(engineId, this.tNs());
      return;
    }
    await this.cancelOrder(o, reason);
    if (!this.byEngineId.has(engineId)) this.engine.onOrderGone(engineId, this.tNs());
  }

  private async cancelOrder(o: LiveOrder, reason: string): Promise<void> {
    const market = this.markets[o.market]!;
    const venue = this.venueOf(o.market);
    o.cancelling = true;
    await this.journal({ kind: 'cancel', clientId: o.clientId, reason });
    let final: VenueOrder | null;
    try {
      final = await this.retry(`cancel ${o.clientId}`, () => venue.cancelOrder(market.symbol, o.clientId));
    } catch (err) {
      // The cancel may have happened (a connection dropped mid-request): ask before giving up.
      final = await this.retry(`look up ${o.clientId}`, () => venue.fetchOrder(market.symbol, o.clientId)).catch(() => undefined as unknown as VenueOrder | null);
      if (final === undefined || (final && final.status === 'open')) {
        o.cancelling = false;
        throw err;
      }
    }
    this.counts.cancelled++;
    if (final && final.filled > o.filled + 1e-12) await this.collectFills(o.market, false);
    await this.journal({ kind: 'done', clientId: o.clientId, status: final?.status ?? 'unknown' });
    this.forget(o, final?.status ?? 'unknown');
  }

  private forget(o: LiveOrder, _why: string): void {
    if (this.byEngineId.get(o.engineId) === o) this.byEngineId.delete(o.engineId);
    this.byClientId.delete(o.clientId);
  }

  private async journal(entry: JournalEntry): Promise<void> {
    await this.options.journal.append(entry);
  }

  // ------------------------------------------------------------------ stop and state

  /** Cancels every order of ours at every venue (known or not), confirms, journals the stop. */
  async stop(reason: string): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    await this.patiently(() => this.stopNow(reason));
  }

  private async stopNow(reason: string): Promise<void> {
    this.engine.cancelAll(reason, this.tNs());
    this.pending.length = 0;
    for (const o of [...this.byEngineId.values()]) {
      try {
        await this.cancelOrder(o, reason);
      } catch (err) {
        this.log(`cancel ${o.clientId} at stop: ${(err as Error).message}`);
      }
    }
    for (const [name, venue] of this.options.venues) {
      for (const market of this.markets.filter((x) => x.venue === name)) {
        try {
          const open = await this.retry(`open orders ${market.symbol}`, () => venue.fetchOpenOrders(market.symbol));
          for (const o of open.filter((x) => isOurs(x.clientId, this.options.instanceId))) {
            await this.journal({ kind: 'cancel', clientId: o.clientId, reason });
            const final = await this.retry(`cancel ${o.clientId}`, () => venue.cancelOrder(market.symbol, o.clientId));
            await this.journal({ kind: 'done', clientId: o.clientId, status: final?.status ?? 'unknown' });
          }
        } catch (err) {
          this.log(`sweeping ${market.symbol} at stop: ${(err as Error).message}`);
        }
      }
    }
    for (let m = 0; m < this.markets.length; m++) await this.collectFills(m, false).catch(() => undefined);
    await this.journal({ kind: 'stop', reason });
  }

  kill(reason: string): void {
    this.engine.kill(reason, this.tNs());
  }

  /** Drives the loop until `stop()`: one step every `intervalMs`. */
  async run(intervalMs: number, until: () => boolean = () => false): Promise<void> {
    while (this.state === 'running' && !until()) {
      const t0 = this.now();
      await this.step();
      await this.sleep(Math.max(0, intervalMs - (this.now() - t0)));
    }
  }

  snapshot(): RunnerSnapshot {
    return {
      instanceId: this.options.instanceId,
      planHash: this.plan.hash,
      state: this.state,
      riskState: this.engine.riskState,
      positions: Object.fromEntries(this.markets.map((m, i) => [m.alias, this.engine.position(i)])),
      openOrders: this.byEngineId.size,
      fills: this.fillCount,
      disconnected: [...this.disconnected],
      hedgeFailures: this.hedgeFailures,
      credit: Object.fromEntries(this.credit),
      counts: { ...this.counts },
    };
  }
}

function roundToTick(price: number, tick: number, side: 'buy' | 'sell'): number {
  // Bids down, asks up, as the quote engine rounds.
  const ticks = side === 'buy' ? floorTicks(price, tick) : ceilTicks(price, tick);
  return Number((ticks * tick).toFixed(12));
}
