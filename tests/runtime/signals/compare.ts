// Runs a signal and the naive reference side by side over a sequence of operations.
import { createStateful } from '../../../runtime/signals/index.js';
import type { StatefulFn } from '../../../runtime/signals/contract.js';
import { apply, type Op, type Params } from './ops.js';
import { reference } from './reference.js';
import { mismatch } from './tolerance.js';

/** Largest |value| fed up to and including each operation (the scale of absolute rounding). */
export function runningScale(ops: readonly Op[]): Float64Array {
  const out = new Float64Array(ops.length);
  let m = 0;
  ops.forEach((op, i) => {
    const vals = op.kind === 'x' ? [op.x] : op.kind === 'trade' ? [op.p] : op.kind === 'xy' ? [op.x, op.y] : [];
    for (const v of vals) if (Number.isFinite(v)) m = Math.max(m, Math.abs(v));
    out[i] = m;
  });
  return out;
}

export interface Comparison {
  /** First mismatch, described with where it happened. */
  miss?: string;
  /** Values compared. */
  compared: number;
  /** Of those, values that were not the not-ready fallback (NaN, or 1 for beta). */
  informative: number;
}

/**
 * Feeds `ops` to a fresh signal and compares its value with the reference after each operation
 * whose index is in `checkAt` (every operation when omitted), stopping at the first mismatch.
 */
export function compareWithReference(fn: StatefulFn, params: Params, ops: readonly Op[], checkAt?: ReadonlySet<number>): Comparison {
  const s = createStateful(fn, params);
  const scale = runningScale(ops);
  const out: Comparison = { compared: 0, informative: 0 };
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    if (!op) continue;
    apply(s, op);
    if (checkAt && !checkAt.has(i)) continue;
    const expected = reference(fn, params, ops, i + 1);
    out.compared++;
    if (!Number.isNaN(expected) && !(fn === 'beta' && expected === 1)) out.informative++;
    const miss = mismatch(fn, s.value, expected, scale[i] ?? 0);
    if (miss) {
      out.miss = `${miss} after operation ${i} ${JSON.stringify(op)} (params ${JSON.stringify(params)})`;
      return out;
    }
  }
  return out;
}
