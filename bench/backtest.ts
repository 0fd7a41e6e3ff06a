// Backtest benchmarks (issue: simulator and backtester): events/s end to end with the
// Avellaneda–Stoikov template, fill simulation and latency on, over the real Binance and LOBSTER
// data; and the peak memory of the process while doing it. An event is one price-level update or
// one trade (one row of the batch).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { compile } from '../compiler/program.js';
import { runBacktest } from '../runtime/backtest/backtest.js';
import { parseFees } from '../runtime/backtest/fees.js';
import { parseLatency } from '../runtime/backtest/latency.js';
import { Random } from '../runtime/backtest/random.js';
import { openData } from '../runtime/data/open.js';
import type { BenchContext } from './run.js';

const datasets: Array<{ name: string; files: string[] }> = [
  { name: 'binance-spot', files: ['binance/spot/btcusdt_20240808.gz', 'binance/spot/btcusdt_20240809.gz'] },
  { name: 'binance-usdm', files: ['binance/usdm/btcusdt_20240808.gz'] },
  { name: 'lobster-goog10', files: ['lobster/LOBSTER_SampleFile_GOOG_2012-06-21_10.zip'] },
];

export async function benchBacktest(ctx: BenchContext): Promise<void> {
  const dataDir = path.resolve(ctx.root, '../shared/data');
  const file = 'rulesets/avellaneda-stoikov.quoin';
  const plan = compile(readFileSync(path.join(ctx.root, file), 'utf8'), { file }).plan;
  if (!plan) throw new Error(`${file} does not compile`);
  let peakRss = process.memoryUsage().rss;
  for (const ds of datasets) {
    ctx.progress(`backtest: ${ds.name}`);
    let batch;
    try {
      batch = (await openData(ds.files.map((f) => path.join(dataDir, f)))).batch;
    } catch (err) {
      ctx.progress(`backtest: skipping ${ds.name}: ${(err as Error).message}`);
      continue;
    }
    const rates: number[] = [];
    for (let run = 0; run < 5; run++) {
      const r = runBacktest(plan, batch, {
        latency: parseLatency('feed=1ms,order=lognormal(5ms,0.5),response=5ms', new Random(run + 1)),
        fees: parseFees('maker=-0.5bps,taker=2bps'),
      });
      rates.push(r.events / (r.wallMs / 1000));
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
    rates.sort((a, b) => a - b);
    ctx.report(`backtest as-template ${ds.name} fills+latency`, rates[2] ?? NaN, 'events/s');
  }
  ctx.report('backtest peak memory (rss)', peakRss / 2 ** 20, 'MiB');
}
