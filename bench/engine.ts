// Engine benchmarks (issue: quote/risk runtime): events/s with the Avellaneda–Stoikov template over
// the real Binance and LOBSTER data (book updates + trades, replayed from the binary cache),
// event-to-actions latency per venue message, hot-swap latency, and heap growth over 10M events.
// An event is one price-level update or one trade (one row of the batch).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { quantileSorted } from 'simple-statistics';
import { compile } from '../compiler/program.js';
import { openData } from '../runtime/data/open.js';
import { EventFlag, type EventBatch } from '../runtime/events.js';
import { createReplaySession } from '../runtime/replay-session.js';
import type { Plan } from '../schemas/index.js';
import type { BenchContext } from './run.js';
import { MEASURED_RUNS, median, WARM_UP_RUNS } from './runs.js';

const datasets: Array<{ name: string; files: string[] }> = [
  { name: 'binance-spot', files: ['binance/spot/btcusdt_20240808.gz', 'binance/spot/btcusdt_20240809.gz'] },
  { name: 'binance-usdm', files: ['binance/usdm/btcusdt_20240808.gz'] },
  { name: 'lobster-goog10', files: ['lobster/LOBSTER_SampleFile_GOOG_2012-06-21_10.zip'] },
  { name: 'lobster-aapl1', files: ['lobster/LOBSTER_SampleFile_AAPL_2012-06-21_1.zip'] },
];

function planOf(root: string, file: string, edit: (s: string) => string = (s) => s): Plan {
  const source = edit(readFileSync(path.join(root, file), 'utf8'));
  const r = compile(source, { file });
  if (!r.plan) throw new Error(`${file} does not compile`);
  return r.plan;
}

/** Span of a batch's clock, so repeated passes can be laid end to end on a clock that moves forward. */
function spanNs(batch: EventBatch): number {
  return (batch.exchTs[batch.length - 1] ?? 0) - (batch.exchTs[0] ?? 0) + 1e9;
}

export async function benchEngine(ctx: BenchContext): Promise<void> {
  // Each dataset in a fresh process, so its figures read the JIT's profile of its own data.
  for (const ds of datasets) await ctx.isolate('engine', ds.name);
  await ctx.isolate('engine', 'swap-heap');
}

/** One dataset's throughput (and latency), or the swap and heap figures on the spot capture. */
export async function engineParts(ctx: BenchContext, part: string): Promise<void> {
  const dataDir = path.resolve(ctx.root, '../shared/data');
  const plan = planOf(ctx.root, 'rulesets/avellaneda-stoikov.quoin');
  if (part === 'swap-heap') {
    const spot = await openData(datasets[0]?.files.map((f) => path.join(dataDir, f)) ?? []).catch(() => undefined);
    if (!spot) {
      ctx.progress('engine: skipping swap and heap figures: no Binance spot data');
      return;
    }
    swapLatency(ctx, plan, planOf(ctx.root, 'rulesets/avellaneda-stoikov.quoin', (s) => s.replace('gamma        = 0.5', 'gamma        = 0.6')), spot.batch);
    heapGrowth(ctx, plan, spot.batch);
    return;
  }
  const ds = datasets.find((d) => d.name === part);
  if (!ds) throw new Error(`engine: no dataset ${part}`);
  ctx.progress(`engine: loading ${ds.name}`);
  let batch: EventBatch;
  try {
    batch = (await openData(ds.files.map((f) => path.join(dataDir, f)))).batch;
  } catch (err) {
    ctx.progress(`engine: skipping ${ds.name}: ${(err as Error).message}`);
    return;
  }
  const span = spanNs(batch);
  const passes = Math.max(1, Math.ceil(2_000_000 / batch.length));
  const rates: number[] = [];
  // WARM_UP_RUNS first, not counted: the median is of the steady state, not of the JIT's tiering.
  for (let run = 0; run < WARM_UP_RUNS + MEASURED_RUNS; run++) {
    const s = createReplaySession(plan, batch, {});
    const t0 = performance.now();
    for (let k = 0; k < passes; k++) s.run(0, batch.length, k * span);
    if (run >= WARM_UP_RUNS) rates.push((batch.length * passes) / ((performance.now() - t0) / 1000));
  }
  ctx.report(`engine as-template ${ds.name}`, median(rates), 'events/s');

  if (ds.name === 'binance-spot' || ds.name === 'lobster-goog10') latency(ctx, ds.name, plan, batch, span);
}

/** Time from a venue message's first row to the end of the evaluation (and actions) it causes. */
function latency(ctx: BenchContext, name: string, plan: Plan, batch: EventBatch, span: number): void {
  const s = createReplaySession(plan, batch, {});
  s.run(0, batch.length); // warm up on a first pass
  const samples: number[] = [];
  let from = 0;
  for (let i = 0; i < batch.length; i++) {
    if (((batch.flags[i] ?? 0) & EventFlag.EndOfMessage) === 0) continue;
    const t0 = process.hrtime.bigint();
    s.run(from, i + 1, span);
    samples.push(Number(process.hrtime.bigint() - t0) / 1000);
    from = i + 1;
  }
  samples.sort((a, b) => a - b);
  ctx.report(`engine latency ${name} p50`, quantileSorted(samples, 0.5), 'µs');
  ctx.report(`engine latency ${name} p99`, quantileSorted(samples, 0.99), 'µs');
  ctx.report(`engine latency ${name} p99.9`, quantileSorted(samples, 0.999), 'µs');
}

function swapLatency(ctx: BenchContext, a: Plan, b: Plan, batch: EventBatch): void {
  const s = createReplaySession(a, batch, {});
  s.run(0, Math.floor(batch.length / 2));
  const times: number[] = [];
  for (let k = 0; k < 200; k++) {
    const t0 = process.hrtime.bigint();
    s.engine.swap(k % 2 === 0 ? b : a);
    times.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  ctx.report('engine swap latency', median(times), 'µs');
}

/** Heap after 1M events (warm) and after 10M, each after a full collection. */
function heapGrowth(ctx: BenchContext, plan: Plan, batch: EventBatch): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const s = createReplaySession(plan, batch, {});
  const span = spanNs(batch);
  let done = 0;
  let pass = 0;
  const runTo = (target: number): void => {
    while (done < target) {
      const n = Math.min(batch.length, target - done);
      s.run(0, n, pass * span);
      done += n;
      pass++;
    }
  };
  runTo(1_000_000);
  gc();
  const warm = process.memoryUsage().heapUsed;
  runTo(10_000_000);
  gc();
  const end = process.memoryUsage().heapUsed;
  ctx.report('engine heap growth 1M→10M events', Math.max(0, end - warm) / 1024, 'KiB');
  // Evaluations come only where the plan's inputs move (a few per thousand rows on Binance data),
  // so the first million rows may not warm every path up: the next 10M show whether the heap keeps
  // growing (a leak) or that was the compiler's one-off bookkeeping.
  runTo(20_000_000);
  gc();
  ctx.report('engine heap growth 10M→20M events', Math.max(0, process.memoryUsage().heapUsed - end) / 1024, 'KiB');
}
