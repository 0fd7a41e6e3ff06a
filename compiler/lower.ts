// Lowering: checked AST → plan. Expressions become one flat node list in topological order
// (arguments always before their users), with identical subexpressions shared, so the runtime
// evaluates a plan in one forward pass with no recursion. Runs only on programs without errors.
import type * as A from '../dsl/ast.js';
import { printExpr } from '../dsl/print.js';
import type * as P from '../schemas/generated/plan.js';
import type { Declarations, MarketSym } from './binder.js';
import type { BuiltinSpec } from './builtins.js';
import type { Checked, Resolution } from './checker.js';
import { interval, type Interval } from './evaluate.js';
import { structuralHash } from './hash.js';
import { T, type Ty } from './units.js';

/** The plan before hashing: everything but `hash`. */
export type UnhashedPlan = Omit<P.Plan, 'hash'>;

interface Ctx {
  market: MarketSym | undefined;
}

class NodeTable {
  readonly nodes: P.Node[] = [];
  readonly ranges: P.Range[] = [];
  private readonly identities: string[] = [];
  /** Structural keys, computed on demand: only stateful nodes (and what feeds them) need one. */
  private readonly structKeys: Array<string | undefined> = [];
  private readonly byShape = new Map<string, number>();

  /** Adds a node unless an identical one exists; `identity` is what makes it the same computation across plans. */
  add(node: P.Node, identity: string, range: A.SourceRange): number {
    const shape = 'args' in node ? `${identity}|${node.args.join(',')}` : identity;
    const existing = this.byShape.get(shape);
    if (existing !== undefined) return existing;
    const index = this.nodes.length;
    this.nodes.push(node);
    this.ranges.push(toPlanRange(range));
    this.identities.push(identity);
    this.byShape.set(shape, index);
    return index;
  }

  /** A hash of the node's identity and its arguments' keys: equal in two plans means the same computation. */
  keyOf(index: number): string {
    const known = this.structKeys[index];
    if (known !== undefined) return known;
    const node = this.nodes[index];
    const childKeys = node && 'args' in node ? node.args.map((a) => this.keyOf(a)) : [];
    const key = structuralHash(`${this.identities[index] ?? ''}(${childKeys.join(',')})`);
    this.structKeys[index] = key;
    return key;
  }
}

export function toPlanRange(r: A.SourceRange): P.Range {
  const endCol = r.end.line === r.start.line ? Math.max(r.start.col, r.end.col - 1) : Math.max(1, r.end.col - 1);
  return [r.start.line, r.start.col, Math.max(r.start.line, r.end.line), endCol];
}

function valueType(t: Ty | undefined): P.ValueType {
  if (!t || t.kind === 'error' || t.kind === 'string') return { kind: 'ratio' };
  return t.asset ? { kind: t.kind, asset: t.asset } : { kind: t.kind };
}

export function lower(ast: A.StrategyAst, decls: Declarations, c: Checked, file: string): UnhashedPlan {
  const table = new NodeTable();
  const items: Record<string, P.Range> = {};
  const signalNodes = new Map<string, number>();
  const bindingNodes = new Map<A.Assignment, number>();
  const fairNodes = new Map<string, number>();
  const events = new Set<string>();
  const global: Ctx = { market: decls.primary };

  const typeOf = (e: A.Expr): P.ValueType => valueType(c.types.get(e));
  const constNode = (value: number | boolean, type: P.ValueType, range: A.SourceRange): number =>
    table.add({ op: 'const', value, type }, `const:${String(value)}:${type.kind}:${type.asset ?? ''}`, range);

  const paramRange = (name: string): Interval | undefined => c.params.get(name)?.range;

  const expr = (e: A.Expr, ctx: Ctx): number => {
    switch (e.kind) {
      case 'number': return constNode(c.literals.get(e) ?? e.value, typeOf(e), e.range);
      case 'duration': return constNode(e.seconds, { kind: 'duration' }, e.range);
      case 'bool': return constNode(e.value, { kind: 'bool' }, e.range);
      case 'paren': return expr(e.inner, ctx);
      case 'name': return name(e, ctx);
      case 'member':
      case 'call': {
        const r = c.resolutions.get(e);
        if (r?.kind !== 'builtin') throw new Error(`unresolved call at ${e.range.start.line}:${e.range.start.col}`);
        return builtin(e, r, ctx);
      }
      case 'unary': {
        const a = expr(e.operand, ctx);
        const op = e.op === '-' ? 'neg' : 'not';
        return table.add({ op, args: [a], type: typeOf(e) }, op, e.range);
      }
      case 'binary': {
        const a = expr(e.left, ctx);
        const b = expr(e.right, ctx);
        const op = binaryOps[e.op];
        return table.add({ op, args: [a, b], type: typeOf(e) }, `${op}:${typeOf(e).kind}`, e.range);
      }
      case 'if': {
        const args: [number, number, number] = [expr(e.cond, ctx), expr(e.then, ctx), expr(e.else, ctx)];
        return table.add({ op: 'if', args, type: typeOf(e) }, 'if', e.range);
      }
      case 'event': {
        events.add(e.name);
        const withinSec = c.fixed.get(e.within) ?? 0;
        return table.add({ op: 'event', name: e.name, withinSec, type: { kind: 'bool' } }, `event:${e.name}:${withinSec}`, e.range);
      }
      case 'string':
      case 'error':
        throw new Error(`cannot lower ${e.kind} at ${e.range.start.line}:${e.range.start.col}`);
    }
  };

  const name = (e: Extract<A.Expr, { kind: 'name' }>, ctx: Ctx): number => {
    const r = c.resolutions.get(e);
    switch (r?.kind) {
      case 'param': {
        const facts = c.params.get(r.name);
        const type = valueType(facts?.type);
        // The identity includes the base value: state fed by a param whose value changed starts afresh on swap.
        return table.add({ op: 'param', param: r.name, type }, `param:${r.name}=${String(facts?.value)}`, e.range);
      }
      case 'signal': return signal(r.name);
      case 'binding': return binding(e, r, ctx);
      case 'fair': return fair(r.market);
      case 'builtin': return builtin(e, r, ctx);
      default: throw new Error(`unresolved name ${e.name}`);
    }
  };

  const signal = (n: string): number => {
    const known = signalNodes.get(n);
    if (known !== undefined) return known;
    const decl = decls.signals.get(n);
    if (!decl) throw new Error(`unknown signal ${n}`);
    const idx = expr(decl.value, global);
    signalNodes.set(n, idx);
    return idx;
  };

  const quoteScopes = new Map<string, Map<string, A.Assignment>>();
  const binding = (e: A.Expr, r: Extract<Resolution, { kind: 'binding' }>, ctx: Ctx): number => {
    const a = quoteScopes.get(r.quote)?.get(r.name);
    if (!a) throw new Error(`unknown binding ${r.name} at ${e.range.start.line}`);
    const known = bindingNodes.get(a);
    if (known !== undefined) return known;
    const idx = expr(a.value, ctx);
    bindingNodes.set(a, idx);
    return idx;
  };

  const fair = (alias: string): number => {
    const known = fairNodes.get(alias);
    if (known !== undefined) return known;
    const market = decls.markets.get(alias);
    const decl = decls.fairs.get(alias);
    const idx = decl
      ? expr(decl.value, { market })
      : table.add({ op: 'book', market: alias, field: 'mid', args: [], type: valueType(market?.types.price) }, `book:${alias}:mid`, market?.decl.range ?? ast.range);
    fairNodes.set(alias, idx);
    return idx;
  };

  const builtin = (e: A.Expr, r: Extract<Resolution, { kind: 'builtin' }>, ctx: Ctx): number => {
    const spec: BuiltinSpec = r.spec;
    const type = typeOf(e);
    const argNode = (i: number): number => {
      const x = r.args[i];
      const a = spec.args[i];
      if (x) return a?.fixed ? constNode(c.fixed.get(x) ?? 0, typeOf(x), x.range) : expr(x, ctx);
      return constNode(a?.default ?? 0, a?.accepts === 'count' ? { kind: 'count' } : { kind: 'ratio' }, e.range);
    };
    const aliasArg = (i: number): string => {
      const x = r.args[i];
      return x?.kind === 'name' ? x.name : '';
    };
    const lw = spec.lower;
    switch (lw.to) {
      case 'book': {
        const market = r.market ?? '';
        const args = spec.args.map((_, i) => argNode(i));
        return table.add({ op: 'book', market, field: lw.field, args, type }, `book:${market}:${lw.field}`, e.range);
      }
      case 'stateful': {
        const node: P.StatefulNode = { op: 'stateful', fn: lw.fn, args: [], key: '', type };
        let identity = `stateful:${lw.fn}`;
        if (lw.window) {
          const windowSlot = spec.args.findIndex((a) => a.accepts === 'duration');
          const w = c.fixed.get(r.args[windowSlot] ?? e) ?? 0;
          node[lw.window] = w;
          identity += `:${lw.window}=${w}`;
        }
        if (spec.form === 'member' && r.market) {
          node.markets = [r.market];
        } else if (lw.fn === 'beta') {
          node.markets = [aliasArg(0), aliasArg(1)];
        } else {
          node.args = [argNode(0)];
        }
        if (node.markets) identity += `:${node.markets.join(',')}`;
        const idx = table.add(node, identity, e.range);
        node.key = table.keyOf(idx);
        return idx;
      }
      case 'op': {
        const count = Math.max(spec.args.length, r.args.length);
        const [first, ...others] = Array.from({ length: count }, (_, i) => argNode(i));
        if (first === undefined) throw new Error(`${spec.name} without arguments`);
        return table.add({ op: lw.op, args: [first, ...others], type }, `${lw.op}:${type.kind}`, e.range);
      }
      case 'account': {
        const market = spec.form === 'member' ? r.market : lw.field === 'pnl' || lw.field === 'daily_pnl' ? undefined : ctx.market?.alias;
        const node: P.AccountNode = market ? { op: 'account', field: lw.field, market, type } : { op: 'account', field: lw.field, type };
        return table.add(node, `account:${lw.field}:${market ?? '*'}`, e.range);
      }
      case 'clock':
        return table.add({ op: 'clock', field: lw.field, type }, `clock:${lw.field}`, e.range);
      case 'round_tick': {
        const market = aliasArg(1);
        return table.add({ op: 'round_tick', market, mode: lw.mode, args: [argNode(0)], type }, `round_tick:${market}:${lw.mode}`, e.range);
      }
    }
  };

  // ---------- items ----------

  const markets = [...decls.markets.values()].map((m) => {
    items[`markets/${m.alias}`] = toPlanRange(m.decl.range);
    return m.market;
  });

  const params: P.Param[] = [];
  for (const [pname, decl] of decls.params) {
    const facts = c.params.get(pname);
    if (!facts) continue;
    items[`params/${pname}`] = toPlanRange(decl.range);
    const p: P.Param = {
      name: pname,
      value: facts.value,
      type: valueType(facts.type),
      integer: facts.integer,
      display: printExpr(decl.value),
    };
    if (facts.bounds) p.bounds = { lo: facts.bounds.lo, hi: facts.bounds.hi };
    params.push(p);
  }

  const signals: P.NamedNode[] = [];
  for (const [sname, decl] of decls.signals) {
    items[`signals/${sname}`] = toPlanRange(decl.range);
    signals.push({ name: sname, node: signal(sname) });
  }

  const fairs: P.FairValue[] = markets.map((m) => ({ market: m.alias, node: fair(m.alias) }));

  const scenarios: P.Scenario[] = decls.scenarios.map((s, priority) => {
    items[`scenarios/${priority}`] = toPlanRange(s.range);
    const out: P.Scenario = {
      name: s.name.name,
      priority,
      enter: expr(s.when, global),
      enterAfterSec: s.for ? c.fixed.get(s.for) ?? 0 : 0,
      minHoldSec: s.hold ? c.fixed.get(s.hold) ?? 0 : 0,
      overrides: c.overrides.get(s) ?? [],
      pause: s.body.some((st) => st.kind === 'pause'),
      reduceOnly: s.body.some((st) => st.kind === 'reduce_only'),
    };
    if (s.exitWhen) out.exit = expr(s.exitWhen, global);
    return out;
  });

  const quotes: P.Quote[] = [];
  for (const [alias, q] of decls.quotes) {
    const market = decls.markets.get(alias);
    const ctx: Ctx = { market };
    const bindings = new Map<string, A.Assignment>();
    for (const entry of q.entries) if (entry.kind === 'binding') bindings.set(entry.assignment.name.name, entry.assignment);
    quoteScopes.set(alias, bindings);
    const lowerBinding = (a: A.Assignment): number => {
      const known = bindingNodes.get(a);
      if (known !== undefined) return known;
      const idx = expr(a.value, ctx);
      bindingNodes.set(a, idx);
      return idx;
    };
    const node = (n: string): number => {
      const a = bindings.get(n);
      if (!a) throw new Error(`quote ${alias} has no ${n}`);
      return lowerBinding(a);
    };
    // Each binding's own range (a shared node's range in `nodes` is where it first appeared).
    for (const [bname, a] of bindings) items[`quotes/${quotes.length}/${bname}`] = toPlanRange(a.value.range);
    const named: P.NamedNode[] = [];
    for (const [bname, a] of bindings) {
      if (bname === 'bid' || bname === 'ask' || bname === 'size' || bname === 'bid_size' || bname === 'ask_size') continue;
      named.push({ name: bname, node: lowerBinding(a) });
    }
    const size = bindings.has('size') ? node('size') : undefined;
    const out: P.Quote = {
      market: alias,
      bid: node('bid'),
      ask: node('ask'),
      bidSize: bindings.has('bid_size') ? node('bid_size') : size ?? node('bid_size'),
      askSize: bindings.has('ask_size') ? node('ask_size') : size ?? node('ask_size'),
      bindings: named,
      maxLevels: 1,
      minIntervalSec: 0,
    };
    for (const entry of q.entries) {
      switch (entry.kind) {
        case 'ladder': {
          out.ladder = { levels: expr(entry.levels, ctx), step: expr(entry.step, ctx) };
          const iv = interval(entry.levels, c, paramRange);
          out.maxLevels = Math.max(1, Math.floor(iv?.[1] ?? 1));
          break;
        }
        case 'refresh': {
          const refresh: NonNullable<P.Quote['refresh']> = {};
          if (entry.moved) refresh.tolerance = expr(entry.moved, ctx);
          if (entry.every) refresh.maxAgeSec = c.fixed.get(entry.every) ?? 1;
          out.refresh = refresh;
          break;
        }
        case 'min_interval':
          out.minIntervalSec = c.fixed.get(entry.value) ?? 0;
          break;
        case 'smooth':
          out.smoothing = { kind: 'ema', halflifeSec: c.fixed.get(entry.value) ?? 1 };
          break;
        case 'binding':
          break;
      }
    }
    items[`quotes/${quotes.length}`] = toPlanRange(q.range);
    quotes.push(out);
  }

  const risk: P.RiskRule[] = decls.risk.map((rule, i) => {
    const id = `risk/${i}`;
    items[id] = toPlanRange(rule.range);
    const base: P.RiskRule = { id, kind: rule.kind, action: rule.action.name };
    const withLimit = (limit: A.Expr): void => {
      base.limit = expr(limit, global);
      const iv = interval(limit, c, paramRange);
      if (iv) base.worstCase = iv[1];
    };
    switch (rule.kind) {
      case 'position': {
        if (rule.market) base.market = rule.market.name;
        base.side = rule.side;
        const asset = rule.market ? decls.markets.get(rule.market.name)?.market.base : c.types.get(rule.limit)?.asset ?? decls.primary?.market.base;
        if (asset) base.asset = asset;
        withLimit(rule.limit);
        break;
      }
      case 'notional':
        if (rule.market) base.market = rule.market.name;
        withLimit(rule.limit);
        break;
      case 'credit':
        base.venue = rule.venue.name;
        withLimit(rule.limit);
        break;
      case 'loss':
        base.period = rule.period;
        withLimit(rule.limit);
        break;
      case 'drawdown':
        withLimit(rule.limit);
        break;
      case 'order_rate':
        if (rule.market) base.market = rule.market.name;
        withLimit(rule.limit);
        base.perSec = c.fixed.get(rule.per) ?? 1;
        break;
      case 'price_band': {
        const market = rule.market?.name ?? marketOfPrice(c.types.get(rule.reference)) ?? decls.primary?.alias;
        if (market) base.market = market;
        base.limit = expr(rule.width, global);
        base.reference = expr(rule.reference, global);
        break;
      }
      case 'condition':
        base.condition = expr(rule.condition, global);
        break;
    }
    return base;
  });

  function marketOfPrice(t: Ty | undefined): string | undefined {
    if (!t?.asset) return undefined;
    return [...decls.markets.values()].find((m) => m.types.price.asset === t.asset)?.alias;
  }

  const hedges: P.HedgeRule[] = decls.hedges.map((h, i) => {
    const id = `hedges/${i}`;
    items[id] = toPlanRange(h.range);
    const source = h.source ? decls.markets.get(h.source.name) : decls.primary;
    const target = h.on ? decls.markets.get(h.on.name) : undefined;
    const out: P.HedgeRule = {
      id,
      source: source?.alias ?? '',
      market: target?.alias ?? '',
      trigger: expr(h.when, { market: source }),
      ratio: h.ratio ? expr(h.ratio, { market: source }) : constNode(1, { kind: 'ratio' }, h.range),
      target: h.target ? expr(h.target, { market: target }) : constNode(0, valueType(target?.types.qty ?? T.qty()), h.range),
      via: h.via?.value ?? 'taker',
    };
    if (h.slippage) out.maxSlippage = expr(h.slippage, { market: target });
    return out;
  });

  const adaptations: P.Adaptation[] = decls.adapts.map((a, i) => {
    const id = `adaptations/${i}`;
    items[id] = toPlanRange(a.range);
    const bounds = c.adaptBounds.get(a) ?? c.params.get(a.param.name)?.bounds ?? { lo: 0, hi: 0 };
    return {
      id,
      param: a.param.name,
      toward: expr(a.toward, global),
      everySec: c.fixed.get(a.every) ?? 1,
      rate: a.rate ? c.fixed.get(a.rate) ?? 1 : 1,
      bounds: { lo: bounds.lo, hi: bounds.hi },
    };
  });

  const [first, ...rest] = markets;
  if (!first) throw new Error('a plan needs at least one market');
  return {
    format: 'quoin.plan/1',
    strategy: { name: ast.name.value, version: ast.version.value },
    markets: [first, ...rest],
    params,
    nodes: table.nodes,
    signals,
    fair: fairs,
    scenarios,
    quotes,
    risk,
    hedges,
    adaptations,
    events: [...events].sort(),
    stress: [...new Set(decls.stress.map((s) => s.name))] as P.Plan['stress'],
    sourceMap: { file, nodes: table.ranges, items },
  };
}

const binaryOps = {
  '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '^': 'pow',
  '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge', '==': 'eq', '!=': 'ne', and: 'and', or: 'or',
} as const;
