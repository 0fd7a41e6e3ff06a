// The live state of a paper instance as plain JSON: what the API returns on every request and
// streams to dashboards. Built from what the engine already keeps (no scan of history), so it is
// cheap to take often. Numbers that are not finite (no book yet, a signal warming up) become null:
// JSON has no NaN or Infinity.
import type { Plan } from '../../schemas/generated/plan.js';
import type { BacktestSession } from '../backtest/session.js';
import type { FillRecord } from '../backtest/records.js';
import { Side } from '../events.js';
import type { Explanation } from '../explain.js';
import type { RiskTransition } from '../risk/risk-gate.js';

/** `T` with every number allowed to be null (where it was NaN or infinite). */
export type JsonSafe<T> = T extends number ? number | null : T extends object ? { [K in keyof T]: JsonSafe<T[K]> } : T;

export type PaperStatus = 'idle' | 'running' | 'stopped' | 'failed';

export interface WorkingQuote {
  id: number;
  price: number;
  qty: number;
  /** Ladder level (0 = best). */
  level: number;
  hedge: boolean;
  /** The plan that placed or last amended the order. */
  planHash: string;
}

export interface PaperMarketState {
  alias: string;
  /** venue:SYMBOL as the plan names the market. */
  key: string;
  bestBid: number | null;
  bestAsk: number | null;
  mid: number | null;
  position: number;
  /** Average entry price of the open position (null when flat). */
  avgPrice: number | null;
  /** Our working orders, best first (cancels not yet confirmed excluded). */
  working: { bids: WorkingQuote[]; asks: WorkingQuote[] };
  /** How the latest quote update on this market was made (null before the first one). */
  explain: JsonSafe<Explanation> | null;
}

export interface PaperFill {
  /** Exchange time, ns since the data's day start, and as ISO. */
  tNs: number;
  time: string;
  market: string;
  alias: string;
  side: 'buy' | 'sell';
  price: number;
  qty: number;
  fee: number;
  liquidity: 'maker' | 'taker';
  level: number;
  hedge: boolean;
  scenario: string;
  planHash: string;
  /** Our position in that market after the fill, as the venue saw it. */
  positionAfter: number;
}

export interface PaperSwap {
  from: string;
  to: string;
  atEventNs: number;
}

export interface PaperSnapshot {
  id: string;
  planHash: string;
  strategy: { name: string; version: number };
  status: PaperStatus;
  /** Why the instance failed (status 'failed'), else null. */
  error: string | null;
  market: { kind: 'replay' | 'simulated'; speed: number; source: string };
  /** Event time the instance has reached: ns since the data's day start, and as ISO. */
  eventTimeNs: number;
  eventTime: string;
  /** Market events the strategy has seen, over all loops. */
  eventsProcessed: number;
  /** Times the data started over. */
  loops: number;
  markets: PaperMarketState[];
  /** Quote currency; the total is after fees, marked to the mids. */
  pnl: { total: number | null; daily: number | null; realized: number; unrealized: number | null; fees: number; volume: number };
  risk: { state: string; hits: Record<string, number>; transitions: RiskTransition[] };
  scenario: string;
  /** Params in effect (after scenario overrides and adaptation), by name. */
  params: Record<string, number | null>;
  counts: { fills: number; placed: number; amended: number; cancelled: number; rejected: number; throttled: number; venueRejected: number };
  /** The latest fills, oldest first. */
  lastFills: PaperFill[];
  swaps: PaperSwap[];
}

export interface SnapshotInput {
  id: string;
  status: PaperStatus;
  error: string | null;
  market: PaperSnapshot['market'];
  session: BacktestSession;
  lastFills: readonly PaperFill[];
  swaps: readonly PaperSwap[];
  /** The explanation of the latest quote update per market, JSON-safe (cached by the caller). */
  explain: (market: number) => JsonSafe<Explanation> | null;
}

const RECENT_TRANSITIONS = 10;

export function buildSnapshot(x: SnapshotInput): PaperSnapshot {
  const { session } = x;
  const engine = session.engine;
  const plan: Plan = engine.plan;
  const dayEpochMs = session.batch.dayEpochMs;
  let realized = 0;
  let unrealized = 0;
  let fees = 0;
  let volume = 0;
  const working = engine.workingOrders();
  const markets = plan.markets.map((m, i): PaperMarketState => {
    const view = engine.view(i);
    const account = engine.account(i);
    const mid = view?.mid ?? NaN;
    if (account) {
      realized += account.realized;
      unrealized += account.unrealized(Number.isFinite(mid) ? mid : account.avgPrice);
      fees += account.fees;
      volume += account.volume;
    }
    const mine = working.filter((o) => o.market === i);
    const quote = (o: (typeof working)[number]): WorkingQuote => ({ id: o.id, price: tidy(o.price), qty: tidy(o.qty), level: o.level, hedge: o.hedge, planHash: o.planHash });
    return {
      alias: m.alias,
      key: `${m.venue}:${m.symbol}`,
      bestBid: finite(view?.bid),
      bestAsk: finite(view?.ask),
      mid: finite(mid),
      position: tidy(engine.position(i)),
      avgPrice: account && account.position !== 0 ? finite(account.avgPrice) : null,
      working: {
        bids: mine.filter((o) => o.side === Side.Bid).sort((a, b) => b.price - a.price || a.id - b.id).map(quote),
        asks: mine.filter((o) => o.side === Side.Ask).sort((a, b) => a.price - b.price || a.id - b.id).map(quote),
      },
      explain: x.explain(i),
    };
  });
  const stats = engine.stats;
  const t = session.now;
  return {
    id: x.id,
    planHash: plan.hash,
    strategy: { name: plan.strategy.name, version: plan.strategy.version },
    status: x.status,
    error: x.error,
    market: x.market,
    eventTimeNs: t,
    eventTime: isoTime(dayEpochMs, t),
    eventsProcessed: stats.events,
    loops: session.loops,
    markets,
    pnl: { total: finite(engine.totalPnl()), daily: finite(engine.dailyPnl()), realized: tidy(realized), unrealized: finite(unrealized), fees: tidy(fees), volume: tidy(volume) },
    risk: {
      state: engine.riskState,
      hits: Object.fromEntries(engine.riskHits()),
      transitions: stats.riskTransitions.slice(-RECENT_TRANSITIONS).map((r) => ({ ...r })),
    },
    scenario: engine.scenario,
    params: Object.fromEntries(plan.params.map((p, i) => [p.name, finite(engine.params[i])])),
    counts: {
      fills: session.fillCount,
      placed: stats.actions.place,
      amended: stats.actions.amend,
      cancelled: stats.actions.cancel,
      rejected: stats.rejected,
      throttled: stats.throttled,
      venueRejected: session.exchange.stats.rejectedPostOnly,
    },
    lastFills: [...x.lastFills],
    swaps: [...x.swaps],
  };
}

export function paperFill(f: FillRecord, plan: Plan, dayEpochMs: number): PaperFill {
  const m = plan.markets[f.market];
  return {
    tNs: f.tNs,
    time: isoTime(dayEpochMs, f.tNs),
    market: m ? `${m.venue}:${m.symbol}` : '',
    alias: f.marketAlias,
    side: f.side === Side.Bid ? 'buy' : 'sell',
    price: tidy(f.price),
    qty: tidy(f.qty),
    fee: f.fee,
    liquidity: f.liquidity,
    level: f.level,
    hedge: f.hedge,
    scenario: f.scenario,
    planHash: f.planHash,
    positionAfter: tidy(f.positionAfter),
  };
}

export function isoTime(dayEpochMs: number, tNs: number): string {
  const ms = dayEpochMs + tNs / 1e6;
  return Number.isFinite(ms) ? new Date(ms).toISOString() : '';
}

/** The number, or null when it is not finite; twelve significant digits (prices are ticks × tick size, 0.1 + 0.2 stays 0.3 for people). */
export function finite(x: number | undefined): number | null {
  return x !== undefined && Number.isFinite(x) ? tidy(x) : null;
}

/** Twelve significant digits: float noise off, every real digit of a price or size kept. */
export function tidy(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(12)) : x;
}

/** A deep copy with every non-finite number replaced by null. */
export function jsonSafe<T>(value: T): JsonSafe<T> {
  if (typeof value === 'number') return (Number.isFinite(value) ? value : null) as JsonSafe<T>;
  if (Array.isArray(value)) return value.map((v: unknown) => jsonSafe(v)) as JsonSafe<T>;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = jsonSafe(v);
    return out as JsonSafe<T>;
  }
  return value as JsonSafe<T>;
}
