// Latency models (feed, order and response latency), one small interface, named implementations,
// chosen in one place (`parseLatency`). Sampled models draw from a seeded generator, so a backtest
// with a seed is reproducible.
import { Random } from './random.js';

export interface LatencyModel {
  /** A latency in ns for one message sent at `tNs`. */
  sample(tNs: number): number;
  readonly description: string;
}

/**
 * Longest latency a model may give: a minute. Venue latencies are micro- to milliseconds, a bad day
 * seconds; anything longer is a typo, and a backtest would spend its memory on the empty clock
 * (one mark sample per second of event time) before finishing.
 */
export const MAX_LATENCY_NS = 60e9;
// An exported const is a cell even in its own module; `sample` reads this one, which V8 folds.
const MAX_NS = MAX_LATENCY_NS;
/** Largest log-space σ of a log-normal latency: at 3, one sample in a thousand is ≈10,000× the median. */
export const MAX_LOGNORMAL_SIGMA = 3;

export class ConstantLatency implements LatencyModel {
  constructor(readonly ns: number) {
    if (!(ns >= 0) || !Number.isFinite(ns)) throw new RangeError(`latency must be a duration ≥ 0, not ${ns} ns`);
    if (ns > MAX_LATENCY_NS) throw new RangeError(`latency ${ns / 1e9} s is over the ${MAX_LATENCY_NS / 1e9} s limit (a venue answering that late is down, not slow)`);
  }
  sample(): number {
    return this.ns;
  }
  get description(): string {
    return `${this.ns / 1e6} ms`;
  }
}

/** Log-normal latency: median `medianNs`, log-space standard deviation `sigma` (heavy right tail, as measured on real links). */
export class LogNormalLatency implements LatencyModel {
  constructor(
    readonly medianNs: number,
    readonly sigma: number,
    private readonly rng: Random,
  ) {
    if (!(medianNs > 0) || !Number.isFinite(medianNs)) throw new RangeError('log-normal latency needs a median > 0');
    if (medianNs > MAX_LATENCY_NS) throw new RangeError(`log-normal latency: median ${medianNs / 1e9} s is over the ${MAX_LATENCY_NS / 1e9} s limit`);
    if (!(sigma >= 0) || !Number.isFinite(sigma)) throw new RangeError('log-normal latency needs a sigma ≥ 0');
    if (sigma > MAX_LOGNORMAL_SIGMA) throw new RangeError(`log-normal latency: sigma ${sigma} is over ${MAX_LOGNORMAL_SIGMA} (at 3, one sample in a thousand is already about 10,000 times the median)`);
  }
  sample(): number {
    // The tail is cut at the limit: a draw beyond it would stand for a venue that is down.
    const ns = this.medianNs * Math.exp(this.sigma * this.rng.normal());
    return ns < MAX_NS ? ns : MAX_NS;
  }
  get description(): string {
    return `log-normal(median ${this.medianNs / 1e6} ms, σ ${this.sigma})`;
  }
}

export interface LatencySet {
  /** Exchange event → our strategy sees it. */
  feed: LatencyModel;
  /** Our action → the exchange acts on it. */
  order: LatencyModel;
  /** Exchange fill/ack → our strategy learns of it. */
  response: LatencyModel;
}

export function zeroLatency(): LatencySet {
  const z = new ConstantLatency(0);
  return { feed: z, order: z, response: z };
}

/**
 * `10ms` (every leg), or legs by name: `feed=2ms,order=5ms,response=5ms`, each a duration or
 * `lognormal(5ms,0.4)`. Unnamed legs default to 0.
 */
export function parseLatency(text: string, rng: Random): LatencySet {
  const out = zeroLatency();
  const spec = text.trim();
  // An empty spec is a script's unset variable more often than a wish for no latency: say so.
  if (spec === '') throw new RangeError('--latency is empty: give a duration such as 5ms, legs such as feed=1ms,order=5ms, or 0 for none');
  const legs = splitTop(spec);
  if (legs.length === 1 && !legs[0]?.includes('=')) {
    const m = parseOne(legs[0] ?? '', rng);
    return { feed: m, order: m, response: m };
  }
  const given = new Set<string>();
  for (const leg of legs) {
    const i = leg.indexOf('=');
    const name = leg.slice(0, i).trim();
    if (i < 0 || !['feed', 'order', 'response'].includes(name)) throw new RangeError(`--latency: '${leg}' should be feed=…, order=… or response=…`);
    if (given.has(name)) throw new RangeError(`--latency: ${name} is given twice`);
    given.add(name);
    out[name as keyof LatencySet] = parseOne(leg.slice(i + 1).trim(), rng);
  }
  return out;
}

function splitTop(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of s) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts.map((p) => p.trim()).filter(Boolean);
}

function parseOne(s: string, rng: Random): LatencyModel {
  const ln = /^lognormal\(\s*([^,]+)\s*,\s*([^)]+)\)$/.exec(s);
  if (ln) return new LogNormalLatency(parseDurationNs(ln[1] ?? ''), Number(ln[2]), rng);
  return new ConstantLatency(parseDurationNs(s));
}

/** `5ms`, `1.5s`, `250us`, `0` → ns. */
export function parseDurationNs(s: string): number {
  const m = /^(-?\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s)?$/.exec(s.trim());
  if (!m) throw new RangeError(`'${s}' is not a duration like 5ms`);
  const v = Number(m[1]);
  const unit = m[2] ?? (v === 0 ? 'ns' : '');
  const scale: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9 };
  if (!(unit in scale)) throw new RangeError(`'${s}' needs a unit: ns, us, ms or s`);
  const ns = v * (scale[unit] ?? 1);
  if (ns < 0) throw new RangeError(`latency '${s}' is negative`);
  return ns;
}
