// Plan IR → JavaScript. Each node becomes one statement `v[i] = …` in node order, so evaluation is a
// straight line with no recursion, no dispatch and no allocation. The code is generated only from
// the typed plan (op names map to fixed templates; the only values spliced in are integers and
// finite numbers that the plan schema validated) — never from DSL source text.
import type { Node, Plan } from '../../schemas/generated/plan.js';

export interface GeneratedEvaluator {
  /** Body of `function (v, tk, P, M, A, S, E, t)` evaluating the nodes every evaluation needs. */
  always: string;
  /** Body of the same signature evaluating the nodes only quotes need (run when quoting). */
  quote: string;
  /** Body re-evaluating the non-stateful `always` nodes that depend on a param, after params change mid-evaluation (a scenario switch). */
  params: string;
  /**
   * Body computing the nodes that depend on params and constants only (2 / gamma, ln(1 + gamma /
   * kappa)): run when params change, not at every evaluation. The other parts leave them out.
   */
  invariant: string;
  invariantNodes: number[];
  /** Node indices in each part, for tests and explain. */
  alwaysNodes: number[];
  quoteNodes: number[];
  /** Node index → stateful slot (index into S). */
  statefulSlot: Map<number, number>;
  /** Nodes whose change must be known (they feed a series computation). */
  tickedNodes: Set<number>;
}

/** Parameter names of the generated functions, in order. */
export const evaluatorParams = ['v', 'tk', 'P', 'M', 'A', 'S', 'E', 't'] as const;

/** Ops computed from their arguments alone (no book, account, clock, calendar or state). */
const pureOps = new Set(['add', 'sub', 'mul', 'div', 'pow', 'neg', 'abs', 'ln', 'exp', 'sqrt', 'min', 'max', 'clamp', 'lt', 'le', 'gt', 'ge', 'eq', 'ne', 'and', 'or', 'not', 'if']);

const seriesFns = new Set(['returns', 'ewm_mean', 'ewm_stdev', 'rolling_mean', 'rolling_stdev', 'rolling_min', 'rolling_max', 'baseline']);

function int(i: number): string {
  if (!Number.isInteger(i) || i < 0) throw new Error(`not an index: ${i}`);
  return String(i);
}

function num(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`not a finite number: ${x}`);
  return JSON.stringify(x);
}

/**
 * Time of day in seconds: `(((t % D) + D) % D) / 1e9` with D = 86400e9, which is what it computes
 * bit for bit. `%` on doubles is a call to fmod (two per evaluation were a tenth of a LOBSTER
 * message's cost), so for 0 <= t <= 2^53 the remainder r = t − ⌊t / D⌋·D is taken by arithmetic:
 * ⌊t / D⌋·D is an exact multiple of 2^16 and t − it is exact (both are multiples of ulp(t)), and
 * the quotient can only round up to the next integer, which leaves r in [−D, 0) and is undone
 * exactly by + D. That exact r is fmod's result; the outer `(r + D) % D` is then fl(r + D) − D
 * (exact, Sterbenz), or 0 when fl(r + D) is 2D. Other times (negative, huge, NaN) keep the
 * original expression.
 */
const timeOfDaySec = (() => {
  const r = '(t - Math.floor(t / 86400e9) * 86400e9)';
  const exact = `(${r} < 0 ? ${r} + 86400e9 : ${r})`;
  const fast = `(${exact} + 86400e9 === 172800e9 ? 0 : ${exact} + 86400e9 - 86400e9)`;
  return `(t >= 0 && t <= 9007199254740992 ? ${fast} : ((t % 86400e9) + 86400e9) % 86400e9) / 1e9`;
})();

/** Which nodes each part needs: the closure of its roots over arguments. */
function closure(plan: Plan, roots: Iterable<number>): Set<number> {
  const seen = new Set<number>();
  const stack = [...roots];
  while (stack.length > 0) {
    const i = stack.pop();
    if (i === undefined || seen.has(i)) continue;
    seen.add(i);
    const n = plan.nodes[i];
    if (n && 'args' in n) for (const a of n.args) stack.push(a);
  }
  return seen;
}

export function generateEvaluator(plan: Plan, paramIndex: Map<string, number>, marketIndex: Map<string, number>, eventIndex: Map<string, number>): GeneratedEvaluator {
  const alwaysRoots: number[] = [];
  plan.nodes.forEach((n, i) => {
    if (n.op === 'stateful') alwaysRoots.push(i);
  });
  // A declared signal is not a root by itself: one read only by quotes is computed with them (at a
  // quote pass, from the same state and time), not at every evaluation min_interval defers.
  for (const s of plan.scenarios) {
    alwaysRoots.push(s.enter);
    if (s.exit !== undefined) alwaysRoots.push(s.exit);
  }
  for (const r of plan.risk) for (const k of [r.limit, r.reference, r.condition]) if (k !== undefined) alwaysRoots.push(k);
  for (const h of plan.hedges) for (const k of [h.trigger, h.ratio, h.target, h.maxSlippage]) if (k !== undefined) alwaysRoots.push(k);
  for (const a of plan.adaptations) alwaysRoots.push(a.toward);

  const quoteRoots: number[] = [];
  for (const f of plan.fair) quoteRoots.push(f.node);
  for (const q of plan.quotes) {
    quoteRoots.push(q.bid, q.ask, q.bidSize, q.askSize, ...q.bindings.map((b) => b.node));
    if (q.ladder) quoteRoots.push(q.ladder.levels, q.ladder.step);
    if (q.refresh?.tolerance !== undefined) quoteRoots.push(q.refresh.tolerance);
  }

  const always = closure(plan, alwaysRoots);
  const quote = closure(plan, quoteRoots);
  for (const i of always) quote.delete(i);

  const statefulSlot = new Map<number, number>();
  const tickedNodes = new Set<number>();
  plan.nodes.forEach((n, i) => {
    if (n.op !== 'stateful') return;
    statefulSlot.set(i, statefulSlot.size);
    if (seriesFns.has(n.fn)) for (const a of n.args) tickedNodes.add(a);
  });

  // Nodes of params and constants only (arguments come before a node, so one pass finds them).
  // Constants are filled in at link time; a node feeding a series signal keeps its place, where
  // its tick is recorded.
  const invariant = new Set<number>();
  plan.nodes.forEach((n, i) => {
    if (n.op === 'const' || n.op === 'param') invariant.add(i);
    else if (pureOps.has(n.op) && 'args' in n && n.args.every((a) => invariant.has(a))) invariant.add(i);
  });
  for (const i of tickedNodes) invariant.delete(i);
  const invariantNodes = [...invariant].filter((i) => (always.has(i) || quote.has(i)) && plan.nodes[i]?.op !== 'const').sort((a, b) => a - b);
  for (const i of invariantNodes) {
    always.delete(i);
    quote.delete(i);
  }

  const market = (alias: string | undefined): string => {
    const m = alias === undefined ? undefined : marketIndex.get(alias);
    if (m === undefined) throw new Error(`unknown market ${String(alias)}`);
    return `M[${int(m)}]`;
  };
  const arg = (n: Node, k: number): string => {
    const a = 'args' in n ? n.args[k] : undefined;
    if (a === undefined) throw new Error(`node ${n.op} lacks argument ${k}`);
    return `v[${int(a)}]`;
  };
  const argIsConst = (n: Node, k: number, value: number): boolean => {
    const a = 'args' in n ? n.args[k] : undefined;
    const c = a === undefined ? undefined : plan.nodes[a];
    return c?.op === 'const' && c.value === value;
  };
  const constArg = (n: Node, k: number): number => {
    const a = 'args' in n ? n.args[k] : undefined;
    const c = a === undefined ? undefined : plan.nodes[a];
    if (c?.op !== 'const' || typeof c.value !== 'number') throw new Error(`node ${n.op} needs a constant argument ${k}`);
    return c.value;
  };
  const argIsPrice = (n: Node, k: number): boolean => {
    const a = 'args' in n ? n.args[k] : undefined;
    return a !== undefined && plan.nodes[a]?.type.kind === 'price';
  };

  /** The expression for one node (without the assignment), or undefined for constants (pre-filled). */
  const expression = (n: Node, i: number): string | undefined => {
    switch (n.op) {
      case 'const':
        return undefined;
      case 'param': {
        const p = paramIndex.get(n.param);
        if (p === undefined) throw new Error(`unknown param ${n.param}`);
        return `P[${int(p)}]`;
      }
      case 'book': {
        const m = market(n.market);
        switch (n.field) {
          case 'bid': return argIsConst(n, 0, 1) ? `${m}.bid` : `${m}.bidAt(${arg(n, 0)})`;
          case 'ask': return argIsConst(n, 0, 1) ? `${m}.ask` : `${m}.askAt(${arg(n, 0)})`;
          case 'bid_size': return argIsConst(n, 0, 1) ? `${m}.bidQty` : `${m}.bidSizeAt(${arg(n, 0)})`;
          case 'ask_size': return argIsConst(n, 0, 1) ? `${m}.askQty` : `${m}.askSizeAt(${arg(n, 0)})`;
          case 'mid': return `${m}.mid`;
          case 'microprice': return `${m}.microprice`;
          case 'spread': return `${m}.spread`;
          case 'last': return `${m}.last`;
          case 'tick': return `${m}.tick`;
          case 'lot': return `${m}.lot`;
          case 'wmid': return `${m}.wmid(${num(constArg(n, 0))})`;
          case 'imbalance': return `${m}.imbalance(${num(constArg(n, 0))})`;
          case 'depth': return `${m}.depth(${arg(n, 0)}, ${argIsPrice(n, 0)}, 0)`;
          case 'bid_depth': return `${m}.depth(${arg(n, 0)}, ${argIsPrice(n, 0)}, -1)`;
          case 'ask_depth': return `${m}.depth(${arg(n, 0)}, ${argIsPrice(n, 0)}, 1)`;
        }
        throw new Error('unknown book field');
      }
      case 'account': {
        const m = n.market === undefined ? undefined : marketIndex.get(n.market);
        switch (n.field) {
          case 'position': return `A.position(${int(m ?? 0)})`;
          case 'inventory_value': return `A.position(${int(m ?? 0)}) * M[${int(m ?? 0)}].mid`;
          case 'pnl': return m === undefined ? 'A.totalPnl()' : `A.pnl(${int(m)})`;
          case 'daily_pnl': return 'A.dailyPnl()';
        }
        throw new Error('unknown account field');
      }
      case 'clock':
        return timeOfDaySec;
      case 'event': {
        const e = eventIndex.get(n.name);
        if (e === undefined) throw new Error(`unknown event ${n.name}`);
        return `(E.within(${int(e)}, ${num(n.withinSec * 1e9)}, t) ? 1 : 0)`;
      }
      case 'round_tick': {
        const m = market(n.market);
        const f = n.mode === 'nearest' ? 'Math.round' : n.mode === 'down' ? 'Math.floor' : 'Math.ceil';
        const eps = n.mode === 'down' ? ' + 1e-9' : n.mode === 'up' ? ' - 1e-9' : '';
        return `${f}(${arg(n, 0)} / ${m}.tick${eps}) * ${m}.tick`;
      }
      case 'stateful':
        return undefined; // emitted as a statement below
      default: {
        const a = (k: number): string => arg(n, k);
        switch (n.op) {
          case 'add': return `${a(0)} + ${a(1)}`;
          case 'sub': return `${a(0)} - ${a(1)}`;
          case 'mul': return `${a(0)} * ${a(1)}`;
          case 'div': return `${a(0)} / ${a(1)}`;
          // x ^ 2 is x × x: the same double (fdlibm's pow returns x*x for y = 2), without a call.
          case 'pow': return argIsConst(n, 1, 2) ? `(${a(0)} * ${a(0)})` : `Math.pow(${a(0)}, ${a(1)})`;
          case 'neg': return `-${a(0)}`;
          case 'abs': return `Math.abs(${a(0)})`;
          case 'ln': return `Math.log(${a(0)})`;
          case 'exp': return `Math.exp(${a(0)})`;
          case 'sqrt': return `Math.sqrt(${a(0)})`;
          case 'min': return `Math.min(${n.args.map((_, k) => a(k)).join(', ')})`;
          case 'max': return `Math.max(${n.args.map((_, k) => a(k)).join(', ')})`;
          case 'clamp': return `Math.min(Math.max(${a(0)}, ${a(1)}), ${a(2)})`;
          case 'lt': return `(${a(0)} < ${a(1)} ? 1 : 0)`;
          case 'le': return `(${a(0)} <= ${a(1)} ? 1 : 0)`;
          case 'gt': return `(${a(0)} > ${a(1)} ? 1 : 0)`;
          case 'ge': return `(${a(0)} >= ${a(1)} ? 1 : 0)`;
          case 'eq': return `(${a(0)} === ${a(1)} ? 1 : 0)`;
          case 'ne': return `(${a(0)} !== ${a(1)} ? 1 : 0)`;
          case 'and': return `(${a(0)} !== 0 && ${a(1)} !== 0 ? 1 : 0)`;
          case 'or': return `(${a(0)} !== 0 || ${a(1)} !== 0 ? 1 : 0)`;
          case 'not': return `(${a(0)} === 0 ? 1 : 0)`;
          case 'if': return `(${a(0)} !== 0 ? ${a(1)} : ${a(2)})`;
        }
        throw new Error(`unknown op ${(n as { op: string }).op}`);
      }
    }
  };

  const statement = (i: number): string => {
    const n = plan.nodes[i];
    if (!n) throw new Error(`no node ${i}`);
    if (n.op === 'stateful') {
      const s = `S[${int(statefulSlot.get(i) ?? -1)}]`;
      const ticks = tickedNodes.has(i);
      let update: string;
      if (seriesFns.has(n.fn)) {
        const x = arg(n, 0);
        const a = int(n.args[0] ?? -1);
        update = `if (tk[${a}] === 1 && ${x} === ${x}) { ${s}.update(${x}, t); } else { ${s}.advance(t); }`;
        if (ticks) update += n.fn === 'returns' ? ` tk[${int(i)}] = ${s}.ticked ? 1 : 0;` : '';
      } else if (n.fn === 'beta') {
        const [a, b] = (n.markets ?? []).map((alias) => market(alias));
        // A missing mid is passed as NaN: beta keeps the last valid mid and still samples its grid.
        update = `${s}.update(${a}.mid, ${b}.mid, t);`;
      } else if (n.fn === 'realized_vol') {
        const m = market(n.markets?.[0]);
        update = `${s}.update(${m}.mid, t);`;
      } else {
        // vwap, volume, trade_rate: fed trades by the engine; here only time passes.
        update = `${s}.advance(t);`;
      }
      const value = n.fn === 'vwap' ? `{ const x = ${s}.value; v[${int(i)}] = x === x ? x : ${market(n.markets?.[0])}.mid; }` : `v[${int(i)}] = ${s}.value;`;
      if (ticks && n.fn !== 'returns') {
        return `${update} { const x = ${n.fn === 'vwap' ? `(${s}.value === ${s}.value ? ${s}.value : ${market(n.markets?.[0])}.mid)` : `${s}.value`}; tk[${int(i)}] = x !== v[${int(i)}] && (x === x || v[${int(i)}] === v[${int(i)}]) ? 1 : 0; v[${int(i)}] = x; }`;
      }
      return `${update} ${value}`;
    }
    const e = expression(n, i);
    if (e === undefined) return '';
    if (tickedNodes.has(i)) {
      return `{ const x = ${e}; tk[${int(i)}] = x !== v[${int(i)}] && (x === x || v[${int(i)}] === v[${int(i)}]) ? 1 : 0; v[${int(i)}] = x; }`;
    }
    return `v[${int(i)}] = ${e};`;
  };

  const body = (nodes: number[]): string => ['"use strict";', ...nodes.map(statement).filter(Boolean)].join('\n');
  const alwaysNodes = [...always].sort((a, b) => a - b);
  const quoteNodes = [...quote].sort((a, b) => a - b);

  // Nodes downstream of a param, stateful ones excluded: their observation has been made.
  const paramDependent = new Set<number>();
  plan.nodes.forEach((n, i) => {
    if (n.op === 'param' || ('args' in n && n.op !== 'stateful' && n.args.some((a) => paramDependent.has(a)))) paramDependent.add(i);
  });
  const paramNodes = alwaysNodes.filter((i) => paramDependent.has(i));
  // Re-evaluating must not record ticks again: emit plain assignments.
  const plain = (i: number): string => {
    const n = plan.nodes[i];
    const e = n ? expression(n, i) : undefined;
    return e === undefined ? '' : `v[${int(i)}] = ${e};`;
  };
  const params = ['"use strict";', ...paramNodes.map(plain).filter(Boolean)].join('\n');
  const invariantBody = ['"use strict";', ...invariantNodes.map(plain).filter(Boolean)].join('\n');
  return { always: body(alwaysNodes), quote: body(quoteNodes), params, invariant: invariantBody, invariantNodes, alwaysNodes, quoteNodes, statefulSlot, tickedNodes };
}
