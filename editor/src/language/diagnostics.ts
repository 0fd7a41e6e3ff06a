// Compiler diagnostics → editor markers, and the scheduling of compiles as the text changes:
// debounced, one request in flight per editor, and results for an older text dropped.
import type { Diagnostic } from '../../../dsl/diagnostics.js';
import type { Plan } from '../../../schemas/index.js';

/** Monaco's MarkerSeverity values (Hint 1, Info 2, Warning 4, Error 8), kept here so this module needs no Monaco. */
export const markerSeverity = { error: 8, warning: 4, info: 2 } as const;

export interface MarkerData {
  severity: number;
  message: string;
  code: string;
  source: 'quoin';
  startLineNumber: number;
  startColumn: number;
  endLineNumber: number;
  endColumn: number;
  relatedInformation?: Array<{ message: string; startLineNumber: number; startColumn: number; endLineNumber: number; endColumn: number }>;
}

/**
 * Diagnostic ranges are 1-based lines and columns with an exclusive end (dsl/line-index.ts), which
 * is Monaco's convention too, so they map one to one. An empty range (a missing token at the end of
 * a line) is widened to the character before it so the squiggle can be seen.
 */
export function toMarker(d: Diagnostic, lineLength: (line: number) => number): MarkerData {
  let { line: sl, col: sc } = d.range.start;
  let { line: el, col: ec } = d.range.end;
  if (sl === el && sc === ec) {
    const len = lineLength(sl);
    if (sc <= len) ec = sc + 1;
    else if (len > 0) {
      sc = len;
      ec = len + 1;
    }
  }
  const m: MarkerData = {
    severity: markerSeverity[d.severity],
    message: d.message,
    code: d.code,
    source: 'quoin',
    startLineNumber: sl,
    startColumn: sc,
    endLineNumber: el,
    endColumn: ec,
  };
  if (d.related?.length) {
    m.relatedInformation = d.related.map((r) => ({
      message: r.message,
      startLineNumber: r.range.start.line,
      startColumn: r.range.start.col,
      endLineNumber: r.range.end.line,
      endColumn: r.range.end.col,
    }));
  }
  return m;
}

export interface CompileRequest {
  id: number;
  source: string;
  file: string;
}

export interface CompileResponse {
  id: number;
  diagnostics: Diagnostic[];
  plan: Plan | null;
  /** Time the compiler took in the worker, parse to schema validation. */
  elapsedMs: number;
}

export type CompileFn = (source: string, file: string) => Promise<Omit<CompileResponse, 'id'>>;

/**
 * Debounces compiles of one document and keeps only the newest result: each change bumps a version,
 * and a result is applied only if no change came after the text it was computed from.
 */
export class DiagnosticsScheduler {
  private version = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly opts: {
      compile: CompileFn;
      text: () => string;
      file: string;
      delayMs: number;
      apply: (result: Omit<CompileResponse, 'id'>) => void;
      setTimer?: (fn: () => void, ms: number) => ReturnType<typeof setTimeout>;
      clearTimer?: (t: ReturnType<typeof setTimeout>) => void;
    },
  ) {}

  /** The text changed: compile it after the debounce delay. */
  changed(): void {
    if (this.disposed) return;
    this.version++;
    this.cancelTimer();
    const set = this.opts.setTimer ?? setTimeout;
    this.timer = set(() => {
      this.timer = undefined;
      void this.run();
    }, this.opts.delayMs);
  }

  /** Compiles the current text now and resolves once its result is applied (or found stale). */
  flush(): Promise<void> {
    this.cancelTimer();
    return this.run();
  }

  dispose(): void {
    this.disposed = true;
    this.cancelTimer();
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) (this.opts.clearTimer ?? clearTimeout)(this.timer);
    this.timer = undefined;
  }

  private run(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    const version = this.version;
    const source = this.opts.text();
    const done = this.opts.compile(source, this.opts.file).then(
      (result) => {
        if (this.disposed || version !== this.version) return;
        this.opts.apply(result);
      },
      () => undefined,
    );
    this.running = done;
    return done;
  }

  /** For tests: the most recent compile. */
  get lastRun(): Promise<void> {
    return this.running;
  }
}
