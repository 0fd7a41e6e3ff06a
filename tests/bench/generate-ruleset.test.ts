// The benchmark's generated rule set must be a valid strategy, or the compile figures would time
// the error path instead of a full compile.
import { describe, expect, it } from 'vitest';
import { generateRuleset } from '../../bench/generate-ruleset.js';
import { compile } from '../../compiler/program.js';
import { formatDiagnostic } from '../../dsl/diagnostics.js';

describe('generateRuleset', () => {
  it('produces a 5,000-line strategy that compiles to a plan without any diagnostic', () => {
    const source = generateRuleset(5000);
    expect(source.split('\n').length - 1).toBeGreaterThanOrEqual(5000);
    const result = compile(source, { file: 'generated-5000.quoin' });
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(result.plan).toBeDefined();
    // Realistic rather than one line repeated: many markets, params, signals, scenarios and rules.
    expect(result.plan?.markets.length).toBeGreaterThan(50);
    expect(result.plan?.params.length).toBeGreaterThan(500);
    expect(result.plan?.signals.length).toBeGreaterThan(300);
    expect(result.plan?.scenarios.length).toBeGreaterThan(100);
    expect(result.plan?.risk.length).toBeGreaterThan(200);
  });

  it('produces small rule sets too, with at least the requested lines', () => {
    for (const lines of [1, 100, 1000]) {
      const source = generateRuleset(lines);
      expect(source.split('\n').length - 1).toBeGreaterThanOrEqual(lines);
      expect(compile(source, { file: `generated-${lines}.quoin` }).diagnostics.map(formatDiagnostic)).toEqual([]);
    }
  });
});
