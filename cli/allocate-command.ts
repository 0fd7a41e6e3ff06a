// `quoin allocate --data FILE… --budget N`: splits a shared quoting budget across the markets of the
// data by the documented rule (docs/hedging.md, R2): in proportion to expected spread capture per
// unit of inventory risk, λ·h / (σ²·H), measured on the recording, within per-market min and cap.
import type { Command } from 'commander';
import { allocateBudget, type MarketEdge } from '../runtime/allocation/allocate.js';
import { measureEdges } from '../runtime/allocation/market-edge.js';
import { DataError, openData } from '../runtime/data/open.js';

interface AllocateOptions {
  data: string[];
  budget: string;
  min: string;
  cap?: string;
  horizon: string;
  json?: boolean;
}

export function registerAllocate(program: Command): void {
  program
    .command('allocate')
    .description('split a quoting budget across the markets of recorded data by expected spread capture per unit of inventory risk')
    .requiredOption('--data <file>', 'recorded data (repeatable; each market of the files takes part)', (v: string, acc: string[] = []) => [...acc, v])
    .requiredOption('--budget <n>', 'the budget to split (e.g. max notional in USDT)')
    .option('--min <n>', 'smallest allocation per market', '0')
    .option('--cap <n>', 'largest allocation per market (default: the budget)')
    .option('--horizon <seconds>', 'how long a fill is carried before it is worked off', '60')
    .option('--json', 'print JSON')
    .action(async (opts: AllocateOptions) => {
      process.exitCode = await allocate(opts);
    });
}

async function allocate(opts: AllocateOptions): Promise<number> {
  const fail = (msg: string, code = 2): number => {
    process.stderr.write(`quoin allocate: ${msg}\n`);
    return code;
  };
  const budget = Number(opts.budget);
  const min = Number(opts.min);
  const cap = opts.cap === undefined ? budget : Number(opts.cap);
  const horizon = Number(opts.horizon);
  if (!(budget > 0)) return fail(`--budget needs a number > 0, not '${opts.budget}'`);
  if (!(min >= 0)) return fail(`--min needs a number ≥ 0, not '${opts.min}'`);
  if (!(cap >= min)) return fail(`--cap needs a number ≥ --min, not '${opts.cap}'`);
  if (!(horizon > 0)) return fail(`--horizon needs seconds > 0, not '${opts.horizon}'`);
  let batch;
  try {
    batch = (await openData(opts.data, { cache: true })).batch;
  } catch (err) {
    if (err instanceof DataError) return fail(`--data: ${err.message}`, 1);
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return fail(`--data: no such file: ${(err as NodeJS.ErrnoException).path ?? opts.data.join(', ')}`, 1);
    throw err;
  }
  if (min * batch.markets.length > budget) return fail(`--min ${min} × ${batch.markets.length} markets is more than the budget ${budget}`);
  const measured = measureEdges(batch);
  const names = batch.markets.map((m) => `${m.venue}:${m.symbol}`);
  const edges: MarketEdge[] = measured.map((e, i) => ({ market: names[i] ?? e.market, fillIntensityPerSec: e.fillIntensityPerSec, halfSpread: e.halfSpread, variancePerSec: e.variancePerSec, horizonSec: horizon, min, max: cap }));
  const result = allocateBudget(budget, edges);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ budget, horizonSec: horizon, markets: result.map((a, i) => ({ ...a, measured: measured[i] })) }, null, 2)}\n`);
  } else {
    for (const [i, a] of result.entries()) {
      const m = measured[i]!;
      process.stdout.write(`${a.market.padEnd(22)} ${a.amount.toFixed(2).padStart(14)}  ${(a.share * 100).toFixed(1).padStart(5)}%  ${a.bound.padEnd(4)}  score ${a.score.toExponential(3)}  (λ ${m.fillIntensityPerSec.toFixed(3)}/s, half-spread ${(m.halfSpread * 1e4).toFixed(3)} bps, σ² ${m.variancePerSec.toExponential(3)}/s)\n`);
    }
  }
  return 0;
}
