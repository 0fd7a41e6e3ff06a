// Stress testing (MISSION S7): the same backtest run on transformed copies of the market data — a
// gap, a flash crash, tripled volatility, a liquidity drought, toxic flow, a latency spike, an
// outage, a stale feed (runtime/stress) — and the figures a risk manager compares across them.
import type { Plan } from '../../schemas/generated/plan.js';
import type { EventBatch } from '../events.js';
import { applyStressSpec, parseStressSpecs, resolveStressSpec, type StressSpec } from '../stress/scenarios.js';
import { runBacktest, type BacktestOptions, type BacktestResult } from './backtest.js';
import { computeMetrics } from './metrics.js';

export interface StressRow {
  scenario: string;
  description: string;
  /** PnL after fees, quote currency of the first market. */
  pnl: number;
  /** Largest fall of PnL from its running peak, quote currency. */
  maxDrawdown: number;
  /** Largest |position| at the exchange, per market (base units). */
  peakPosition: Record<string, number>;
  /** Times risk rules refused orders or changed the state. */
  limitsHit: number;
  /** The strategy halted (a halt rule fired, or the kill switch). */
  halted: boolean;
  /** A hard limit was broken: a position beyond its limit at the exchange, or a halt. */
  breached: string[];
  /** Seconds from the start of the stress event until every position is flat again; null: never flat again, 0: never exposed. */
  timeToFlatSec: number | null;
  fills: number;
}

export interface StressReport {
  rows: StressRow[];
  /** True when any scenario broke a hard limit. */
  breached: boolean;
}

/** `all`, or a list such as `gap_up,flash_crash:dropPct=10` (see runtime/stress/README.md). */
export function stressSpecs(text: string): StressSpec[] {
  return parseStressSpecs(text.trim() === 'all' ? allScenarioText : text);
}

const allScenarioText = 'gap_up,gap_down,flash_crash,vol_x3,liquidity_drought,toxic_sell,toxic_buy,latency_spike,venue_outage,stale_feed';

export function runStress(plan: Plan, batch: EventBatch, specs: StressSpec[], options: BacktestOptions & { seed?: number; onScenario?: (name: string, i: number, n: number) => void }): StressReport {
  const rows: StressRow[] = [];
  const all: Array<{ name: string; description: string; spec: StressSpec | undefined }> = [
    { name: 'baseline', description: 'the recorded data, untouched', spec: undefined },
    ...specs.map((spec) => ({ name: spec.label, description: describeSpec(spec, batch, options.seed ?? 1), spec })),
  ];
  all.forEach(({ name, description, spec }, i) => {
    options.onScenario?.(name, i, all.length);
    const stressed = spec ? applyStressSpec(spec, batch, options.seed ?? 1) : batch;
    const feedDelayNs = spec && stressed.length === batch.length ? localDelay(batch, stressed) : undefined;
    const result = runBacktest(plan, stressed, { ...options, ...(feedDelayNs ? { feedDelayNs } : {}) });
    const startNs = spec ? eventStart(spec, batch, options.seed ?? 1) : (batch.exchTs[0] ?? 0);
    rows.push(row(name, description, result, startNs));
  });
  return { rows, breached: rows.some((r) => r.breached.length > 0) };
}

function describeSpec(spec: StressSpec, batch: EventBatch, seed: number): string {
  return resolveStressSpec(spec, batch, seed).map((s) => `${s.transform}(${Object.entries(s.options).map(([k, v]) => `${k}=${v}`).join(', ')})`).join(' then ');
}

/** The strategy sees a row late when the transform moved its local time: that move is the extra delay. */
function localDelay(original: EventBatch, stressed: EventBatch): Float64Array | undefined {
  let any = false;
  const out = new Float64Array(stressed.length);
  for (let i = 0; i < stressed.length; i++) {
    const d = (stressed.localTs[i] ?? 0) - (original.localTs[i] ?? 0);
    if (d > 0 && (stressed.exchTs[i] ?? 0) === (original.exchTs[i] ?? 0)) {
      out[i] = d;
      any = true;
    }
  }
  return any ? out : undefined;
}

/** Where the first step of a stress run starts: `atS` seconds in, or `at` × the data's span. */
function eventStart(spec: StressSpec, batch: EventBatch, seed: number): number {
  const first = batch.exchTs[0] ?? 0;
  const span = (batch.exchTs[batch.length - 1] ?? 0) - first;
  const o = resolveStressSpec(spec, batch, seed)[0]?.options ?? {};
  if (typeof o.atS === 'number') return first + o.atS * 1e9;
  if (typeof o.at === 'number') return first + o.at * span;
  return first;
}

function row(scenario: string, description: string, r: BacktestResult, startNs: number): StressRow {
  const plan = r.plan;
  const metrics = computeMetrics({ marks: r.marks, fills: r.fills, startNs: r.fromNs });
  const peak: Record<string, number> = {};
  plan.markets.forEach((m) => (peak[m.alias] = 0));
  for (const s of r.marks) s.positions.forEach((p, i) => {
    const a = plan.markets[i]?.alias;
    if (a !== undefined) peak[a] = Math.max(peak[a] ?? 0, Math.abs(p));
  });
  for (const f of r.fills) peak[f.marketAlias] = Math.max(peak[f.marketAlias] ?? 0, Math.abs(f.positionAfter));

  const breached: string[] = [];
  const halted = r.engine.stats.riskTransitions.some((t) => t.to === 'halted');
  if (halted) breached.push(`halted: ${r.engine.stats.riskTransitions.find((t) => t.to === 'halted')?.reason ?? ''}`);
  for (const rule of plan.risk) {
    if (rule.kind !== 'position' || rule.worstCase === undefined) continue;
    const markets = plan.markets.filter((m) => (rule.market ? m.alias === rule.market : m.base === rule.asset));
    for (const m of markets) {
      if ((peak[m.alias] ?? 0) > rule.worstCase + 1e-9) breached.push(`${rule.id}: position in ${m.alias} reached ${peak[m.alias]} over its limit ${rule.worstCase}`);
    }
  }

  let hits = 0;
  for (const n of r.engine.riskHits().values()) hits += n;

  return {
    scenario,
    description,
    pnl: r.marks[r.marks.length - 1]?.pnl ?? 0,
    maxDrawdown: metrics.maxDrawdownQuote,
    peakPosition: peak,
    limitsHit: hits,
    halted,
    breached,
    timeToFlatSec: timeToFlat(r, startNs),
    fills: r.fills.length,
  };
}

function timeToFlat(r: BacktestResult, startNs: number): number | null {
  const lots = r.plan.markets.map((m) => m.lotSize / 2);
  const flat = (positions: number[]): boolean => positions.every((p, i) => Math.abs(p) < (lots[i] ?? 1e-9));
  let exposed = false;
  for (const s of r.marks) {
    if (s.tNs < startNs) continue;
    if (!flat(s.positions)) exposed = true;
    else if (exposed) return (s.tNs - startNs) / 1e9;
  }
  return exposed ? null : 0;
}
