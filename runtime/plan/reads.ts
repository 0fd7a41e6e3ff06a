// What a plan reads, worked out once from its nodes: the engine evaluates a plan only when one of
// these moved or one of the plan's timers fell due (docs/runtime.md, "When the plan is evaluated").
import type { Plan } from '../../schemas/generated/plan.js';

export interface PlanReads {
  /** Per plan market: the plan reads levels beyond the touch, so every book change matters. */
  depth: boolean[];
  /** Per plan market: the plan reads its public trades (`last`, vwap, volume, trade_rate). */
  trades: boolean[];
  /** The plan has a `beta`: it samples mids on a 1-second grid, so each whole second is a timer. */
  seconds: boolean;
  /** Each `event(name) within W` the plan reads: the event's index and W in ns (the window edges are timers). */
  calendarWindows: Array<{ name: number; windowNs: number }>;
}

export function planReads(plan: Plan, eventNames: readonly string[]): PlanReads {
  return {
    depth: readsBeyondTouch(plan),
    trades: readsTradesOf(plan),
    seconds: plan.nodes.some((n) => n.op === 'stateful' && n.fn === 'beta'),
    calendarWindows: calendarWindows(plan, eventNames),
  };
}

/** Per plan market: does the plan read anything of its book beyond the touch (levels, depth)? */
function readsBeyondTouch(plan: Plan): boolean[] {
  const deep = plan.markets.map(() => false);
  const index = new Map(plan.markets.map((m, i) => [m.alias, i]));
  const atTouch = (n: Plan['nodes'][number]): boolean => {
    if (!('args' in n) || n.args.length === 0) return true;
    const a = plan.nodes[n.args[0] ?? -1];
    return a?.op === 'const' && a.value === 1;
  };
  for (const n of plan.nodes) {
    if (n.op !== 'book') continue;
    const m = index.get(n.market) ?? -1;
    if (m < 0) continue;
    switch (n.field) {
      case 'mid':
      case 'microprice':
      case 'spread':
      case 'last':
      case 'tick':
      case 'lot':
        break;
      case 'bid':
      case 'ask':
      case 'bid_size':
      case 'ask_size':
        if (!atTouch(n)) deep[m] = true;
        break;
      default:
        deep[m] = true;
    }
  }
  return deep;
}

/** Per plan market: does the plan read its public trades (`last`, or a trade statistic)? */
function readsTradesOf(plan: Plan): boolean[] {
  const reads = plan.markets.map(() => false);
  const index = new Map(plan.markets.map((m, i) => [m.alias, i]));
  for (const n of plan.nodes) {
    let alias: string | undefined;
    if (n.op === 'book' && n.field === 'last') alias = n.market;
    else if (n.op === 'stateful' && (n.fn === 'vwap' || n.fn === 'volume' || n.fn === 'trade_rate')) alias = n.markets?.[0];
    const m = alias === undefined ? -1 : index.get(alias) ?? -1;
    if (m >= 0) reads[m] = true;
  }
  return reads;
}

/** The `event(name) within W` reads of a plan: the edges of their windows are timers. */
function calendarWindows(plan: Plan, eventNames: readonly string[]): PlanReads['calendarWindows'] {
  const out: Array<{ name: number; windowNs: number }> = [];
  const seen = new Set<string>();
  for (const n of plan.nodes) {
    if (n.op !== 'event') continue;
    const key = `${n.name}\u0000${n.withinSec}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const name = eventNames.indexOf(n.name);
    if (name >= 0) out.push({ name, windowNs: n.withinSec * 1e9 });
  }
  return out;
}
