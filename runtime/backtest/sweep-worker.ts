// The sweep's worker thread: opens the job's data once (from the binary cache the main thread has
// warmed), then runs the grid points it is handed one at a time and posts each result back. A point
// that throws is reported as failed and the worker carries on; anything that kills the thread is
// noticed by the main thread (sweep.ts), which blames the point in flight.
import { parentPort, workerData } from 'node:worker_threads';
import { openData } from '../data/open.js';
import { runSweepPoint, type MainToWorker, type SweepJob, type WorkerToMain } from './sweep-job.js';

const port = parentPort;
if (!port) throw new Error('sweep-worker.js runs as a worker thread (see runtime/backtest/sweep.ts)');

const job = workerData as SweepJob;
const post = (m: WorkerToMain): void => port.postMessage(m);

const started = performance.now();
const { batch } = await openData(job.data, { cache: job.cache, ...(job.cacheDir !== undefined ? { cacheDir: job.cacheDir } : {}) });
post({ kind: 'ready', loadMs: performance.now() - started });

port.on('message', (m: MainToWorker) => {
  if (m.kind !== 'run') return;
  const { task } = m;
  const t0 = performance.now();
  let lastPost = 0;
  try {
    const parts = runSweepPoint(job, batch, task, (fraction) => {
      const now = performance.now();
      if (now - lastPost < 100) return;
      lastPost = now;
      post({ kind: 'progress', index: task.index, fraction });
    });
    post({ kind: 'result', index: task.index, parts, wallMs: performance.now() - t0 });
  } catch (err) {
    post({ kind: 'failed', index: task.index, message: err instanceof Error ? err.message : String(err) });
  }
});
