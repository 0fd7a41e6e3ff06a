// `quoin stress FILE --data PATH… --scenarios all`: the rule set under every stress scenario, as a
// table. Exit codes: 0 no hard limit broken; 1 a hard limit broken (a halt, or a position beyond its
// limit) or the rule set has errors; 2 bad data, options or markets.
import type { Command } from 'commander';
import { parseFees } from '../runtime/backtest/fees.js';
import { parseLatency } from '../runtime/backtest/latency.js';
import { parseQueueModel } from '../runtime/backtest/queue.js';
import { Random } from '../runtime/backtest/random.js';
import { runStress, stressSpecs, type StressReport } from '../runtime/backtest/stress-run.js';
import { BindingError } from '../runtime/bind-markets.js';
import { DataError, openData } from '../runtime/data/open.js';
import { describeDataIssues } from './data-issues.js';
import { integer } from './numbers.js';
import { stressScenarios } from '../runtime/stress/scenarios.js';
import { StressError } from '../runtime/stress/errors.js';
import { parseWindow } from '../runtime/backtest/window.js';
import { Progress } from './progress.js';
import { loadRuleSet, parseMarketOptions } from './rule-set.js';

interface StressCliOptions {
  data: string[];
  scenarios: string;
  market?: string[];
  from?: string;
  to?: string;
  latency: string;
  fees: string;
  queue: string;
  seed: string;
  json?: boolean;
  list?: boolean;
}

export function registerStress(program: Command): void {
  program
    .command('stress')
    .description('run a rule set under stress scenarios (gaps, crashes, volatility, droughts, toxic flow, latency, outages) and table the outcome')
    .argument('[file]', 'a .quoin rule set, or a compiled plan (.json)')
    .option('--data <path...>', 'data files or folders')
    .option('--scenarios <list>', "'all', or a list like gap_down,flash_crash:dropPct=10,at=0.3 (see --list)", 'all')
    .option('--list', 'list the scenarios and exit')
    .option('--market <alias=venue:symbol...>', 'bind a plan market to a market of the data explicitly')
    .option('--from <time>', 'start of the window (ISO time or offset like 60s)')
    .option('--to <time>', 'end of the window')
    .option('--latency <spec>', 'latency model, as for quoin backtest', '0')
    .option('--fees <spec>', 'fee model, as for quoin backtest', 'none')
    .option('--queue <model>', 'queue model: power(n), log or risk-averse', 'power(3)')
    .option('--seed <n>', 'seed of the sampled models and of the random scenarios', '1')
    .option('--json', 'print the table as JSON')
    .action(async (file: string | undefined, opts: StressCliOptions) => {
      process.exitCode = await stress(file, opts);
    });
}

async function stress(file: string | undefined, opts: StressCliOptions): Promise<number> {
  const fail = (m: string): number => {
    process.stderr.write(`quoin stress: ${m}\n`);
    return 2;
  };
  if (opts.list) {
    for (const [name, s] of Object.entries(stressScenarios)) process.stdout.write(`${name.padEnd(18)} ${s.description}\n`);
    return 0;
  }
  if (!file) return fail('give a rule set: quoin stress FILE --data PATH');
  if (!opts.data || opts.data.length === 0) return fail('--data is required');
  const plan = loadRuleSet(file, 'quoin stress');
  if (!plan) return 1;
  const seed = integer(opts.seed);
  if (seed === undefined) return fail(`--seed needs a whole number, not '${opts.seed}'`);
  let specs;
  let models;
  let markets;
  try {
    specs = stressSpecs(opts.scenarios);
    models = { latency: parseLatency(opts.latency, new Random(seed)), fees: parseFees(opts.fees), queue: parseQueueModel(opts.queue) };
    markets = parseMarketOptions(opts.market ?? []);
  } catch (err) {
    return fail((err as Error).message);
  }
  let batch;
  try {
    const opened = await openData(opts.data);
    batch = opened.batch;
    const issues = describeDataIssues(opened.issues);
    if (issues) process.stderr.write(`quoin stress: ${issues}\n`);
  } catch (err) {
    if (err instanceof DataError) return fail(err.message);
    throw err;
  }
  if (batch.length === 0) return fail('the data holds no events');
  let window;
  try {
    window = parseWindow(opts.from, opts.to, batch);
  } catch (err) {
    return fail((err as Error).message);
  }
  const progress = new Progress('stress', 1);
  let report: StressReport;
  try {
    report = runStress(plan, batch, specs, { ...models, ...window, markets, seed, onScenario: (name, i, n) => progress.update(i / n, name) });
  } catch (err) {
    if (err instanceof BindingError || err instanceof StressError) return fail(err.message);
    throw err;
  }
  progress.done();
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    process.stdout.write(`${formatTable(report, plan.markets[0]?.quote ?? '')}\n`);
  }
  return report.breached ? 1 : 0;
}

function formatTable(r: StressReport, ccy: string): string {
  const f = (x: number, d = 2): string => (Number.isFinite(x) ? x.toFixed(d) : '—');
  const head = ['scenario', `PnL ${ccy}`, `max DD ${ccy}`, 'peak position', 'limits hit', 'halted', 'time to flat', 'fills'];
  const rows = r.rows.map((x) => [
    x.scenario,
    f(x.pnl),
    f(x.maxDrawdown),
    Object.entries(x.peakPosition).map(([k, v]) => `${k} ${Number(v.toPrecision(6))}`).join(' '),
    String(x.limitsHit),
    x.halted ? 'HALTED' : 'no',
    x.timeToFlatSec === null ? 'never' : `${f(x.timeToFlatSec, 0)} s`,
    String(x.fills),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  const out = [line(head), ...rows.map(line)];
  const broken = r.rows.filter((x) => x.breached.length > 0);
  if (broken.length > 0) {
    out.push('', 'hard limits broken:');
    for (const x of broken) for (const b of x.breached) out.push(`  ${x.scenario}: ${b}`);
  }
  return out.join('\n');
}
