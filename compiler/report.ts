// How phases hand findings to the compiler driver: a callback, so phases stay pure of storage.
import type { Diagnostic, DiagnosticCode, Severity, SourceRange } from '../dsl/diagnostics.js';

export interface ReportExtra {
  related?: Diagnostic['related'];
  suggestion?: string;
  severity?: Severity;
}

export type Reporter = (code: DiagnosticCode, message: string, range: SourceRange, extra?: ReportExtra) => void;
