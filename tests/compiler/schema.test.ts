import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/program.js';
import { validatePlan } from '../../schemas/index.js';
import type { Plan } from '../../schemas/index.js';
import { templates } from '../helpers.js';

function somePlan(): Plan {
  const t = templates()[0];
  const plan = t ? compile(t.source, { file: t.file }).plan : undefined;
  if (!plan) throw new Error('no plan');
  return structuredClone(plan);
}

describe('plan schema', () => {
  it('accepts every emitted plan', () => {
    for (const t of templates()) {
      const plan = compile(t.source, { file: t.file }).plan;
      expect(validatePlan(plan)).toEqual({ ok: true, value: plan, errors: [] });
    }
  });

  it('refuses unknown properties, naming where', () => {
    const plan = somePlan() as Plan & { extra?: number };
    plan.extra = 1;
    const v = validatePlan(plan);
    expect(v.ok).toBe(false);
    expect(v.errors).toContain("/: must NOT have additional properties 'extra'");
  });

  it('refuses a malformed node with the JSON path of the problem', () => {
    const plan = somePlan();
    (plan.nodes[0] as unknown as Record<string, unknown>).op = 'teleport';
    const v = validatePlan(plan);
    expect(v.ok).toBe(false);
    expect(v.errors.some((e) => e.startsWith('/nodes/0'))).toBe(true);
  });

  it('refuses a wrong hash format and a missing field', () => {
    const plan = somePlan() as Partial<Plan>;
    plan.hash = 'md5:123';
    delete plan.risk;
    const v = validatePlan(plan);
    expect(v.errors).toEqual(expect.arrayContaining(['/hash: must match pattern "^sha256:[0-9a-f]{64}$"', "/: must have required property 'risk'"]));
  });

  it('emits nodes in topological order (every argument before its user)', () => {
    for (const t of templates()) {
      const plan = compile(t.source, { file: t.file }).plan;
      plan?.nodes.forEach((n, i) => {
        if ('args' in n) for (const a of n.args) expect(a).toBeLessThan(i);
      });
      expect(plan?.sourceMap.nodes.length).toBe(plan?.nodes.length);
    }
  });
});
