// A paper-trading instance: one deployed plan running against a market — recorded data replayed
// in a loop, or a simulated market — with our orders filled by the backtest's simulated exchange,
// so positions and PnL move as they would have. Event time is paced by the wall clock (`speed` ×
// wall time), in chunks: a timer calls `pump`, which advances the steppable backtest to the event
// time that corresponds to now. Inside, everything stays deterministic: given the same plan, market
// and sequence of pump times, the snapshots are identical (the wall clock only decides how far to
// go, never what happens).
//
// The deployment service holds these by name: it hot-swaps plans (`swap`), pulls the kill switch
// (`kill`, global kill being its loop over instances), reads `snapshot()` on every request and
// streams `on('update')`. A runtime error stops the instance with status 'failed' and is reported
// through `on('error')`; it never escapes into the process.
import type { Plan } from '../../schemas/generated/plan.js';
import type { FeeModel } from '../backtest/fees.js';
import type { LatencySet } from '../backtest/latency.js';
import type { QueueModel } from '../backtest/queue.js';
import { BacktestSession } from '../backtest/session.js';
import type { EventBatch } from '../events.js';
import type { Explanation } from '../explain.js';
import { Emitter } from './emitter.js';
import { WallPacer } from './pacer.js';
import { simulatedBatchForPlan } from './simulated-plan-market.js';
import { buildSnapshot, jsonSafe, paperFill, type JsonSafe, type PaperFill, type PaperSnapshot, type PaperStatus, type PaperSwap } from './snapshot.js';

export type PaperMarket =
  | {
      kind: 'replay';
      batch: EventBatch;
      /** Event time per wall time (1 = real time). */
      speed: number;
      /** Explicit plan-market → data-market bindings (`m` → `binance:BTC/USDT`). */
      markets?: Record<string, string>;
    }
  | {
      kind: 'simulated';
      seed: number;
      speed?: number;
      /** Event time generated before the market loops (default 600 s). */
      spanSec?: number;
      /** Start prices by plan alias or symbol. */
      startPrices?: Record<string, number>;
    };

export interface PaperInstanceOptions {
  id: string;
  plan: Plan;
  market: PaperMarket;
  /** Wall clock in ms (default Date.now); injectable so tests never sleep. */
  clock?: () => number;
  latency?: LatencySet;
  fees?: FeeModel;
  queue?: QueueModel;
  /** Timer period of `start()` (default 50 ms). */
  pumpEveryMs?: number;
  /** Least wall time between two 'update' events (default 250 ms). */
  updateEveryMs?: number;
  /** Fills kept for the snapshot (default 20). */
  lastFills?: number;
  /** A wall-clock gap between pumps longer than this is skipped, not caught up (default 5000 ms). */
  maxLagMs?: number;
  /** Event time between the end of the data and its next pass (default 1 s). */
  loopGapNs?: number;
}

export type PaperEvents = {
  /** The snapshot, at most every `updateEveryMs` of wall time while pumping, and after every control action. */
  update: PaperSnapshot;
  /** The runtime threw: the instance has stopped with status 'failed'. */
  error: Error;
};

const SWAPS_KEPT = 20;

export class PaperInstance {
  readonly id: string;
  /** The simulation underneath (for diagnostics and tests: the exchange side, records). */
  readonly session: BacktestSession;
  private readonly clock: () => number;
  private readonly pacer: WallPacer;
  private readonly emitter = new Emitter<PaperEvents>();
  private readonly marketInfo: PaperSnapshot['market'];
  private readonly pumpEveryMs: number;
  private readonly updateEveryMs: number;
  private readonly fillsKept: number;
  private state: PaperStatus = 'idle';
  private failure: string | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;
  private lastUpdateMs = -Infinity;
  private readonly recentFills: PaperFill[] = [];
  private readonly swapLog: PaperSwap[] = [];
  /** Bumped by every change made from outside a pump (swap, kill, resume), for the explain cache. */
  private changes = 0;
  private explainKey = '';
  private explainCache: Array<JsonSafe<Explanation> | null> = [];

  constructor(options: PaperInstanceOptions) {
    this.id = options.id;
    this.clock = options.clock ?? Date.now;
    this.pumpEveryMs = options.pumpEveryMs ?? 50;
    this.updateEveryMs = options.updateEveryMs ?? 250;
    this.fillsKept = Math.max(0, options.lastFills ?? 20);
    const m = options.market;
    const batch = m.kind === 'replay' ? m.batch : simulatedBatchForPlan(options.plan, { seed: m.seed, spanSec: m.spanSec, startPrices: m.startPrices });
    const speed = m.kind === 'replay' ? m.speed : m.speed ?? 1;
    this.session = new BacktestSession(options.plan, batch, {
      latency: options.latency,
      fees: options.fees,
      queue: options.queue,
      markets: m.kind === 'replay' ? m.markets : undefined,
      // Marks are for reports: an instance that runs for days keeps only its live state.
      sampleEveryNs: Infinity,
      // Its snapshots say why each market is quoted as it is.
      explanations: true,
      loop: { gapNs: options.loopGapNs ?? 1e9 },
    });
    this.pacer = new WallPacer(this.session.now, speed, options.maxLagMs ?? 5000);
    this.marketInfo = {
      kind: m.kind,
      speed,
      source: m.kind === 'simulated' ? `simulated (seed ${m.seed})` : [...new Set(batch.markets.map((f) => f.source))].join(', '),
    };
  }

  get status(): PaperStatus {
    return this.state;
  }
  get plan(): Plan {
    return this.session.engine.plan;
  }
  get speed(): number {
    return this.pacer.speed;
  }

  on<K extends keyof PaperEvents>(event: K, fn: (value: PaperEvents[K]) => void): () => void {
    return this.emitter.on(event, fn);
  }
  off<K extends keyof PaperEvents>(event: K, fn: (value: PaperEvents[K]) => void): void {
    this.emitter.off(event, fn);
  }
  /** `on('update', fn)`, in the shape the deployment service asks of a runtime. */
  subscribe(fn: (snapshot: PaperSnapshot) => void): () => void {
    return this.emitter.on('update', fn);
  }

  /** Runs on a timer (unref'd: it never keeps the process alive). */
  start(): void {
    if (this.state === 'failed') throw new Error(`instance ${this.id} has failed: ${this.failure ?? ''}`);
    if (this.timer) return;
    this.state = 'running';
    this.pacer.reanchor();
    this.timer = setInterval(() => this.pump(), this.pumpEveryMs);
    this.timer.unref?.();
    this.pump();
  }

  /** Timer off. Event time stands still until the next start (or pump). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.state === 'running') this.state = 'stopped';
    this.pacer.reanchor();
    this.emitNow();
  }

  /** Changes the pace from now on (event time reached so far is kept). */
  setSpeed(speed: number): void {
    this.pacer.setSpeed(speed);
    this.marketInfo.speed = speed;
  }

  /** Advances to the event time that corresponds to `nowMs` of wall time. */
  pump(nowMs: number = this.clock()): void {
    if (this.state === 'failed') return;
    try {
      this.session.advanceTo(this.pacer.eventTimeAt(nowMs));
      this.collectFills();
    } catch (err) {
      this.fail(err);
      return;
    }
    if (nowMs - this.lastUpdateMs >= this.updateEveryMs && this.emitter.has('update')) {
      this.lastUpdateMs = nowMs;
      this.emitNow();
    }
  }

  /**
   * Hot-swap between two events: the events processed so far ran the old plan, every later one
   * runs the new plan, with the engine's state (positions, orders, signals, risk) carried over.
   */
  swap(plan: Plan): PaperSwap {
    this.assertUsable();
    const current = this.plan;
    const same = plan.markets.length === current.markets.length && plan.markets.every((m, i) => {
      const c = current.markets[i];
      return c !== undefined && m.alias === c.alias && m.venue === c.venue && m.symbol === c.symbol;
    });
    if (!same) throw new Error('a swapped plan must trade the same markets as the running one (same aliases, venues and symbols, in the same order)');
    const result: PaperSwap = { from: current.hash, to: plan.hash, atEventNs: this.session.now };
    this.session.act((engine) => engine.swap(plan));
    this.swapLog.push(result);
    if (this.swapLog.length > SWAPS_KEPT) this.swapLog.shift();
    this.changes++;
    this.emitNow();
    return result;
  }

  /** The kill switch: halts and cancels every working order in the same step; only `resume` lifts it. */
  kill(reason: string): void {
    this.control((engine, t) => engine.kill(reason, t));
  }

  resume(reason: string): void {
    this.control((engine, t) => engine.resume(reason, t));
  }

  snapshot(): PaperSnapshot {
    return buildSnapshot({
      id: this.id,
      status: this.state,
      error: this.failure,
      market: { ...this.marketInfo },
      session: this.session,
      lastFills: this.recentFills,
      swaps: this.swapLog,
      explain: (m) => this.explanation(m),
    });
  }

  // ---------------------------------------------------------------- internals

  private control(fn: Parameters<BacktestSession['act']>[0]): void {
    if (this.state === 'failed') return;
    try {
      this.session.act(fn);
    } catch (err) {
      this.fail(err);
      return;
    }
    this.changes++;
    this.emitNow();
  }

  private assertUsable(): void {
    if (this.state === 'failed') throw new Error(`instance ${this.id} has failed: ${this.failure ?? ''}`);
  }

  private collectFills(): void {
    const fills = this.session.drainFills();
    if (fills.length === 0 || this.fillsKept === 0) return;
    const plan = this.plan;
    const day = this.session.batch.dayEpochMs;
    for (const f of fills.length > this.fillsKept ? fills.slice(-this.fillsKept) : fills) this.recentFills.push(paperFill(f, plan, day));
    if (this.recentFills.length > this.fillsKept) this.recentFills.splice(0, this.recentFills.length - this.fillsKept);
  }

  /** Explanations change only when the engine evaluates or is changed from outside: built once per change. */
  private explanation(m: number): JsonSafe<Explanation> | null {
    const key = `${this.session.engine.stats.evaluations}:${this.changes}`;
    if (key !== this.explainKey) {
      this.explainKey = key;
      this.explainCache = [];
    }
    let e = this.explainCache[m];
    if (e === undefined) {
      const raw = this.session.engine.explanation(m);
      e = raw ? jsonSafe(raw) : null;
      this.explainCache[m] = e;
    }
    return e;
  }

  private fail(err: unknown): void {
    const error = err instanceof Error ? err : new Error(String(err));
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.state = 'failed';
    this.failure = error.message;
    this.emitter.emit('error', error);
    this.emitNow();
  }

  private emitNow(): void {
    if (!this.emitter.has('update')) return;
    let snap: PaperSnapshot;
    try {
      snap = this.snapshot();
    } catch (err) {
      if (this.state !== 'failed') this.fail(err);
      return;
    }
    this.emitter.emit('update', snap);
  }
}
