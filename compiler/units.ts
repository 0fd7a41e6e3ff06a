// The unit algebra of Quoin expressions. Units protect where mistakes cost money (adding a quantity
// to a price, quoting ETH sizes on a BTC market) and stay out of the way elsewhere: a dimensionless
// number scales anything, and a duration used in arithmetic counts in seconds.
// docs/dsl.md ("Types and units") states the same table for authors.
import type { UnitKind } from '../schemas/generated/plan.js';

/** `error` marks an expression already reported: it is compatible with everything, so one mistake gives one diagnostic. */
export type Kind = UnitKind | 'string' | 'error';

export interface Ty {
  kind: Kind;
  /** qty: base asset; notional: currency; price: QUOTE/BASE. Absent when unknown. */
  asset?: string;
}

export const T = {
  price: (asset?: string): Ty => (asset ? { kind: 'price', asset } : { kind: 'price' }),
  qty: (asset?: string): Ty => (asset ? { kind: 'qty', asset } : { kind: 'qty' }),
  notional: (asset?: string): Ty => (asset ? { kind: 'notional', asset } : { kind: 'notional' }),
  bps: { kind: 'bps' } as Ty,
  duration: { kind: 'duration' } as Ty,
  ratio: { kind: 'ratio' } as Ty,
  count: { kind: 'count' } as Ty,
  bool: { kind: 'bool' } as Ty,
  string: { kind: 'string' } as Ty,
  error: { kind: 'error' } as Ty,
} as const;

const dimensionless: ReadonlySet<Kind> = new Set(['ratio', 'count', 'bps']);
const numericKinds: ReadonlySet<Kind> = new Set(['price', 'qty', 'notional', 'bps', 'duration', 'ratio', 'count']);

export function isDimensionless(t: Ty): boolean {
  return dimensionless.has(t.kind);
}
export function isNumeric(t: Ty): boolean {
  return numericKinds.has(t.kind) || t.kind === 'error';
}

export function describe(t: Ty): string {
  switch (t.kind) {
    case 'price': return t.asset ? `a price (${t.asset})` : 'a price';
    case 'qty': return t.asset ? `a quantity (${t.asset})` : 'a quantity';
    case 'notional': return t.asset ? `a notional (${t.asset})` : 'a notional';
    case 'bps': return 'bps';
    case 'duration': return 'a duration';
    case 'ratio': return 'a plain number';
    case 'count': return 'a count';
    case 'bool': return 'a true/false condition';
    case 'string': return 'a text';
    case 'error': return 'an invalid value';
  }
}

/** Short unit label for plans, hovers and explain output. */
export function label(t: Ty): string {
  return t.asset ? `${t.kind}<${t.asset}>` : t.kind;
}

export type UnitResult = { ok: true; type: Ty } | { ok: false; message: string; code: 'Q3001' | 'Q3002' | 'Q3008' | 'Q3010' };

const ok = (type: Ty): UnitResult => ({ ok: true, type });

function assetsClash(a: Ty, b: Ty): boolean {
  return a.asset !== undefined && b.asset !== undefined && a.asset !== b.asset;
}

function mergeAsset(a: Ty, b: Ty): string | undefined {
  return a.asset ?? b.asset;
}

/** Operands of +, −, min, max, clamp, comparisons and if-branches must agree. */
export function unify(a: Ty, b: Ty, what: string): UnitResult {
  if (a.kind === 'error') return ok(b);
  if (b.kind === 'error') return ok(a);
  if ((what === 'add' || what === 'subtract') && (a.kind === 'bool' || b.kind === 'bool')) {
    return { ok: false, code: 'Q3002', message: `cannot ${what} true/false values: arithmetic needs numbers` };
  }
  if (isDimensionless(a) && isDimensionless(b)) {
    const kind: Kind = a.kind === 'bps' || b.kind === 'bps' ? 'bps' : a.kind === 'ratio' || b.kind === 'ratio' ? 'ratio' : 'count';
    return ok({ kind });
  }
  if (a.kind !== b.kind) {
    const phrase = what === 'subtract' ? `subtract ${describe(b)} from ${describe(a)}` : what === 'add' ? `add ${describe(b)} to ${describe(a)}` : `${what} ${describe(a)} and ${describe(b)}`;
    return { ok: false, code: 'Q3001', message: `cannot ${phrase}: both need the same unit${conversionHint(a, b)}` };
  }
  if (assetsClash(a, b)) {
    return { ok: false, code: 'Q3008', message: `cannot ${what} ${describe(a)} and ${describe(b)}: they are in different assets` };
  }
  const asset = mergeAsset(a, b);
  return ok(asset ? { kind: a.kind, asset } : { kind: a.kind });
}

function conversionHint(a: Ty, b: Ty): string {
  const pair = new Set([a.kind, b.kind]);
  if (pair.has('price') && pair.has('bps')) return '; turn bps into a price by multiplying with one (base_spread * fair)';
  if (pair.has('price') && pair.has('qty')) return '; a quantity becomes a plain number by dividing by a quantity (position / max_position)';
  if (pair.has('price') && pair.has('ratio')) return '; a plain number becomes a price by multiplying with one (vol * fair)';
  if (pair.has('notional') && pair.has('price')) return '; notional / price gives a quantity';
  if (pair.has('duration')) return '; durations need a unit, like 5s';
  return '';
}

function notNumber(a: Ty, b: Ty, verb: string): UnitResult | undefined {
  const bad = [a, b].find((x) => x.kind === 'bool' || x.kind === 'string');
  return bad ? { ok: false, code: 'Q3002', message: `cannot ${verb} ${describe(bad)}: arithmetic needs numbers` } : undefined;
}

export function multiply(a: Ty, b: Ty): UnitResult {
  if (a.kind === 'error' || b.kind === 'error') return ok(T.error);
  const refused = notNumber(a, b, 'multiply');
  if (refused) return refused;
  // A duration in arithmetic counts in seconds: vol² × 30s is a plain number, spread × 2s a price.
  if (a.kind === 'duration' && b.kind === 'duration') {
    return { ok: false, code: 'Q3002', message: 'cannot multiply two durations' };
  }
  if (a.kind === 'duration') return ok(isDimensionless(b) ? T.ratio : b);
  if (b.kind === 'duration') return ok(isDimensionless(a) ? T.ratio : a);
  if (a.kind === 'count' && b.kind === 'count') return ok(T.count);
  if (isDimensionless(a) && isDimensionless(b)) return ok(a.kind === 'bps' && b.kind === 'bps' ? T.ratio : a.kind === 'bps' || b.kind === 'bps' ? T.bps : T.ratio);
  if (isDimensionless(a)) return ok(b);
  if (isDimensionless(b)) return ok(a);
  const [p, q] = a.kind === 'price' ? [a, b] : [b, a];
  if (p.kind === 'price' && q.kind === 'qty') {
    const [quote, base] = splitPriceAsset(p.asset);
    if (base !== undefined && q.asset !== undefined && base !== q.asset) {
      return { ok: false, code: 'Q3008', message: `a price of ${base} times a quantity of ${q.asset}: the assets must match` };
    }
    return ok(T.notional(quote));
  }
  return { ok: false, code: 'Q3002', message: `cannot multiply ${describe(a)} by ${describe(b)}; allowed: price × qty → notional, bps × price → price, and plain numbers scale anything` };
}

export function divide(a: Ty, b: Ty): UnitResult {
  if (a.kind === 'error' || b.kind === 'error') return ok(T.error);
  const refused = notNumber(a, b, 'divide');
  if (refused) return refused;
  // Same unit over same unit is a plain number (bps / bps too); bps over a plain number stay bps.
  if (isDimensionless(a) && isDimensionless(b)) return ok(a.kind === 'bps' && b.kind !== 'bps' ? T.bps : T.ratio);
  // Per-second rates keep the unit of what is counted (variance per second is still a plain number).
  if (b.kind === 'duration') return ok(a.kind === 'duration' || isDimensionless(a) ? T.ratio : a);
  if (a.kind === 'duration') {
    if (isDimensionless(b)) return ok(T.ratio);
    return { ok: false, code: 'Q3002', message: `cannot divide a duration by ${describe(b)}` };
  }
  if (isDimensionless(b)) return ok(a.kind === 'count' && b.kind !== 'count' ? T.ratio : a);
  if (a.kind === b.kind) {
    if (assetsClash(a, b)) return { ok: false, code: 'Q3008', message: `cannot divide ${describe(a)} by ${describe(b)}: they are in different assets` };
    return ok(T.ratio);
  }
  if (a.kind === 'notional' && b.kind === 'price') {
    const [quote, base] = splitPriceAsset(b.asset);
    if (quote !== undefined && a.asset !== undefined && quote !== a.asset) {
      return { ok: false, code: 'Q3008', message: `a notional in ${a.asset} divided by a price in ${quote}: the currencies must match` };
    }
    return ok(T.qty(base));
  }
  if (a.kind === 'notional' && b.kind === 'qty') {
    return ok(T.price(a.asset && b.asset ? `${a.asset}/${b.asset}` : undefined));
  }
  return { ok: false, code: 'Q3002', message: `cannot divide ${describe(a)} by ${describe(b)}; allowed: same units → plain number, notional / price → qty, notional / qty → price, anything / plain number` };
}

/** x ^ y, sqrt(x), exp(x): only dimensionless values and durations (counted in seconds). */
export function dimensionlessMath(a: Ty, what: string): UnitResult {
  if (a.kind === 'error') return ok(T.error);
  if (isDimensionless(a) || a.kind === 'duration') return ok(T.ratio);
  return { ok: false, code: 'Q3010', message: `${what} needs a plain number, bps or a duration, not ${describe(a)}; divide by a reference first (for example x / m.mid)` };
}

export function splitPriceAsset(asset: string | undefined): [string | undefined, string | undefined] {
  if (!asset) return [undefined, undefined];
  const i = asset.indexOf('/');
  return i < 0 ? [asset, undefined] : [asset.slice(0, i), asset.slice(i + 1)];
}

/** Can a value of type `actual` go where `expected` is required (function arguments, clauses)? */
export function accepts(expected: Ty, actual: Ty): boolean {
  if (actual.kind === 'error' || expected.kind === 'error') return true;
  if (expected.kind === 'ratio' || expected.kind === 'count') return isDimensionless(actual) && actual.kind !== 'bps';
  // A computed fraction is a fraction: vol × 1.5 can stand where bps are wanted. (Bare literals are
  // refused before this: `5` where bps are wanted is a forgotten unit.)
  if (expected.kind === 'bps') return actual.kind === 'bps' || actual.kind === 'ratio';
  if (expected.kind !== actual.kind) return false;
  return !assetsClash(expected, actual);
}
