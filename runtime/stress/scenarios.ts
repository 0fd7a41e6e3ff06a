// The named stress scenarios (`quoin stress … --scenarios all`), the transforms behind them, and
// the parser for scenario text: `gap:pct=-5,at=0.5`, `flash_crash:dropPct=10`, `gap_down+venue_outage`.
//
// Text grammar (commas separate both options and scenarios; a comma-separated piece with `=` is
// another option of the step before it, one without starts a new scenario):
//   list     := item (',' item)*            item := spec | 'all' | key '=' value
//   spec     := step ('+' step)*            one run: steps applied in order (a composition)
//   step     := name (':' key '=' value)?   name: a scenario (defaults scaled to the batch) or a
//                                           transform (its own defaults; gap needs pct)
import { distance } from 'fastest-levenshtein';
import type { EventBatch } from '../events.js';
import { StressError } from './errors.js';
import { flashCrash, flashCrashOptions, type FlashCrashOptions } from './flash-crash.js';
import { gap, gapOptions, type GapOptions } from './gap.js';
import { latencySpike, latencySpikeOptions, type LatencySpikeOptions } from './latency-spike.js';
import { liquidityDrought, liquidityDroughtOptions, type LiquidityDroughtOptions } from './liquidity-drought.js';
import { parseOptionValue, validateOptions, type OptionSchema } from './options.js';
import { outage, outageOptions, staleFeed, staleFeedOptions, type OutageOptions, type StaleFeedOptions } from './outage.js';
import { streamSpan } from './time.js';
import { toxicFlow, toxicFlowOptions, type ToxicFlowOptions } from './toxic-flow.js';
import { volatility, volatilityOptions, type VolatilityOptions } from './volatility.js';

export type StressOptionValues = Record<string, number | string>;

export interface StressTransform {
  description: string;
  options: OptionSchema;
  apply(batch: EventBatch, options: StressOptionValues): EventBatch;
}

/** The transforms by name (the names used in scenario text). Each validates its options. */
export const stressTransforms = {
  gap: { description: 'every price jumps by pct% at one moment and stays there', options: gapOptions, apply: (b, o) => gap(b, o as unknown as GapOptions) },
  flashCrash: { description: 'prices fall by dropPct% over fallS seconds and come back over recoverS seconds (linear V)', options: flashCrashOptions, apply: (b, o) => flashCrash(b, o as FlashCrashOptions) },
  volatility: { description: 'mid moves around a slow anchor scaled by k', options: volatilityOptions, apply: (b, o) => volatility(b, o as VolatilityOptions) },
  liquidityDrought: { description: 'sizes divided by depthDivisor, touch spread multiplied by spreadMultiplier', options: liquidityDroughtOptions, apply: (b, o) => liquidityDrought(b, o as LiquidityDroughtOptions) },
  toxicFlow: { description: 'one-sided market orders sweep the book, which follows them', options: toxicFlowOptions, apply: (b, o) => toxicFlow(b, o as ToxicFlowOptions) },
  latencySpike: { description: 'localTs delayed by delayMs for durationS seconds', options: latencySpikeOptions, apply: (b, o) => latencySpike(b, o as LatencySpikeOptions) },
  outage: { description: 'no rows for durationS seconds, then a snapshot', options: outageOptions, apply: (b, o) => outage(b, o as OutageOptions) },
  staleFeed: { description: 'the book freezes for durationS seconds while trades go on, then a snapshot', options: staleFeedOptions, apply: (b, o) => staleFeed(b, o as StaleFeedOptions) },
} as const satisfies Record<string, StressTransform>;

export type StressTransformName = keyof typeof stressTransforms;

export interface StressScenario {
  transform: StressTransformName;
  /** One line for tables and `--help`. */
  description: string;
  /** The options for a batch (times scaled to its span). */
  options(batch: EventBatch): StressOptionValues;
}

/** Seconds, rounded to milliseconds so printed options read well. */
function seconds(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function span(batch: EventBatch): number {
  return streamSpan(batch).durationS;
}

/** The scenarios `--scenarios all` runs, in table order. Names are stable (reports and tests use them). */
export const stressScenarios = {
  gap_up: { transform: 'gap', description: 'all prices jump 5% up in the middle of the stream and stay there', options: () => ({ pct: 5, at: 0.5 }) },
  gap_down: { transform: 'gap', description: 'all prices drop 5% in the middle of the stream and stay there', options: () => ({ pct: -5, at: 0.5 }) },
  flash_crash: {
    transform: 'flashCrash',
    description: 'prices fall 5% (over 5% of the span, at most 30 s) and recover linearly (over 20% of it, at most 120 s), from 40% in',
    options: (b) => ({ dropPct: 5, at: 0.4, fallS: seconds(Math.min(30, 0.05 * span(b))), recoverS: seconds(Math.min(120, 0.2 * span(b))) }),
  },
  vol_x3: {
    transform: 'volatility',
    description: 'moves of the mid around its slow average tripled over the whole stream (anchor half-life a tenth of the span, 1–300 s)',
    options: (b) => ({ k: 3, at: 0, anchorHalfLifeS: seconds(Math.min(300, Math.max(1, span(b) / 10))) }),
  },
  liquidity_drought: {
    transform: 'liquidityDrought',
    description: 'depth divided by 5 and touch spread tripled over the middle half of the stream',
    options: (b) => ({ depthDivisor: 5, spreadMultiplier: 3, at: 0.25, durationS: seconds(0.5 * span(b)) }),
  },
  toxic_sell: {
    transform: 'toxicFlow',
    description: 'sell orders (about 1/s, each sweeping ~3 bid levels, +2 bps impact) for 20% of the span (at most 60 s) from the middle',
    options: (b) => ({ side: 'sell', at: 0.5, durationS: seconds(Math.min(60, 0.2 * span(b))), ratePerS: 1, sweepLevels: 3, impactBps: 2 }),
  },
  toxic_buy: {
    transform: 'toxicFlow',
    description: 'buy orders (about 1/s, each sweeping ~3 ask levels, +2 bps impact) for 20% of the span (at most 60 s) from the middle',
    options: (b) => ({ side: 'buy', at: 0.5, durationS: seconds(Math.min(60, 0.2 * span(b))), ratePerS: 1, sweepLevels: 3, impactBps: 2 }),
  },
  latency_spike: {
    transform: 'latencySpike',
    description: 'data reaches the strategy 1 s late for 10% of the span (at most 30 s) from the middle',
    options: (b) => ({ delayMs: 1000, at: 0.5, durationS: seconds(Math.min(30, 0.1 * span(b))) }),
  },
  venue_outage: {
    transform: 'outage',
    description: 'no data at all for 10% of the span (at most 60 s) from the middle, then a book snapshot',
    options: (b) => ({ at: 0.5, durationS: seconds(Math.min(60, 0.1 * span(b))) }),
  },
  stale_feed: {
    transform: 'staleFeed',
    description: 'the book freezes for 10% of the span (at most 30 s) from the middle while trades go on, then a snapshot',
    options: (b) => ({ freeze: 'book', at: 0.5, durationS: seconds(Math.min(30, 0.1 * span(b))) }),
  },
} as const satisfies Record<string, StressScenario>;

export type StressScenarioName = keyof typeof stressScenarios;
export const stressScenarioNames = Object.keys(stressScenarios) as StressScenarioName[];

function isScenario(name: string): name is StressScenarioName {
  return Object.hasOwn(stressScenarios, name);
}

function isTransform(name: string): name is StressTransformName {
  return Object.hasOwn(stressTransforms, name);
}

/** One step of a run: a scenario or a transform, with options given in text (overrides). */
export interface StressStep {
  /** As written: a scenario name or a transform name. */
  name: string;
  transform: StressTransformName;
  scenario?: StressScenarioName;
  options: StressOptionValues;
}

/** One stress run: its steps are applied in order. */
export interface StressSpec {
  /** The text it came from, normalised (`gap_down+venue_outage:durationS=20`): a label for reports. */
  label: string;
  steps: StressStep[];
}

/** A step with its options final for a batch (scenario defaults, then overrides, then the seed). */
export interface ResolvedStep {
  name: string;
  transform: StressTransformName;
  options: StressOptionValues;
}

/**
 * A scenario's defaults with the user's overrides. The start can be given as `at` (a fraction of the
 * span) or `atS` (seconds in): naming one replaces the default given as the other.
 */
function overridden(base: StressOptionValues, overrides: StressOptionValues): StressOptionValues {
  const options: StressOptionValues = { ...base, ...overrides };
  if (overrides.atS !== undefined && overrides.at === undefined) delete options.at;
  if (overrides.at !== undefined && overrides.atS === undefined) delete options.atS;
  return options;
}

/** The options a scenario uses on this batch, overrides applied. */
export function scenarioOptions(name: StressScenarioName, batch: EventBatch, overrides: StressOptionValues = {}): StressOptionValues {
  const s: StressScenario = stressScenarios[name];
  const options = overridden(s.options(batch), overrides);
  validateOptions(name, stressTransforms[s.transform].options, options);
  return options;
}

/** Applies a named scenario (its defaults scaled to the batch; `seed` for the random ones). */
export function applyScenario(name: StressScenarioName | string, batch: EventBatch, seed = 1, overrides: StressOptionValues = {}): EventBatch {
  if (!isScenario(name)) throw new StressError(unknownNameMessage(name));
  return applyStressSpec({ label: name, steps: [{ name, transform: stressScenarios[name].transform, scenario: name, options: overrides }] }, batch, seed);
}

/** Resolves every step's options for this batch: what `applyStressSpec` will run (for reports). */
export function resolveStressSpec(spec: StressSpec, batch: EventBatch, seed = 1): ResolvedStep[] {
  return spec.steps.map((step, k) => {
    const base = step.scenario ? stressScenarios[step.scenario].options(batch) : {};
    const options: StressOptionValues = overridden(base, step.options);
    // Steps that draw random numbers get the run's seed, offset by position so that two random
    // steps of one run do not draw the same numbers.
    if ('seed' in stressTransforms[step.transform].options && options.seed === undefined) options.seed = seed + k;
    return { name: step.name, transform: step.transform, options };
  });
}

/** Applies the steps in order; each step's output is the next step's input. The input is never changed. */
export function applyStressSpec(spec: StressSpec, batch: EventBatch, seed = 1): EventBatch {
  let b = batch;
  for (const step of resolveStressSpec(spec, batch, seed)) {
    const t: StressTransform = stressTransforms[step.transform];
    b = t.apply(b, step.options);
  }
  return b;
}

/** Parses one run (`gap:pct=-5,at=0.5`, `flash_crash+venue_outage:durationS=10`). */
export function parseStressSpec(text: string): StressSpec {
  const specs = parseStressSpecs(text);
  if (specs.length !== 1) throw new StressError(`expected one stress scenario, got ${specs.length} in "${text}" (join steps of one run with +)`);
  const [spec] = specs;
  if (!spec) throw new StressError(`no scenario in "${text}"`);
  return spec;
}

/** Parses a list of runs (`all`, `gap_up,flash_crash:dropPct=10,at=0.3`, `gap_down+venue_outage`). */
export function parseStressSpecs(text: string): StressSpec[] {
  const specs: StressSpec[] = [];
  let step: StressStep | undefined;
  const pieces = text.split(',');
  if (text.trim() === '') throw new StressError('no scenario given; scenarios: ' + stressScenarioNames.join(', '));
  for (const piece of pieces) {
    const parts = piece.split(/\+(?=\s*[A-Za-z_])/);
    parts.forEach((raw, index) => {
      const part = raw.trim();
      if (part === '') throw new StressError(`empty scenario in "${text}"`);
      const option = /^([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(part);
      if (option) {
        if (!step || index > 0) throw new StressError(`option ${part} comes before any scenario in "${text}"`);
        addOption(step, option[1] ?? '', option[2] ?? '');
        return;
      }
      const named = /^([A-Za-z_][A-Za-z0-9_]*)\s*(?::(.*))?$/.exec(part);
      if (!named) throw new StressError(`cannot read "${part}" in "${text}": expected a scenario name, optionally with :option=value`);
      const name = named[1] ?? '';
      if (name === 'all') {
        if (named[2] !== undefined || index > 0 || parts.length > 1) throw new StressError('"all" takes no options and cannot be combined with +');
        for (const s of stressScenarioNames) specs.push({ label: s, steps: [{ name: s, transform: stressScenarios[s].transform, scenario: s, options: {} }] });
        step = undefined;
        return;
      }
      step = newStep(name);
      if (index === 0) specs.push({ label: '', steps: [step] });
      else specs[specs.length - 1]?.steps.push(step);
      const first = named[2];
      if (first !== undefined) {
        const o = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(first);
        if (!o) throw new StressError(`${name}: cannot read option "${first}" (expected option=value)`);
        addOption(step, o[1] ?? '', o[2] ?? '');
      }
    });
  }
  for (const spec of specs) {
    for (const s of spec.steps) {
      // Scenario defaults fill in what a bare transform would need.
      if (!s.scenario) validateOptions(s.name, stressTransforms[s.transform].options, s.options);
    }
    if (spec.label === '') spec.label = spec.steps.map(labelOf).join('+');
  }
  return specs;
}

function labelOf(step: StressStep): string {
  const opts = Object.entries(step.options).map(([k, v]) => `${k}=${v}`);
  return opts.length > 0 ? `${step.name}:${opts.join(',')}` : step.name;
}

function newStep(name: string): StressStep {
  if (isScenario(name)) return { name, transform: stressScenarios[name].transform, scenario: name, options: {} };
  if (isTransform(name)) return { name, transform: name, options: {} };
  throw new StressError(unknownNameMessage(name));
}

function addOption(step: StressStep, key: string, value: string): void {
  if (Object.hasOwn(step.options, key)) throw new StressError(`${step.name}: option ${key} given twice`);
  step.options[key] = parseOptionValue(step.name, key, stressTransforms[step.transform].options, value);
}

function unknownNameMessage(name: string): string {
  const all = [...stressScenarioNames, ...Object.keys(stressTransforms)];
  const close = all.filter((n) => distance(n.toLowerCase(), name.toLowerCase()) <= Math.max(2, Math.floor(n.length / 3)));
  const hint = close.length > 0 ? ` (did you mean ${close.map((n) => `"${n}"`).join(' or ')}?)` : '';
  return `unknown stress scenario "${name}"${hint}; scenarios: ${stressScenarioNames.join(', ')}; transforms: ${Object.keys(stressTransforms).join(', ')}`;
}
