// A sweep worker that dies on some points (for sweep-run.test.ts): it speaks the real worker's
// protocol, but exits the thread when asked to run half_spread = 3 bps and throws an uncaught error
// on 4 bps, instead of running them.
import { parentPort, workerData } from 'node:worker_threads';
import { runSweepPoint, type MainToWorker, type SweepJob, type WorkerToMain } from '../../../runtime/backtest/sweep-job.js';
import { openData } from '../../../runtime/data/open.js';

const job = workerData as SweepJob;
const post = (m: WorkerToMain): void => parentPort?.postMessage(m);
const { batch } = await openData(job.data, { cache: job.cache });
post({ kind: 'ready', loadMs: 0 });
parentPort?.on('message', (m: MainToWorker) => {
  const d = m.task.values.half_spread?.display;
  if (d === '3 bps') process.exit(7);
  if (d === '4 bps') throw new Error('simulated crash');
  post({ kind: 'result', index: m.task.index, parts: runSweepPoint(job, batch, m.task), wallMs: 0 });
});
