// The pre-trade check is generated per plan (runtime/risk/check-codegen.ts). It must decide what
// the rules say, rule by rule in plan order, for every template: checked here against a plain
// reading of the rules on random positions, working orders, mids and prices; and the code must come
// from the rules' typed fields only.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Side, type SideValue } from '../../../runtime/events.js';
import { RiskGate, type OrderIntent, type RiskContext } from '../../../runtime/risk/risk-gate.js';
import type { Plan } from '../../../schemas/index.js';
import { templates } from '../../helpers.js';
import { planFrom } from '../engine/harness.js';

const plans = (): Plan[] => templates().map((t) => planFrom(t.source));

interface World {
  positions: number[];
  /** Per market: working buys and sells (the order being amended excluded). */
  buys: number[];
  sells: number[];
  mids: number[];
  values: Float64Array;
}

function context(w: World): RiskContext {
  return {
    nowNs: 0,
    values: w.values,
    dayStartPnl: 0,
    position: (m) => w.positions[m] ?? 0,
    workingQty: (m, side) => (side === Side.Bid ? w.buys[m] : w.sells[m]) ?? 0,
    mid: (m) => w.mids[m] ?? NaN,
    pnl: () => 0,
    dailyPnl: () => 0,
  };
}

/** The rules read plainly: the first pre-trade rule (order rates aside) that refuses, or undefined. */
function reference(plan: Plan, o: OrderIntent, w: World, widthIsPrice: (node: number) => boolean): string | undefined {
  const index = new Map(plan.markets.map((m, i) => [m.alias, i]));
  const pos = w.positions[o.market] ?? 0;
  const buys = w.buys[o.market] ?? 0;
  const sells = w.sells[o.market] ?? 0;
  const reducing = o.side === Side.Bid ? pos < 0 && buys + o.qty <= -pos + 1e-12 : pos > 0 && sells + o.qty <= pos + 1e-12;
  for (const r of plan.risk) {
    const markets = r.market !== undefined ? [index.get(r.market) ?? -1] : r.kind === 'position' && r.asset ? plan.markets.flatMap((m, i) => (m.base === r.asset ? [i] : [])) : plan.markets.map((_, i) => i);
    if (!markets.includes(o.market)) continue;
    const limit = r.limit === undefined ? NaN : w.values[r.limit] ?? NaN;
    const signed = (m: number): number => (m === o.market ? (o.side === Side.Bid ? o.qty : -o.qty) : 0);
    if (r.kind === 'position' && !reducing) {
      let p = 0;
      for (const m of markets) p += (w.positions[m] ?? 0) + (o.side === Side.Bid ? w.buys[m] ?? 0 : -(w.sells[m] ?? 0));
      p += o.side === Side.Bid ? o.qty : -o.qty;
      const side = r.side ?? 'abs';
      if ((side !== 'short' && p > limit + 1e-12) || (side !== 'long' && -p > limit + 1e-12) || !Number.isFinite(limit)) return r.id;
    } else if (r.kind === 'notional' && !reducing) {
      let n = 0;
      for (const m of markets) {
        const q = (w.positions[m] ?? 0) + signed(m);
        const mid = w.mids[m] ?? NaN;
        n += Math.max(Math.abs(q + (w.buys[m] ?? 0)), Math.abs(q - (w.sells[m] ?? 0))) * (Number.isFinite(mid) ? mid : o.price);
      }
      if (!(n <= limit)) return r.id;
    } else if (r.kind === 'price_band') {
      const ref = r.reference === undefined ? NaN : w.values[r.reference] ?? NaN;
      const width = widthIsPrice(r.limit ?? -1) ? limit : limit * ref;
      if (!(Math.abs(o.price - ref) <= width)) return r.id;
    }
  }
  return undefined;
}

describe('the generated pre-trade check', () => {
  it('check and review are made from the rules’ typed fields only', () => {
    for (const p of plans()) {
      const gate = new RiskGate(p, () => undefined);
      gate.setNodeKinds(p.nodes.map((n) => n.type.kind));
      expect(gate.checkSource).toContain('return ALLOW;');
      const code = `${gate.checkSource}\n${gate.reviewSource}`;
      const words = new Set(code.replace(/\b\d+(\.\d+)?(e[+-]?\d+)?\b/g, '0').match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []);
      const allowed = new Set(['use', 'strict', 'if', 'return', 'const', 'lim', 'p', 'n', 'w', 'ref', 'mid', 'v', 'g', 'o', 'ctx', 'm0', 'pos0', 'buys0', 'sells0', 'reducing', 'sq', 'B', 'ALLOW', 'NaN', 'Number', 'isFinite', 'Math', 'max', 'abs', 'side', 'price', 'take', 'nowNs', 'refuse', 'potentialOf', 'notionalOf', 'pos', 'held', 'pnl', 'peak', 'dayStart', 'breached', 'reduceOnly', 'settle', 'position', 'false']);
      for (const word of words) expect(allowed.has(word), `unexpected word ${word} in the check of ${p.strategy.name}`).toBe(true);
    }
  });

  it('refuses exactly where the rules, read plainly, refuse (every template, random states)', () => {
    for (const plan of plans()) {
      // Order rates are stateful and tested on their own (token-bucket.test.ts): take them out here.
      const p: Plan = { ...plan, risk: plan.risk.filter((r) => r.kind !== 'order_rate') };
      const kinds = p.nodes.map((n) => n.type.kind);
      const nm = p.markets.length;
      const world = fc.record({
        positions: fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: nm, maxLength: nm }),
        buys: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: nm, maxLength: nm }),
        sells: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: nm, maxLength: nm }),
        mids: fc.array(fc.oneof(fc.constant(NaN), fc.double({ min: 10, max: 100_000, noNaN: true })), { minLength: nm, maxLength: nm }),
        scale: fc.double({ min: 0.001, max: 100, noNaN: true }),
      });
      const intent = fc.record({
        market: fc.integer({ min: 0, max: nm - 1 }),
        side: fc.constantFrom<SideValue>(Side.Bid, Side.Ask),
        drift: fc.double({ min: -0.02, max: 0.02, noNaN: true }),
        qty: fc.double({ min: 0.001, max: 1, noNaN: true }),
      });
      fc.assert(
        fc.property(world, intent, (wr, it) => {
          // Node values: the plan's constants and params, every other node a price near 100 × scale.
          const values = new Float64Array(p.nodes.length);
          p.nodes.forEach((n, i) => {
            if (n.op === 'const') values[i] = typeof n.value === 'boolean' ? Number(n.value) : n.value;
            else if (n.op === 'param') {
              const v = p.params.find((x) => x.name === n.param)?.value;
              values[i] = typeof v === 'boolean' ? Number(v) : v ?? NaN;
            } else values[i] = 100 * wr.scale;
          });
          const w: World = { ...wr, values };
          const ref = 100 * wr.scale;
          const o: OrderIntent = { market: it.market, side: it.side, price: ref * (1 + it.drift), qty: it.qty, replaces: -1 };
          const gate = new RiskGate(p, () => undefined);
          gate.setNodeKinds(kinds);
          const verdict = gate.check(o, context(w), false);
          const expected = reference(p, o, w, (node) => kinds[node] === 'price');
          expect(verdict.ok ? undefined : verdict.rule).toBe(expected);
        }),
        { numRuns: 300 },
      );
    }
  });
});
