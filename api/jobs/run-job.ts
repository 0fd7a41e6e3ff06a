// What a backtest or stress job does, apart from where it runs (a worker thread, see job-worker.ts):
// open the data, run, and return the result as plain JSON for the store. Bad requests (an unknown
// scenario, a window outside the data, a plan whose markets the data lacks) fail the job with the
// message a user can act on, not a stack trace.
import { jobCharts } from './job-charts.js';
import { runBacktest } from '../../runtime/backtest/backtest.js';
import { parseFees } from '../../runtime/backtest/fees.js';
import { parseLatency } from '../../runtime/backtest/latency.js';
import { parseQueueModel } from '../../runtime/backtest/queue.js';
import { Random } from '../../runtime/backtest/random.js';
import { runStress, stressSpecs } from '../../runtime/backtest/stress-run.js';
import { summarise } from '../../runtime/backtest/summary.js';
import { describeLatency } from '../../runtime/backtest/sweep-job.js';
import { parseWindow } from '../../runtime/backtest/window.js';
import type { EventBatch } from '../../runtime/events.js';
import type { Plan } from '../../schemas/index.js';
import type { BacktestBody, StressBody } from '../../schemas/generated/api.js';

export type JobRequest = { kind: 'backtest'; body: BacktestBody } | { kind: 'stress'; body: StressBody };

/** A failure the user caused (bad spec, window, binding): its message goes to the job as is. */
export class JobInputError extends Error {
  override name = 'JobInputError';
}

export function runJob(plan: Plan, batch: EventBatch, request: JobRequest, onProgress: (fraction: number) => void): unknown {
  const body = request.body;
  const seed = body.seed ?? 1;
  const b = request.kind === 'backtest' ? request.body : {};
  const field = <T>(name: string, parse: () => T): T => {
    try {
      return parse();
    } catch (err) {
      throw new JobInputError(`${name}: ${(err as Error).message}`);
    }
  };
  const models = {
    latency: field('latency', () => parseLatency(b.latency ?? '0', new Random(seed))),
    fees: field('fees', () => parseFees(b.fees ?? 'none')),
    queue: field('queue', () => parseQueueModel(b.queue ?? 'power(3)')),
  };
  const window = field('window', () => parseWindow(request.body.from, request.body.to, batch, { from: 'from', to: 'to' }));
  const markets = request.body.markets ?? {};
  if (batch.length === 0) throw new JobInputError('the data holds no events');
  if (request.kind === 'stress') {
    // The scenarios the rule set's stress block requires always run: they are what approval asks for.
    const asked = request.body.scenarios ?? ['all'];
    const names = asked.includes('all') ? ['all'] : [...new Set([...asked, ...plan.stress])];
    let specs;
    try {
      specs = stressSpecs(names.join(','));
    } catch (err) {
      throw new JobInputError((err as Error).message);
    }
    return runStress(plan, batch, specs, { ...models, ...window, markets, seed, onScenario: (_name, i, n) => onProgress(i / n) });
  }
  const result = runBacktest(plan, batch, { ...models, ...window, markets, onProgress: (done, total) => onProgress(done / total) });
  const { summary } = summarise({
    result,
    dayEpochMs: batch.dayEpochMs,
    settings: { latency: describeLatency(models.latency), fees: models.fees.description, queue: models.queue.name, seed },
  });
  return { ...summary, charts: jobCharts(result, batch.dayEpochMs) };
}
