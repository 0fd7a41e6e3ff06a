// The compiler driver: source → parse → bind → check → lower → validate → hash. Each phase reports
// through one sink; a plan comes out only when no error remains. Nothing a user types can make this
// throw: unexpected failures become a Q5002 diagnostic.
import type { StrategyAst } from '../dsl/ast.js';
import { hasErrors, makeDiagnostic, type Diagnostic } from '../dsl/diagnostics.js';
import { parse, LineIndex } from '../dsl/parse.js';
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
    const report: Reporter = (code, message, range, extra = {}) => {
      diagnostics.push(makeDiagnostic({ code, message, file, range, ...extra }));
    };
    // After syntax errors, later phases still run (the editor wants every problem at once), but
    // their findings inside broken regions are already suppressed by `error` placeholders.
    const decls = bind(ast, report);
    checked = check(decls, syntaxErrors ? quietWarnings(report) : report);
    if (hasErrors(diagnostics)) return { plan: undefined, diagnostics: sortDiagnostics(diagnostics), ast, checked };

    const unhashed = lower(ast, decls, checked, source, file);
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

/** With syntax errors present, unused-name warnings are mostly noise from the broken parts. */
function quietWarnings(report: Reporter): Reporter {
  return (code, message, range, extra) => {
    if (code === 'Q4010' || code === 'Q4009') return;
    report(code, message, range, extra);
  };
}

function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  return ds
    .map((d, i) => ({ d, i }))
    .sort((a, b) => a.d.range.start.offset - b.d.range.start.offset || a.i - b.i)
    .map(({ d }) => d);
}

/** Puts `format` and `hash` first so a plan file reads naturally; the hash ignores key order. */
function orderKeys(plan: Plan): Plan {
  const { format, hash, ...rest } = plan;
  return { format, hash, ...rest };
}
