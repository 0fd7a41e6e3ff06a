// The risk rules of one plan as straight-line code, generated once per gate like the plan's
// evaluator (runtime/link/codegen.ts): one block per rule, in rule order, with its node slots,
// markets and settings written in as integers and booleans. A loop over rule objects costs ~70 ns
// per order action; the generated code does the same tests in a few. Only the hot, passing path is
// here: a refusal calls back into the gate (`g.refuse`), which puts the words together. The same
// for the post-trade review at every evaluation: each rule's "holds" test is inline, and only a
// rule that holds, or held at the last review, calls back (`g.settle`) for flags and transitions.
//
// Code comes from the rules' typed fields only — the only values spliced in are integers and the
// literals true/false — never from names or source text.
import { SideLimit, type RuleKindValue } from './rule-codes.js';

/** What the generator needs of each rule (RiskGate's compiled form). */
export interface CheckRuleShape {
  kind: RuleKindValue;
  /** Node of the limit, or -1. */
  limitNode: number;
  referenceNode: number;
  side: number;
  widthIsPrice: boolean;
  /** Plan markets the rule covers. */
  markets: number[];
  /** Loss rules: the total (not the daily) loss. */
  periodTotal: boolean;
  conditionNode: number;
}

/** Parameter names of the generated function, in order. */
export const checkParams = ['g', 'o', 'ctx', 'v', 'm0', 'pos0', 'buys0', 'sells0', 'reducing', 'sq', 'B', 'ALLOW'] as const;

function int(i: number): string {
  if (!Number.isInteger(i)) throw new Error(`not an integer: ${i}`);
  return String(i);
}

/** The body of `function (g, o, ctx, v, m0, pos0, buys0, sells0, reducing, sq, B, ALLOW)`. */
export function generateCheck(rules: readonly CheckRuleShape[], kinds: { position: number; notional: number; price_band: number; order_rate: number }): string {
  const lines = ['"use strict";'];
  rules.forEach((r, i) => {
    const covers = r.markets.filter((m) => m >= 0);
    if (covers.length === 0) return;
    const single = covers.length === 1;
    const guard = covers.map((m) => `m0 === ${int(m)}`).join(' || ');
    const limit = r.limitNode < 0 ? 'NaN' : `v[${int(r.limitNode)}]`;
    let body: string;
    switch (r.kind) {
      case kinds.position: {
        const potential = single ? 'pos0 + (o.side === 0 ? buys0 : -sells0) + sq' : `g.potentialOf(${int(i)}, o, ctx)`;
        const over: string[] = [];
        if (r.side !== SideLimit.short) over.push('p > lim + 1e-12');
        if (r.side !== SideLimit.long) over.push('-p > lim + 1e-12');
        over.push('!Number.isFinite(lim)');
        body = `if (!reducing) { const lim = ${limit}; const p = ${potential}; if (${over.join(' || ')}) return g.refuse(${int(i)}, o, ctx, p, lim); }`;
        break;
      }
      case kinds.notional: {
        const notional = single
          ? '(Math.max(Math.abs(pos0 + sq + buys0), Math.abs(pos0 + sq - sells0)) * (Number.isFinite(mid) ? mid : o.price))'
          : `g.notionalOf(${int(i)}, o, ctx)`;
        const mid = single ? 'const mid = ctx.mid(m0); ' : '';
        body = `if (!reducing) { const lim = ${limit}; ${mid}const n = ${notional}; if (!(n <= lim)) return g.refuse(${int(i)}, o, ctx, n, lim); }`;
        break;
      }
      case kinds.price_band: {
        const ref = r.referenceNode < 0 ? 'NaN' : `v[${int(r.referenceNode)}]`;
        const width = r.widthIsPrice ? 'lim' : 'lim * ref';
        body = `{ const lim = ${limit}; const ref = ${ref}; const w = ${width}; if (!(Math.abs(o.price - ref) <= w)) return g.refuse(${int(i)}, o, ctx, w, ref); }`;
        break;
      }
      case kinds.order_rate:
        body = `if (!B[${int(i)}].take(ctx.nowNs)) return g.refuse(${int(i)}, o, ctx, NaN, NaN);`;
        break;
      default:
        return; // post-trade kinds (loss, drawdown, position review, conditions) and credit: not pre-trade
    }
    lines.push(`if (${guard}) ${body}`);
  });
  lines.push('return ALLOW;');
  return lines.join('\n');
}

/** Parameter names of the generated review, in order. */
export const reviewParams = ['g', 'ctx', 'v', 'pnl', 'peak', 'dayStart', 'breached', 'reduceOnly'] as const;

/**
 * The body of `function (g, ctx, v, pnl, peak, dayStart, breached, reduceOnly)` testing the rules
 * `reviewed` (indices, in order) after an evaluation. A rule that does not hold and did not hold
 * before changes nothing, so only the others call `g.settle(i, held, ctx, pnl)`.
 */
export function generateReview(rules: readonly CheckRuleShape[], reviewed: ArrayLike<number>, kinds: { loss: number; drawdown: number; position: number; condition: number }): string {
  const lines = ['"use strict";'];
  for (let k = 0; k < reviewed.length; k++) {
    const i = reviewed[k] ?? -1;
    const r = rules[i];
    if (!r) continue;
    const limit = r.limitNode < 0 ? 'NaN' : `v[${int(r.limitNode)}]`;
    let held: string;
    switch (r.kind) {
      case kinds.loss:
        held = r.periodTotal ? '-pnl > lim' : '-(pnl - dayStart) > lim';
        break;
      case kinds.drawdown:
        held = 'peak - pnl > lim';
        break;
      case kinds.position: {
        // Summed from 0 in market order, as the gate always has.
        const pos = ['0', ...r.markets.map((m) => `ctx.position(${int(m)})`)].join(' + ');
        const parts: string[] = [];
        if (r.side !== SideLimit.short) parts.push('pos >= lim - 1e-12');
        if (r.side !== SideLimit.long) parts.push('-pos >= lim - 1e-12');
        held = `(${parts.join(' || ')})`;
        lines.push(`{ const lim = ${limit}; const pos = ${pos}; const held = ${held}; if (held || breached[${int(i)}] === 1 || reduceOnly[${int(i)}] === 1) g.settle(${int(i)}, held, ctx, pnl); }`);
        continue;
      }
      case kinds.condition:
        held = r.conditionNode < 0 ? 'false' : `v[${int(r.conditionNode)}] !== 0`;
        break;
      default:
        continue;
    }
    lines.push(`{ const lim = ${limit}; const held = ${held}; if (held || breached[${int(i)}] === 1 || reduceOnly[${int(i)}] === 1) g.settle(${int(i)}, held, ctx, pnl); }`);
  }
  return lines.join('\n');
}
