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

/**
 * In-sample part: the first `split` of the window's time; out-of-sample: the rest. Both ends are
 * included by runBacktest, so the in-sample part stops 1 ns before the split.
 */
export function splitWindow(batch: EventBatch, window: { fromNs?: number; toNs?: number }, split: number): SweepPart[] {
  const from = window.fromNs ?? batch.exchTs[0] ?? 0;
  const to = window.toNs ?? batch.exchTs[batch.length - 1] ?? 0;
  const at = Math.floor(from + split * (to - from));
  const parts = [
    { name: 'in-sample', fromNs: from, toNs: at - 1 },
    { name: 'out-of-sample', fromNs: at, toNs: to },
  ];
  for (const p of parts) {
    if (p.toNs < p.fromNs || countRows(batch, p) === 0) throw new RangeError(`the ${p.name} part of the window holds no events; change --split or the window`);
  }
  return parts;
}

export function countRows(batch: EventBatch, part: SweepPart): number {
  return lowerBound(batch.exchTs, part.toNs + 1) - lowerBound(batch.exchTs, part.fromNs);
}

function lowerBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((a[mid] ?? 0) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
