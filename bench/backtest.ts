// Backtest benchmarks (issue: simulator and backtester): events/s end to end with the
// Avellaneda–Stoikov template, fill simulation and latency on, over the real Binance and LOBSTER
// data; and the peak memory of the process while doing it. An event is one price-level update or
// one trade (one row of the batch).
//
// Each measured run is one continuous backtest of at least 2M events: the recording is replayed
// as a loop (runtime/backtest/session.ts, ReplayLoop: each pass later in event time, positions and
// signals carried over, a venue reconnect at each seam), so the figure is the steady rate of a long
// run rather than the first second of a short one, where compilation of the hot code dominates.
// The median of five runs after five warm-up runs is reported, as for the engine (bench/runs.ts).
// Each dataset runs in a process of its own (bench/run.ts, `ctx.isolate`).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { compile } from '../compiler/program.js';
import { BacktestSession } from '../runtime/backtest/backtest.js';
import { parseFees } from '../runtime/backtest/fees.js';
import { parseLatency } from '../runtime/backtest/latency.js';
import { Random } from '../runtime/backtest/random.js';
import { openData } from '../runtime/data/open.js';
import type { BenchContext } from './run.js';
import { MEASURED_RUNS, median, WARM_UP_RUNS } from './runs.js';

const datasets: Array<{ name: string; files: string[] }> = [
  { name: 'binance-spot', files: ['binance/spot/btcusdt_20240808.gz', 'binance/spot/btcusdt_20240809.gz'] },
  { name: 'binance-usdm', files: ['binance/usdm/btcusdt_20240808.gz'] },
  { name: 'lobster-goog10', files: ['lobster/LOBSTER_SampleFile_GOOG_2012-06-21_10.zip'] },
];

export async function benchBacktest(ctx: BenchContext): Promise<void> {
  // Each dataset in a fresh process (its own JIT profile and its own memory); the peak memory
  // figure is the largest of theirs.
  let peakRss = NaN;
  for (const ds of datasets) {
    const figures = await ctx.isolate('backtest', ds.name);
    const rss = figures.get(`backtest peak memory (rss) ${ds.name}`);
    if (rss !== undefined && !(rss <= peakRss)) peakRss = rss;
  }
  ctx.report('backtest peak memory (rss)', peakRss, 'MiB');
}

/** One dataset: throughput (median of the measured long runs) and the process's peak memory while doing it. */
export async function backtestParts(ctx: BenchContext, part: string): Promise<void> {
  const ds = datasets.find((d) => d.name === part);
  if (!ds) throw new Error(`backtest: no dataset ${part}`);
  const dataDir = path.resolve(ctx.root, '../shared/data');
  const file = 'rulesets/avellaneda-stoikov.quoin';
  const plan = compile(readFileSync(path.join(ctx.root, file), 'utf8'), { file }).plan;
  if (!plan) throw new Error(`${file} does not compile`);
  let peakRss = process.memoryUsage().rss;
  ctx.progress(`backtest: ${ds.name}`);
  let batch;
  try {
    batch = (await openData(ds.files.map((f) => path.join(dataDir, f)))).batch;
  } catch (err) {
    ctx.progress(`backtest: skipping ${ds.name}: ${(err as Error).message}`);
    return;
  }
  const rates: number[] = [];
  const passes = Math.max(1, Math.ceil(2_000_000 / batch.length));
  const gapNs = 1e9;
  const periodNs = (batch.exchTs[batch.length - 1] ?? 0) - (batch.exchTs[0] ?? 0) + gapNs;
  // Warm-up runs first, not counted (bench/runs.ts).
  for (let run = 0; run < WARM_UP_RUNS + MEASURED_RUNS; run++) {
    const session = new BacktestSession(plan, batch, {
      latency: parseLatency('feed=1ms,order=lognormal(5ms,0.5),response=5ms', new Random(run + 1)),
      fees: parseFees('maker=-0.5bps,taker=2bps'),
      loop: { gapNs },
    });
    const started = performance.now();
    // Up to the last row of the last pass: every row of every pass is replayed on both sides.
    session.advanceTo((batch.exchTs[batch.length - 1] ?? 0) + (passes - 1) * periodNs);
    const seconds = (performance.now() - started) / 1000;
    const rate = (batch.length * passes) / seconds;
    if (run >= WARM_UP_RUNS) rates.push(rate);
    // Every run's rate, so that the warm-up can be seen settling (or not).
    ctx.progress(`backtest: ${ds.name} run ${run + 1}/${WARM_UP_RUNS + MEASURED_RUNS}${run < WARM_UP_RUNS ? ' (warm-up)' : ''}: ${(rate / 1e6).toFixed(2)}M events/s`);
    session.drainFills();
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  ctx.report(`backtest as-template ${ds.name} fills+latency`, median(rates), 'events/s');
  ctx.report(`backtest peak memory (rss) ${ds.name}`, peakRss / 2 ** 20, 'MiB');
}
