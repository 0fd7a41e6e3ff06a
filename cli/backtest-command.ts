// `quoin backtest FILE --data PATH…`: runs a rule set against recorded market data with the fill
// simulator (queue position, latency, fees), prints a summary (or JSON), and can write an offline
// HTML report and the run's fills and marks for `quoin trades`. Exit codes: 0 ran; 1 the rule set
// has errors; 2 bad data, bad options or a market the data does not have.
import type { Command } from 'commander';
import { runBacktest, type BacktestOptions } from '../runtime/backtest/backtest.js';
import { parseFees } from '../runtime/backtest/fees.js';
import { parseLatency } from '../runtime/backtest/latency.js';
import { describeLatency } from '../runtime/backtest/sweep-job.js';
import { parseWindow } from '../runtime/backtest/window.js';
import { parseQueueModel } from '../runtime/backtest/queue.js';
import { Random } from '../runtime/backtest/random.js';
import { renderReport } from '../runtime/backtest/report-html.js';
import { summarise, type BacktestSummary } from '../runtime/backtest/summary.js';
import { BindingError } from '../runtime/bind-markets.js';
import { DataError, openData } from '../runtime/data/open.js';
import { describeDataIssues } from './data-issues.js';
import { outputProblem, writeOutput } from './output-file.js';
import { integer } from './numbers.js';
import type { EventBatch } from '../runtime/events.js';
import type { Plan } from '../schemas/index.js';
import { Progress } from './progress.js';
import { loadRuleSet, parseMarketOptions } from './rule-set.js';

interface BacktestCliOptions {
  data: string[];
  market?: string[];
  from?: string;
  to?: string;
  latency: string;
  fees: string;
  queue: string;
  seed: string;
  json?: boolean;
  report?: string;
  out?: string;
  cache?: boolean;
}

export function registerBacktest(program: Command): void {
  program
    .command('backtest')
    .description('backtest a rule set on recorded market data with fills simulated (queue position, latency, fees)')
    .argument('<file>', 'a .quoin rule set, or a compiled plan (.json)')
    .requiredOption('--data <path...>', 'data files or folders (Binance captures, LOBSTER zips or csv pairs)')
    .option('--market <alias=venue:symbol...>', 'bind a plan market to a market of the data explicitly')
    .option('--from <time>', 'start of the window: ISO time (2024-08-08T23:56:00Z) or seconds from the data start (120s)')
    .option('--to <time>', 'end of the window, same forms')
    .option('--latency <spec>', 'latency: 5ms for every leg, or feed=1ms,order=5ms,response=lognormal(5ms,0.5)', '0')
    .option('--fees <spec>', 'fees: maker=-0.5bps,taker=2bps, or a schedule (binance-spot, binance-usdm, bybit-perp, nasdaq, none)', 'none')
    .option('--queue <model>', 'queue model for L2 data: power(n), log or risk-averse', 'power(3)')
    .option('--seed <n>', 'seed of the sampled models', '1')
    .option('--json', 'print the summary as JSON')
    .option('--report <out.html>', 'write an HTML report (works offline)')
    .option('--out <run.json>', 'write the summary, fills and marks (input for quoin trades)')
    .option('--no-cache', 'do not read or write the binary data cache')
    .action(async (file: string, opts: BacktestCliOptions) => {
      process.exitCode = await backtest(file, opts);
    });
}

async function backtest(file: string, opts: BacktestCliOptions): Promise<number> {
  const fail = (message: string): number => {
    process.stderr.write(`quoin backtest: ${message}\n`);
    return 2;
  };
  const plan = loadRuleSet(file, 'quoin backtest');
  if (!plan) return 1;
  const seed = integer(opts.seed);
  if (seed === undefined) return fail(`--seed needs a whole number, not '${opts.seed}'`);
  for (const [option, out] of [['--report', opts.report], ['--out', opts.out]] as const) {
    const problem = out === undefined ? undefined : outputProblem(option, out);
    if (problem) return fail(problem);
  }
  let models: Pick<BacktestOptions, 'latency' | 'fees' | 'queue'>;
  let markets: Record<string, string>;
  try {
    models = { latency: parseLatency(opts.latency, new Random(seed)), fees: parseFees(opts.fees), queue: parseQueueModel(opts.queue) };
    markets = parseMarketOptions(opts.market ?? []);
  } catch (err) {
    return fail((err as Error).message);
  }

  let batch: EventBatch;
  try {
    const loading = new Progress('loading', 1);
    const opened = await openData(opts.data, { cache: opts.cache !== false, onProgress: (p) => loading.update(p.bytesTotal > 0 ? p.bytesRead / p.bytesTotal : 0, p.phase) });
    loading.done();
    batch = opened.batch;
    const issues = describeDataIssues(opened.issues);
    if (issues) process.stderr.write(`quoin backtest: ${issues}\n`);
  } catch (err) {
    if (err instanceof DataError) return fail(err.message);
    throw err;
  }
  if (batch.length === 0) return fail('the data holds no events');

  let window: { fromNs?: number; toNs?: number };
  try {
    window = parseWindow(opts.from, opts.to, batch);
  } catch (err) {
    return fail((err as Error).message);
  }

  const progress = new Progress('backtest', 1);
  let result;
  try {
    result = runBacktest(plan, batch, { ...models, markets, ...window, onProgress: (done, total) => progress.update(done / total, `${Math.round((done / total) * 100)}% of ${batch.length.toLocaleString('en-US')} events`) });
  } catch (err) {
    if (err instanceof BindingError) return fail(err.message);
    throw err;
  }
  progress.done();
  for (const note of result.binding.notes) process.stderr.write(`quoin backtest: note: ${note}\n`);

  const full = summarise({
    result,
    dayEpochMs: batch.dayEpochMs,
    settings: { latency: models.latency ? describeLatency(models.latency) : '0', fees: models.fees?.description ?? 'none', queue: models.queue?.name ?? '', seed },
  });
  const summary = full.summary;
  try {
    if (opts.report) {
      writeOutput('--report', opts.report, renderReport({ result, report: full, dayEpochMs: batch.dayEpochMs, source: file, dataLabel: opts.data.join(', ') }));
      process.stderr.write(`wrote ${opts.report}\n`);
    }
    if (opts.out) {
      writeOutput('--out', opts.out, `${JSON.stringify({ summary, fills: result.fills, marks: result.marks, markets: plan.markets.map((m) => m.alias), dayEpochMs: batch.dayEpochMs }, replacer)}\n`);
      process.stderr.write(`wrote ${opts.out}\n`);
    }
  } catch (err) {
    return fail((err as Error).message);
  }
  process.stdout.write(opts.json ? `${JSON.stringify(summary, null, 2)}\n` : `${formatSummary(summary, plan)}\n`);
  return 0;
}

/** NaN and ±Infinity become null in files (JSON has neither). */
function replacer(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}


function formatSummary(s: BacktestSummary, plan: Plan): string {
  const f = (x: number | null, d = 2): string => (x === null || !Number.isFinite(x) ? '—' : x.toFixed(d));
  const ccy = plan.markets[0]?.quote ?? '';
  return [
    `${s.strategy.name} v${s.strategy.version} (${s.strategy.planHash.slice(0, 19)}…) ${s.window.from} → ${s.window.to}`,
    `events          ${s.events.toLocaleString('en-US')}   (${(s.timing.eventsPerSecond / 1e6).toFixed(2)}M events/s)`,
    `orders          placed ${s.orders.placed}, amended ${s.orders.amended}, cancelled ${s.orders.cancelled}; ${s.orders.filled} filled (fill ratio ${f(s.fillRatio, 3)})`,
    `fills           ${s.fills}`,
    `PnL             ${f(s.pnl.total, 4)} ${ccy} = spread ${f(s.pnl.spreadCapture, 4)} + inventory ${f(s.pnl.inventory, 4)} + fees ${f(s.pnl.fees, 4)} + hedge ${f(s.pnl.hedge, 4)}`,
    `risk            Sharpe ${f(s.sharpe)}, Sortino ${f(s.sortino)}, max drawdown ${f(s.maxDrawdown, 4)} ${ccy}, Calmar ${f(s.calmar)}`,
    `markouts (bps)  1s ${f(s.markouts['1s'])}, 10s ${f(s.markouts['10s'])}, 60s ${f(s.markouts['60s'])}`,
    `max |position|  ${Object.entries(s.maxAbsPosition).map(([k, v]) => `${k} ${Number(v.toPrecision(12))}`).join(', ')}`, // 0.1, not 0.09999999999999999
    `limits hit      ${Object.entries(s.limitsHit.byRule).map(([k, v]) => `${k} ×${v}`).join(', ') || 'none'}${s.limitsHit.halted ? ' — HALTED' : ''}`,
    `settings        latency ${s.settings.latency}; fees ${s.settings.fees}; queue ${s.settings.queue}; seed ${s.settings.seed}`,
    ...s.warnings.map((w) => `warning         ${w}`),
  ].join('\n');
}
