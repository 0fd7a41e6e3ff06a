// Runs backtest and stress jobs one (or `concurrency`) at a time, each in its own worker thread, and
// keeps the store's record of each job current: running with its progress, then done with its result
// or failed with a message. A worker that crashes or overruns its time limit fails its job; the
// server keeps serving throughout.
import type { Worker } from 'node:worker_threads';
import { locateWorker, startWorker, type WorkerEntry } from '../../runtime/worker-threads.js';
import type { Job, Store } from '../store/types.js';
import type { JobWorkerInput, JobWorkerMessage } from './job-worker.js';

export interface JobQueueOptions {
  store: Store;
  /** Called after a job is stored as done (e.g. to mark versions tested). */
  onDone?: (job: Job) => Promise<void>;
  onError?: (err: unknown) => void;
  concurrency?: number;
  /** Longest a job may run (default 15 minutes). */
  timeLimitMs?: number;
  worker?: WorkerEntry;
}

interface Queued {
  job: Job;
  input: JobWorkerInput;
}

export class JobQueue {
  private readonly waiting: Queued[] = [];
  private readonly running = new Map<string, Worker>();
  private readonly idle: Array<() => void> = [];
  private closed = false;
  private readonly entry: WorkerEntry;

  constructor(private readonly options: JobQueueOptions) {
    this.entry = options.worker ?? locateWorker(import.meta.url, 'job-worker', 'api/jobs');
  }

  get size(): { queued: number; running: number } {
    return { queued: this.waiting.length, running: this.running.size };
  }

  enqueue(job: Job, input: JobWorkerInput): void {
    if (this.closed) throw new Error('the job queue is closed');
    this.waiting.push({ job, input });
    this.pump();
  }

  /** Resolves when no job is queued or running (tests, graceful shutdown). */
  whenIdle(): Promise<void> {
    if (this.waiting.length === 0 && this.running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** Stops taking jobs and terminates running ones (their records say failed). */
  async close(): Promise<void> {
    this.closed = true;
    this.waiting.length = 0;
    await Promise.all([...this.running.values()].map((w) => w.terminate()));
  }

  private pump(): void {
    const limit = this.options.concurrency ?? 1;
    while (!this.closed && this.running.size < limit && this.waiting.length > 0) {
      const next = this.waiting.shift();
      if (next) void this.run(next).catch((err: unknown) => this.options.onError?.(err));
    }
    if (this.waiting.length === 0 && this.running.size === 0) for (const resolve of this.idle.splice(0)) resolve();
  }

  private async run({ job, input }: Queued): Promise<void> {
    const { store } = this.options;
    await store.updateJob({ id: job.id, status: 'running', progress: 0 });
    const worker = startWorker(this.entry, input);
    this.running.set(job.id, worker);
    let lastWrite = 0;
    let progressWrite: Promise<unknown> = Promise.resolve();
    const outcome = await new Promise<{ result?: unknown; error?: string }>((resolve) => {
      const timer = setTimeout(() => {
        resolve({ error: `the job ran longer than its limit of ${Math.round((this.options.timeLimitMs ?? 900_000) / 1000)} s and was stopped` });
        void worker.terminate();
      }, this.options.timeLimitMs ?? 900_000);
      timer.unref();
      worker.on('message', (m: JobWorkerMessage) => {
        if (m.kind === 'progress') {
          // Store progress at most four times a second.
          const now = Date.now();
          if (now - lastWrite >= 250) {
            lastWrite = now;
            progressWrite = progressWrite.then(() => store.updateJob({ id: job.id, progress: Math.min(0.999, m.fraction) })).catch(() => undefined);
          }
        } else {
          clearTimeout(timer);
          resolve(m.kind === 'done' ? { result: m.result } : { error: m.message });
        }
      });
      worker.on('error', (err) => {
        clearTimeout(timer);
        resolve({ error: `internal error: ${err.message}` });
      });
      worker.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ error: this.closed ? 'the server stopped before the job finished; run it again' : `the job's worker exited (code ${code}) before finishing` });
      });
    });
    await progressWrite;
    void worker.terminate();
    try {
      if (outcome.error !== undefined) {
        await store.updateJob({ id: job.id, status: 'failed', error: outcome.error });
      } else {
        const done = await store.updateJob({ id: job.id, status: 'done', progress: 1, result: outcome.result, error: null });
        await this.options.onDone?.(done);
      }
    } finally {
      // Counted as running until its record and what follows from it (a version becoming tested)
      // are written: whenIdle means nothing is left to happen, not only that no worker is busy.
      this.running.delete(job.id);
      this.pump();
    }
  }
}
