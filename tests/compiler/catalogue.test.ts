// One test per entry of the diagnostics catalogue: its example must yield its code, so no entry
// exists that nothing can trigger, and the docs' examples (generated from it) stay true.
import { describe, expect, it, vi } from 'vitest';
import { catalogue, type DiagnosticCode } from '../../dsl/diagnostics.js';
import { checkEnvelope } from '../../compiler/envelope.js';
import { compile } from '../../compiler/program.js';

// Codes no source text can trigger: tested below (Q5001, Q5002) and in tests/cli (Q1009, unreadable files).
const internal = new Set<DiagnosticCode>(['Q1009', 'Q5001', 'Q5002']);

describe('diagnostics catalogue', () => {
  for (const [code, entry] of Object.entries(catalogue) as Array<[DiagnosticCode, (typeof catalogue)[DiagnosticCode]]>) {
    if (internal.has(code)) continue;
    const envelope = 'envelope' in entry ? entry.envelope : undefined;
    if (envelope) {
      // Envelope codes come from checking a valid plan against a risk manager's envelope.
      it(`${code} ${entry.title}`, () => {
        const result = compile(entry.example, { file: 'example.quoin' });
        expect(result.plan, 'the example of an envelope code must compile').toBeDefined();
        const found = checkEnvelope(result.plan as NonNullable<typeof result.plan>, entry.example, envelope);
        expect(found.map((d) => d.code)).toContain(code);
        for (const d of found.filter((x) => x.code === code)) expect(d.severity).toBe(entry.severity);
      });
      continue;
    }
    it(`${code} ${entry.title}`, () => {
      const result = compile(entry.example, { file: 'example.quoin' });
      const hits = result.diagnostics.filter((d) => d.code === code);
      expect(hits.length, `example of ${code} gave: ${result.diagnostics.map((d) => `${d.code} ${d.message}`).join(' | ')}`).toBeGreaterThan(0);
      for (const d of hits) expect(d.severity).toBe(entry.severity);
      if (entry.severity === 'error') expect(result.plan).toBeUndefined();
    });
  }

  it('every code is unique, well formed and documented', () => {
    for (const [code, entry] of Object.entries(catalogue)) {
      expect(code).toMatch(/^Q[1-6]\d{3}$/);
      expect(entry.title.length).toBeGreaterThan(3);
      expect(entry.explanation.length).toBeGreaterThan(20);
    }
  });

  it('Q5001 is reported when the emitted plan fails schema validation', async () => {
    vi.resetModules();
    vi.doMock('../../schemas/index.js', async (orig) => ({
      ...(await orig<typeof import('../../schemas/index.js')>()),
      validatePlan: () => ({ ok: false, errors: ['/nodes/0: must be object'] }),
    }));
    const { compile: compileMocked } = await import('../../compiler/program.js');
    const { exampleStrategy } = await import('../../dsl/diagnostics.js');
    const result = compileMocked(exampleStrategy('  quote m {\n bid = m.bid\n ask = m.ask\n size = order_size\n }\n  risk { position abs <= max_position -> halt }'), { file: 'x.quoin' });
    expect(result.plan).toBeUndefined();
    expect(result.diagnostics.map((d) => d.code)).toContain('Q5001');
    expect(result.diagnostics.find((d) => d.code === 'Q5001')?.message).toContain('/nodes/0: must be object');
    vi.doUnmock('../../schemas/index.js');
    vi.resetModules();
  });

  it('Q5002 is reported, not thrown, when a phase fails unexpectedly', async () => {
    vi.resetModules();
    vi.doMock('../../compiler/lower.js', () => ({
      lower: () => {
        throw new TypeError('boom');
      },
    }));
    const { compile: compileMocked } = await import('../../compiler/program.js');
    const { exampleStrategy } = await import('../../dsl/diagnostics.js');
    const result = compileMocked(exampleStrategy('  quote m {\n bid = m.bid\n ask = m.ask\n size = order_size\n }\n  risk { position abs <= max_position -> halt }'), { file: 'x.quoin' });
    expect(result.plan).toBeUndefined();
    const d = result.diagnostics.find((x) => x.code === 'Q5002');
    expect(d?.message).toBe('internal compiler error: boom');
    vi.doUnmock('../../compiler/lower.js');
    vi.resetModules();
  });
});
