// Shared by the commands that run a rule set: load a .quoin (compiled, diagnostics printed) or a
// compiled plan (.json, validated), and parse --market ALIAS=VENUE:SYMBOL options.
import { readFileSync } from 'node:fs';
import { compile } from '../compiler/program.js';
import { formatDiagnostic } from '../dsl/diagnostics.js';
import { loadPlan, PlanError } from '../runtime/plan/load-plan.js';
import type { Plan } from '../schemas/index.js';
import { readSource } from './read-source.js';

/** A plan, or undefined after printing why not (diagnostics on stderr). */
export function loadRuleSet(file: string, command: string): Plan | undefined {
  if (file.endsWith('.json')) {
    try {
      return loadPlan(JSON.parse(readFileSync(file, 'utf8')));
    } catch (err) {
      const msg = err instanceof PlanError ? `${err.message}${err.problems.length > 1 ? ` (and ${err.problems.length - 1} more)` : ''}` : (err as Error).message;
      process.stderr.write(`${command}: ${file}: ${msg}\n`);
      return undefined;
    }
  }
  const source = readSource(file);
  if (!source.ok) {
    process.stderr.write(`${formatDiagnostic(source.diagnostic)}\n`);
    return undefined;
  }
  const result = compile(source.text, { file });
  for (const d of result.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
  return result.plan;
}

export function parseMarketOptions(values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const i = v.indexOf('=');
    if (i <= 0 || i === v.length - 1) throw new RangeError(`--market needs ALIAS=VENUE:SYMBOL, not '${v}'`);
    out[v.slice(0, i)] = v.slice(i + 1);
  }
  return out;
}
