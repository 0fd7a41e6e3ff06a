// The job queue's promise to its callers: whenIdle resolves only when nothing is left to happen —
// every finished job's record written and what follows from it done (onDone: a version becoming
// tested). It once resolved as soon as the last worker had finished, before its record and onDone,
// so a caller could see a job done and its version still a draft.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobQueue } from '../../api/jobs/job-queue.js';
import type { JobWorkerInput } from '../../api/jobs/job-worker.js';
import { approvedVersion, PLAN_HASH, tempStore, type TempStore } from './store/helpers.js';

let t: TempStore;
beforeEach(async () => {
  t = await tempStore();
});
afterEach(async () => t.cleanup());

/** A worker that answers at once with a result, as a finished backtest would. */
function instantWorker(dir: string): URL {
  const file = path.join(dir, 'instant-worker.mjs');
  writeFileSync(file, "import { parentPort } from 'node:worker_threads';\nparentPort.postMessage({ kind: 'done', result: { ok: true } });\n");
  return pathToFileURL(file);
}

describe('JobQueue.whenIdle', () => {
  it('resolves only after the finished jobs are stored and their onDone has run', async () => {
    const v = await approvedVersion(t.store);
    const events: string[] = [];
    const queue = new JobQueue({
      store: t.store,
      worker: { kind: 'module', url: instantWorker(t.dir) },
      onDone: async (job) => {
        events.push(`onDone ${job.status}`);
        // Slow follow-up work (a store write under load): whenIdle must wait for it.
        await new Promise((resolve) => setTimeout(resolve, 150));
        events.push('onDone finished');
      },
    });
    for (let k = 0; k < 2; k++) {
      const job = await t.store.createJob({ kind: 'backtest', versionId: v.id, planHash: PLAN_HASH, engineSemantics: 2, request: {}, actor: 'alice' });
      queue.enqueue(job, {} as JobWorkerInput);
    }
    // Poll the way an API client does, then ask whether everything is over.
    for (;;) {
      const jobs = await t.store.listJobs({ versionId: v.id });
      if (jobs.every((j) => j.status === 'done')) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await queue.whenIdle();
    events.push('idle');
    expect(events).toEqual(['onDone done', 'onDone finished', 'onDone done', 'onDone finished', 'idle']);
    expect(queue.size).toEqual({ queued: 0, running: 0 });
    await queue.close();
  });
});
