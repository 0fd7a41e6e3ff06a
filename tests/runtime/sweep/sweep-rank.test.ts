// Ranking a sweep and the overfitting rule (docs/sweep.md): rank rule (best in-sample point stays in
// the out-of-sample top quartile) and decay rule (its out-of-sample value is at least half).
import { describe, expect, it } from 'vitest';
import { overfittingWarning, rankSweep, spearman, type RankInput } from '../../../runtime/backtest/sweep-rank.js';

const pts = (pairs: Array<[number | null, number | null]>): RankInput['points'] => pairs.map(([inSample, outOfSample], index) => ({ index, inSample, outOfSample }));
const label = (i: number): string => `p${i}`;
const fmt = (x: number | null): string => (x === null ? '—' : String(x));

describe('rankSweep', () => {
  it('ranks higher-is-better metrics descending, nulls last, ties by point index', () => {
    const r = rankSweep({ metric: 'sharpe', points: pts([[1, 1], [null, 2], [3, 3], [1, 0], [2, null]]) });
    expect(r.points.map((p) => p.index)).toEqual([2, 4, 0, 3, 1]);
    expect(r.points.map((p) => p.rank)).toEqual([1, 2, 3, 4, 5]);
    // Out-of-sample ranks: 3 (p2), 2 (p1), 1 (p0), 0 (p3), null (p4).
    expect(Object.fromEntries(r.points.map((p) => [p.index, p.oosRank]))).toEqual({ 2: 1, 1: 2, 0: 3, 3: 4, 4: 5 });
  });

  it('ranks max drawdown ascending', () => {
    const r = rankSweep({ metric: 'maxDrawdown', points: pts([[5, 5], [1, 1], [3, 3]]) });
    expect(r.points.map((p) => p.index)).toEqual([1, 2, 0]);
  });

  it('passes a best point that stays in the top quartile and keeps half its value', () => {
    // 8 points: top quartile = ranks 1–2.
    const r = rankSweep({ metric: 'sharpe', points: pts([[10, 6], [9, 7], [8, 1], [7, 2], [6, 3], [5, 4], [4, 5], [3, 0]]) });
    expect(r.overfitting).toMatchObject({ best: 0, ranked: 8, topQuartile: 2, oosRank: 2, rankRule: 'pass', decayRule: 'pass', warn: false });
    expect(overfittingWarning(r.overfitting, label, fmt)).toBeNull();
  });

  it('fails the rank rule when the best in-sample point drops out of the top quartile', () => {
    const r = rankSweep({ metric: 'sharpe', points: pts([[10, 6], [9, 7], [8, 9], [7, 8], [6, 3], [5, 4], [4, 5], [3, 0]]) });
    expect(r.overfitting).toMatchObject({ best: 0, oosRank: 4, topQuartile: 2, rankRule: 'fail', decayRule: 'pass', warn: true });
    expect(overfittingWarning(r.overfitting, label, fmt)).toBe(
      'possible overfitting: the best in-sample point (p0) does not hold up out of sample: it ranks 4 of 8 out of sample, outside the top quartile (ranks 1–2). Prefer parameters that rank well in both windows, or test on more data.',
    );
  });

  it('fails the decay rule when the out-of-sample value is below half the in-sample one', () => {
    const r = rankSweep({ metric: 'pnl', points: pts([[10, 4.9], [9, 1], [8, 1], [7, 1]]) });
    expect(r.overfitting).toMatchObject({ rankRule: 'pass', decayRule: 'fail', warn: true });
    expect(overfittingWarning(r.overfitting, label, fmt)).toContain('its PnL/h falls from 10 in sample to 4.9 out of sample, below half');
    // Exactly half passes.
    expect(rankSweep({ metric: 'pnl', points: pts([[10, 5], [9, 1], [8, 1], [7, 1]]) }).overfitting.decayRule).toBe('pass');
  });

  it('skips the decay rule for a non-positive in-sample value and for max drawdown, and the rank rule under 4 points', () => {
    expect(rankSweep({ metric: 'sharpe', points: pts([[-1, -5], [-2, 0]]) }).overfitting).toMatchObject({ rankRule: 'n/a', decayRule: 'n/a', warn: false });
    expect(rankSweep({ metric: 'maxDrawdown', points: pts([[1, 9], [2, 1], [3, 1], [4, 1]]) }).overfitting).toMatchObject({ rankRule: 'fail', decayRule: 'n/a', warn: true });
  });

  it('fails both rules when the best point has no out-of-sample value', () => {
    const r = rankSweep({ metric: 'sharpe', points: pts([[10, null], [9, 1], [8, 2], [7, 3]]) });
    expect(r.overfitting).toMatchObject({ rankRule: 'fail', decayRule: 'fail', warn: true });
    expect(overfittingWarning(r.overfitting, label, fmt)).toContain('it has no out-of-sample Sharpe.');
  });

  it('has no best point when nothing has an in-sample value', () => {
    const r = rankSweep({ metric: 'sharpe', points: pts([[null, 1], [null, null]]) });
    expect(r.overfitting).toMatchObject({ best: null, ranked: 0, warn: false });
  });
});

describe('spearman', () => {
  it('is 1 for the same order, −1 for the reverse, and uses average ranks for ties', () => {
    expect(spearman([[1, 10], [2, 20], [3, 30]])).toBeCloseTo(1, 12);
    expect(spearman([[1, 3], [2, 2], [3, 1]])).toBeCloseTo(-1, 12);
    // x ranks 1.5 1.5 3, y ranks 1 2 3 → ρ = 0.866…
    expect(spearman([[1, 1], [1, 2], [2, 3]])).toBeCloseTo(Math.sqrt(3) / 2, 12);
    expect(spearman([[1, 1], [2, 2]])).toBeNull();
    expect(spearman([[1, 1], [1, 2], [1, 3]])).toBeNull();
  });
});
