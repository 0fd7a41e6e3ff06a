// Linking: a validated plan becomes a specialised evaluator once — generated straight-line code, the
// node value array with constants already in place, parameter slots, and one incremental state
// object per stateful node. Linking again (a hot-swap) can adopt the state objects of a previous
// link whose stateful nodes have the same structural key.
import type { Plan, StatefulNode } from '../../schemas/generated/plan.js';
import { createStateful, type StatefulInstance } from '../signals/index.js';
import type { MarketView } from '../market-view.js';
import { evaluatorParams, generateEvaluator } from './codegen.js';
import { generatedFunction } from './generated-function.js';

/** Account reads the evaluator makes. */
export interface AccountReader {
  position(market: number): number;
  pnl(market: number): number;
  totalPnl(): number;
  dailyPnl(): number;
}

/** Calendar reads: is an event of this name within `windowNs` of `t`? */
export interface CalendarReader {
  within(name: number, windowNs: number, t: number): boolean;
}

/** What the invariant nodes never read (they read params and constants only). */
const noAccount: AccountReader = { position: () => NaN, pnl: () => NaN, totalPnl: () => NaN, dailyPnl: () => NaN };
const noCalendar: CalendarReader = { within: () => false };

type EvalFn = (v: Float64Array, tk: Uint8Array, P: Float64Array, M: MarketView[], A: AccountReader, S: StatefulInstance[], E: CalendarReader, t: number) => void;

export interface StatefulSlot {
  node: number;
  key: string;
  fn: StatefulNode['fn'];
  /** Markets whose trades feed it (vwap, volume, trade_rate), as plan market indices. */
  tradeMarket: number;
  instance: StatefulInstance;
}

export interface LinkedPlan {
  plan: Plan;
  values: Float64Array;
  ticks: Uint8Array;
  /** Effective param values (base, or the active scenario's override); nodes read these. */
  params: Float64Array;
  /** Base values before scenario overrides; adaptation moves these. */
  baseParams: Float64Array;
  paramIndex: Map<string, number>;
  marketIndex: Map<string, number>;
  eventNames: string[];
  stateful: StatefulSlot[];
  /** The state objects in slot order: what the generated code indexes as S[k]. */
  instances: StatefulInstance[];
  evalAlways: EvalFn;
  evalQuote: EvalFn;
  /** Re-evaluates param-dependent `always` nodes after a scenario switch changed params. */
  evalParams: EvalFn;
  /** Computes the nodes of params and constants only; run whenever `params` change. */
  evalInvariant: EvalFn;
  /** Per scenario: [param slot, value] pairs to apply when it is active. */
  overrides: Array<Array<[number, number]>>;
  /** Per quote: its market's index, and min_interval in ns. */
  quoteMarkets: Int32Array;
  quoteIntervalsNs: Float64Array;
  /** The unit kind of each node (for bps-or-price decisions at run time). */
  nodeKinds: string[];
  source: { always: string; quote: string; params: string; invariant: string };
}

export function link(plan: Plan, adopt?: LinkedPlan): LinkedPlan {
  const paramIndex = new Map(plan.params.map((p, i) => [p.name, i]));
  const marketIndex = new Map(plan.markets.map((m, i) => [m.alias, i]));
  const eventNames = [...plan.events];
  const eventIndex = new Map(eventNames.map((e, i) => [e, i]));
  const gen = generateEvaluator(plan, paramIndex, marketIndex, eventIndex);

  const values = new Float64Array(plan.nodes.length).fill(NaN);
  plan.nodes.forEach((n, i) => {
    if (n.op === 'const') values[i] = typeof n.value === 'boolean' ? (n.value ? 1 : 0) : n.value;
  });
  const baseParams = Float64Array.from(plan.params, (p) => (typeof p.value === 'boolean' ? (p.value ? 1 : 0) : p.value));
  const params = Float64Array.from(baseParams);

  // State carries over by structural key: the same computation over the same inputs.
  const previous = new Map<string, StatefulInstance>();
  for (const s of adopt?.stateful ?? []) previous.set(s.key, s.instance);
  const stateful: StatefulSlot[] = [];
  plan.nodes.forEach((n, i) => {
    if (n.op !== 'stateful') return;
    const carried = previous.get(n.key);
    if (carried) previous.delete(n.key);
    const opts: { windowSec?: number; halflifeSec?: number } = {};
    if (n.windowSec !== undefined) opts.windowSec = n.windowSec;
    if (n.halflifeSec !== undefined) opts.halflifeSec = n.halflifeSec;
    const tradeFed = n.fn === 'vwap' || n.fn === 'volume' || n.fn === 'trade_rate';
    stateful.push({
      node: i,
      key: n.key,
      fn: n.fn,
      tradeMarket: tradeFed ? marketIndex.get(n.markets?.[0] ?? '') ?? -1 : -1,
      instance: carried ?? createStateful(n.fn, opts),
    });
  });

  const overrides = plan.scenarios.map((s) =>
    s.overrides.flatMap((o): Array<[number, number]> => {
      const i = paramIndex.get(o.param);
      return i === undefined ? [] : [[i, typeof o.value === 'boolean' ? (o.value ? 1 : 0) : o.value]];
    }),
  );

  // The code comes from the plan IR only (see codegen.ts); Function keeps it out of any closure scope,
  // and the same code gets the same function (generated-function.ts).
  const evalAlways = generatedFunction<EvalFn>(evaluatorParams, gen.always);
  const evalQuote = generatedFunction<EvalFn>(evaluatorParams, gen.quote);
  const evalParams = generatedFunction<EvalFn>(evaluatorParams, gen.params);
  const evalInvariant = generatedFunction<EvalFn>(evaluatorParams, gen.invariant);

  // Nodes of params and constants only: computed now, and again whenever params change.
  evalInvariant(values, new Uint8Array(0), params, [], noAccount, [], noCalendar, 0);

  return {
    plan,
    values,
    ticks: new Uint8Array(plan.nodes.length),
    params,
    baseParams,
    paramIndex,
    marketIndex,
    eventNames,
    stateful,
    instances: stateful.map((x) => x.instance),
    evalAlways,
    evalQuote,
    evalParams,
    evalInvariant,
    overrides,
    quoteMarkets: Int32Array.from(plan.quotes, (q) => marketIndex.get(q.market) ?? -1),
    quoteIntervalsNs: Float64Array.from(plan.quotes, (q) => q.minIntervalSec * 1e9),
    nodeKinds: plan.nodes.map((n) => n.type.kind),
    source: { always: gen.always, quote: gen.quote, params: gen.params, invariant: gen.invariant },
  };
}
