// The backtest summary: the figures a risk manager reads first, each with its unit in its name or
// its doc comment (docs/metrics.md has the formulas). Built from a BacktestResult with the metrics
// and attribution modules; the attribution's parts must add up to the total exactly, and this
// checks it on every run.
import { attributePnl, type PnlAttribution } from './attribution.js';
import type { BacktestResult } from './backtest.js';
import { computeMetrics, CRYPTO_CALENDAR, EQUITY_CALENDAR, type BacktestMetrics } from './metrics.js';
import { ENGINE_SEMANTICS } from '../semantics.js';

export interface BacktestSummary {
  strategy: { name: string; version: number; planHash: string };
  /** The engine semantics version the run was made under (runtime/semantics.ts). */
  engine: { semantics: number };
  /** Event-time window replayed (ISO times, UTC). */
  window: { from: string; to: string };
  /** Market events replayed: one price-level update, one trade, or one order-book message of L3 data. */
  events: number;
  /** Order actions sent by the strategy: new orders, amends, cancels; and how many orders filled at least partly. */
  orders: { placed: number; amended: number; cancelled: number; filled: number };
  /** Number of fills (partial fills count one each). */
  fills: number;
  /** PnL in the quote currency of the first market, after fees; the parts add up to `total`. */
  pnl: { total: number; spreadCapture: number; inventory: number; fees: number; hedge: number };
  /** Annualised Sharpe and Sortino of per-interval PnL changes (dimensionless; null when undefined). */
  sharpe: number | null;
  sortino: number | null;
  /** Largest fall of PnL from its running peak, quote currency (≥ 0). */
  maxDrawdown: number;
  /** Annualised PnL / max drawdown (dimensionless). */
  calmar: number | null;
  /** Mean markout of quoting fills in bps of the fill price, at 1 s / 10 s / 60 s after the fill (positive: the fill made money). */
  markouts: { '1s': number | null; '10s': number | null; '60s': number | null };
  /** Filled orders / placed orders (0–1). */
  fillRatio: number | null;
  /** Largest |position| per market seen at the exchange (base units). */
  maxAbsPosition: Record<string, number>;
  /** Times each risk rule refused an order or changed the risk state, by rule id; and the state changes. */
  limitsHit: { byRule: Record<string, number>; stateChanges: Array<{ at: string; from: string; to: string; rule?: string; reason: string }>; halted: boolean };
  /** PnL per unit of inventory risk (dimensionless), quote uptime per market (0–1), time in each scenario (0–1). */
  pnlPerInventoryRisk: number | null;
  quoteUptime: Record<string, number>;
  scenarioShare: Record<string, number>;
  /** Σ fill notional, quote currency, and per hour of event time. */
  turnover: { notional: number; perHour: number | null };
  settings: { latency: string; fees: string; queue: string; seed: number };
  simulator: { rejectedPostOnly: number; selfTradeCancels: number; iocRemainders: number };
  /** Wall time and throughput of the simulation. */
  timing: { wallMs: number; eventsPerSecond: number };
  warnings: string[];
}

export interface SummaryInput {
  result: BacktestResult;
  dayEpochMs: number;
  settings: BacktestSummary['settings'];
}

export interface FullReport {
  summary: BacktestSummary;
  metrics: BacktestMetrics;
  attribution: PnlAttribution;
}

export function summarise({ result, dayEpochMs, settings }: SummaryInput): FullReport {
  const { plan, fills, marks, engine } = result;
  const last = marks[marks.length - 1];
  const aliases = plan.markets.map((m) => m.alias);
  const attribution = attributePnl({ fills, finalMids: last?.mids ?? [], aliases });
  const equities = plan.markets.every((m) => m.contract === 'equity');
  const metrics = computeMetrics({
    marks,
    fills,
    orders: result.orders,
    quotedQty: result.quotedQty,
    startNs: result.fromNs,
    calendar: equities ? EQUITY_CALENDAR : CRYPTO_CALENDAR,
    marketAliases: aliases,
    positionLimits: plan.markets.map((m) => positionLimit(result, m.alias)),
  });

  // The identity the attribution promises, checked on every run: parts add up to the total.
  const parts = attribution.spreadCapture + attribution.inventory + attribution.fees + attribution.hedging;
  let scale = Math.max(1, Math.abs(attribution.total));
  for (const f of fills) scale = Math.max(scale, Math.abs(f.price * f.qty));
  if (Math.abs(parts - attribution.total) > 1e-9 * scale) {
    throw new Error(`PnL attribution does not add up: parts ${parts} vs total ${attribution.total}`);
  }

  const iso = (tNs: number): string => new Date(dayEpochMs + tNs / 1e6).toISOString();
  const byHorizon = (s: number): number | null => metrics.markouts.quoting.find((m) => m.horizonNs === s * 1e9)?.meanBps ?? null;
  const maxAbs: Record<string, number> = {};
  for (const m of plan.markets) maxAbs[m.alias] = 0;
  for (const s of marks) s.positions.forEach((p, i) => {
    const a = aliases[i];
    if (a !== undefined) maxAbs[a] = Math.max(maxAbs[a] ?? 0, Math.abs(p));
  });
  for (const f of fills) maxAbs[f.marketAlias] = Math.max(maxAbs[f.marketAlias] ?? 0, Math.abs(f.positionAfter));

  const byRule: Record<string, number> = {};
  for (const [rule, n] of engine.riskHits()) byRule[rule] = n;
  const transitions = engine.stats.riskTransitions;

  const summary: BacktestSummary = {
    strategy: { name: plan.strategy.name, version: plan.strategy.version, planHash: plan.hash },
    engine: { semantics: ENGINE_SEMANTICS },
    window: { from: iso(result.fromNs), to: iso(result.toNs) },
    events: result.events,
    orders: { placed: result.orders.placed, amended: result.orders.amended, cancelled: result.orders.cancelled, filled: result.orders.filledOrders },
    fills: fills.length,
    pnl: { total: attribution.total, spreadCapture: attribution.spreadCapture, inventory: attribution.inventory, fees: attribution.fees, hedge: attribution.hedging },
    sharpe: metrics.sharpe,
    sortino: metrics.sortino,
    maxDrawdown: metrics.maxDrawdownQuote,
    calmar: metrics.calmar,
    markouts: { '1s': byHorizon(1), '10s': byHorizon(10), '60s': byHorizon(60) },
    fillRatio: metrics.fillRatio.orders,
    maxAbsPosition: maxAbs,
    limitsHit: {
      byRule,
      stateChanges: transitions.map((t) => ({ at: iso(t.tNs), from: t.from, to: t.to, ...(t.rule ? { rule: t.rule } : {}), reason: t.reason })),
      halted: engine.riskState === 'halted',
    },
    pnlPerInventoryRisk: metrics.pnlPerInventoryRisk,
    quoteUptime: Object.fromEntries(metrics.markets.filter((m) => plan.quotes.some((q) => q.market === m.alias)).map((m) => [m.alias, m.quoteUptime.bothSides])),
    scenarioShare: metrics.scenarioShare,
    turnover: { notional: metrics.turnover.notionalQuote, perHour: metrics.turnover.notionalPerHourQuote },
    settings,
    simulator: result.exchange,
    timing: { wallMs: Math.round(result.wallMs), eventsPerSecond: Math.round(result.events / (result.wallMs / 1000)) },
    warnings: metrics.warnings,
  };
  return { summary, metrics, attribution };
}

/** The worst-case position limit the plan gives a market (for time-at-limit), if any. */
function positionLimit(result: BacktestResult, alias: string): number | null {
  const plan = result.plan;
  const market = plan.markets.find((m) => m.alias === alias);
  let best: number | null = null;
  for (const r of plan.risk) {
    if (r.kind !== 'position' || r.worstCase === undefined) continue;
    if (r.market === alias || (r.market === undefined && r.asset === market?.base)) best = best === null ? r.worstCase : Math.min(best, r.worstCase);
  }
  return best;
}
