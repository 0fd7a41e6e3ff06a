// Risk-adjusted performance of a backtest (R10) from its records: returns, Sharpe, Sortino,
// drawdown, Calmar, PnL per unit of inventory risk, fill ratio, quote uptime, scenarios, inventory,
// turnover and markouts. Pure: records in, one plain object out. Money is in the quote currency
// (fields ending in `Quote`), times in ns (`Ns`), shares are fractions in [0, 1]; statistics that
// are undefined (too few samples, no dispersion) are null. docs/metrics.md has every formula.
import { mean, quantileSorted, sampleStandardDeviation, sum } from 'simple-statistics';
import { computeMarkouts, DEFAULT_MARKOUT_HORIZONS_NS, NS_PER_SECOND, summariseMarkouts, type MarkoutStats } from './metrics-markouts.js';
import {
  CRYPTO_CALENDAR,
  finiteOrNull,
  marketAliases,
  marketCount,
  nominalIntervalNs,
  tradingSecondsPerYear,
  type TradingCalendar,
} from './metrics-series.js';
import type { FillRecord, MarkSample, OrderCounts } from './records.js';

export { CRYPTO_CALENDAR, EQUITY_CALENDAR, type TradingCalendar } from './metrics-series.js';
export { DEFAULT_MARKOUT_HORIZONS_NS, type MarkoutStats } from './metrics-markouts.js';

export interface MetricsInput {
  /** The run's samples, in time order. */
  marks: readonly MarkSample[];
  /**
   * When the run started (ns, flat with PnL 0): the first return runs from it to the first sample,
   * and the span from it to the last. Default: the first sample's time (the run starts there).
   */
  startNs?: number;
  fills: readonly FillRecord[];
  /** Order counts from the engine, for the fill ratio by orders. */
  orders?: OrderCounts;
  /** Quantity our quoting orders offered (placed, plus increases by amends), for the fill ratio by quantity. */
  quotedQty?: number;
  /** Capital behind the strategy (quote currency), for drawdown % and turnover per capital. */
  capitalQuote?: number;
  /** Trading time per year for annualisation: CRYPTO_CALENDAR (default) or EQUITY_CALENDAR. */
  calendar?: TradingCalendar;
  markoutHorizonsNs?: readonly number[];
  /** Position limit per plan market (absolute, in base units); null or missing: no limit known. */
  positionLimits?: readonly (number | null | undefined)[];
  marketAliases?: readonly string[];
}

export interface InventoryDistribution {
  /** Quantiles of the sampled position (base units; R type 7, linear between order statistics). */
  min: number;
  p05: number;
  p25: number;
  median: number;
  p75: number;
  p95: number;
  max: number;
  meanAbs: number;
  /** Mean of |position| × mid over samples with a mid, quote currency. */
  meanAbsNotionalQuote: number;
  /** Share of samples with |position| at or beyond the limit (null without a limit). */
  timeAtLimit: number | null;
}

export interface MarketMetrics {
  market: number;
  alias: string;
  /** Shares of samples quoting both sides, only the bid, only the ask, neither (they add up to 1). */
  quoteUptime: { bothSides: number; bidOnly: number; askOnly: number; none: number };
  /** null when there are no samples. */
  inventory: InventoryDistribution | null;
  fills: number;
  volumeQty: number;
  notionalQuote: number;
}

export interface BacktestMetrics {
  samples: number;
  /** Last sample time − start (startNs, or the first sample's time). */
  spanNs: number;
  /** Median gap between samples; null with fewer than two sample times. */
  intervalNs: number | null;
  calendar: TradingCalendar;
  /** Trading seconds per year / interval seconds: the Sharpe and Sortino annualisation is √ of it. */
  periodsPerYear: number | null;

  /** PnL at the last sample (after fees), quote currency. */
  pnlQuote: number;
  /** pnlQuote × trading seconds per year / span seconds. */
  annualisedPnlQuote: number | null;
  /** Per-interval PnL changes, quote currency: the "returns" of Sharpe and Sortino. */
  returns: { count: number; meanQuote: number | null; stdevQuote: number | null; downsideDeviationQuote: number | null };
  /** mean / sample stdev of the returns × √periodsPerYear (risk-free rate 0). */
  sharpe: number | null;
  /** mean / downside deviation (target 0) × √periodsPerYear. */
  sortino: number | null;
  /** Largest fall of PnL from its running peak (the run starts at 0), quote currency, ≥ 0. */
  maxDrawdownQuote: number;
  /** Largest fall of equity (capital + PnL) from its running peak, in % of that peak; null without capital. */
  maxDrawdownPct: number | null;
  /** When the largest drawdown (in currency) started and bottomed; null when there was none. */
  maxDrawdownPeakNs: number | null;
  maxDrawdownTroughNs: number | null;
  /** annualisedPnlQuote / maxDrawdownQuote. */
  calmar: number | null;
  /** √Σ_k (Σ_m position_{k−1,m} × Δmid_{k,m})²: realised volatility of the inventory's value over the run, quote currency. */
  inventoryRiskQuote: number;
  /** pnlQuote / inventoryRiskQuote. */
  pnlPerInventoryRisk: number | null;

  /** filled orders / placed orders, and filled quoting qty / quoted qty; null when the counts were not given. */
  fillRatio: { orders: number | null; qty: number | null };
  /** Share of samples in each scenario, largest first. */
  scenarioShare: Record<string, number>;
  turnover: {
    /** Σ qty × price over every fill, hedges included, quote currency. */
    notionalQuote: number;
    notionalPerHourQuote: number | null;
    /** notional / capital (times the capital was turned over). */
    perCapital: number | null;
    /** notional / mean gross inventory notional (times the average inventory was turned over). */
    perMeanInventory: number | null;
  };
  markets: MarketMetrics[];
  markouts: { horizonsNs: number[]; quoting: MarkoutStats[]; hedge: MarkoutStats[] };
  /** Things a reader of these numbers should know (stale markouts, too few samples…). */
  warnings: string[];
}

/** Dispersion below this multiple of ε × the PnL level is rounding noise, not risk. */
const NOISE_ULPS = 64;

export function computeMetrics(input: MetricsInput): BacktestMetrics {
  const { marks, fills } = input;
  const calendar = input.calendar ?? CRYPTO_CALENDAR;
  const warnings: string[] = [];
  const n = marks.length;
  const first = marks[0];
  const last = marks[n - 1];
  // A start before the first sample is one more sample: flat, PnL 0, no mids (no quotes).
  const start = input.startNs;
  const series: readonly MarkSample[] =
    first && start !== undefined && start < first.tNs
      ? [{ tNs: start, mids: first.mids.map(() => NaN), positions: first.positions.map(() => 0), pnl: 0, scenario: first.scenario, quoteBid: [], quoteAsk: [] }, ...marks]
      : marks;
  const spanNs = last ? last.tNs - (series[0]?.tNs ?? last.tNs) : 0;
  const intervalNs = nominalIntervalNs(marks);
  const periodsPerYear = intervalNs ? tradingSecondsPerYear(calendar) / (intervalNs / NS_PER_SECOND) : null;
  const pnlQuote = last?.pnl ?? 0;
  const annualisedPnlQuote = spanNs > 0 ? finiteOrNull((pnlQuote * tradingSecondsPerYear(calendar)) / (spanNs / NS_PER_SECOND)) : null;
  const badPnl = marks.filter((s) => !Number.isFinite(s.pnl)).length;
  if (badPnl > 0) warnings.push(`${badPnl} samples have no finite PnL; they are left out of drawdowns`);

  const returns = intervalReturns(series, intervalNs);
  if (returns.length < 2) warnings.push(`${n} sample${n === 1 ? '' : 's'}, ${returns.length} return${returns.length === 1 ? '' : 's'}: too few for a Sharpe ratio`);
  const ratios = riskRatios(returns, marks, periodsPerYear);
  const dd = drawdown(series, input.capitalQuote);
  const inventoryRiskQuote = inventoryRisk(marks);

  const count = marketCount(marks, fills);
  const aliases = marketAliases(count, fills, input.marketAliases);
  const markets = aliases.map((alias, m) => marketMetrics(marks, fills, m, alias, input.positionLimits?.[m]));

  const notionalQuote = sum(fills.map((f) => f.qty * f.price));
  const grossInventory = marks.map((s) => {
    let g = 0;
    for (let m = 0; m < s.positions.length; m++) {
      const notional = Math.abs(s.positions[m] ?? 0) * (s.mids[m] ?? NaN);
      if (Number.isFinite(notional)) g += notional;
    }
    return g;
  });
  const meanGross = n > 0 ? mean(grossInventory) : 0;
  const capital = input.capitalQuote;

  const quotingQty = sum(fills.filter((f) => !f.hedge).map((f) => f.qty));
  const horizonsNs = [...(input.markoutHorizonsNs ?? DEFAULT_MARKOUT_HORIZONS_NS)];
  const table = computeMarkouts(fills, marks, horizonsNs);
  for (const h of horizonsNs) {
    if (intervalNs !== null && h < intervalNs) {
      warnings.push(`markouts at +${h / NS_PER_SECOND} s read mids sampled every ${intervalNs / NS_PER_SECOND} s (plus those at fills): they can be stale`);
    }
  }

  return {
    samples: n,
    spanNs,
    intervalNs,
    calendar,
    periodsPerYear,
    pnlQuote,
    annualisedPnlQuote,
    returns: ratios.returns,
    sharpe: ratios.sharpe,
    sortino: ratios.sortino,
    maxDrawdownQuote: dd.maxQuote,
    maxDrawdownPct: dd.maxPct,
    maxDrawdownPeakNs: dd.peakNs,
    maxDrawdownTroughNs: dd.troughNs,
    calmar: annualisedPnlQuote !== null && dd.maxQuote > 0 ? finiteOrNull(annualisedPnlQuote / dd.maxQuote) : null,
    inventoryRiskQuote,
    pnlPerInventoryRisk: inventoryRiskQuote > 0 ? finiteOrNull(pnlQuote / inventoryRiskQuote) : null,
    fillRatio: {
      orders: input.orders && input.orders.placed > 0 ? input.orders.filledOrders / input.orders.placed : null,
      qty: input.quotedQty !== undefined && input.quotedQty > 0 ? quotingQty / input.quotedQty : null,
    },
    scenarioShare: scenarioShare(marks),
    turnover: {
      notionalQuote,
      notionalPerHourQuote: spanNs > 0 ? notionalQuote / (spanNs / (3600 * NS_PER_SECOND)) : null,
      perCapital: capital !== undefined && capital > 0 ? notionalQuote / capital : null,
      perMeanInventory: meanGross > 0 ? notionalQuote / meanGross : null,
    },
    markets,
    markouts: {
      horizonsNs,
      quoting: summariseMarkouts(fills, table, (f) => !f.hedge),
      hedge: summariseMarkouts(fills, table, (f) => f.hedge),
    },
    warnings,
  };
}

/**
 * PnL changes between consecutive samples. Samples at the same time collapse to the last one; a
 * final stub shorter than half the nominal interval (the "at the end" sample) is left out, so every
 * return covers about one interval.
 */
export function intervalReturns(marks: readonly MarkSample[], intervalNs: number | null = nominalIntervalNs(marks)): number[] {
  const times: number[] = [];
  const pnls: number[] = [];
  for (const s of marks) {
    if (times.length > 0 && times[times.length - 1] === s.tNs) pnls[pnls.length - 1] = s.pnl;
    else {
      times.push(s.tNs);
      pnls.push(s.pnl);
    }
  }
  const out: number[] = [];
  for (let k = 1; k < pnls.length; k++) out.push((pnls[k] ?? NaN) - (pnls[k - 1] ?? NaN));
  const lastGap = (times[times.length - 1] ?? 0) - (times[times.length - 2] ?? 0);
  if (out.length > 0 && intervalNs !== null && lastGap < intervalNs / 2) out.pop();
  return out;
}

function riskRatios(
  returns: readonly number[],
  marks: readonly MarkSample[],
  periodsPerYear: number | null,
): { returns: BacktestMetrics['returns']; sharpe: number | null; sortino: number | null } {
  const n = returns.length;
  const r = [...returns];
  const meanR = n > 0 ? mean(r) : NaN;
  const sd = n > 1 ? sampleStandardDeviation(r) : NaN;
  const downside = n > 0 ? Math.sqrt(sum(r.map((x) => (x < 0 ? x * x : 0))) / n) : NaN;
  let level = 0;
  for (const s of marks) if (Number.isFinite(s.pnl)) level = Math.max(level, Math.abs(s.pnl));
  const noise = NOISE_ULPS * Number.EPSILON * level;
  const annual = periodsPerYear !== null ? Math.sqrt(periodsPerYear) : NaN;
  return {
    returns: { count: n, meanQuote: finiteOrNull(meanR), stdevQuote: finiteOrNull(sd), downsideDeviationQuote: finiteOrNull(downside) },
    sharpe: sd > noise ? finiteOrNull((meanR / sd) * annual) : null,
    sortino: downside > 0 ? finiteOrNull((meanR / downside) * annual) : null,
  };
}

export interface Drawdown {
  maxQuote: number;
  maxPct: number | null;
  peakNs: number | null;
  troughNs: number | null;
}

/** PnL minus its running peak at each sample (≤ 0); the run starts at 0 PnL, so the first peak is 0. */
export function drawdownSeries(pnl: readonly number[]): number[] {
  let peak = 0;
  return pnl.map((x) => {
    peak = Math.max(peak, x);
    return x - peak;
  });
}

/**
 * The largest fall from a running peak. The run starts at 0 PnL, so the first peak is 0 (at the
 * first sample); the % figure uses equity = capital + PnL, its peak starting at the capital.
 */
export function drawdown(marks: readonly MarkSample[], capitalQuote?: number): Drawdown {
  let peak = 0;
  let peakNs: number | null = null;
  let maxQuote = 0;
  let maxAt: { peakNs: number | null; troughNs: number | null } = { peakNs: null, troughNs: null };
  const withCapital = capitalQuote !== undefined && capitalQuote > 0;
  let peakEquity = capitalQuote ?? 0;
  let maxPct = 0;
  for (const s of marks) {
    if (!Number.isFinite(s.pnl)) continue;
    if (peakNs === null) peakNs = s.tNs;
    // A peak equalled again restarts the drawdown clock: it runs from the last time at the peak.
    if (s.pnl >= peak) {
      peak = s.pnl;
      peakNs = s.tNs;
    }
    const dd = peak - s.pnl;
    if (dd > maxQuote) {
      maxQuote = dd;
      maxAt = { peakNs, troughNs: s.tNs };
    }
    if (withCapital && capitalQuote !== undefined) {
      const equity = capitalQuote + s.pnl;
      peakEquity = Math.max(peakEquity, equity);
      if (peakEquity > 0) maxPct = Math.max(maxPct, ((peakEquity - equity) / peakEquity) * 100);
    }
  }
  return { maxQuote, maxPct: withCapital ? maxPct : null, ...maxAt };
}

/** √Σ_k x_k² with x_k = Σ_m position_{k−1,m} × (mid_{k,m} − mid_{k−1,m}); terms without both mids are skipped. */
export function inventoryRisk(marks: readonly MarkSample[]): number {
  const squares: number[] = [];
  for (let k = 1; k < marks.length; k++) {
    const a = marks[k - 1];
    const b = marks[k];
    if (!a || !b) continue;
    let x = 0;
    for (let m = 0; m < a.positions.length; m++) {
      const term = (a.positions[m] ?? 0) * ((b.mids[m] ?? NaN) - (a.mids[m] ?? NaN));
      if (Number.isFinite(term)) x += term;
    }
    squares.push(x * x);
  }
  return Math.sqrt(sum(squares));
}

function marketMetrics(marks: readonly MarkSample[], fills: readonly FillRecord[], m: number, alias: string, limit: number | null | undefined): MarketMetrics {
  const n = marks.length;
  let both = 0;
  let bidOnly = 0;
  let askOnly = 0;
  const positions: number[] = [];
  const absNotional: number[] = [];
  let atLimit = 0;
  for (const s of marks) {
    const bid = Number.isFinite(s.quoteBid[m] ?? NaN);
    const ask = Number.isFinite(s.quoteAsk[m] ?? NaN);
    if (bid && ask) both++;
    else if (bid) bidOnly++;
    else if (ask) askOnly++;
    const q = s.positions[m] ?? 0;
    positions.push(q);
    const notional = Math.abs(q) * (s.mids[m] ?? NaN);
    if (Number.isFinite(notional)) absNotional.push(notional);
    // A position within a billionth of the limit is at it (lot rounding of the last fill).
    if (limit !== null && limit !== undefined && limit > 0 && Math.abs(q) >= limit * (1 - 1e-9)) atLimit++;
  }
  const share = (k: number): number => (n > 0 ? k / n : 0);
  const sorted = [...positions].sort((a, b) => a - b);
  const own = fills.filter((f) => f.market === m);
  return {
    market: m,
    alias,
    quoteUptime: { bothSides: share(both), bidOnly: share(bidOnly), askOnly: share(askOnly), none: share(n - both - bidOnly - askOnly) },
    inventory:
      n === 0
        ? null
        : {
            min: quantileSorted(sorted, 0),
            p05: quantileSorted(sorted, 0.05),
            p25: quantileSorted(sorted, 0.25),
            median: quantileSorted(sorted, 0.5),
            p75: quantileSorted(sorted, 0.75),
            p95: quantileSorted(sorted, 0.95),
            max: quantileSorted(sorted, 1),
            meanAbs: mean(positions.map(Math.abs)),
            meanAbsNotionalQuote: absNotional.length > 0 ? mean(absNotional) : 0,
            timeAtLimit: limit !== null && limit !== undefined && limit > 0 ? share(atLimit) : null,
          },
    fills: own.length,
    volumeQty: sum(own.map((f) => f.qty)),
    notionalQuote: sum(own.map((f) => f.qty * f.price)),
  };
}

function scenarioShare(marks: readonly MarkSample[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const s of marks) counts.set(s.scenario, (counts.get(s.scenario) ?? 0) + 1);
  const out: Record<string, number> = {};
  for (const [name, k] of [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) out[name] = k / marks.length;
  return out;
}
