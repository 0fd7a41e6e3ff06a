// Runs a sweep's grid points on worker threads. Each worker opens the data itself (through the binary
// cache: pass paths, never the batch) and asks for points one at a time, so fast and slow points
// balance out. Every point runs with fresh models seeded alike, so results do not depend on the
// number of workers or on which worker ran which point. A worker that dies (an uncaught error, an
// out-of-memory exit) costs only the point it was running: that point is reported failed and a new
// worker takes over the rest.
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { locateWorker, startWorker, type WorkerEntry } from '../worker-threads.js';
import type { PartSummary, SweepJob, SweepTask, WorkerToMain } from './sweep-job.js';

export interface SweepProgress {
  /** Points finished (succeeded or failed) and in all. */
  done: number;
  total: number;
  failed: number;
  /** Share of the work done, counting the points in flight by their progress (0–1). */
  fraction: number;
}

export interface SweepRunOptions {
  job: SweepJob;
  tasks: SweepTask[];
  /** Worker threads (default: os.availableParallelism(), never more than the tasks). */
  workers?: number;
  /** The worker module; default: located next to this module (see locateSweepWorker). */
  worker?: SweepWorkerEntry;
  onProgress?: (p: SweepProgress) => void;
}

export type SweepOutcome =
  | { index: number; ok: true; parts: PartSummary[]; wallMs: number }
  | { index: number; ok: false; error: string };

export interface SweepRun {
  /** One outcome per task, in task order. */
  outcomes: SweepOutcome[];
  workers: number;
  /** Workers that died and were replaced. */
  crashes: number;
  wallMs: number;
}

/** How to start the worker: a JavaScript module, or a TypeScript source booted through tsx. */
export type SweepWorkerEntry = WorkerEntry;

/**
 * Where the worker module is, wherever this code runs:
 *  - dist/runtime/backtest/sweep.js (tsc output): ./sweep-worker.js beside it;
 *  - dist/quoin.mjs (the CLI bundle, which inlines this module): ./runtime/backtest/sweep-worker.js,
 *    the tsc output that `npm run build` writes next to the bundle;
 *  - runtime/backtest/sweep.ts (tsx, vitest): ./sweep-worker.ts, booted through tsx (a dev dependency).
 */
export function locateSweepWorker(base: string | URL = import.meta.url): SweepWorkerEntry {
  return locateWorker(base, 'sweep-worker', 'runtime/backtest');
}

export async function runSweep(options: SweepRunOptions): Promise<SweepRun> {
  const { job, tasks } = options;
  const started = performance.now();
  const total = tasks.length;
  const outcomes: Array<SweepOutcome | undefined> = new Array(total);
  if (total === 0) return { outcomes: [], workers: 0, crashes: 0, wallMs: 0 };
  const wanted = options.workers ?? availableParallelism();
  const count = Math.max(1, Math.min(Math.floor(wanted), total));
  const entry = options.worker ?? locateSweepWorker();
  const position = new Map(tasks.map((t, i) => [t.index, i]));

  let next = 0;
  let done = 0;
  let failed = 0;
  let crashes = 0;
  const inFlight = new Map<Worker, { task: SweepTask; fraction: number }>();
  const alive = new Set<Worker>();
  let lastProgress = 0;

  const progress = (force = false): void => {
    if (!options.onProgress) return;
    const now = performance.now();
    if (!force && now - lastProgress < 100) return;
    lastProgress = now;
    let partial = 0;
    for (const f of inFlight.values()) partial += f.fraction;
    options.onProgress({ done, total, failed, fraction: Math.min(1, (done + partial) / total) });
  };

  return new Promise<SweepRun>((resolve, reject) => {
    let settled = false;
    const finish = (): void => {
      if (settled) return;
      settled = true;
      progress(true);
      const workers = [...alive];
      alive.clear();
      void Promise.all(workers.map((w) => w.terminate())).then(() => {
        resolve({ outcomes: outcomes.map((o, i) => o ?? { index: tasks[i]?.index ?? i, ok: false, error: 'not run' }), workers: count, crashes, wallMs: performance.now() - started });
      });
    };
    const record = (outcome: SweepOutcome): void => {
      const at = position.get(outcome.index);
      if (at === undefined || outcomes[at] !== undefined) return;
      outcomes[at] = outcome;
      done++;
      if (!outcome.ok) failed++;
      progress(done === total);
      if (done === total) finish();
    };
    const feed = (w: Worker): void => {
      const task = tasks[next];
      if (task === undefined) {
        // Nothing left for this one: let it go now rather than at the end.
        alive.delete(w);
        void w.terminate();
        return;
      }
      next++;
      inFlight.set(w, { task, fraction: 0 });
      w.postMessage({ kind: 'run', task });
    };
    const spawn = (): void => {
      const w = startWorker(entry, job);
      alive.add(w);
      let ready = false;
      let reason = '';
      w.on('message', (m: WorkerToMain) => {
        if (m.kind === 'ready') {
          ready = true;
          feed(w);
        } else if (m.kind === 'progress') {
          const f = inFlight.get(w);
          if (f && f.task.index === m.index) f.fraction = m.fraction;
          progress();
        } else {
          inFlight.delete(w);
          record(m.kind === 'result' ? { index: m.index, ok: true, parts: m.parts, wallMs: m.wallMs } : { index: m.index, ok: false, error: m.message });
          if (!settled) feed(w);
        }
      });
      w.on('error', (err) => {
        reason = err instanceof Error ? err.message : String(err);
      });
      w.on('exit', (code) => {
        const wasAlive = alive.delete(w);
        if (settled || !wasAlive) return;
        const why = reason || `exit code ${code}`;
        const f = inFlight.get(w);
        inFlight.delete(w);
        if (!ready) {
          // It could not even open the data: a new worker would fail alike, so none is started.
          // The others carry on; with none left, what has not run fails with this reason.
          if (alive.size > 0) return;
          if (done === 0) {
            settled = true;
            reject(new Error(`a sweep worker could not start: ${why}`));
            return;
          }
          for (let i = 0; i < total; i++) {
            const t = tasks[i];
            if (t && outcomes[i] === undefined) record({ index: t.index, ok: false, error: `not run: a sweep worker could not start: ${why}` });
          }
          return;
        }
        crashes++;
        if (f) record({ index: f.task.index, ok: false, error: `the worker crashed while running this point: ${why}` });
        if (!settled && next < total) spawn();
        else if (!settled && alive.size === 0 && inFlight.size === 0) finish();
      });
    };
    for (let i = 0; i < count; i++) spawn();
  });
}
