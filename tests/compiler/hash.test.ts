import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/program.js';
import { canonicalJson, planHash } from '../../compiler/hash.js';
import type { Plan } from '../../schemas/index.js';
import { templates } from '../helpers.js';

function planOf(source: string): Plan {
  const r = compile(source, { file: 'h.quoin' });
  if (!r.plan) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.plan;
}

const base = templates().find((t) => t.name === 'multi-scenario')?.source ?? '';

describe('plan hash', () => {
  it('is the sha256 of the canonical plan without hash and source map', () => {
    const plan = planOf(base);
    expect(plan.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(planHash(plan)).toBe(plan.hash);
    expect(planHash({ ...plan, sourceMap: { file: 'other.quoin', nodes: [], items: {} } })).toBe(plan.hash);
  });

  it('does not change with whitespace, comments, blank lines or the file name', () => {
    const reformatted = base
      .split('\n')
      .map((line) => `  ${line.replace(/\s+/g, '   ')}   # trailing comment`)
      .join('\n\n');
    const a = planOf(base);
    const b = compile(reformatted, { file: 'elsewhere/renamed.quoin' }).plan;
    expect(b?.hash).toBe(a.hash);
    expect(b?.sourceMap).not.toEqual(a.sourceMap);
  });

  it('changes with any change of meaning', () => {
    const a = planOf(base).hash;
    const variants = [
      base.replace('base_spread  = 6 bps', 'base_spread  = 7 bps'),
      base.replace('version 1', 'version 2'),
      base.replace('halflife: 30s', 'halflife: 31s'),
      base.replace('-> throttle', '-> halt'),
      base.replace('hold 5m', 'hold 6m'),
    ];
    const hashes = variants.map((v) => planOf(v).hash);
    for (const h of hashes) expect(h).not.toBe(a);
    expect(new Set(hashes).size).toBe(hashes.length);
  });

  it('is independent of key order (canonical JSON)', () => {
    expect(canonicalJson({ b: 1, a: [2, { d: 1, c: 0.1 }] })).toBe('{"a":[2,{"c":0.1,"d":1}],"b":1}');
    const plan = planOf(base);
    const shuffled = Object.fromEntries(Object.entries(plan).reverse()) as Plan;
    expect(planHash(shuffled)).toBe(plan.hash);
  });

  it('compiling twice gives byte-identical plans', () => {
    for (const t of templates()) {
      const a = JSON.stringify(compile(t.source, { file: t.file }).plan);
      const b = JSON.stringify(compile(t.source, { file: t.file }).plan);
      expect(a).toBe(b);
    }
  });
});

describe('stateful node keys (identity across plans for hot-swap)', () => {
  const keys = (p: Plan): string[] => p.nodes.flatMap((n) => (n.op === 'stateful' ? [`${n.fn}:${n.key}`] : []));

  it('stay the same when an unrelated param changes', () => {
    const a = planOf(base);
    const b = planOf(base.replace('order_size   = 0.01 BTC', 'order_size   = 0.02 BTC'));
    expect(b.hash).not.toBe(a.hash);
    expect(keys(b)).toEqual(keys(a));
  });

  it('change when the computation changes (window, input)', () => {
    const a = keys(planOf(base));
    const b = keys(planOf(base.replace('halflife: 30s', 'halflife: 45s')));
    expect(b).not.toEqual(a);
    // Only the changed EWM and what depends on it (the baseline over it) get new keys.
    const changed = b.filter((k) => !a.includes(k));
    expect(changed.map((k) => k.split(':')[0]).sort()).toEqual(['baseline', 'ewm_stdev']);
  });
});

describe('canonical JSON', () => {
  it('writes exactly what the canonicalize package (RFC 8785) writes, on random JSON values', async () => {
    const fc = (await import('fast-check')).default;
    const { createRequire } = await import('node:module');
    const canonicalize = createRequire(import.meta.url)('canonicalize') as (v: unknown) => string;
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(canonicalJson(v)).toBe(canonicalize(v));
      }),
      { numRuns: 2000 },
    );
    for (const v of [{ 'é': 1, e: 2, '\u20ac': [1e21, 1e-7, -0, 0.1 + 0.2] }, Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${39 - i}`, i]))]) expect(canonicalJson(v)).toBe(canonicalize(v));
  });
});
