// Random batches (L2 with 1–3 interleaved markets, or L3) through random transforms with random
// options, alone and composed. Whatever the options:
//   - the output passes checkBatch (times, ticks, sizes, snapshots, message ends, L3 consistency)
//     and is uncrossed at every book message end (the inputs never are);
//   - the input is left as it was, and the same call gives the same output;
//   - a single book-view transform shows, at every book message end, the original book moved per
//     side by whole ticks with the shape kept (sizes scaled, depth cut) as documented.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventBatch } from '../../../runtime/events.js';
import { checkBatch } from '../../../runtime/stress/invariants.js';
import { stressTransforms, type StressOptionValues, type StressTransformName } from '../../../runtime/stress/scenarios.js';
import { NS_PER_S, resolveStart, streamSpan } from '../../../runtime/stress/time.js';
import { syntheticL2, syntheticL3 } from './synthetic.js';
import { columnsDiffer, compareViews, copyColumns, type CompareOptions } from './verify.js';

const SEED = 20240808;

const inputArb = fc
  .record({ seed: fc.integer(), messages: fc.integer({ min: 20, max: 400 }), markets: fc.integer({ min: 1, max: 3 }), l3: fc.boolean(), levels: fc.integer({ min: 1, max: 15 }) })
  .map((o) => (o.l3 ? syntheticL3({ seed: o.seed, messages: o.messages, levels: o.levels }) : syntheticL2({ seed: o.seed, messages: o.messages, markets: o.markets, levels: o.levels })));

const when = { at: fc.double({ min: 0, max: 1, noNaN: true }) };
const duration = fc.double({ min: 0, max: 40, noNaN: true });

type Step = { transform: StressTransformName; options: StressOptionValues };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ pct: fc.double({ min: -99, max: 300, noNaN: true }), ...when }).map((options) => ({ transform: 'gap' as const, options })),
  fc
    .record({ dropPct: fc.double({ min: -50, max: 99, noNaN: true }), fallS: duration, recoverS: duration, depthLevels: fc.integer({ min: 0, max: 8 }), ...when })
    .map((options) => ({ transform: 'flashCrash' as const, options })),
  fc
    .record({ k: fc.double({ min: 0, max: 8, noNaN: true }), anchorHalfLifeS: fc.oneof(fc.double({ min: 0.1, max: 100, noNaN: true }), fc.constant(Infinity)), durationS: duration, depthLevels: fc.integer({ min: 0, max: 8 }), ...when })
    .map((options) => ({ transform: 'volatility' as const, options })),
  fc
    .record({ depthDivisor: fc.double({ min: 0.2, max: 20, noNaN: true }), spreadMultiplier: fc.double({ min: 1, max: 6, noNaN: true }), durationS: duration, ...when })
    .map((options) => ({ transform: 'liquidityDrought' as const, options })),
  fc
    .record({
      side: fc.constantFrom('sell', 'buy'),
      durationS: duration,
      ratePerS: fc.double({ min: 0.1, max: 10, noNaN: true }),
      sweepLevels: fc.integer({ min: 1, max: 20 }),
      impactBps: fc.double({ min: 0, max: 50, noNaN: true }),
      arrivals: fc.constantFrom('poisson', 'regular'),
      seed: fc.integer(),
      depthLevels: fc.integer({ min: 0, max: 8 }),
      ...when,
    })
    .map((options) => ({ transform: 'toxicFlow' as const, options })),
  fc.record({ delayMs: fc.double({ min: 0, max: 5000, noNaN: true }), durationS: duration, ...when }).map((options) => ({ transform: 'latencySpike' as const, options })),
  fc.record({ durationS: duration, ...when }).map((options) => ({ transform: 'outage' as const, options })),
  fc.record({ durationS: duration, freeze: fc.constantFrom('book', 'all'), ...when }).map((options) => ({ transform: 'staleFeed' as const, options })),
);

function apply(b: EventBatch, step: Step): EventBatch {
  return stressTransforms[step.transform].apply(b, step.options);
}

function num(o: StressOptionValues, key: string, fallback: number): number {
  const v = o[key];
  return typeof v === 'number' ? v : fallback;
}

/** How a single book-view step shows the book at a time (undefined: not a book-view transform). */
function viewOf(b: EventBatch, step: Step): CompareOptions | undefined {
  const o = step.options;
  const start = resolveStart(step.transform, b, { at: num(o, 'at', 0.5) }, 0.5);
  const inWindow = (t: number, seconds: number): boolean => t >= start && t < start + seconds * NS_PER_S;
  const open = streamSpan(b).durationS + 1;
  switch (step.transform) {
    case 'gap':
      return {};
    case 'flashCrash':
      return { depthLevels: (t) => (inWindow(t, num(o, 'fallS', 30) + num(o, 'recoverS', 120)) ? num(o, 'depthLevels', 200) : 0) };
    case 'volatility':
      return { depthLevels: (t) => (inWindow(t, num(o, 'durationS', open)) ? num(o, 'depthLevels', 200) : 0) };
    case 'liquidityDrought':
      return { qtyScale: (t) => (inWindow(t, num(o, 'durationS', open)) ? 1 / num(o, 'depthDivisor', 3) : 1) };
    case 'toxicFlow':
      return { depthLevels: (t) => (inWindow(t, num(o, 'durationS', 60)) ? num(o, 'depthLevels', 0) : 0) };
    default:
      return undefined;
  }
}

function expectValid(input: EventBatch, out: EventBatch): void {
  const c = checkBatch(out);
  expect(c.violations).toEqual([]);
  expect(c.crossedMessageEnds).toBe(0);
  expect(c.levelUnderflows).toBeLessThanOrEqual(checkBatch(input).levelUnderflows);
}

describe('stress transforms on random batches', () => {
  it('the synthetic inputs are valid and uncrossed', () => {
    fc.assert(
      fc.property(inputArb, (b) => {
        const c = checkBatch(b);
        expect(c.violations).toEqual([]);
        expect(c.crossedMessageEnds).toBe(0);
        expect(c.bookMessageEnds).toBeGreaterThan(0);
      }),
      { seed: SEED, numRuns: 100 },
    );
  });

  it('one transform: valid output, input untouched, deterministic, the book shown is the original moved', () => {
    let viewed = 0;
    fc.assert(
      fc.property(inputArb, stepArb, (input, step) => {
        const before = copyColumns(input);
        const out = apply(input, step);
        expect(columnsDiffer(copyColumns(input), before)).toBe('');
        expectValid(input, out);
        expect(columnsDiffer(copyColumns(apply(input, step)), copyColumns(out))).toBe('');
        const view = viewOf(input, step);
        if (view) {
          const { samples } = compareViews(input, out, { ...view, bookMessagesOnly: true });
          for (const s of samples) {
            expect(s.mismatch, `${step.transform} ${JSON.stringify(step.options)} line ${s.line}`).toBe('');
            // Translations move both sides alike; only the drought pulls them apart.
            if (step.transform !== 'liquidityDrought' && s.origBid === s.origBid && s.origAsk === s.origAsk) expect(s.askShift).toBe(s.bidShift);
          }
          viewed += samples.length;
        }
      }),
      { seed: SEED, numRuns: 400 },
    );
    expect(viewed).toBeGreaterThan(1000);
  });

  it('compositions of up to four transforms: valid output, inputs untouched, deterministic', () => {
    fc.assert(
      fc.property(inputArb, fc.array(stepArb, { minLength: 2, maxLength: 4 }), (input, steps) => {
        const before = copyColumns(input);
        let b = input;
        for (const step of steps) {
          const prev = copyColumns(b);
          const next = apply(b, step);
          expect(columnsDiffer(copyColumns(b), prev)).toBe('');
          expectValid(b, next);
          b = next;
        }
        expect(columnsDiffer(copyColumns(input), before)).toBe('');
        let again = input;
        for (const step of steps) again = apply(again, step);
        expect(columnsDiffer(copyColumns(again), copyColumns(b))).toBe('');
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});
