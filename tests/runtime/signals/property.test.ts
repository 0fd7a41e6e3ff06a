// Every built-in against its naive reference (recomputed from the whole history at every step) on
// random series: irregular timestamps with equal times and long gaps, prices at several scales with
// tiny to large moves (60,000 with a relative spread of 1e-7 included), repeated values, invalid
// inputs and advance calls. Tolerances: tolerance.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createStateful } from '../../../runtime/signals/index.js';
import { caseArb, secondsArb, uniform } from './arbitraries.js';
import { compareWithReference } from './compare.js';
import { allFns, inputOf, paramsFor } from './ops.js';

const SEED = 20240808;
const RUNS = 300;
/** beta needs 10 one-second pairs in its window to leave its fallback. */
const betaWindowArb = fc.oneof(uniform(0.5, 12), uniform(12, 300), fc.constantFrom(10, 12, 15, 30, 60, 120));

describe('incremental built-ins match the naive reference on random series', () => {
  for (const fn of allFns) {
    it(fn, () => {
      let compared = 0;
      let informative = 0;
      fc.assert(
        fc.property(caseArb(inputOf(fn), 300), fn === 'beta' ? betaWindowArb : secondsArb, (c, sec) => {
          const r = compareWithReference(fn, paramsFor(fn, sec), c.ops);
          if (r.miss) throw new Error(r.miss);
          compared += r.compared;
          informative += r.informative;
        }),
        { seed: SEED, numRuns: RUNS },
      );
      // The generators must exercise the built-in, not just its warm-up.
      expect(informative).toBeGreaterThan(compared * (fn === 'beta' ? 0.25 : 0.5));
    });
  }

  it('returns ticks exactly when x differs from the previous valid observation', () => {
    fc.assert(
      fc.property(caseArb('series', 300), (c) => {
        const s = createStateful('returns', {});
        let prev = NaN;
        for (const op of c.ops) {
          if (op.kind !== 'x') {
            s.advance(op.t);
            expect(s.ticked).toBe(false);
            continue;
          }
          s.update(op.x, op.t);
          const valid = Number.isFinite(op.x) && op.x > 0;
          expect(s.ticked).toBe(valid && !Number.isNaN(prev) && op.x !== prev);
          if (valid) prev = op.x;
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
