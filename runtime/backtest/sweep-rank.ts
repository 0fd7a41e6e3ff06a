// Ranking a sweep and the overfitting check. Every point runs on an in-sample window (the first part
// of the data, by time) and on the out-of-sample rest; points are ranked by a metric in sample, and
// the best in-sample point is checked out of sample (docs/sweep.md states the rule):
//   rank rule   with at least 4 ranked points, the best in-sample point must stay in the top quartile
//               out of sample: out-of-sample rank ≤ ⌈N/4⌉;
//   decay rule  for metrics where higher is better and the in-sample value is above 0, the
//               out-of-sample value must be at least half the in-sample one (PnL compared per hour,
//               since the two windows differ in length). Max drawdown, which grows with the window,
//               has only the rank rule.
// A best point with no out-of-sample value (Sharpe of a flat PnL, a failed run) breaks both rules.
import { sampleRankCorrelation } from 'simple-statistics';
import type { PartSummary } from './sweep-job.js';

export const SWEEP_METRICS = ['pnl', 'sharpe', 'sortino', 'calmar', 'maxDrawdown', 'fillRatio'] as const;
export type SweepMetric = (typeof SWEEP_METRICS)[number];

export const METRIC_INFO: Record<SweepMetric, { better: 'higher' | 'lower'; label: string; decayRule: boolean }> = {
  pnl: { better: 'higher', label: 'PnL/h', decayRule: true },
  sharpe: { better: 'higher', label: 'Sharpe', decayRule: true },
  sortino: { better: 'higher', label: 'Sortino', decayRule: true },
  calmar: { better: 'higher', label: 'Calmar', decayRule: true },
  maxDrawdown: { better: 'lower', label: 'max DD', decayRule: false },
  fillRatio: { better: 'higher', label: 'fill ratio', decayRule: true },
};

export function isSweepMetric(s: string): s is SweepMetric {
  return (SWEEP_METRICS as readonly string[]).includes(s);
}

/** The metric's value in a part (PnL per hour of the part's event time); null when undefined. */
export function metricValue(s: PartSummary, metric: SweepMetric, hours: number): number | null {
  let v: number | null;
  switch (metric) {
    case 'pnl': v = hours > 0 ? s.pnl.total / hours : null; break;
    case 'sharpe': v = s.sharpe; break;
    case 'sortino': v = s.sortino; break;
    case 'calmar': v = s.calmar; break;
    case 'maxDrawdown': v = s.maxDrawdown; break;
    case 'fillRatio': v = s.fillRatio; break;
  }
  return v !== null && Number.isFinite(v) ? v : null;
}

export interface RankInput {
  /** Per point: its index and its metric in and out of sample (null: undefined or failed). */
  points: Array<{ index: number; inSample: number | null; outOfSample: number | null }>;
  metric: SweepMetric;
}

export interface RankedPoint {
  index: number;
  /** 1 = best in sample. Points without an in-sample value come last, in index order. */
  rank: number;
  inSample: number | null;
  outOfSample: number | null;
  /** Rank among all points by the out-of-sample value (null values last). */
  oosRank: number;
}

export interface OverfittingCheck {
  metric: SweepMetric;
  /** The best in-sample point, or null when no point has an in-sample value. */
  best: number | null;
  /** Points with an in-sample value (the N of the rank rule). */
  ranked: number;
  inSample: number | null;
  outOfSample: number | null;
  oosRank: number | null;
  /** ⌈N/4⌉, or null when N < 4 (the rank rule does not apply). */
  topQuartile: number | null;
  rankRule: 'pass' | 'fail' | 'n/a';
  decayRule: 'pass' | 'fail' | 'n/a';
  /** Spearman rank correlation of in- and out-of-sample values over the points that have both (null under 3). */
  spearman: number | null;
  warn: boolean;
}

export interface SweepRanking {
  /** All points, best in sample first. */
  points: RankedPoint[];
  overfitting: OverfittingCheck;
}

/** Sorts so that better values come first, nulls last, ties by point index. */
function order(metric: SweepMetric, key: (p: RankInput['points'][number]) => number | null) {
  const sign = METRIC_INFO[metric].better === 'higher' ? -1 : 1;
  return (a: RankInput['points'][number], b: RankInput['points'][number]): number => {
    const x = key(a);
    const y = key(b);
    if (x === null || y === null) return x === y ? a.index - b.index : x === null ? 1 : -1;
    return x !== y ? sign * (x - y) : a.index - b.index;
  };
}

export function rankSweep({ points, metric }: RankInput): SweepRanking {
  const byIs = [...points].sort(order(metric, (p) => p.inSample));
  const byOos = [...points].sort(order(metric, (p) => p.outOfSample));
  const oosRank = new Map(byOos.map((p, i) => [p.index, i + 1]));
  const ranked: RankedPoint[] = byIs.map((p, i) => ({ index: p.index, rank: i + 1, inSample: p.inSample, outOfSample: p.outOfSample, oosRank: oosRank.get(p.index) ?? points.length }));

  const n = points.filter((p) => p.inSample !== null).length;
  const top = ranked[0];
  const best = top && top.inSample !== null ? top : undefined;
  const topQuartile = n >= 4 ? Math.ceil(n / 4) : null;
  let rankRule: OverfittingCheck['rankRule'] = 'n/a';
  let decayRule: OverfittingCheck['decayRule'] = 'n/a';
  let bestOosRank: number | null = null;
  if (best) {
    bestOosRank = best.oosRank;
    // No out-of-sample value fails, wherever the null happens to sort.
    if (topQuartile !== null) rankRule = best.outOfSample !== null && bestOosRank <= topQuartile ? 'pass' : 'fail';
    if (METRIC_INFO[metric].decayRule && best.inSample !== null && best.inSample > 0) {
      decayRule = best.outOfSample !== null && best.outOfSample >= best.inSample / 2 ? 'pass' : 'fail';
    }
  }
  return {
    points: ranked,
    overfitting: {
      metric,
      best: best?.index ?? null,
      ranked: n,
      inSample: best?.inSample ?? null,
      outOfSample: best?.outOfSample ?? null,
      oosRank: bestOosRank,
      topQuartile,
      rankRule,
      decayRule,
      spearman: spearman(points.flatMap((p) => (p.inSample !== null && p.outOfSample !== null ? [[p.inSample, p.outOfSample] as const] : []))),
      warn: rankRule === 'fail' || decayRule === 'fail',
    },
  };
}

/** The warning line, or null when the check passed. `label` names a point by its params. */
export function overfittingWarning(check: OverfittingCheck, label: (index: number) => string, fmt: (x: number | null) => string): string | null {
  if (!check.warn || check.best === null) return null;
  const name = METRIC_INFO[check.metric].label;
  const reasons: string[] = [];
  if (check.rankRule === 'fail') {
    reasons.push(check.outOfSample === null
      ? `it has no out-of-sample ${name}`
      : `it ranks ${check.oosRank} of ${check.ranked} out of sample, outside the top quartile (${check.topQuartile === 1 ? 'rank 1' : `ranks 1–${check.topQuartile}`})`);
  }
  if (check.decayRule === 'fail' && !(check.rankRule === 'fail' && check.outOfSample === null)) {
    reasons.push(check.outOfSample === null
      ? `it has no out-of-sample ${name}`
      : `its ${name} falls from ${fmt(check.inSample)} in sample to ${fmt(check.outOfSample)} out of sample, below half`);
  }
  return `possible overfitting: the best in-sample point (${label(check.best)}) does not hold up out of sample: ${reasons.join('; and ')}. Prefer parameters that rank well in both windows, or test on more data.`;
}

/** Spearman's ρ with average ranks for ties (simple-statistics); null for fewer than 3 pairs or a constant side. */
export function spearman(pairs: ReadonlyArray<readonly [number, number]>): number | null {
  if (pairs.length < 3) return null;
  const rho = sampleRankCorrelation(
    pairs.map((p) => p[0]),
    pairs.map((p) => p[1]),
  );
  return Number.isFinite(rho) ? rho : null;
}
