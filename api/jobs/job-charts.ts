// The series the web editor charts next to a finished backtest: PnL and its parts, drawdown,
// inventory, our quotes against the mid, and the scenario, thinned to a few hundred points so a
// job's stored result stays small (the full-resolution report is `quoin backtest --report`).
import { attributionOverTime } from '../../runtime/backtest/attribution.js';
import type { BacktestResult } from '../../runtime/backtest/backtest.js';
import { drawdownSeries } from '../../runtime/backtest/metrics.js';

export interface JobCharts {
  /** Event time of each point, Unix seconds (UTC). */
  t: number[];
  /** Quote currency of the first market; the parts add up to total at every point. */
  pnl: { total: number[]; spreadCapture: number[]; inventory: number[]; fees: number[]; hedge: number[] };
  /** PnL minus its running peak (≤ 0), quote currency. */
  drawdown: number[];
  /** Per market: position (base units), mid, our best bid and ask (null when not quoting). */
  markets: Array<{ alias: string; position: Array<number | null>; mid: Array<number | null>; bid: Array<number | null>; ask: Array<number | null> }>;
  /** Scenario in force at each point. */
  scenario: string[];
}

const finite = (x: number | undefined): number | null => (x !== undefined && Number.isFinite(x) ? x : null);

/** Indices of at most `max` samples spread evenly over `n`, always keeping the first and the last. */
export function thinIndices(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  const step = (n - 1) / (max - 1);
  for (let k = 0; k < max; k++) out.push(Math.round(k * step));
  return out;
}

export function jobCharts(result: BacktestResult, dayEpochMs: number, maxPoints = 400): JobCharts {
  const marks = result.marks;
  const attribution = attributionOverTime({ fills: result.fills, marks });
  // Drawdown needs every sample (a thinned series can miss the peak), so it is computed first.
  const drawdownAll = drawdownSeries(marks.map((m) => m.pnl));
  const keep = thinIndices(marks.length, maxPoints);
  const pick = <T>(xs: readonly T[]): T[] => keep.map((i) => xs[i] as T);
  const kept = pick(marks);
  const parts = pick(attribution);
  return {
    t: kept.map((m) => dayEpochMs / 1000 + m.tNs / 1e9),
    pnl: {
      total: parts.map((a) => a.total),
      spreadCapture: parts.map((a) => a.spreadCapture),
      inventory: parts.map((a) => a.inventory),
      fees: parts.map((a) => a.fees),
      hedge: parts.map((a) => a.hedging),
    },
    drawdown: pick(drawdownAll),
    markets: result.plan.markets.map((m, i) => ({
      alias: m.alias,
      position: kept.map((s) => finite(s.positions[i])),
      mid: kept.map((s) => finite(s.mids[i])),
      bid: kept.map((s) => finite(s.quoteBid[i])),
      ask: kept.map((s) => finite(s.quoteAsk[i])),
    })),
    scenario: kept.map((s) => s.scenario),
  };
}
