// What the loaders set aside (malformed rows, sequence gaps, out-of-order times…), said in one line
// on stderr by the commands that replay data: rows are skipped, never silently.
import { formatIssue } from '../runtime/data/errors.js';
import type { DataIssue } from '../runtime/events.js';

/** How many issues of each kind, in the order the kinds first appear. */
export function issueCounts(issues: readonly DataIssue[]): Record<string, number> {
  const byKind: Record<string, number> = {};
  for (const i of issues) byKind[i.kind] = (byKind[i.kind] ?? 0) + 1;
  return byKind;
}

/** `data: 3 issues (malformed_row 2, negative_size 1); the first: file:line: kind: message`, or undefined when there are none. */
export function describeDataIssues(issues: readonly DataIssue[]): string | undefined {
  if (issues.length === 0) return undefined;
  const kinds = Object.entries(issueCounts(issues)).map(([k, n]) => `${k} ${n}`).join(', ');
  const first = issues[0];
  return `data: ${issues.length} issue${issues.length === 1 ? '' : 's'} (${kinds}); the first: ${first ? formatIssue(first) : '?'} — quoin run --json lists them`;
}
