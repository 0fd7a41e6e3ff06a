// What a sweep worker needs and what it says back. A job is plain data (it crosses to worker threads
// by structured clone): the base plan, the data paths (each worker opens the data itself, through the
// binary cache), the simulator settings as their option strings, and the time windows to run. A task
// is one grid point. runSweepPoint is the whole of a point's work, so the worker and an in-process
// caller compute exactly the same thing.
import type { Plan } from '../../schemas/generated/plan.js';
import type { EventBatch } from '../events.js';
import { runBacktest } from './backtest.js';
import { parseFees } from './fees.js';
import { parseLatency, type LatencySet } from './latency.js';
import { parseQueueModel } from './queue.js';
import { Random } from './random.js';
import { summarise, type BacktestSummary } from './summary.js';
import { withParamValues, type SweepValue } from './sweep-grid.js';

/** One time window every point runs on (in-sample, out-of-sample), ns since the batch's dayEpochMs, both ends included. */
export interface SweepPart {
  name: string;
  fromNs: number;
  toNs: number;
}

export interface SweepJob {
  /** The plan the grid varies. */
  plan: Plan;
  /** Data files or folders, as given to openData. */
  data: string[];
  cache: boolean;
  cacheDir?: string;
  /** Explicit plan-market → data-market bindings. */
  markets: Record<string, string>;
  /** Simulator settings as option strings, parsed afresh for every run so each starts from the same seed. */
  models: { latency: string; fees: string; queue: string; seed: number };
  parts: SweepPart[];
}

export interface SweepTask {
  index: number;
  values: Record<string, SweepValue>;
  /** The variant's plan hash, computed (and the variant validated) by the caller. */
  hash: string;
}

/** A backtest summary without wall-clock timing, so results compare equal across runs and machines. */
export type PartSummary = Omit<BacktestSummary, 'timing'>;

export type WorkerToMain =
  | { kind: 'ready'; loadMs: number }
  | { kind: 'progress'; index: number; fraction: number }
  | { kind: 'result'; index: number; parts: PartSummary[]; wallMs: number }
  | { kind: 'failed'; index: number; message: string };

export type MainToWorker = { kind: 'run'; task: SweepTask };

export function describeLatency(l: LatencySet): string {
  return `feed ${l.feed.description}, order ${l.order.description}, response ${l.response.description}`;
}

/** Runs one grid point on every part of the job; `onProgress` gets the share done (0–1). */
export function runSweepPoint(job: SweepJob, batch: EventBatch, task: SweepTask, onProgress?: (fraction: number) => void): PartSummary[] {
  const plan = { ...withParamValues(job.plan, task.values), hash: task.hash };
  const spans = job.parts.map((p) => Math.max(1, p.toNs - p.fromNs));
  const whole = spans.reduce((a, b) => a + b, 0);
  let before = 0;
  return job.parts.map((part, k) => {
    const { latency: latencySpec, fees: feesSpec, queue: queueSpec, seed } = job.models;
    const latency = parseLatency(latencySpec, new Random(seed));
    const fees = parseFees(feesSpec);
    const queue = parseQueueModel(queueSpec);
    const share = (spans[k] ?? 0) / whole;
    const result = runBacktest(plan, batch, {
      latency,
      fees,
      queue,
      markets: job.markets,
      fromNs: part.fromNs,
      toNs: part.toNs,
      onProgress: onProgress ? (done, total) => onProgress(before + share * (total > 0 ? done / total : 1)) : undefined,
    });
    before += share;
    const { timing: _timing, ...summary } = summarise({
      result,
      dayEpochMs: batch.dayEpochMs,
      settings: { latency: describeLatency(latency), fees: fees.description, queue: queue.name, seed },
    }).summary;
    return summary;
  });
}
