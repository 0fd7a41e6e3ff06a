// Character offsets → 1-based line and column, by binary search over line starts.
import type { SourceRange } from './ast.js';

export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly source: string) {
    const text = source;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  /** Line of the last lookup: most lookups are near the previous one, so it is tried first. */
  private hint = 0;

  lineOf(offset: number): number {
    const h = this.hint;
    const start = this.starts[h] ?? 0;
    if (offset >= start) {
      const next = this.starts[h + 1];
      if (next === undefined || offset < next) return h + 1;
      const after = this.starts[h + 2];
      if (after === undefined || offset < after) {
        this.hint = h + 1;
        return h + 2;
      }
    }
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    this.hint = lo;
    return lo + 1;
  }

  position(offset: number): { line: number; col: number; offset: number } {
    const o = Math.max(0, Math.min(offset, this.source.length));
    const line = this.lineOf(o);
    return { line, col: o - (this.starts[line - 1] ?? 0) + 1, offset: o };
  }

  /** Offset of a 1-based line and column (clamped to the source). */
  offsetOf(line: number, col: number): number {
    const start = this.starts[Math.max(0, Math.min(line, this.starts.length) - 1)] ?? 0;
    return Math.max(0, Math.min(start + col - 1, this.source.length));
  }

  range(start: number, end: number): SourceRange {
    return { start: this.position(start), end: this.position(Math.max(start, end)) };
  }

  get length(): number {
    return this.source.length;
  }
}
