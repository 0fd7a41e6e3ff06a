import { describe, expect, it } from 'vitest';
import { link } from '../../../runtime/link/link.js';
import { loadPlan, PlanError } from '../../../runtime/plan/load-plan.js';
import type { Plan } from '../../../schemas/index.js';
import { templates } from '../../helpers.js';
import { planFrom } from '../engine/harness.js';

const plans = (): Plan[] => templates().map((t) => planFrom(t.source));

describe('loading plans', () => {
  it('accepts every template plan', () => {
    for (const p of plans()) expect(loadPlan(JSON.parse(JSON.stringify(p))).hash).toBe(p.hash);
  });

  it('refuses an invalid plan with the schema path of the problem', () => {
    const p = structuredClone(plans()[0]) as Plan;
    (p.quotes[0] as unknown as Record<string, unknown>).bid = 'x';
    expect(() => loadPlan(p)).toThrow(PlanError);
    try {
      loadPlan(p);
    } catch (e) {
      expect((e as PlanError).problems).toContain('/quotes/0/bid: must be integer');
      expect((e as Error).message).toMatch(/^invalid plan: \/quotes\/0\/bid: must be integer/);
    }
  });

  it('refuses what the schema cannot see: forward references, unknown params and markets', () => {
    const p = structuredClone(plans()[0]) as Plan;
    const last = p.nodes.length - 1;
    const i = p.nodes.findIndex((n) => 'args' in n && n.args.length > 0);
    const n = p.nodes[i];
    if (n && 'args' in n) n.args[0] = last;
    expect(() => loadPlan(p)).toThrow(new RegExp(`/nodes/${i}/args/0: refers to node ${last}`));
    const q = structuredClone(plans()[0]) as Plan;
    if (q.risk[0]) q.risk[0].market = 'nowhere';
    expect(() => loadPlan(q)).toThrow(/unknown market 'nowhere'/);
  });

  it('refuses an unknown plan format by name', () => {
    expect(() => loadPlan({ format: 'quoin.plan/9' })).toThrow(/quoin\.plan\/9 is not supported/);
  });
});

describe('linking', () => {
  it('generates code from the plan IR only: no names or strings from the source', () => {
    for (const p of plans()) {
      const l = link(p);
      for (const code of [l.source.always, l.source.quote, l.source.params, l.source.invariant]) {
        // Only indexed slots, numbers, Math functions and the evaluator's own parameters appear.
        const words = new Set(code.replace(/\b\d+(\.\d+)?(e[+-]?\d+)?\b/g, '0').match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []);
        const allowed = new Set(['use', 'strict', 'v', 'tk', 'P', 'M', 'A', 'S', 'E', 't', 'x', 'const', 'if', 'else', 'Math', 'pow', 'abs', 'log', 'exp', 'sqrt', 'min', 'max', 'round', 'floor', 'ceil', 'update', 'advance', 'value', 'ticked', 'bid', 'ask', 'mid', 'microprice', 'spread', 'last', 'tick', 'lot', 'bidQty', 'askQty', 'bidAt', 'askAt', 'bidSizeAt', 'askSizeAt', 'wmid', 'depth', 'imbalance', 'position', 'pnl', 'totalPnl', 'dailyPnl', 'within', 'true', 'false']);
        for (const w of words) expect(allowed.has(w), `unexpected word ${w} in generated code of ${p.strategy.name}`).toBe(true);
      }
    }
  });

  it('computes nodes of params and constants once, and again when params change', () => {
    const p = plans().find((x) => x.strategy.name === 'avellaneda-stoikov') as Plan;
    const l = link(p);
    // ln(1 + gamma / kappa) is a node of params only: not in the per-pass code, computed at link.
    const ln = p.nodes.findIndex((n) => n.op === 'ln');
    expect(ln).toBeGreaterThan(0);
    expect(l.source.quote).not.toContain('Math.log');
    expect(l.source.invariant).toContain(`v[${ln}] = Math.log(`);
    const gamma = l.paramIndex.get('gamma') ?? -1;
    const kappa = l.paramIndex.get('kappa') ?? -1;
    expect(l.values[ln]).toBe(Math.log(1 + (l.params[gamma] ?? NaN) / (l.params[kappa] ?? NaN)));
    l.params[gamma] = 0.25;
    l.evalInvariant(l.values, l.ticks, l.params, [], { position: () => 0, pnl: () => 0, totalPnl: () => 0, dailyPnl: () => 0 }, [], { within: () => false }, 0);
    expect(l.values[ln]).toBe(Math.log(1 + 0.25 / (l.params[kappa] ?? NaN)));
  });

  it('writes x ^ 2 as x × x, which is the double Math.pow gives', () => {
    const p = plans().find((x) => x.strategy.name === 'avellaneda-stoikov') as Plan;
    const src = link(p).source;
    expect(`${src.always}\n${src.quote}`).toMatch(/v\[\d+\] = \(v\[(\d+)\] \* v\[\1\]\);/);
    // The assumption, checked over many magnitudes (including subnormal and huge results).
    let seed = 7;
    for (let k = 0; k < 100_000; k++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const x = (seed / 2147483648 - 0.5) * 10 ** ((k % 640) - 320);
      expect(x * x).toBe(Math.pow(x, 2));
    }
  });

  it('computes a signal read only by quotes at quote passes, not at every evaluation', () => {
    const p = plans().find((x) => x.strategy.name === 'avellaneda-stoikov') as Plan;
    const src = link(p).source;
    const variance = p.signals.find((s) => s.name === 'variance')?.node ?? -1;
    const rv = p.nodes.findIndex((n) => n.op === 'stateful' && n.fn === 'realized_vol');
    expect(variance).toBeGreaterThan(0);
    // The stateful signal it reads still sees every evaluation (its window needs every mid).
    expect(src.always).toContain(`v[${rv}] = S[`);
    expect(src.always).not.toContain(`v[${variance}] =`);
    expect(src.quote).toContain(`v[${variance}] =`);
  });

  it('puts constants in place once and evaluates nodes in plan order', () => {
    const p = plans().find((x) => x.strategy.name === 'glft') as Plan;
    const l = link(p);
    p.nodes.forEach((n, i) => {
      if (n.op === 'const' && typeof n.value === 'number') expect(l.values[i]).toBe(n.value);
    });
    const order = [...l.source.always.matchAll(/v\[(\d+)\] =/g)].map((m) => Number(m[1]));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('computes time of day with the same bits as (((t % D) + D) % D) / 1e9, for any time', () => {
    const p = plans().find((x) => x.strategy.name === 'avellaneda-stoikov') as Plan;
    const i = p.nodes.findIndex((n) => n.op === 'clock');
    const src = link(p).source;
    const line = `${src.always}\n${src.quote}`.split('\n').find((l) => l.startsWith(`v[${i}] = `)) ?? '';
    expect(line).not.toBe('');
    const generated = new Function('v', 't', `"use strict"; ${line}`) as (v: Float64Array, t: number) => void;
    const v = new Float64Array(p.nodes.length);
    const D = 86400e9;
    const times = [0, -0, 1, 0.5, -1, -0.5, D, 2 * D, D - 2 ** -7, 2 ** 53, 2 ** 53 + 2, 2 ** 60, -(2 ** 60), NaN, Infinity, -Infinity, 5e-324];
    for (let k = 0; k < 104; k++) for (const d of [-1, -0.5, -(2 ** -10), 0, 2 ** -10, 0.5, 1]) times.push(k * D + d);
    let x = 0x2545f491;
    for (let k = 0; k < 20000; k++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const u = x / 2 ** 32;
      times.push(u * 2 ** 53, Math.floor(u * 2 ** 53), u * 104 * D, -u * 1e15);
    }
    for (const t of times) {
      generated(v, t);
      expect(Object.is(v[i], (((t % D) + D) % D) / 1e9), `t = ${t}`).toBe(true);
    }
  });

  it('adopts the state of stateful nodes with the same key when relinking', () => {
    const p = plans().find((x) => x.strategy.name === 'multi-scenario') as Plan;
    const a = link(p);
    const b = link(p, a);
    expect(b.stateful.map((s) => s.instance)).toEqual(a.stateful.map((s) => s.instance));
    expect(b.stateful.every((s, i) => s.instance === a.stateful[i]?.instance)).toBe(true);
  });
});
