// What the loaders set aside (malformed rows, sequence gaps, out-of-order times…), said in one line
// on stderr by the commands that replay data: rows are skipped, never silently.
import { formatIssue } from '../runtime/data/errors.js';
import type { DataIssue } from '../runtime/events.js';

/** `data: 3 issues (malformed_row 2, negative_size 1); the first: file:line: kind: message`, or undefined when there are none. */
export function describeDataIssues(issues: readonly DataIssue[]): string | undefined {
  if (issues.length === 0) return undefined;
  const byKind = new Map<string, number>();
  for (const i of issues) byKind.set(i.kind, (byKind.get(i.kind) ?? 0) + 1);
  const kinds = [...byKind].map(([k, n]) => `${k} ${n}`).join(', ');
  const first = issues[0];
  return `data: ${issues.length} issue${issues.length === 1 ? '' : 's'} (${kinds}); the first: ${first ? formatIssue(first) : '?'} — quoin run --json lists them`;
}
