// The worker thread of one job: opens the data (through the binary cache), runs the job and posts
// progress and the result to the main thread. A backtest of a day of data takes seconds of CPU: in
// a worker it does not stall the API's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { BindingError } from '../../runtime/bind-markets.js';
import { DataError } from '../../runtime/data/open.js';
import { StressError } from '../../runtime/stress/errors.js';
import type { Plan } from '../../schemas/index.js';
import { JobInputError, runJob, type JobRequest } from './run-job.js';
import { openJobMarket, type JobMarket } from './job-market.js';

export interface JobWorkerInput {
  plan: Plan;
  request: JobRequest;
  market: JobMarket;
}

export type JobWorkerMessage =
  | { kind: 'progress'; fraction: number }
  | { kind: 'done'; result: unknown }
  | { kind: 'failed'; message: string };

const port = parentPort;
if (!port) throw new Error('job-worker.ts runs as a worker thread');
const post = (m: JobWorkerMessage): void => port.postMessage(m);

async function main(input: JobWorkerInput): Promise<void> {
  let last = 0;
  try {
    const batch = await openJobMarket(input.plan, input.market);
    const result = runJob(input.plan, batch, input.request, (fraction) => {
      // Progress at most every 1%: messages are cheap, store writes they cause are not.
      if (fraction - last >= 0.01 || fraction === 1) {
        last = fraction;
        post({ kind: 'progress', fraction });
      }
    });
    // Results go through JSON: NaN and ±Infinity become null, as in every API answer.
    post({ kind: 'done', result: JSON.parse(JSON.stringify(result, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))) });
  } catch (err) {
    const known = err instanceof JobInputError || err instanceof BindingError || err instanceof StressError || err instanceof DataError;
    const message = err instanceof BindingError ? err.apiMessage : (err as Error).message;
    post({ kind: 'failed', message: known ? message : `internal error: ${(err as Error).stack ?? String(err)}` });
  }
}

void main(workerData as JobWorkerInput);
