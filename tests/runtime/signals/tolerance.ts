// How closely an incremental value must match the naive reference, per built-in.
//
// - exact (bit for bit): returns, rolling_min, rolling_max, trade_rate — the same arithmetic on the
//   same numbers, nothing accumulated.
// - |incremental − reference| ≤ 1e-9·|reference| + 1e-12·scale, with scale the largest |x| (price)
//   fed so far: ewm_mean, baseline, ewm_stdev, rolling_mean, rolling_stdev, vwap. The absolute part
//   is rounding at the data's own scale: a mean or a standard deviation that is near 0 next to
//   prices of 60,000 cannot be known to better than about ε·60,000 (ε = 2.2e-16) by any method,
//   the reference included. Measured worst case over the property tests: about 1e-14·scale.
// - |incremental − reference| ≤ 1e-9·|reference|: realized_vol, volume (sums of positive terms,
//   compensated), and beta with an extra 1e-12 absolute (a dimensionless ratio around 1).
// Both NaN counts as equal; NaN against a number never does.
import type { StatefulFn } from '../../../runtime/signals/contract.js';

export const REL = 1e-9;
export const ABS_PER_SCALE = 1e-12;

type Rule = 'exact' | 'scaled' | 'relative' | 'unit';

const rules: Record<StatefulFn, Rule> = {
  returns: 'exact',
  rolling_min: 'exact',
  rolling_max: 'exact',
  trade_rate: 'exact',
  ewm_mean: 'scaled',
  baseline: 'scaled',
  ewm_stdev: 'scaled',
  rolling_mean: 'scaled',
  rolling_stdev: 'scaled',
  vwap: 'scaled',
  realized_vol: 'relative',
  volume: 'relative',
  beta: 'unit',
};

/** Undefined when `actual` matches `expected` for `fn`; otherwise a description of the miss. */
export function mismatch(fn: StatefulFn, actual: number, expected: number, scale: number): string | undefined {
  if (Number.isNaN(actual) || Number.isNaN(expected)) {
    return Number.isNaN(actual) && Number.isNaN(expected) ? undefined : `${fn}: ${actual} but the reference gives ${expected}`;
  }
  const rule = rules[fn];
  const allowed =
    rule === 'exact' ? 0 : REL * Math.abs(expected) + (rule === 'scaled' ? ABS_PER_SCALE * scale : rule === 'unit' ? ABS_PER_SCALE : 0);
  const diff = Math.abs(actual - expected);
  return diff <= allowed ? undefined : `${fn}: ${actual} but the reference gives ${expected} (|diff| ${diff.toExponential(3)} > allowed ${allowed.toExponential(3)}, rule ${rule})`;
}
