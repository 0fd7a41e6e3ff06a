// Explain: how a quote was made, as data. Fair value, every named binding of the quote block (the
// reservation price and the spread parts), the raw and final prices and sizes, the scenario and risk
// state, and the limits that bit — each with the plan's source range so the editor can jump to the
// DSL line that produced it.
import type { Plan, Range } from '../schemas/generated/plan.js';
import { Side, type SideValue } from './events.js';
import type { QuoteValues } from './quote/build-quotes.js';
import type { DesiredQuotes } from './quote/desired.js';

export interface ExplainedValue {
  name: string;
  value: number;
  unit: string;
  range: Range | undefined;
}

export interface Explanation {
  index: number;
  tNs: number;
  planHash: string;
  market: string;
  scenario: string;
  riskState: string;
  position: number;
  fair: ExplainedValue | undefined;
  /** Named values of the quote block, in source order (reservation, half spread, …). */
  parts: ExplainedValue[];
  /** The plan's bid/ask/size values before rounding, ladder and risk. */
  raw: { bid: ExplainedValue; ask: ExplainedValue; bidSize: ExplainedValue; askSize: ExplainedValue };
  ladder: { levels: number; step: number; stepUnit: string } | undefined;
  /** What was wanted after rounding to tick and lot, post-only clamping and venue minimums. */
  desired: { bids: Array<[price: number, qty: number]>; asks: Array<[price: number, qty: number]> };
  /** Limits that changed the outcome of this quote update. */
  limits: Array<{ rule: string; side: 'bid' | 'ask'; reason: string; range: Range | undefined }>;
  /** Params in effect (after scenario overrides and adaptation). */
  params: Record<string, number>;
}

export interface ExplainInput {
  plan: Plan;
  quoteIndex: number;
  values: Float64Array;
  params: Float64Array;
  raw: QuoteValues;
  desired: DesiredQuotes;
  scenario: string;
  riskState: string;
  limits: Array<{ rule: string; reason: string; side: SideValue }>;
  position: number;
  tNs: number;
  index: number;
}

export function explainQuote(x: ExplainInput): Explanation {
  const { plan, values } = x;
  const q = plan.quotes[x.quoteIndex];
  if (!q) throw new Error(`no quote ${x.quoteIndex}`);
  const market = plan.markets.find((m) => m.alias === q.market);
  const tick = market?.tickSize ?? 1;
  const node = (name: string, i: number, override?: number, binding?: string): ExplainedValue => ({
    name,
    value: override ?? values[i] ?? NaN,
    unit: unitOf(plan, i),
    // A binding's own text; the node's range is where an identical expression first appeared.
    range: (binding === undefined ? undefined : plan.sourceMap.items[`quotes/${x.quoteIndex}/${binding}`]) ?? plan.sourceMap.nodes[i],
  });
  const fair = plan.fair.find((f) => f.market === q.market);
  const levels = (side: 'bids' | 'asks'): Array<[number, number]> => {
    const s = x.desired[side];
    const out: Array<[number, number]> = [];
    for (let k = 0; k < s.count; k++) out.push([round((s.priceTicks[k] ?? 0) * tick), s.qty[k] ?? 0]);
    return out;
  };
  return {
    index: x.index,
    tNs: x.tNs,
    planHash: plan.hash,
    market: q.market,
    scenario: x.scenario,
    riskState: x.riskState,
    position: x.position,
    fair: fair ? node('fair', fair.node) : undefined,
    parts: q.bindings.map((b) => node(b.name, b.node, undefined, b.name)),
    raw: {
      bid: node('bid', q.bid, x.raw.bid, 'bid'),
      ask: node('ask', q.ask, x.raw.ask, 'ask'),
      bidSize: node('bid_size', q.bidSize, x.raw.bidSize, plan.sourceMap.items[`quotes/${x.quoteIndex}/bid_size`] ? 'bid_size' : 'size'),
      askSize: node('ask_size', q.askSize, x.raw.askSize, plan.sourceMap.items[`quotes/${x.quoteIndex}/ask_size`] ? 'ask_size' : 'size'),
    },
    ladder: q.ladder ? { levels: x.raw.levels, step: x.raw.step, stepUnit: x.raw.stepIsPrice ? 'price' : 'bps' } : undefined,
    desired: { bids: levels('bids'), asks: levels('asks') },
    limits: x.limits.map((l) => ({ rule: l.rule, side: l.side === Side.Bid ? 'bid' : 'ask', reason: l.reason, range: plan.sourceMap.items[l.rule] })),
    params: Object.fromEntries(plan.params.map((p, i) => [p.name, x.params[i] ?? NaN])),
  };
}

function unitOf(plan: Plan, i: number): string {
  const t = plan.nodes[i]?.type;
  if (!t) return '';
  return t.asset ? `${t.kind} ${t.asset}` : t.kind;
}

function round(x: number): number {
  return Math.round(x * 1e10) / 1e10;
}

/** A readable rendering for the terminal (`quoin run --explain N`). */
export function formatExplanation(e: Explanation, file: string): string {
  const at = (r: Range | undefined): string => (r ? `${file}:${r[0]}:${r[1]}` : '');
  const fmt = (v: ExplainedValue): string => `${v.name.padEnd(14)} ${String(round(v.value)).padStart(16)}  ${v.unit.padEnd(16)} ${at(v.range)}`;
  const lines = [
    `quote update #${e.index + 1} on ${e.market} at ${new Date(e.tNs / 1e6).toISOString().slice(11, 23)} (plan ${e.planHash.slice(0, 15)}…)`,
    `scenario: ${e.scenario}   risk: ${e.riskState}   position: ${round(e.position)}`,
    ...(e.fair ? [fmt(e.fair)] : []),
    ...e.parts.map(fmt),
    fmt(e.raw.bid),
    fmt(e.raw.ask),
    fmt(e.raw.bidSize),
    fmt(e.raw.askSize),
    ...(e.ladder ? [`ladder         ${e.ladder.levels} levels, step ${round(e.ladder.step)} (${e.ladder.stepUnit})`] : []),
    `bids           ${e.desired.bids.map(([p, q]) => `${q} @ ${p}`).join(', ') || '(none)'}`,
    `asks           ${e.desired.asks.map(([p, q]) => `${q} @ ${p}`).join(', ') || '(none)'}`,
    ...e.limits.map((l) => `limit ${l.rule} (${l.side}): ${l.reason}  ${at(l.range)}`),
  ];
  return lines.join('\n');
}
