// Checker: resolves every name, gives every expression a type with units, checks each clause gets
// the kind of value it needs, and checks params against their bounds. It reports; it never throws.
// Its tables (types, resolutions, literal values, param facts) are what lowering reads.
import { closest, distance } from 'fastest-levenshtein';
import type * as A from '../dsl/ast.js';
import { printExpr } from '../dsl/print.js';
import { stressScenarioNames } from '../schemas/index.js';
import type { Declarations, MarketSym } from './binder.js';
import { reportUnknownMarket } from './binder.js';
import { functions, marketMembers, reservedNames, values, type ArgSpec, type BuiltinSpec } from './builtins.js';
import { constValue, interval, paramDependencies, type EvalContext, type Interval } from './evaluate.js';
import type { Reporter } from './report.js';
import { accepts, describe, dimensionlessMath, divide, isDimensionless, isNumeric, multiply, T, unify, type Ty, type UnitResult } from './units.js';

export type Resolution =
  | { kind: 'param'; name: string }
  | { kind: 'signal'; name: string }
  | { kind: 'binding'; quote: string; name: string }
  | { kind: 'fair'; market: string }
  | { kind: 'builtin'; spec: BuiltinSpec; market: string | undefined; args: Array<A.Expr | undefined> }
  | { kind: 'marketAlias'; market: string };

export interface ParamFacts {
  type: Ty;
  value: number | boolean;
  bounds?: { lo: number; hi: number };
  integer: boolean;
  /** Every value the param can take: base value, scenario overrides, adaptation range. */
  range: Interval | undefined;
  overridden: boolean;
  adapted: boolean;
}

export interface Checked extends EvalContext {
  types: Map<A.Expr, Ty>;
  resolutions: Map<A.Expr, Resolution>;
  literals: Map<A.Expr, number>;
  params: Map<string, ParamFacts>;
  overrides: Map<A.ScenarioDecl, Array<{ param: string; value: number | boolean }>>;
  /** Values of clauses that must be fixed (durations, rates, bounds), by expression. */
  fixed: Map<A.Expr, number>;
  /** Signals and params referenced by some expression. */
  used: Set<string>;
  /** The range each adapt rule may move its param in. */
  adaptBounds: Map<A.AdaptDecl, { lo: number; hi: number }>;
}

interface Scope {
  /** Market that bare position / fair / inventory_value refer to. */
  market: MarketSym | undefined;
  quote?: { alias: string; bindings: Map<string, A.Assignment> };
}

const durationWords = new Set(['s', 'ms', 'm', 'h', 'd', 'sec', 'secs', 'second', 'seconds', 'min', 'mins', 'minute', 'minutes', 'hour', 'hours']);

export function check(decls: Declarations, report: Reporter): Checked {
  const c: Checked = {
    types: new Map(), resolutions: new Map(), literals: new Map(), params: new Map(), overrides: new Map(),
    fixed: new Map(), used: new Set(), adaptBounds: new Map(),
  };
  const assets = assetTable(decls);
  const signalState = new Map<string, 'checking' | Ty>();
  const bindingState = new Map<A.Assignment, 'checking' | Ty>();
  const integerUses = new Map<string, A.SourceRange>();
  const fixedUses: Array<{ expr: A.Expr; what: string; deps: Set<string> }> = [];
  const limitChecks: Array<{ e: A.Expr; what: string }> = [];
  const globalScope: Scope = { market: decls.primary };

  // ---------- expressions ----------

  const typeOf = (e: A.Expr, scope: Scope): Ty => {
    const known = c.types.get(e);
    if (known) return known;
    const t = infer(e, scope);
    c.types.set(e, t);
    return t;
  };

  const fromUnit = (r: UnitResult, range: A.SourceRange): Ty => {
    if (r.ok) return r.type;
    report(r.code, r.message, range);
    return T.error;
  };

  const isBareLiteral = (e: A.Expr): e is Extract<A.Expr, { kind: 'number' }> => e.kind === 'number' && !e.unit;
  const isZero = (e: A.Expr): boolean => isBareLiteral(e) && e.value === 0;

  /** Operands that must share a unit; a bare non-zero number next to a unit is a forgotten unit. */
  const combine = (parts: A.Expr[], scope: Scope, what: string, range: A.SourceRange): Ty => {
    // Types in part order (parallel to `parts`); runs once per operator, so no object per part.
    const types: Ty[] = [];
    for (const p of parts) types.push(typeOf(p, scope));
    // The first part with a unit, written as more than a bare number: bps count as a unit here too
    // (5 bps + 0.5 is surely 0.5 bps), except for the factor 1 ± x.
    let dimensional: Ty | undefined;
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i] as A.Expr;
      const t = types[i] as Ty;
      if (hasUnit(t) && !isBareLiteral(p)) {
        dimensional = t;
        break;
      }
    }
    let acc: Ty | undefined;
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i] as A.Expr;
      const t = types[i] as Ty;
      if (isZero(p)) continue;
      if (dimensional && isBareLiteral(p) && !(dimensional.kind === 'bps' && p.value === 1)) {
        report('Q3007', `give ${p.text} a unit: it is combined with ${describe(dimensional)}${unitExample(dimensional)}`, p.range);
        return T.error;
      }
      if (acc === undefined) {
        acc = t;
        continue;
      }
      const r = unify(acc, t, what);
      if (!r.ok) {
        report(r.code, r.message, range);
        return T.error;
      }
      acc = r.type;
    }
    return acc ?? types[0] ?? T.error;
  };

  const infer = (e: A.Expr, scope: Scope): Ty => {
    switch (e.kind) {
      case 'error': return T.error;
      case 'number': return literalType(e);
      case 'duration':
        if (!Number.isFinite(e.seconds)) {
          report('Q1003', `${e.text.length > 24 ? `${e.text.slice(0, 24)}…` : e.text} is too long a duration`, e.range);
          return T.error;
        }
        return T.duration;
      case 'bool': return T.bool;
      case 'string':
        report('Q3009', 'quoted text is only used for names (event("cpi")); a value is needed here', e.range);
        return T.error;
      case 'paren': return typeOf(e.inner, scope);
      case 'name': return resolveName(e, scope);
      case 'member': return callMember(e, e.object, e.member, [], scope);
      case 'call':
        return e.callee.kind === 'method'
          ? callMember(e, e.callee.object, e.callee.member, e.args, scope)
          : callFunction(e, e.callee.name, e.args, scope);
      case 'unary': {
        const t = typeOf(e.operand, scope);
        if (e.op === 'not') return expectBool(t, e.operand, 'not') ? T.bool : T.error;
        if (!isNumeric(t)) {
          report('Q3003', `cannot negate ${describe(t)}`, e.range);
          return T.error;
        }
        return t;
      }
      case 'if': {
        const ct = typeOf(e.cond, scope);
        expectBool(ct, e.cond, 'if');
        return combine([e.then, e.else], scope, 'choose between', e.range);
      }
      case 'event': {
        if (e.name.trim() === '') report('Q3009', 'name the event, like event("cpi")', e.nameRange);
        fixedDuration(e.within, scope, 'the window of event(…) within', { allowZero: true });
        return T.bool;
      }
      case 'binary': return binary(e, scope);
    }
  };

  const expectBool = (t: Ty, e: A.Expr, what: string): boolean => {
    if (t.kind === 'bool' || t.kind === 'error') return true;
    report('Q3004', `${what} needs a true/false condition (a comparison such as x > 3 bps), not ${describe(t)}`, e.range);
    return false;
  };

  const binary = (e: Extract<A.Expr, { kind: 'binary' }>, scope: Scope): Ty => {
    switch (e.op) {
      case 'and':
      case 'or': {
        const okL = expectBool(typeOf(e.left, scope), e.left, `'${e.op}'`);
        const okR = expectBool(typeOf(e.right, scope), e.right, `'${e.op}'`);
        return okL && okR ? T.bool : T.error;
      }
      case '+': return combine([e.left, e.right], scope, 'add', e.range);
      case '-': return combine([e.left, e.right], scope, 'subtract', e.range);
      case '<': case '<=': case '>': case '>=': case '==': case '!=': {
        const t = combine([e.left, e.right], scope, 'compare', e.range);
        if (t.kind === 'bool' && e.op !== '==' && e.op !== '!=') {
          report('Q3003', `'${e.op}' compares numbers, not conditions`, e.opRange);
          return T.error;
        }
        return t.kind === 'error' ? T.error : T.bool;
      }
      case '*': return fromUnit(multiply(typeOf(e.left, scope), typeOf(e.right, scope)), e.range);
      case '/': return fromUnit(divide(typeOf(e.left, scope), typeOf(e.right, scope)), e.range);
      case '^': {
        const base = fromUnit(dimensionlessMath(typeOf(e.left, scope), "'^'"), e.left.range);
        const exp = typeOf(e.right, scope);
        if (!isDimensionless(exp) && exp.kind !== 'error') {
          report('Q3010', `the exponent must be a plain number, not ${describe(exp)}`, e.right.range);
          return T.error;
        }
        return base;
      }
    }
  };

  const literalType = (e: Extract<A.Expr, { kind: 'number' }>): Ty => {
    if (!Number.isFinite(e.value)) {
      report('Q1003', `${e.text} is too large a number`, e.range);
      return T.error;
    }
    const unit = e.unit?.name;
    if (unit === undefined) {
      c.literals.set(e, e.value);
      return T.ratio;
    }
    if (unit === 'bps') {
      c.literals.set(e, e.value / 10_000);
      return T.bps;
    }
    if (unit === '%') {
      c.literals.set(e, e.value / 100);
      return T.bps;
    }
    const asset = assets.get(unit);
    if (asset) {
      c.literals.set(e, e.value);
      return asset;
    }
    const range = e.unit?.range ?? e.range;
    if (durationWords.has(unit)) {
      const short = unit.startsWith('mi') ? 'm' : unit.startsWith('h') ? 'h' : unit.startsWith('ms') ? 'ms' : unit.startsWith('d') ? 'd' : unit === 'm' ? 'm' : 's';
      report('Q2009', `write durations without a space: ${e.text}${short}`, e.range, { suggestion: `${e.text}${short}` });
      return T.error;
    }
    const upper = unit.toUpperCase();
    if (assets.has(upper)) {
      report('Q2009', `unknown unit '${unit}'; did you mean ${upper}?`, range, { suggestion: upper });
      return T.error;
    }
    const candidates = ['bps', ...assets.keys()];
    const guess = closest(unit, candidates);
    const near = guess !== undefined && distance(unit, guess) <= 2;
    if (/^[A-Z][A-Z0-9]{1,11}$/.test(unit)) {
      report('Q2009', `${unit} is not an asset of any declared market (${[...assets.keys()].join(', ') || 'none declared'})`, range);
    } else {
      report('Q2009', `unknown unit '${unit}'; units are bps, % and the assets of declared markets${near ? `; did you mean ${guess}?` : ''}`, range, near ? { suggestion: guess } : {});
    }
    return T.error;
  };

  // ---------- names ----------

  const resolveName = (e: Extract<A.Expr, { kind: 'name' }>, scope: Scope): Ty => {
    const name = e.name;
    const binding = scope.quote?.bindings.get(name);
    if (binding && scope.quote) {
      c.resolutions.set(e, { kind: 'binding', quote: scope.quote.alias, name });
      return bindingType(binding, scope, e.range);
    }
    if (decls.params.has(name)) {
      c.resolutions.set(e, { kind: 'param', name });
      c.used.add(name);
      return paramFacts(name)?.type ?? T.error;
    }
    const signal = decls.signals.get(name);
    if (signal) {
      c.resolutions.set(e, { kind: 'signal', name });
      c.used.add(name);
      return signalType(signal, e.range);
    }
    if (name === 'fair') {
      if (!scope.market) return T.error;
      c.resolutions.set(e, { kind: 'fair', market: scope.market.alias });
      return scope.market.types.price;
    }
    const value = values.get(name);
    if (value) {
      // Strategy-wide values (pnl, daily_pnl) are in the first market's currency wherever they are read.
      const market = value.lower.to === 'account' && (value.lower.field === 'pnl' || value.lower.field === 'daily_pnl') ? decls.primary : scope.market;
      c.resolutions.set(e, { kind: 'builtin', spec: value, market: market?.alias, args: [] });
      return value.result({ market: market?.types, args: [] });
    }
    if (decls.markets.has(name)) {
      report('Q4014', `'${name}' is a market; read one of its fields, like ${name}.mid`, e.range, { suggestion: `${name}.mid` });
      return T.error;
    }
    const memberHint = marketMembers.has(name) && decls.primary ? `${decls.primary.alias}.${name}` : undefined;
    const visible = [
      ...(scope.quote ? scope.quote.bindings.keys() : []),
      ...decls.params.keys(), ...decls.signals.keys(), ...values.keys(), 'fair',
    ];
    const guess = memberHint ?? nearest(name, visible);
    report('Q2001', `unknown name '${name}'${guess ? `; did you mean ${guess}?` : ''}`, e.range, guess ? { suggestion: guess } : {});
    return T.error;
  };

  const nearest = (name: string, candidates: string[]): string | undefined => {
    if (candidates.length === 0) return undefined;
    const guess = closest(name, candidates);
    return guess !== undefined && distance(name, guess) <= Math.max(2, Math.floor(name.length / 3)) ? guess : undefined;
  };

  const signalType = (s: A.SignalDecl, useRange: A.SourceRange): Ty => {
    const state = signalState.get(s.name.name);
    if (state === 'checking') {
      report('Q2008', `signal ${s.name.name} depends on itself`, useRange, { related: [{ message: 'declared here', range: s.name.range }] });
      return T.error;
    }
    if (state) return state;
    signalState.set(s.name.name, 'checking');
    const t = typeOf(s.value, globalScope);
    if (t.kind === 'string') report('Q3009', 'a signal needs a value', s.value.range);
    signalState.set(s.name.name, t);
    return t;
  };

  const bindingType = (b: A.Assignment, scope: Scope, useRange: A.SourceRange): Ty => {
    const state = bindingState.get(b);
    if (state === 'checking') {
      report('Q2008', `${b.name.name} depends on itself`, useRange, { related: [{ message: 'defined here', range: b.name.range }] });
      return T.error;
    }
    if (state) return state;
    bindingState.set(b, 'checking');
    const t = typeOf(b.value, scope);
    bindingState.set(b, t);
    return t;
  };

  // ---------- calls ----------

  const callFunction = (e: A.Expr, name: A.Ident, args: A.Arg[], scope: Scope): Ty => {
    const spec = functions.get(name.name);
    if (!spec) {
      if (marketMembers.has(name.name)) {
        const alias = scope.market?.alias ?? 'm';
        report('Q2005', `${name.name} is a market field: write ${alias}.${name.name}${marketMembers.get(name.name)?.args.length ? '(…)' : ''}`, name.range, { suggestion: `${alias}.${name.name}` });
      } else {
        const guess = nearest(name.name, [...functions.keys()]);
        report('Q2005', `unknown function '${name.name}'${guess ? `; did you mean ${guess}?` : ''}`, name.range, guess ? { suggestion: guess } : {});
      }
      args.forEach((a) => typeOf(a.value, scope));
      return T.error;
    }
    return applyBuiltin(e, spec, undefined, args, scope, name.range);
  };

  const callMember = (e: A.Expr, object: A.Ident, member: A.Ident, args: A.Arg[], scope: Scope): Ty => {
    const market = decls.markets.get(object.name);
    if (!market) {
      if (decls.params.has(object.name) || decls.signals.has(object.name)) {
        report('Q2003', `'${object.name}' is not a market; only markets have fields like .${member.name}`, object.range);
      } else {
        reportUnknownMarket(object, decls, report);
      }
      args.forEach((a) => typeOf(a.value, scope));
      return T.error;
    }
    const spec = marketMembers.get(member.name);
    if (!spec) {
      const guess = nearest(member.name, [...marketMembers.keys()]);
      report('Q2004', `markets have no field '${member.name}'${guess ? `; did you mean ${object.name}.${guess}?` : ''}`, member.range, guess ? { suggestion: guess } : {});
      args.forEach((a) => typeOf(a.value, scope));
      return T.error;
    }
    return applyBuiltin(e, spec, market, args, scope, member.range);
  };

  const applyBuiltin = (e: A.Expr, spec: BuiltinSpec, market: MarketSym | undefined, args: A.Arg[], scope: Scope, nameRange: A.SourceRange): Ty => {
    const bound = bindArgs(spec, args, e.range, nameRange);
    if (!bound) {
      args.forEach((a) => typeOf(a.value, scope));
      return T.error;
    }
    c.resolutions.set(e, { kind: 'builtin', spec, market: market?.alias, args: bound });
    const types: Ty[] = [];
    let failed = false;
    const sameParts: A.Expr[] = [];
    // round_tick(x, m): the price is checked against the market named in the call.
    const aliasSlot = spec.args.findIndex((a) => a.accepts === 'marketAlias' && a.name === 'market');
    const aliasArg = aliasSlot >= 0 ? bound[aliasSlot] : undefined;
    const argMarket = market ?? (aliasArg?.kind === 'name' ? decls.markets.get(aliasArg.name) : undefined);
    spec.args.forEach((a, i) => {
      const x = bound[i];
      if (!x) return;
      if (a.accepts === 'same') sameParts.push(x);
      const t = checkArg(spec, a, x, argMarket, scope);
      if (t.kind === 'error') failed = true;
      types.push(t);
    });
    for (let i = spec.args.length; i < bound.length; i++) {
      const x = bound[i];
      if (x) sameParts.push(x);
    }
    if (sameParts.length > 1) {
      const t = combine(sameParts, scope, `give ${spec.name}(…) both`, e.range);
      if (t.kind === 'error') return T.error;
      types[0] = t;
    }
    if (failed) return T.error;
    if (spec.name === 'sqrt' || spec.name === 'exp') {
      return fromUnit(dimensionlessMath(types[0] ?? T.error, `${spec.name}(…)`), e.range);
    }
    return spec.result({ market: market?.types ?? (spec.form === 'value' ? scope.market?.types : undefined), args: types });
  };

  /** Positional then named arguments → one slot per parameter (extra slots for variadic min/max). */
  const bindArgs = (spec: BuiltinSpec, args: A.Arg[], range: A.SourceRange, nameRange: A.SourceRange): Array<A.Expr | undefined> | undefined => {
    const slots: Array<A.Expr | undefined> = spec.args.map(() => undefined);
    // The usage text is only needed for a report.
    const usage = (): string => `${spec.form === 'member' ? 'm.' : ''}${spec.name}(${spec.args.map((a) => a.name).join(', ')}${spec.variadic ? ', …' : ''})`;
    let seenNamed = false;
    for (let i = 0; i < args.length; i++) {
      const a = args[i] as A.Arg;
      if (a.name) {
        seenNamed = true;
        const idx = spec.args.findIndex((p) => p.name === a.name?.name);
        if (idx < 0) {
          report('Q2012', `${spec.name} has no argument called '${a.name.name}'; it takes ${usage()}`, a.name.range);
          return undefined;
        }
        if (slots[idx]) {
          report('Q2012', `argument '${a.name.name}' is given twice`, a.name.range);
          return undefined;
        }
        slots[idx] = a.value;
      } else {
        if (seenNamed) {
          report('Q2012', 'positional arguments must come before named ones', a.range);
          return undefined;
        }
        if (i >= spec.args.length && !spec.variadic) {
          report('Q2012', `too many arguments: ${usage()}`, a.range);
          return undefined;
        }
        slots[i] = a.value;
      }
    }
    const missing = spec.args.find((p, i) => !slots[i] && p.default === undefined);
    if (missing) {
      report('Q2012', `missing argument '${missing.name}': ${usage()}`, args.length > 0 ? range : nameRange);
      return undefined;
    }
    return slots;
  };

  const checkArg = (spec: BuiltinSpec, a: ArgSpec, x: A.Expr, market: MarketSym | undefined, scope: Scope): Ty => {
    const where = `argument '${a.name}' of ${spec.name}`;
    if (a.accepts === 'marketAlias') {
      if (x.kind === 'name' && decls.markets.has(x.name)) {
        c.resolutions.set(x, { kind: 'marketAlias', market: x.name });
        return T.ratio;
      }
      if (x.kind === 'name' && !decls.params.has(x.name) && !decls.signals.has(x.name)) {
        reportUnknownMarket({ name: x.name, range: x.range }, decls, report);
      } else {
        report('Q3003', `${where} must be a market alias, like m`, x.range);
      }
      return T.error;
    }
    if (a.fixed) {
      const v = fixedValue(x, scope, where, a.accepts === 'duration' ? T.duration : T.count);
      if (v !== undefined && v <= 0) {
        report('Q4008', `${where} must be ${a.accepts === 'duration' ? 'longer than 0' : 'at least 1'}`, x.range);
        return T.error;
      }
      return c.types.get(x) ?? T.error;
    }
    const t = typeOf(x, scope);
    switch (a.accepts) {
      case 'same':
      case 'numeric':
        if (!isNumeric(t)) {
          report('Q3003', `${where} needs a number, not ${describe(t)}`, x.range);
          return T.error;
        }
        return t;
      case 'ratio':
        if (!isDimensionless(t) && t.kind !== 'duration' && t.kind !== 'error') {
          report('Q3010', `${where} needs a plain number, bps or a duration, not ${describe(t)}`, x.range);
          return T.error;
        }
        return t;
      case 'price':
        return expectType(x, t, [market?.types.price ?? scope.market?.types.price ?? T.price()], where);
      case 'qty':
        return expectType(x, t, [market?.types.qty ?? T.qty()], where);
      case 'distance':
        return expectType(x, t, [T.bps, market?.types.price ?? T.price()], where);
      case 'duration':
        return expectType(x, t, [T.duration], where);
      case 'count':
        return expectCount(x, t, where);
    }
    return t;
  };

  /** Checks `x` (already typed `t`) is one of `wanted`; a bare 0 fits any unit. */
  const expectType = (x: A.Expr, t: Ty, wanted: Ty[], where: string): Ty => {
    if (t.kind === 'error') return t;
    if (isZero(x)) return wanted[0] ?? t;
    const needsUnit = wanted.every((w) => w.kind !== 'ratio' && w.kind !== 'count');
    if (needsUnit && isBareLiteral(x) && wanted[0]) {
      report('Q3007', `give ${x.text} a unit: ${where} needs ${wanted.map(describe).join(' or ')}${unitExample(wanted[0])}`, x.range);
      return T.error;
    }
    if (wanted.some((w) => accepts(w, t))) return t;
    const sameKind = wanted.find((w) => w.kind === t.kind);
    if (sameKind) {
      report('Q3006', `${where} needs ${describe(sameKind)}, not ${describe(t)}`, x.range);
      return T.error;
    }
    if (isBareLiteral(x) && wanted[0]) {
      report('Q3007', `give ${x.text} a unit: ${where} needs ${wanted.map(describe).join(' or ')}${unitExample(wanted[0])}`, x.range);
      return T.error;
    }
    report('Q3003', `${where} needs ${wanted.map(describe).join(' or ')}, not ${describe(t)}`, x.range);
    return T.error;
  };

  /** Counts (levels, level indexes) are whole numbers made of literals and params, so they can be checked before running. */
  const expectCount = (x: A.Expr, t: Ty, where: string): Ty => {
    if (t.kind === 'error') return t;
    if (!isDimensionless(t) || t.kind === 'bps') {
      report('Q3003', `${where} needs a whole number, not ${describe(t)}`, x.range);
      return T.error;
    }
    const deps = paramDependencies(x, c);
    if (!deps) {
      report('Q3005', `${where} must be a whole number or a param, known before the strategy runs, not market data`, x.range);
      return T.error;
    }
    const v = constValue(x, c, baseValue);
    if (typeof v === 'number' && !Number.isInteger(v)) {
      report('Q3011', `${where} needs a whole number, not ${printExpr(x)} = ${v}`, x.range);
      return T.error;
    }
    for (const name of deps) if (!integerUses.has(name)) integerUses.set(name, x.range);
    return T.count;
  };

  /** A value that must be known before running: literals and params no scenario or adapt rule changes. */
  const fixedValue = (x: A.Expr, scope: Scope, what: string, want: Ty | Ty[]): number | undefined => {
    const t = typeOf(x, scope);
    const wanted = Array.isArray(want) ? want : [want];
    const checkedT = wanted[0]?.kind === 'count' ? expectCount(x, t, what) : expectType(x, t, wanted, what);
    if (checkedT.kind === 'error') return undefined;
    const deps = paramDependencies(x, c);
    if (!deps) {
      report('Q3005', `${what} must be fixed before the strategy runs: use a number or a param, not market data`, x.range);
      return undefined;
    }
    fixedUses.push({ expr: x, what, deps });
    const v = constValue(x, c, baseValue);
    if (typeof v !== 'number') return undefined;
    if (!Number.isFinite(v)) {
      report('Q3012', `${what} computes to ${v}, not a finite number`, x.range);
      return undefined;
    }
    c.fixed.set(x, v);
    return v;
  };

  const fixedDuration = (x: A.Expr, scope: Scope, what: string, opts: { allowZero?: boolean } = {}): number | undefined => {
    const v = fixedValue(x, scope, what, T.duration);
    if (v === undefined) return undefined;
    if (v < 0 || (v === 0 && !opts.allowZero)) {
      report('Q4008', `${what} must be ${opts.allowZero ? 'at least 0' : 'longer than 0'}`, x.range);
      return undefined;
    }
    return v;
  };

  const baseValue = (name: string): number | boolean | undefined => c.params.get(name)?.value;

  // ---------- params ----------

  const paramFacts = (name: string): ParamFacts | undefined => c.params.get(name);

  const paramPosition = new Map([...decls.params.keys()].map((name, i) => [name, i]));
  for (const [index, [name, p]] of [...decls.params].entries()) {
    // A param's value may use params declared before it, never after (no cycles to untangle).
    const usesLater = (e: A.Expr): boolean => {
      let found = false;
      visitNames(e, (n) => {
        if ((paramPosition.get(n.name) ?? -1) >= index) {
          found = true;
          report('Q2001', `param ${name} can only use params declared before it; move ${n.name} up`, n.range);
        }
      });
      return found;
    };
    if (usesLater(p.value) || (p.bounds && (usesLater(p.bounds.lo) || usesLater(p.bounds.hi)))) continue;
    const t = typeOf(p.value, globalScope);
    if (t.kind === 'error') continue;
    if (t.kind === 'string') continue;
    const v = constValue(p.value, c, baseValue);
    if (v === undefined || paramDependencies(p.value, c) === undefined) {
      report('Q3005', `param ${name} must have a fixed value (numbers, units and earlier params), not market data`, p.value.range);
      continue;
    }
    if (typeof v === 'number' && !Number.isFinite(v)) {
      report('Q3012', `param ${name} computes to ${v}, not a finite number`, p.value.range);
      continue;
    }
    const facts: ParamFacts = { type: t, value: v, integer: false, range: typeof v === 'number' ? [v, v] : undefined, overridden: false, adapted: false };
    if (p.bounds) {
      const lo = boundValue(p.bounds.lo, t, name);
      const hi = boundValue(p.bounds.hi, t, name);
      if (lo !== undefined && hi !== undefined) {
        if (lo > hi) {
          report('Q4002', `bounds of ${name} are in the wrong order: ${p.bounds.lo.range.start.line === p.bounds.hi.range.start.line ? '' : ''}the low bound is above the high bound`, p.bounds.lo.range);
        } else {
          facts.bounds = { lo, hi };
          if (typeof v === 'number' && (v < lo || v > hi)) {
            report('Q4001', `${name} = ${sourceOf(p.value)} is outside its bounds [${sourceOf(p.bounds.lo)}, ${sourceOf(p.bounds.hi)}]`, p.value.range);
          }
        }
      }
    }
    c.params.set(name, facts);
  }

  function boundValue(e: A.Expr, paramType: Ty, name: string): number | undefined {
    const t = typeOf(e, globalScope);
    if (t.kind === 'error') return undefined;
    if (paramType.kind === 'bool') {
      report('Q3003', `${name} is a true/false param and cannot have bounds`, e.range);
      return undefined;
    }
    const forgotUnit = isBareLiteral(e) && !isZero(e) && paramType.kind !== 'ratio' && paramType.kind !== 'count';
    if (forgotUnit || (!isZero(e) && !accepts(paramType, t) && !(isDimensionless(paramType) && isDimensionless(t) && paramType.kind !== 'bps' && t.kind !== 'bps'))) {
      report(isBareLiteral(e) ? 'Q3007' : 'Q3003', `bounds of ${name} must be ${describe(paramType)}${isBareLiteral(e) ? unitExample(paramType) : `, not ${describe(t)}`}`, e.range);
      return undefined;
    }
    const v = constValue(e, c, baseValue);
    if (typeof v !== 'number') {
      report('Q3005', `bounds of ${name} must be fixed values`, e.range);
      return undefined;
    }
    if (!Number.isFinite(v)) {
      report('Q3012', `a bound of ${name} computes to ${v}, not a finite number`, e.range);
      return undefined;
    }
    return v;
  }

  // ---------- declarations ----------

  for (const s of decls.signals.values()) signalType(s, s.name.range);

  for (const [alias, f] of decls.fairs) {
    const market = decls.markets.get(alias);
    if (!market) continue;
    const t = typeOf(f.value, { market });
    expectType(f.value, t, [market.types.price], `the fair value of ${alias}`);
  }

  // A fair value may read signals and other markets' fair values, but never (through them) itself.
  for (const [alias, f] of decls.fairs) {
    const path = fairCycle(alias, f.value, new Set());
    if (path) report('Q2008', `the fair value of ${alias} depends on itself (${[alias, ...path].join(' → ')})`, f.range);
  }

  function fairCycle(alias: string, e: A.Expr, seen: Set<string>): string[] | undefined {
    let found: string[] | undefined;
    visitNames(e, (n) => {
      if (found) return;
      const r = c.resolutions.get(n);
      if (r?.kind === 'fair') {
        if (r.market === alias) found = [`fair ${alias}`];
        else if (!seen.has(`fair ${r.market}`)) {
          seen.add(`fair ${r.market}`);
          const other = decls.fairs.get(r.market);
          const rest = other ? fairCycle(alias, other.value, seen) : undefined;
          if (rest) found = [`fair ${r.market}`, ...rest];
        }
      } else if (r?.kind === 'signal' && !seen.has(r.name)) {
        seen.add(r.name);
        const s = decls.signals.get(r.name);
        const rest = s ? fairCycle(alias, s.value, seen) : undefined;
        if (rest) found = [r.name, ...rest];
      }
    });
    return found;
  }

  for (const [alias, q] of decls.quotes) {
    const market = decls.markets.get(alias);
    if (!market) continue;
    checkQuote(q, market);
  }

  function checkQuote(q: A.QuoteBlock, market: MarketSym): void {
    const bindings = new Map<string, A.Assignment>();
    const seenClauses = new Map<string, A.SourceRange>();
    for (const entry of q.entries) {
      if (entry.kind === 'binding') {
        const id = entry.assignment.name;
        const prior = bindings.get(id.name);
        if (prior) {
          report('Q2002', `${id.name} is already defined at line ${prior.name.range.start.line}`, id.range);
          continue;
        }
        if (decls.params.has(id.name) || decls.signals.has(id.name) || reservedNames.has(id.name) || decls.markets.has(id.name)) {
          report('Q2007', `'${id.name}' is already a ${decls.params.has(id.name) ? 'param' : decls.signals.has(id.name) ? 'signal' : decls.markets.has(id.name) ? 'market' : 'built-in'}; give this value another name`, id.range);
          continue;
        }
        bindings.set(id.name, entry.assignment);
      } else {
        const prior = seenClauses.get(entry.kind);
        if (prior) report('Q2002', `${entry.kind} is already given at line ${prior.start.line}`, entry.range);
        else seenClauses.set(entry.kind, entry.range);
      }
    }
    const scope: Scope = { market, quote: { alias: market.alias, bindings } };
    for (const b of bindings.values()) bindingType(b, scope, b.name.range);

    const price = market.types.price;
    const qty = market.types.qty;
    const need = (name: string, want: Ty): void => {
      const b = bindings.get(name);
      if (b) expectType(b.value, c.types.get(b.value) ?? T.error, [want], `${name} of ${market.alias}`);
    };
    need('bid', price);
    need('ask', price);
    need('size', qty);
    need('bid_size', qty);
    need('ask_size', qty);
    const missing = ['bid', 'ask'].filter((n) => !bindings.has(n));
    const hasSizes = bindings.has('size') || (bindings.has('bid_size') && bindings.has('ask_size'));
    if (missing.length > 0 || !hasSizes) {
      const parts = [...missing.map((m) => `${m} = …`), ...(hasSizes ? [] : [bindings.has('bid_size') ? 'ask_size = …' : bindings.has('ask_size') ? 'bid_size = …' : 'size = …'])];
      report('Q4003', `quote ${market.alias} needs ${parts.join(', ')}`, q.market.range);
    }
    for (const entry of q.entries) {
      switch (entry.kind) {
        case 'ladder': {
          if (expectCount(entry.levels, typeOf(entry.levels, scope), 'ladder levels').kind !== 'error') {
            const iv = interval(entry.levels, c, (n) => c.params.get(n)?.range);
            const v = constValue(entry.levels, c, baseValue);
            if (typeof v === 'number' && v < 1) report('Q4008', `ladder levels must be at least 1, not ${v}`, entry.levels.range);
            else if (iv && iv[1] > 1000) report('Q4008', `ladder levels can reach ${iv[1]}; at most 1000 levels a side are allowed`, entry.levels.range);
          }
          expectType(entry.step, typeOf(entry.step, scope), [T.bps, price], 'the ladder step');
          break;
        }
        case 'refresh':
          if (entry.moved) expectType(entry.moved, typeOf(entry.moved, scope), [T.bps, price], 'the refresh tolerance');
          if (entry.every) fixedDuration(entry.every, scope, 'refresh every');
          break;
        case 'min_interval':
          fixedDuration(entry.value, scope, 'min_interval', { allowZero: true });
          break;
        case 'smooth':
          fixedDuration(entry.value, scope, 'the smoothing half-life');
          break;
        case 'binding':
          break;
      }
    }
  }

  // ---------- scenarios ----------

  for (const s of decls.scenarios) {
    expectBool(typeOf(s.when, globalScope), s.when, `scenario ${s.name.name}`);
    if (s.exitWhen) expectBool(typeOf(s.exitWhen, globalScope), s.exitWhen, `the exit condition of ${s.name.name}`);
    if (s.for) fixedDuration(s.for, globalScope, `'for' of scenario ${s.name.name}`, { allowZero: true });
    if (s.hold) fixedDuration(s.hold, globalScope, `'hold' of scenario ${s.name.name}`, { allowZero: true });
    const overrides: Array<{ param: string; value: number | boolean }> = [];
    const seen = new Set<string>();
    for (const st of s.body) {
      if (st.kind !== 'override') continue;
      const { name, value } = st.assignment;
      if (!decls.params.has(name.name)) {
        const guess = nearest(name.name, [...decls.params.keys()]);
        report('Q2006', `scenarios override params, and there is no param '${name.name}'${guess ? `; did you mean ${guess}?` : ''}`, name.range, guess ? { suggestion: guess } : {});
        continue;
      }
      if (seen.has(name.name)) {
        report('Q2002', `${name.name} is overridden twice in scenario ${s.name.name}`, name.range);
        continue;
      }
      seen.add(name.name);
      const facts = c.params.get(name.name);
      if (!facts) continue;
      const t = typeOf(value, globalScope);
      if (t.kind === 'error') continue;
      if (expectType(value, t, [facts.type.kind === 'count' ? T.ratio : facts.type], `the override of ${name.name}`).kind === 'error') continue;
      const v = constValue(value, c, baseValue);
      if (v === undefined || paramDependencies(value, c) === undefined) {
        report('Q3005', `the override of ${name.name} must be a fixed value`, value.range);
        continue;
      }
      if (typeof v === 'number' && !Number.isFinite(v)) {
        report('Q3012', `the override of ${name.name} computes to ${v}, not a finite number`, value.range);
        continue;
      }
      if (typeof v === 'number' && facts.bounds && (v < facts.bounds.lo || v > facts.bounds.hi)) {
        const decl = decls.params.get(name.name);
        report('Q4001', `scenario ${s.name.name} sets ${name.name} = ${sourceOf(value)}, outside its bounds${decl?.bounds ? ` [${sourceOf(decl.bounds.lo)}, ${sourceOf(decl.bounds.hi)}]` : ''}`, value.range);
      }
      facts.overridden = true;
      if (typeof v === 'number' && facts.range) facts.range = [Math.min(facts.range[0], v), Math.max(facts.range[1], v)];
      overrides.push({ param: name.name, value: v });
    }
    const pause = s.body.find((st) => st.kind === 'pause');
    if (pause && overrides.length > 0) {
      report('Q4013', `scenario ${s.name.name} pauses quoting, so its overrides never apply; remove them or the pause`, pause.range);
    }
    c.overrides.set(s, overrides);
  }

  // ---------- risk ----------

  for (const rule of decls.risk) checkRiskRule(rule);

  function marketOf(id: A.Ident | undefined): MarketSym | undefined {
    if (!id) return undefined;
    const m = decls.markets.get(id.name);
    if (!m) reportUnknownMarket(id, decls, report);
    return m;
  }

  function checkRiskRule(rule: A.RiskRuleAst): void {
    switch (rule.kind) {
      case 'position': {
        const m = marketOf(rule.market);
        const t = typeOf(rule.limit, globalScope);
        const assetsOk = m ? [m.types.qty] : [T.qty()];
        expectType(rule.limit, t, assetsOk, 'a position limit');
        if (!m && t.kind === 'qty' && t.asset && ![...decls.markets.values()].some((x) => x.market.base === t.asset)) {
          report('Q3006', `no declared market trades ${t.asset}`, rule.limit.range);
        }
        positiveLimit(rule.limit, 'a position limit');
        break;
      }
      case 'notional': {
        const m = marketOf(rule.market);
        expectType(rule.limit, typeOf(rule.limit, globalScope), [m?.types.notional ?? decls.primary?.types.notional ?? T.notional()], 'a notional limit');
        positiveLimit(rule.limit, 'a notional limit');
        break;
      }
      case 'credit': {
        // The venue is one the strategy's markets trade on; the limit is a notional (valued in the
        // first market's quote currency, like loss limits).
        const venues = [...new Set([...decls.markets.values()].map((m) => m.market.venue))];
        if (!venues.includes(rule.venue.name)) {
          const guess = venues.length > 0 ? closest(rule.venue.name, venues) : undefined;
          report('Q2003', `no market of this strategy trades on venue '${rule.venue.name}'${guess ? `; did you mean ${guess}?` : ''}`, rule.venue.range, guess ? { suggestion: guess } : {});
        }
        expectType(rule.limit, typeOf(rule.limit, globalScope), [decls.primary?.types.notional ?? T.notional()], 'a credit limit');
        positiveLimit(rule.limit, 'a credit limit');
        break;
      }
      case 'loss':
      case 'drawdown':
        expectType(rule.limit, typeOf(rule.limit, globalScope), [decls.primary?.types.notional ?? T.notional()], `a ${rule.kind} limit`);
        positiveLimit(rule.limit, `a ${rule.kind} limit`);
        break;
      case 'order_rate': {
        marketOf(rule.market);
        const t = typeOf(rule.limit, globalScope);
        if (t.kind !== 'error' && (!isDimensionless(t) || t.kind === 'bps')) report('Q3003', `an order-rate limit is a count of orders, not ${describe(t)}`, rule.limit.range);
        else if (expectCount(rule.limit, t, 'an order-rate limit').kind !== 'error') positiveLimit(rule.limit, 'an order-rate limit');
        fixedDuration(rule.per, globalScope, "the window after 'per'");
        break;
      }
      case 'price_band': {
        const m = marketOf(rule.market);
        const price = m?.types.price ?? T.price();
        expectType(rule.width, typeOf(rule.width, globalScope), [T.bps, price], 'the price band width');
        expectType(rule.reference, typeOf(rule.reference, globalScope), [price], 'the price band reference');
        break;
      }
      case 'condition':
        expectBool(typeOf(rule.condition, globalScope), rule.condition, 'a risk condition');
        break;
    }
  }

  function positiveLimit(e: A.Expr, what: string): void {
    if ((c.types.get(e) ?? T.error).kind === 'error') return;
    if (!paramDependencies(e, c)) {
      report('Q4011', `${what} that moves with market data cannot be shown to a risk manager as a fixed worst case; prefer a param with bounds`, e.range);
      return;
    }
    // Checked once every scenario override and adaptation range is known (see the end of check).
    limitChecks.push({ e, what });
  }

  // ---------- hedges ----------

  for (const h of decls.hedges) {
    const source = h.source ? marketOf(h.source) : decls.primary;
    expectBool(typeOf(h.when, { market: source }), h.when, 'a hedge trigger');
    for (const r of h.repeated) report('Q2002', 'this hedge clause is given twice', r);
    if (!h.on) {
      report('Q4007', "a hedge needs 'on' naming the market to hedge on, like: on h", h.range);
    } else {
      const target = marketOf(h.on);
      if (target && source && target.alias === source.alias) report('Q4007', `a hedge must go to another market than ${source.alias}`, h.on.range);
      if (h.target && target) expectType(h.target, typeOf(h.target, { market: target }), [target.types.qty], 'the hedge target');
      if (h.slippage && target) expectType(h.slippage, typeOf(h.slippage, { market: target }), [T.bps, target.types.price], 'the hedge slippage');
    }
    if (h.ratio) {
      const t = typeOf(h.ratio, { market: source });
      if (t.kind !== 'error' && !isDimensionless(t)) report('Q3003', `a hedge ratio is a plain number, not ${describe(t)}`, h.ratio.range);
    }
  }

  // ---------- adaptation ----------

  for (const a of decls.adapts) {
    const facts = c.params.get(a.param.name);
    const decl = decls.params.get(a.param.name);
    if (!decl) {
      const guess = nearest(a.param.name, [...decls.params.keys()]);
      report('Q2006', `there is no param '${a.param.name}' to adapt${guess ? `; did you mean ${guess}?` : ''}`, a.param.range, guess ? { suggestion: guess } : {});
      typeOf(a.toward, globalScope);
      continue;
    }
    c.used.add(a.param.name);
    if (!facts) continue;
    const t = typeOf(a.toward, globalScope);
    expectType(a.toward, t, [facts.type.kind === 'count' ? T.ratio : facts.type], `the target of adapt ${a.param.name}`);
    fixedDuration(a.every, globalScope, "adapt's 'every'");
    if (a.rate) {
      const r = fixedValue(a.rate, globalScope, "adapt's rate", [T.ratio, T.bps]);
      if (r !== undefined && (r <= 0 || r > 1)) report('Q4012', `rate ${sourceOf(a.rate)} is outside (0, 1]: it is the fraction of the gap closed at each step`, a.rate.range);
    }
    if (!facts.bounds) {
      report('Q4006', `${a.param.name} has no bounds, so adapting it is not allowed; declare them: ${a.param.name} = … in [lo, hi]`, a.param.range);
      continue;
    }
    let lo = facts.bounds.lo;
    let hi = facts.bounds.hi;
    if (a.within?.kind === 'range') {
      const wlo = boundValue(a.within.lo, facts.type, a.param.name);
      const whi = boundValue(a.within.hi, facts.type, a.param.name);
      if (wlo !== undefined && whi !== undefined) {
        if (wlo > whi) report('Q4002', 'the adapt range is in the wrong order', a.within.range);
        else if (wlo < facts.bounds.lo || whi > facts.bounds.hi) report('Q4006', `adapt range of ${a.param.name} reaches outside its approved bounds`, a.within.range);
        else [lo, hi] = [wlo, whi];
      }
    }
    facts.adapted = true;
    c.adaptBounds.set(a, { lo, hi });
    if (facts.range) facts.range = [Math.min(facts.range[0], lo), Math.max(facts.range[1], hi)];
  }

  // ---------- stress scenarios required before approval ----------

  const stressSeen = new Map<string, A.Ident>();
  for (const id of decls.stress) {
    if (!stressScenarioNames.includes(id.name)) {
      const guess = nearest(id.name, [...stressScenarioNames]);
      report('Q2013', `'${id.name}' is not a stress scenario; they are ${stressScenarioNames.join(', ')}${guess ? `; did you mean ${guess}?` : ''}`, id.range, guess ? { suggestion: guess } : {});
      continue;
    }
    const prior = stressSeen.get(id.name);
    if (prior) report('Q2002', `stress scenario ${id.name} is listed twice`, id.range, { related: [{ message: 'first listed here', range: prior.range }] });
    else stressSeen.set(id.name, id);
  }

  // ---------- whole-program checks ----------

  // Scenario overrides by param, in scenario order: one pass instead of one per integer param.
  const overridesOf = new Map<string, Array<{ s: A.ScenarioDecl; value: number | boolean }>>();
  if (integerUses.size > 0) {
    for (const [s, overrides] of c.overrides) {
      for (const o of overrides) {
        const list = overridesOf.get(o.param);
        if (list) list.push({ s, value: o.value });
        else overridesOf.set(o.param, [{ s, value: o.value }]);
      }
    }
  }
  for (const [name, range] of integerUses) {
    const facts = c.params.get(name);
    const decl = decls.params.get(name);
    if (!facts || !decl) continue;
    facts.integer = true;
    if (isDimensionless(facts.type)) facts.type = T.count;
    const bad = [facts.value, facts.bounds?.lo, facts.bounds?.hi].some((v) => typeof v === 'number' && !Number.isInteger(v));
    if (bad) report('Q3011', `${name} is used as a count (line ${range.start.line}), so its value and bounds must be whole numbers`, decl.value.range);
    for (const { s, value } of overridesOf.get(name) ?? []) {
      if (typeof value === 'number' && !Number.isInteger(value)) {
        report('Q3011', `${name} is a count, so scenario ${s.name.name} must set a whole number`, s.name.range);
      }
    }
  }

  for (const use of fixedUses) {
    for (const dep of use.deps) {
      const facts = c.params.get(dep);
      if (facts && (facts.overridden || facts.adapted)) {
        report('Q3005', `${use.what} must stay fixed, but ${dep} is ${facts.overridden ? 'overridden by a scenario' : 'adapted'}`, use.expr.range);
      }
    }
  }

  for (const { e, what } of limitChecks) {
    const iv = interval(e, c, (name) => c.params.get(name)?.range);
    const v = constValue(e, c, baseValue);
    if (typeof v === 'number' && !Number.isFinite(v)) report('Q3012', `${what} computes to ${v}, not a finite number`, e.range);
    else if (typeof v === 'number' && v <= 0) report('Q4008', `${what} must be greater than 0`, e.range);
    else if (iv && (!Number.isFinite(iv[0]) || !Number.isFinite(iv[1]))) report('Q3012', `${what} can reach ${Number.isFinite(iv[0]) ? iv[1] : iv[0]}, not a finite number`, e.range);
    else if (iv && iv[0] <= 0) report('Q4008', `${what} must stay greater than 0, but a scenario override or adaptation can take it to ${iv[0]}`, e.range);
    else if (!iv) report('Q4011', `${what} has no worst case the compiler can show (use params, numbers and + − × ÷ min max)`, e.range);
  }

  for (const name of decls.params.keys()) {
    if (!c.used.has(name)) report('Q4010', `param ${name} is never used`, decls.params.get(name)?.name.range ?? decls.primary?.decl.range ?? emptyRange);
  }
  for (const [name, s] of decls.signals) {
    if (!c.used.has(name)) report('Q4010', `signal ${name} is never used`, s.name.range);
  }
  for (const [alias, q] of decls.quotes) {
    const m = decls.markets.get(alias);
    if (!m) continue;
    const covered = decls.risk.some((r) => r.kind === 'position' && (r.market ? r.market.name === alias : limitAsset(r.limit) === undefined || limitAsset(r.limit) === m.market.base));
    if (!covered) report('Q4009', `nothing limits the position in ${alias}; add to the risk block: position ${alias === decls.primary?.alias ? '' : `${alias} `}abs <= max_position -> reduce_only`, q.market.range);
  }

  function limitAsset(e: A.Expr): string | undefined {
    return c.types.get(e)?.asset;
  }

  return c;

  function sourceOf(e: A.Expr): string {
    return printExpr(e);
  }
}

const emptyRange: A.SourceRange = { start: { line: 1, col: 1, offset: 0 }, end: { line: 1, col: 1, offset: 0 } };

/** What `combine` counts as a unit: anything but plain numbers, counts, conditions and errors. */
function hasUnit(t: Ty): boolean {
  return t.kind !== 'ratio' && t.kind !== 'count' && t.kind !== 'error' && t.kind !== 'bool';
}

function unitExample(t: Ty): string {
  switch (t.kind) {
    case 'bps': return ', like 5 bps';
    case 'duration': return ', like 5s';
    case 'qty': return t.asset ? `, like 0.1 ${t.asset}` : '';
    case 'notional': return t.asset ? `, like 1000 ${t.asset}` : '';
    default: return '';
  }
}

/** Asset codes usable as units: bases become quantities, quote currencies notionals. */
function assetTable(decls: Declarations): Map<string, Ty> {
  const table = new Map<string, Ty>();
  for (const m of decls.markets.values()) table.set(m.market.quote, T.notional(m.market.quote));
  // Bases win over quotes: in BTC/USDT and ETH/BTC, "0.1 BTC" is a quantity.
  for (const m of decls.markets.values()) table.set(m.market.base, T.qty(m.market.base));
  return table;
}

function visitNames(e: A.Expr, f: (n: Extract<A.Expr, { kind: 'name' }>) => void): void {
  switch (e.kind) {
    case 'name': f(e); break;
    case 'paren': visitNames(e.inner, f); break;
    case 'unary': visitNames(e.operand, f); break;
    case 'binary': visitNames(e.left, f); visitNames(e.right, f); break;
    case 'if': visitNames(e.cond, f); visitNames(e.then, f); visitNames(e.else, f); break;
    case 'call': e.args.forEach((a) => visitNames(a.value, f)); break;
    case 'event': visitNames(e.within, f); break;
    default: break;
  }
}

export { interval };
