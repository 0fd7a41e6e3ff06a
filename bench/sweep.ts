// Sweep benchmark (issue: sweeps): wall time of a 100-point sweep — a 10 × 10 grid of the
// Avellaneda–Stoikov template's gamma and kappa, log-spaced across their approved bounds — on the
// Binance spot BTC/USDT capture with 2 worker threads, each point backtested in sample (first 70%)
// and out of sample, as `quoin sweep` runs it. The data is opened once first, so the workers read
// the binary cache as they do after a first CLI run; their start-up is inside the figure.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { planHash } from '../compiler/hash.js';
import { compile } from '../compiler/program.js';
import { runSweep } from '../runtime/backtest/sweep.js';
import { gridPoints, parseGrid, variantPlan } from '../runtime/backtest/sweep-grid.js';
import { splitWindow, type SweepJob } from '../runtime/backtest/sweep-job.js';
import { openData } from '../runtime/data/open.js';
import type { BenchContext } from './run.js';

const GRID = 'gamma=0.01..5:10:log,kappa=200..20000:10:log';
const WORKERS = 2;

export async function benchSweep(ctx: BenchContext): Promise<void> {
  const dataDir = path.resolve(ctx.root, '../shared/data');
  const files = ['binance/spot/btcusdt_20240808.gz', 'binance/spot/btcusdt_20240809.gz'].map((f) => path.join(dataDir, f));
  const file = 'rulesets/avellaneda-stoikov.quoin';
  const plan = compile(readFileSync(path.join(ctx.root, file), 'utf8'), { file }).plan;
  if (!plan) throw new Error(`${file} does not compile`);

  ctx.progress('sweep: loading binance spot BTC/USDT');
  let opened;
  try {
    opened = await openData(files);
  } catch (err) {
    ctx.progress(`sweep: skipping: ${(err as Error).message}`);
    return;
  }
  const batch = opened.batch;
  const grid = parseGrid(GRID, plan);
  const tasks = gridPoints(grid).map((p) => ({ index: p.index, values: p.values, hash: variantPlan(plan, p.values, planHash).hash }));
  const job: SweepJob = {
    plan,
    data: files,
    cache: true,
    ...(opened.cacheFile !== undefined ? { cacheDir: path.dirname(opened.cacheFile) } : {}),
    markets: {},
    models: { latency: '0', fees: 'none', queue: 'power(3)', seed: 1 },
    parts: splitWindow(batch, {}, 0.7),
  };

  ctx.progress(`sweep: ${tasks.length} points (${grid.axes.map((a) => `${a.param} ${a.values.length}`).join(' × ')}), in and out of sample, ${WORKERS} workers`);
  let lastDone = -1;
  const run = await runSweep({
    job,
    tasks,
    workers: WORKERS,
    onProgress: (p) => {
      if (p.done !== lastDone && p.done % 10 === 0) ctx.progress(`sweep: ${p.done}/${p.total} points`);
      lastDone = p.done;
    },
  });
  const failed = run.outcomes.filter((o) => !o.ok).length;
  if (failed > 0) ctx.progress(`sweep: ${failed} points failed`);
  const seconds = run.wallMs / 1000;
  const busy = run.outcomes.reduce((s, o) => s + (o.ok ? o.wallMs : 0), 0) / 1000;
  ctx.report(`sweep ${tasks.length} points ${run.workers} workers`, seconds, 's');
  ctx.report(`sweep ${tasks.length} points ${run.workers} workers rate`, tasks.length / seconds, 'points/s');
  // Σ per-point time over workers × wall time: how busy the workers were kept (start-up, data loading
  // and the last points' tail are the idle part). Per-point time includes any wait for a core.
  ctx.report(`sweep ${tasks.length} points ${run.workers} workers busy`, (100 * busy) / (seconds * run.workers), '%');
  ctx.report('sweep mean time per point (both windows)', busy / Math.max(1, tasks.length - failed), 's');
  ctx.report('sweep events per point (both windows)', batch.length, 'events');
}
