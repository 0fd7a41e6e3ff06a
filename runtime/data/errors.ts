// How bad data is reported. Two channels, on purpose:
// - DataError (thrown): the input cannot be read at all (unknown format, empty, truncated archive,
//   a malformed row in a format where one bad row means the file is not what it claims to be).
//   Its message is one line naming the file (and line), meant to be printed as is, without a stack.
// - DataIssue (returned beside the batch): the input is readable but says something wrong (sequence
//   gaps, crossed books, off-grid prices, a bad line in a capture). Loading goes on; nothing is
//   silently absorbed.
import type { DataIssue } from '../events.js';

export class DataError extends Error {
  override readonly name = 'DataError';
}

export function dataIssue(kind: DataIssue['kind'], source: string, line: number, message: string): DataIssue {
  return { kind, source, line, message };
}

/** `file:line: kind: message`, the way compilers print diagnostics. */
export function formatIssue(issue: DataIssue): string {
  // Line 0: the issue is about the whole file.
  return `${issue.source}${issue.line > 0 ? `:${issue.line}` : ''}: ${issue.kind}: ${issue.message}`;
}

/** A one-line description of a low-level read error (zlib, yauzl, fs) for a DataError message. */
export function describeReadError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(err.message)) return 'truncated (unexpected end of compressed data)';
  if (code === 'Z_DATA_ERROR') return `corrupt compressed data (${err.message})`;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  return err.message.split('\n')[0] ?? err.message;
}

/**
 * Collects issues for one feed. A systematic problem (a wrong tick size makes every line off-grid)
 * must not bury the rest, so each kind keeps its first `perKind` issues and then only counts; the
 * count is reported as a final issue of that kind, so nothing disappears without a trace.
 */
export class IssueLog {
  readonly issues: DataIssue[] = [];
  private readonly counts = new Map<DataIssue['kind'], { n: number; source: string; line: number }>();

  constructor(private readonly perKind = 1000) {}

  add(kind: DataIssue['kind'], source: string, line: number, message: string): void {
    const c = this.counts.get(kind);
    if (!c) this.counts.set(kind, { n: 1, source, line });
    else {
      c.n++;
      c.source = source;
      c.line = line;
    }
    if ((c?.n ?? 1) <= this.perKind) this.issues.push(dataIssue(kind, source, line, message));
  }

  /** The issues, plus one summary per kind that went over the limit (placed at its last line). */
  finish(): DataIssue[] {
    const out = [...this.issues];
    for (const [kind, c] of this.counts) {
      if (c.n > this.perKind) out.push(dataIssue(kind, c.source, c.line, `${c.n - this.perKind} more ${kind} issues not listed (${c.n} in all)`));
    }
    return out;
  }
}
