// The compiler driver: source → parse → bind → check → lower → validate → hash. Each phase reports
// through one sink; a plan comes out only when no error remains. Nothing a user types can make this
// throw: unexpected failures become a Q5002 diagnostic.
import type { SourceRange, StrategyAst } from '../dsl/ast.js';
import { hasErrors, makeDiagnostic, type Diagnostic } from '../dsl/diagnostics.js';
import { parse, LineIndex, limits } from '../dsl/parse.js';
import { validatePlan, type Plan } from '../schemas/index.js';
import { bind } from './binder.js';
import { check, type Checked } from './checker.js';
import { planHash } from './hash.js';
import { lower } from './lower.js';
import type { Reporter } from './report.js';

export interface CompileOptions {
  /** Name shown in diagnostics and stored in the source map. */
  file?: string;
}

export interface CompileResult {
  plan: Plan | undefined;
  diagnostics: Diagnostic[];
  ast: StrategyAst | undefined;
  /** Types and resolutions, for the editor's hovers and completion. Absent when parsing failed. */
  checked: Checked | undefined;
}

export function compile(source: string, options: CompileOptions = {}): CompileResult {
  const file = options.file ?? '<input>';
  const diagnostics: Diagnostic[] = [];
  let ast: StrategyAst | undefined;
  let checked: Checked | undefined;
  try {
    const parsed = parse(source, file);
    diagnostics.push(...parsed.diagnostics);
    ast = parsed.ast;
    if (!ast) return { plan: undefined, diagnostics, ast, checked };

    const syntaxErrors = hasErrors(diagnostics);
    // After syntax errors the later phases still run (the editor wants every problem at once), but
    // only on blocks the parser read whole: inside a broken block, recovery guesses, and findings
    // about those guesses would only be noise.
    const broken = brokenRanges(ast, diagnostics);
    const report: Reporter = (code, message, range, extra = {}) => {
      if (syntaxErrors && (code === 'Q4010' || code === 'Q4009' || code === 'Q4005')) return;
      if (broken.some((r) => range.start.offset >= r.start.offset && range.start.offset < r.end.offset)) return;
      diagnostics.push(makeDiagnostic({ code, message, file, range, ...extra }));
    };
    const decls = bind(ast, report);
    checked = check(decls, report);
    if (hasErrors(diagnostics)) return { plan: undefined, diagnostics: sortDiagnostics(diagnostics), ast, checked };

    const unhashed = lower(ast, decls, checked, file);
    const plan: Plan = { ...unhashed, hash: planHash(unhashed) };
    const validation = validatePlan(plan);
    if (!validation.ok) {
      const lines = validation.errors;
      diagnostics.push(makeDiagnostic({
        code: 'Q5001',
        message: `the compiled plan does not match schemas/plan.schema.json (a compiler bug): ${lines.join('; ')}`,
        file,
        range: ast.range,
      }));
      return { plan: undefined, diagnostics: sortDiagnostics(diagnostics), ast, checked };
    }
    return { plan: orderKeys(plan), diagnostics: sortDiagnostics(diagnostics), ast, checked };
  } catch (err) {
    const lines = new LineIndex(source);
    const tooDeep = err instanceof RangeError;
    diagnostics.push(makeDiagnostic({
      code: tooDeep ? 'Q1005' : 'Q5002',
      message: tooDeep
        ? 'the file nests too deeply to be compiled; simplify the deepest expression'
        : `internal compiler error: ${err instanceof Error ? err.message : String(err)}`,
      file,
      range: lines.range(0, 0),
    }));
    return { plan: undefined, diagnostics: sortDiagnostics(diagnostics), ast, checked };
  }
}

/** Ranges of top-level blocks that contain a syntax error. */
function brokenRanges(ast: StrategyAst, diagnostics: Diagnostic[]): SourceRange[] {
  const errorOffsets = diagnostics.filter((d) => d.severity === 'error').map((d) => d.range.start.offset);
  if (errorOffsets.length === 0) return [];
  return ast.items
    .map((item) => item.range)
    .filter((r) => errorOffsets.some((o) => o >= r.start.offset && o <= r.end.offset));
}

/** In source order, at most `limits.maxDiagnostics`, then one Q1008 saying how many more there were. */
function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  const sorted = ds
    .map((d, i) => ({ d, i }))
    .sort((a, b) => a.d.range.start.offset - b.d.range.start.offset || a.i - b.i)
    .map(({ d }) => d);
  const counted = sorted.filter((d) => d.code !== 'Q1008');
  const hidden = counted.length - limits.maxDiagnostics + ds.filter((d) => d.code === 'Q1008').reduce((n, d) => n + Number(/^(\d+)/.exec(d.message)?.[1] ?? 0), 0);
  if (counted.length <= limits.maxDiagnostics && hidden <= 0) return sorted;
  const kept = counted.slice(0, limits.maxDiagnostics);
  const last = kept[kept.length - 1];
  if (last && hidden > 0) {
    kept.push(makeDiagnostic({ code: 'Q1008', message: `${hidden} more errors not shown; fix the ones above first`, file: last.file, range: last.range }));
  }
  return kept;
}

/** Puts `format` and `hash` first so a plan file reads naturally; the hash ignores key order. */
function orderKeys(plan: Plan): Plan {
  const { format, hash, ...rest } = plan;
  return { format, hash, ...rest };
}
