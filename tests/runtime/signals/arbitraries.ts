// Random operation sequences for the property tests: irregular timestamps (equal ones, sub-ms
// steps, seconds, and gaps of many windows), prices at several scales with tiny to large moves,
// repeated values, invalid inputs, and advance calls.
import fc from 'fast-check';
import type { Op } from './ops.js';

/** Gaps between operations in ns: equal times, sub-millisecond, ~seconds, long gaps (rarer for beta, whose window needs 10 one-second pairs). */
const dtArb = (longGapWeight: number): fc.Arbitrary<number> =>
  fc.oneof(
    { weight: 15, arbitrary: fc.constant(0) },
    { weight: 10, arbitrary: fc.integer({ min: 1, max: 1_000_000 }) },
    { weight: 15, arbitrary: fc.integer({ min: 1_000_000, max: 2_000_000_000 }) },
    // whole milliseconds, so that with round windows observations land exactly on the window's edge
    { weight: 10, arbitrary: fc.integer({ min: 1, max: 1500 }).map((ms) => ms * 1_000_000) },
    { weight: longGapWeight, arbitrary: fc.integer({ min: 2_000_000_000, max: 2_000_000_000_000 }) },
  );

/** Start times: zero, inside a day in ns (as the engine's clock), or just before a second boundary. */
const startArb = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 86_400 }).map((s) => s * 1e9 + 123_456_789), fc.constant(5e9 - 1));

/** Series shapes: a level and a relative size of moves (tiny variance at 60,000 included). */
const shapeArb = fc.record({
  level: fc.constantFrom(60_000, 1, 0.0003, 1e6, 123.45, 0, -3),
  sigma: fc.constantFrom(1e-7, 1e-4, 1e-2, 0.3),
  walk: fc.boolean(),
});

const badValues = [NaN, Infinity, -Infinity, 0, -1];

interface Step {
  dt: number;
  /** 0..1: what the step does (observation, repeat, advance, invalid input) */
  what: number;
  u: number;
  v: number;
  q: number;
  bad: number;
}

/** Uniform on [min, max] (fast-check's own doubles favour edge values: fine for parsers, not for prices). */
export const uniform = (min: number, max: number): fc.Arbitrary<number> => fc.noBias(fc.integer({ min: 0, max: 1 << 30 })).map((k) => min + ((max - min) * k) / (1 << 30));

const stepArb = (input: 'series' | 'trades' | 'pair'): fc.Arbitrary<Step> =>
  fc.record({
    dt: fc.noBias(dtArb(input === 'pair' ? 1 : 5)),
    what: uniform(0, 1),
    u: uniform(-1, 1),
    v: uniform(-1, 1),
    q: uniform(-3, 1),
    bad: fc.noBias(fc.integer({ min: 0, max: badValues.length - 1 })),
  });

export interface Case {
  ops: Op[];
  /** Largest |value| fed (prices): the scale of absolute rounding error. */
  scale: number;
}

function series(shape: { level: number; sigma: number; walk: boolean }): (u: number) => number {
  const spread = shape.level === 0 ? shape.sigma : Math.abs(shape.level) * shape.sigma;
  let x = shape.level;
  return (u) => {
    if (shape.walk) {
      x = shape.level > 0 ? x * Math.exp(shape.sigma * u) : x + spread * u;
      return x;
    }
    return shape.level + spread * u;
  };
}

function build(input: 'series' | 'trades' | 'pair', start: number, shape: { level: number; sigma: number; walk: boolean }, steps: readonly Step[]): Case {
  const ops: Op[] = [];
  let t = start;
  let scale = 0;
  const xs = series(shape);
  // beta: b is a walk of its own, a follows b with a beta of 0.8 plus noise.
  let y = 100;
  let x = shape.level > 0 ? shape.level : 50;
  let lastX = x;
  let lastP = shape.level;
  for (const s of steps) {
    t += s.dt;
    const bad = badValues[s.bad] ?? NaN;
    if (s.what < 0.12) {
      ops.push({ kind: 'advance', t });
      continue;
    }
    const invalid = s.what > 0.95;
    const repeat = s.what > 0.75 && s.what <= 0.95;
    if (input === 'series') {
      const value = invalid ? bad : repeat ? lastX : xs(s.u);
      if (!invalid) lastX = value;
      ops.push({ kind: 'x', t, x: value });
      if (Number.isFinite(value)) scale = Math.max(scale, Math.abs(value));
    } else if (input === 'trades') {
      const p = repeat ? lastP : xs(s.u);
      lastP = p;
      const q = invalid ? bad : Math.exp(4 * s.q);
      ops.push({ kind: 'trade', t, p: invalid && s.bad === 0 ? NaN : p, q });
      scale = Math.max(scale, Math.abs(p));
    } else {
      if (!repeat) {
        const rb = 1e-3 * s.v;
        y *= Math.exp(rb);
        x *= Math.exp(0.8 * rb + 1e-3 * s.u * (shape.sigma > 1e-3 ? 1 : 0.1));
      }
      ops.push({ kind: 'xy', t, x: invalid && s.u > 0 ? bad : x, y: invalid && s.u <= 0 ? bad : y });
      scale = Math.max(scale, x, y);
    }
  }
  return { ops, scale };
}

export function caseArb(input: 'series' | 'trades' | 'pair', maxLength: number): fc.Arbitrary<Case> {
  return fc
    .tuple(startArb, shapeArb, fc.array(stepArb(input), { minLength: 1, maxLength, size: 'max' }))
    .map(([start, shape, steps]) => build(input, start, shape, steps));
}

/** Windows and half-lives from a few ms to minutes; round ones make observations fall exactly on the window's edge. */
export const roundSecondsArb = fc.constantFrom(0.001, 0.002, 0.01, 0.1, 0.5, 1, 2, 5, 10, 60);
export const secondsArb = fc.oneof(uniform(0.005, 5), uniform(5, 300), roundSecondsArb);
