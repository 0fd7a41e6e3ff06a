import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../../../compiler/program.js';
import { generatedFunction } from '../../../runtime/link/generated-function.js';
import { link } from '../../../runtime/link/link.js';
import { RiskGate } from '../../../runtime/risk/risk-gate.js';

const plan = (() => {
  const r = compile(readFileSync(new URL('../../../rulesets/avellaneda-stoikov.quoin', import.meta.url), 'utf8'), { file: 'as.quoin' });
  if (!r.plan) throw new Error('template does not compile');
  return r.plan;
})();

describe('generatedFunction', () => {
  it('hands out one function per distinct source, so call sites stay monomorphic', () => {
    const a = generatedFunction<(x: number) => number>(['x'], 'return x + 1;');
    const b = generatedFunction<(x: number) => number>(['x'], 'return x + 1;');
    const c = generatedFunction<(x: number) => number>(['x'], 'return x + 2;');
    const d = generatedFunction<(y: number) => number>(['y'], 'return x + 1;');
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect(d).not.toBe(a); // parameters are part of the key
    expect(a(1)).toBe(2);
    expect(c(1)).toBe(3);
  });

  it('two links of one plan share evaluators but not state', () => {
    const x = link(plan);
    const y = link(plan);
    expect(y.evalAlways).toBe(x.evalAlways);
    expect(y.evalQuote).toBe(x.evalQuote);
    expect(y.values).not.toBe(x.values);
    expect(y.instances[0]).not.toBe(x.instances[0]);
  });

  it('two gates of one plan share their generated checks', () => {
    const g1 = new RiskGate(plan, () => undefined);
    const g2 = new RiskGate(plan, () => undefined);
    expect(g2.checkSource).toBe(g1.checkSource);
    expect((g2 as unknown as { rulesCheck: unknown }).rulesCheck).toBe((g1 as unknown as { rulesCheck: unknown }).rulesCheck);
  });
});
