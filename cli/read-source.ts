// Reads a rule set from disk as text. Any bytes are accepted (invalid UTF-8 becomes U+FFFD and is
// then reported by the lexer); a missing or unreadable file becomes a diagnostic, not a stack trace.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { makeDiagnostic, type Diagnostic } from '../dsl/diagnostics.js';
import { limits } from '../dsl/parse.js';

export type SourceRead = { ok: true; text: string } | { ok: false; diagnostic: Diagnostic };

const origin = { line: 1, col: 1, offset: 0 };

export function readSource(file: string): SourceRead {
  const fail = (message: string): SourceRead => ({
    ok: false,
    diagnostic: makeDiagnostic({ code: 'Q1009', message, file, range: { start: origin, end: origin } }),
  });
  try {
    const st = statSync(file);
    if (st.isDirectory()) {
      // check and compile expand directories before they get here (expandInputs); one that arrives
      // anyway was given where a single rule set is wanted.
      const n = readdirSync(file).filter((f) => f.endsWith('.quoin')).length;
      return fail(n === 0 ? `${file} is a directory with no .quoin files` : `${file} is a directory (of ${n} .quoin file${n === 1 ? '' : 's'}); give one rule set file`);
    }
    if (st.size > limits.maxSourceChars * 4) return fail(`${file} is ${st.size} bytes; rule sets are limited to ${limits.maxSourceChars} characters`);
    return { ok: true, text: readFileSync(file, 'utf8') };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return fail(code === 'ENOENT' ? `no such file: ${file}` : `cannot read ${file}: ${code ?? String(err)}`);
  }
}

/** Directories stand for the .quoin files directly inside them, in name order; anything else is kept as given. */
export function expandInputs(inputs: string[]): string[] {
  return inputs.flatMap((input) => {
    try {
      if (!statSync(input).isDirectory()) return [input];
      const files = readdirSync(input).filter((f) => f.endsWith('.quoin')).sort();
      return files.length > 0 ? files.map((f) => path.join(input, f)) : [input];
    } catch {
      return [input];
    }
  });
}
