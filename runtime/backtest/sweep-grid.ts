// Parameter grids for sweeps: `gamma=0.05..0.5:10,base_spread=2bps..20bps:10`. A grid names plan
// params and the values to try; every value is written in the param's unit (bps or %, durations,
// asset amounts), converted to the plan's canonical units exactly as the compiler converts a literal,
// and checked against the param's approved bounds. A grid point becomes a variant plan: the same plan
// with those param values (and their display text), re-hashed and validated like any loaded plan.
//
// Grammar (items separated by commas, first item varies slowest in the point order):
//   item   = name "=" range | name "=" value ("|" value)*
//   range  = value ".." value ":" n [":" ("log" | "linear")]   n points, ends included
//   value  = 0.3 | 5bps | 5 bps | 0.5% | 500ms | 1h30m | 0.01 BTC | 12000 USDT | true | false
import { closest, distance } from 'fastest-levenshtein';
import type { Param, Plan } from '../../schemas/generated/plan.js';
import { loadPlan } from '../plan/load-plan.js';

/** Largest grid run without an explicit `maxPoints` (the CLI's --max-points). */
export const DEFAULT_MAX_POINTS = 10_000;

/** A param value in canonical plan units, and how it is shown (the way the DSL would print it). */
export interface SweepValue {
  value: number | boolean;
  display: string;
}

export interface SweepAxis {
  param: string;
  spacing: 'linear' | 'log' | 'list';
  values: SweepValue[];
}

export interface SweepGrid {
  axes: SweepAxis[];
  /** Number of points: the product of the axes' sizes. */
  size: number;
}

/** One grid point: its place in the grid's order and a value per swept param (in axis order). */
export interface SweepPoint {
  index: number;
  values: Record<string, SweepValue>;
}

/** A grid the plan cannot run: the message names the item and says what would be accepted. */
export class GridError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'GridError';
  }
}

export interface ParseGridOptions {
  /** Refuse grids with more points than this (default DEFAULT_MAX_POINTS). */
  maxPoints?: number;
}

export function parseGrid(spec: string, plan: Plan, options: ParseGridOptions = {}): SweepGrid {
  const maxPoints = options.maxPoints ?? DEFAULT_MAX_POINTS;
  const items = spec.split(',').map((s) => s.trim());
  if (items.every((s) => s === '')) throw new GridError('the grid is empty: give name=lo..hi:n or name=a|b|c items, separated by commas');
  const axes: SweepAxis[] = [];
  for (const item of items) {
    if (item === '') throw new GridError(`empty item in grid '${spec}' (two commas in a row?)`);
    const eq = item.indexOf('=');
    if (eq <= 0) throw new GridError(`grid item '${item}' needs the form name=lo..hi:n or name=a|b|c`);
    const name = item.slice(0, eq).trim();
    const param = findParam(plan, name);
    if (axes.some((a) => a.param === name)) throw new GridError(`${name} appears twice in the grid`);
    checkSweepable(plan, param);
    axes.push(parseAxis(param, item.slice(eq + 1).trim(), plan, maxPoints));
  }
  // Each axis holds at most maxPoints values, so the product is an exact count for any message.
  const size = axes.reduce((n, a) => n * a.values.length, 1);
  if (size > maxPoints) {
    throw new GridError(`the grid has ${size.toLocaleString('en-US')} points (${axes.map((a) => `${a.param} ${a.values.length}`).join(' × ')}), more than the cap of ${maxPoints.toLocaleString('en-US')}; narrow it, or raise the cap with --max-points`);
  }
  return { axes, size };
}

/** The grid's point `index` (0 ≤ index < size); the first axis varies slowest. */
export function gridPoint(grid: SweepGrid, index: number): SweepPoint {
  if (!Number.isInteger(index) || index < 0 || index >= grid.size) throw new RangeError(`point ${index} is not in a grid of ${grid.size}`);
  const picks: number[] = [];
  let rest = index;
  for (let a = grid.axes.length - 1; a >= 0; a--) {
    const n = grid.axes[a]?.values.length ?? 1;
    picks[a] = rest % n;
    rest = Math.floor(rest / n);
  }
  const values: Record<string, SweepValue> = {};
  grid.axes.forEach((axis, a) => {
    const v = axis.values[picks[a] ?? 0];
    if (v) values[axis.param] = v;
  });
  return { index, values };
}

export function gridPoints(grid: SweepGrid): SweepPoint[] {
  return Array.from({ length: grid.size }, (_, i) => gridPoint(grid, i));
}

/** `gamma=0.3, base_spread=8 bps` */
export function describePoint(values: Record<string, SweepValue>): string {
  return Object.entries(values).map(([k, v]) => `${k}=${v.display}`).join(', ');
}

/**
 * The plan with these param values and display texts, everything else shared with `plan`, and the
 * hash left as it was: the caller sets it (runtime code cannot hash plans — see variantPlan).
 */
export function withParamValues(plan: Plan, values: Record<string, SweepValue>): Plan {
  const params = plan.params.map((p): Param => {
    const v = values[p.name];
    return v ? { ...p, value: v.value, display: v.display } : p;
  });
  return { ...plan, params };
}

/**
 * A grid point's variant plan: values set, hash recomputed, validated by loadPlan. `hash` is the
 * plan hash function (compiler/hash.ts planHash): the runtime reads plans and never imports the
 * compiler, so the caller hands it in.
 */
export function variantPlan(plan: Plan, values: Record<string, SweepValue>, hash: (plan: Plan) => string): Plan {
  const variant = withParamValues(plan, values);
  variant.hash = hash(variant);
  return loadPlan(variant);
}

// ---------- params ----------

function findParam(plan: Plan, name: string): Param {
  const param = plan.params.find((p) => p.name === name);
  if (param) return param;
  const names = plan.params.map((p) => p.name);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new GridError(`'${name}' is not a param name; the plan's params are ${names.join(', ') || 'none'}`);
  const guess = names.length > 0 ? closest(name, names) : undefined;
  const near = guess !== undefined && distance(name, guess) <= Math.max(2, Math.floor(name.length / 3));
  throw new GridError(`${plan.strategy.name} has no param '${name}'${near ? `; did you mean ${guess}?` : ''} (params: ${names.join(', ') || 'none'})`);
}

/**
 * A param can be swept by editing its value only if the plan reads it at run time, and if nothing
 * the compiler derived from its value alone (worst cases of risk limits, ladder sizes) would go stale.
 */
function checkSweepable(plan: Plan, param: Param): void {
  const name = param.name;
  const paramNodes = new Set<number>();
  plan.nodes.forEach((n, i) => {
    if (n.op === 'param' && n.param === name) paramNodes.add(i);
  });
  const live = paramNodes.size > 0 || plan.scenarios.some((s) => s.overrides.some((o) => o.param === name)) || plan.adaptations.some((a) => a.param === name);
  if (!live) {
    throw new GridError(`${name} has no effect on the plan as compiled: the compiler folded its value into fixed settings (a window, an interval, a rate) or it is unused, so sweeping it here would change nothing; edit the rule set's value instead`);
  }
  if (param.bounds || paramNodes.size === 0) return;
  // Without bounds a param's approved range is its one value, and the compiler computed worst
  // cases from it: a different value would run with a worst case nobody derived.
  const dependsOnParam = dependencyTest(plan, paramNodes);
  for (const r of plan.risk) {
    if (r.limit !== undefined && r.worstCase !== undefined && dependsOnParam(r.limit)) {
      throw new GridError(`${name} has no bounds, and the plan's worst case for risk rule ${r.id} (${r.kind}) was computed from its value; give ${name} bounds in the rule set (${name} = … in [lo, hi]) to sweep it`);
    }
  }
  plan.quotes.forEach((q) => {
    if (q.ladder && dependsOnParam(q.ladder.levels)) {
      throw new GridError(`${name} has no bounds, and the ladder size on ${q.market} (maxLevels) was computed from its value; give ${name} bounds in the rule set to sweep it`);
    }
  });
}

/** Does node `root` read any of `targets`? Nodes only refer to earlier nodes, so a walk ends. */
function dependencyTest(plan: Plan, targets: ReadonlySet<number>): (root: number) => boolean {
  const memo = new Map<number, boolean>();
  const visit = (i: number): boolean => {
    const known = memo.get(i);
    if (known !== undefined) return known;
    memo.set(i, false);
    const n = plan.nodes[i];
    let hit = targets.has(i);
    if (!hit && n && 'args' in n) hit = n.args.some((a) => a < i && visit(a));
    memo.set(i, hit);
    return hit;
  };
  return visit;
}

// ---------- values and units ----------

/** How a param's values are written: the unit families of the plan's value kinds. */
type UnitFamily =
  | { kind: 'plain'; integer: boolean }
  | { kind: 'fraction' }
  | { kind: 'duration' }
  | { kind: 'asset'; what: string; assets: string[] }
  | { kind: 'bool' };

function familyOf(param: Param): UnitFamily {
  const t = param.type;
  switch (t.kind) {
    case 'bps':
      return { kind: 'fraction' };
    case 'duration':
      return { kind: 'duration' };
    case 'qty':
      return { kind: 'asset', what: `a quantity${t.asset ? ` in ${t.asset}` : ''}`, assets: t.asset ? [t.asset] : [] };
    case 'notional':
      return { kind: 'asset', what: `a notional${t.asset ? ` in ${t.asset}` : ''}`, assets: t.asset ? [t.asset] : [] };
    case 'price': {
      // A price's asset reads QUOTE/BASE; prices are written in the quote currency.
      const quote = t.asset?.split('/')[0];
      return { kind: 'asset', what: `a price${quote ? ` in ${quote}` : ''}`, assets: [t.asset, quote].filter((a): a is string => a !== undefined) };
    }
    case 'bool':
      return { kind: 'bool' };
    default:
      return { kind: 'plain', integer: param.integer || t.kind === 'count' };
  }
}

function example(param: Param): string {
  const f = familyOf(param);
  switch (f.kind) {
    case 'fraction': return 'write 5bps or 0.05%';
    case 'duration': return 'write a duration like 500ms, 30s, 5m or 1h';
    case 'asset': return `write an amount like 0.01 ${f.assets.at(-1) ?? 'BTC'}`;
    case 'bool': return 'write true or false';
    default: return 'write a plain number';
  }
}

function describeParam(param: Param): string {
  const f = familyOf(param);
  switch (f.kind) {
    case 'fraction': return `${param.name} is in bps`;
    case 'duration': return `${param.name} is a duration`;
    case 'asset': return `${param.name} is ${f.what}`;
    case 'bool': return `${param.name} is true or false`;
    default: return `${param.name} is a plain number${f.integer ? ' (a whole number)' : ''}`;
  }
}

/**
 * A value as written, in "display units": the number the user wrote and the unit it was written in.
 * `canonical` converts display units to plan units with the compiler's own arithmetic.
 */
interface Written {
  amount: number;
  unit: string;
  canonical: number;
}

const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;
const DURATION_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };
const NUMBER = /^([+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)\s*([A-Za-z%][A-Za-z0-9/%]*)?$/;

/** Seconds of a duration token, summed as the DSL does (1h30m = 1·3600 + 30·60). */
function durationSeconds(text: string): number {
  let seconds = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) seconds += Number(m[1]) * (DURATION_SECONDS[m[2] ?? 's'] ?? 1);
  return seconds;
}

function toCanonical(amount: number, unit: string): number {
  if (unit === 'bps') return amount / 10_000;
  if (unit === '%') return amount / 100;
  const d = DURATION_SECONDS[unit];
  if (d !== undefined) return amount * d;
  return amount;
}

function parseWritten(text: string, param: Param): Written {
  const f = familyOf(param);
  const s = text.trim();
  if (s === '') throw new GridError(`a value for ${param.name} is empty; ${example(param)}`);
  if (f.kind === 'bool') throw new GridError(`${param.name} is true or false: list them as ${param.name}=true|false`);
  if (DURATION.test(s)) {
    if (f.kind !== 'duration') throw new GridError(`${describeParam(param)}, not a duration ('${s}'); ${example(param)}`);
    const parts = [...s.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
    const only = parts.length === 1 ? parts[0] : undefined;
    // One component keeps its unit (500ms stays in ms); 1h30m is counted in seconds.
    if (only) return { amount: Number(only[1]), unit: only[2] ?? 's', canonical: durationSeconds(s) };
    const seconds = durationSeconds(s);
    return { amount: seconds, unit: 's', canonical: seconds };
  }
  const m = NUMBER.exec(s);
  if (!m) throw new GridError(`'${s}' is not a value for ${param.name}; ${example(param)}`);
  const amount = Number(m[1]);
  const unit = m[2];
  if (!Number.isFinite(amount)) throw new GridError(`'${s}' is too large a number`);
  switch (f.kind) {
    case 'duration':
      throw new GridError(unit === undefined ? `${param.name} is a duration: '${s}' needs a unit; ${example(param)}` : `${describeParam(param)}, not ${unit} ('${s}'); ${example(param)}`);
    case 'fraction':
      if (unit === undefined) throw new GridError(`${param.name} is in bps: '${s}' needs a unit (${s}bps or ${s}%)`);
      if (unit === 'bps' || unit === '%') return { amount, unit, canonical: toCanonical(amount, unit) };
      throw new GridError(`${describeParam(param)}, not ${unit} ('${s}'); ${example(param)}`);
    case 'asset': {
      const asset = f.assets.find((a) => a.toUpperCase() === unit?.toUpperCase());
      if (unit === undefined) throw new GridError(`${describeParam(param)}: '${s}' needs its unit; ${example(param)}`);
      if (asset === undefined) throw new GridError(`${describeParam(param)}, not ${unit} ('${s}'); ${example(param)}`);
      return { amount, unit: asset, canonical: amount };
    }
    case 'plain':
      if (unit !== undefined) throw new GridError(`${describeParam(param)}; drop the unit ${unit} from '${s}'`);
      return { amount, unit: '', canonical: amount };
  }
}

/** Twelve significant digits: enough for any param, and free of 0.30000000000000004. */
function tidy(x: number): number {
  return Number(x.toPrecision(12));
}

/** The value as the DSL prints a literal: `0.3`, `8 bps`, `0.5%`, `500ms`, `0.01 BTC`. */
function display(amount: number, unit: string): string {
  const n = String(amount);
  if (unit === '') return n;
  if (unit === '%' || DURATION_SECONDS[unit] !== undefined) return `${n}${unit}`;
  return `${n} ${unit}`;
}

/** A canonical value shown in a unit (for bounds in messages). */
function inUnit(canonical: number, param: Param, unit: string): string {
  const kind = familyOf(param).kind;
  if (unit === '' || kind === 'asset') return display(tidy(canonical), unit);
  if (kind === 'duration') {
    // The largest unit that gives a whole number: 1h, 90s, 500ms.
    for (const u of ['d', 'h', 'm', 's', 'ms']) {
      const n = tidy(canonical / (DURATION_SECONDS[u] ?? 1));
      if (Number.isInteger(n) && n !== 0) return display(n, u);
    }
    return display(tidy(canonical), 's');
  }
  return display(tidy(canonical / toCanonical(1, unit)), unit);
}

function preferredUnit(param: Param): string {
  const f = familyOf(param);
  if (f.kind === 'fraction') return param.display.trim().endsWith('%') ? '%' : 'bps';
  if (f.kind === 'duration') return 's';
  if (f.kind === 'asset') return f.assets.at(-1) ?? '';
  return '';
}

function parseAxis(param: Param, text: string, plan: Plan, maxPoints: number): SweepAxis {
  if (text === '') throw new GridError(`${param.name}= needs values: lo..hi:n or a|b|c`);
  const family = familyOf(param);
  const integer = family.kind === 'plain' && family.integer;
  let spacing: SweepAxis['spacing'] = 'list';
  let values: SweepValue[];
  if (family.kind === 'bool') {
    values = text.split('|').map((t) => {
      const s = t.trim();
      if (s !== 'true' && s !== 'false') throw new GridError(`${param.name} is true or false, not '${s}'`);
      return { value: s === 'true', display: s };
    });
  } else if (text.includes('..')) {
    const [range = '', count, how, ...extra] = text.split(':').map((s) => s.trim());
    const [loText = '', hiText, ...more] = range.split('..');
    if (hiText === undefined || more.length > 0 || count === undefined || extra.length > 0) {
      throw new GridError(`${param.name}=${text}: a range reads lo..hi:n or lo..hi:n:log`);
    }
    if (how !== undefined && how !== 'log' && how !== 'linear') throw new GridError(`${param.name}=${text}: the spacing is log or linear, not '${how}'`);
    if (!/^\d+$/.test(count)) throw new GridError(`${param.name}=${text}: the number of points must be a whole number, not '${count}'`);
    const n = Number(count);
    const lo = parseWritten(loText, param);
    const hi = parseWritten(hiText, param);
    if (n < 1 || (n === 1 && lo.canonical !== hi.canonical)) throw new GridError(`${param.name}=${text}: a range needs at least 2 points`);
    if (n > 1 && !(lo.canonical < hi.canonical)) {
      throw new GridError(`${param.name}=${text}: a range runs from low to high (${lo.canonical === hi.canonical ? 'both ends are the same value: give it alone' : `write ${hiText.trim()}..${loText.trim()}:${count}`})`);
    }
    if (n > maxPoints) throw new GridError(`${param.name}=${text}: ${n} points is more than the cap of ${maxPoints.toLocaleString('en-US')}`);
    spacing = how === 'log' ? 'log' : 'linear';
    if (spacing === 'log' && (lo.canonical <= 0 || hi.canonical <= 0)) throw new GridError(`${param.name}=${text}: log spacing needs both ends above 0`);
    // Points are spaced in the unit the range starts in, so 2bps..20bps:10 steps by exactly 2 bps.
    const unit = lo.unit;
    const factor = family.kind === 'asset' || unit === '' ? 1 : toCanonical(1, unit);
    const a = lo.amount;
    const b = lo.unit === hi.unit ? hi.amount : tidy(hi.canonical / factor);
    const exact = Array.from({ length: n }, (_, i) => {
      const t = n === 1 ? 0 : i / (n - 1);
      return spacing === 'log' ? a * Math.pow(b / a, t) : a + (b - a) * t;
    });
    values = roundInterior(exact, a, b).map((amount) => valueOf(param, amount, unit, integer));
  } else {
    values = text.split('|').map((t) => {
      const w = parseWritten(t, param);
      if (integer && !Number.isInteger(w.canonical)) throw new GridError(`${param.name} is a whole number (a count), so ${t.trim()} cannot be one of its values`);
      return { value: w.canonical, display: display(w.amount, w.unit) };
    });
  }
  // Integers rounded from a range, or a value listed twice, run once.
  const seen = new Set<string>();
  values = values.filter((v) => {
    const k = String(v.value);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  const bounds = param.bounds;
  if (bounds) {
    const outside = values.filter((v) => typeof v.value === 'number' && (v.value < bounds.lo || v.value > bounds.hi));
    const first = outside[0];
    if (first) {
      const unit = preferredUnitFor(first, param);
      const shown = outside.slice(0, 3).map((v) => v.display).join(', ') + (outside.length > 3 ? `, … (${outside.length} values)` : '');
      throw new GridError(`${param.name}=${text} goes outside its approved bounds [${inUnit(bounds.lo, param, unit)}, ${inUnit(bounds.hi, param, unit)}] in ${plan.strategy.name}: ${shown}; sweeping outside approved bounds is refused (change the bounds in the rule set and have them approved)`);
    }
  }
  return { param: param.name, spacing, values };
}

/**
 * Range points as people write them: the ends exactly as given, the points between with 4
 * significant digits (928.3, not 928.317766723), or more where 4 would merge neighbours.
 */
function roundInterior(exact: number[], a: number, b: number): number[] {
  const last = exact.length - 1;
  for (let digits = 4; digits < 12; digits++) {
    const out = exact.map((x, i) => (i === 0 ? a : i === last ? b : Number(x.toPrecision(digits))));
    if (new Set(out).size === new Set(exact.map(tidy)).size) return out;
  }
  return exact.map((x, i) => (i === 0 ? a : i === last ? b : tidy(x)));
}

/** The unit a value was written in, to show bounds in the same one. */
function preferredUnitFor(v: SweepValue, param: Param): string {
  const f = familyOf(param);
  if (f.kind === 'plain' || f.kind === 'bool') return '';
  if (f.kind === 'asset') return f.assets.at(-1) ?? '';
  const m = /(bps|%|ms|s|m|h|d)$/.exec(v.display.trim());
  return m?.[1] ?? preferredUnit(param);
}

function valueOf(param: Param, amount: number, unit: string, integer: boolean): SweepValue {
  if (integer) {
    const whole = Math.round(amount);
    return { value: whole, display: String(whole) };
  }
  // The value the compiler would give the display text: Number(text) converted by the unit.
  return { value: toCanonical(amount, unit), display: display(amount, unit) };
}
