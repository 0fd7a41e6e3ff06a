// `quoin hedge-report --inventory DATA --hedge DATA`: hedge effectiveness of an inventory held in one
// market, hedged in another, replayed on recorded books (runtime/hedging). The inventory comes from
// a backtest of a rule set (--rules) or, by default, a synthetic passive maker filled for a share of
// every public trade. Exit codes: 0 reported; 2 a bad option, an unreadable data file or a rule set
// that does not compile.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { compile } from '../compiler/program.js';
import { formatDiagnostic } from '../dsl/diagnostics.js';
import { runBacktest } from '../runtime/backtest/backtest.js';
import { DataError, openData } from '../runtime/data/open.js';
import { EventKind, type EventBatch } from '../runtime/events.js';
import type { HedgeEffectiveness } from '../runtime/hedging/effectiveness.js';
import type { HedgePolicy } from '../runtime/hedging/hedger.js';
import { inventoryFromFills } from '../runtime/hedging/inventory.js';
import { hedgeStudy, type HedgeStudy } from '../runtime/hedging/study.js';

interface HedgeReportCliOptions {
  inventory?: string[];
  hedge?: string[];
  policy: string;
  window: string;
  threshold?: string;
  clip?: string;
  feeBps: string;
  step: string;
  horizon: string;
  rules?: string;
  share: string;
  maxPosition: string;
  cache?: boolean;
  json?: boolean;
}

/** Progress on stderr, only where someone watches (a terminal): logs and pipes get the report alone. */
const tty = process.stderr.isTTY === true && process.env.QUOIN_NO_PROGRESS === undefined;
const status = (text: string): void => {
  if (tty) process.stderr.write(`\r${text}\x1b[K`);
};

class UsageError extends Error {
  override name = 'UsageError';
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, ...v.split(',').filter((s) => s !== '')];

export function registerHedgeReport(program: Command): void {
  program
    .command('hedge-report')
    .description('hedge effectiveness: an inventory in one market hedged in another, replayed on recorded books (variance reduction, cost, slippage, residual exposure)')
    .option('--inventory <data...>', 'data of the market the inventory is held in (files or folder; repeat or comma-separate)', collect)
    .option('--hedge <data...>', 'data of the hedge market', collect)
    .option('--policy <delta|beta>', 'delta: same asset, qty for qty; beta: rolling OLS beta of returns', 'delta')
    .option('--window <duration>', 'beta window (e.g. 300s, 5m)', '5m')
    .option('--threshold <qty>', 'hedge when |net exposure| exceeds this (hedge-market base units; default 2 clips)')
    .option('--clip <qty>', 'hedge trade unit (hedge-market base units; default 1/50 of --max-position converted to hedge units)')
    .option('--fee-bps <bps>', 'taker fee on the hedge market, bps of notional', '5')
    .option('--step <duration>', 'decision interval', '1s')
    .option('--horizon <duration>', 'PnL increment over which variances are taken (a multiple of --step)', '10s')
    .option('--rules <file.quoin>', 'take the inventory from a backtest of this rule set on the inventory data (its first market)')
    .option('--share <fraction>', 'synthetic maker: share of each public trade we fill', '0.05')
    .option('--max-position <qty>', 'synthetic maker: |position| limit (inventory-market base units)', '0.5')
    .option('--no-cache', 'do not use the binary data cache')
    .option('--json', 'print the report as JSON')
    .action(async (opts: HedgeReportCliOptions) => {
      process.exitCode = await hedgeReport(opts);
    });
}

async function hedgeReport(opts: HedgeReportCliOptions): Promise<number> {
  let study: HedgeStudy;
  try {
    if (!opts.inventory?.length) throw new UsageError('--inventory is required: the data of the market the inventory is held in');
    if (!opts.hedge?.length) throw new UsageError('--hedge is required: the data of the hedge market');
    const stepNs = duration(opts.step, '--step');
    const horizonNs = duration(opts.horizon, '--horizon');
    const horizonSteps = Math.round(horizonNs / stepNs);
    if (horizonSteps < 1 || Math.abs(horizonSteps * stepNs - horizonNs) > 1e-6 * horizonNs) throw new UsageError(`--horizon must be a whole multiple of --step (${opts.horizon} is not a multiple of ${opts.step})`);
    const feeBps = number(opts.feeBps, '--fee-bps', 0);
    const share = number(opts.share, '--share', 0);
    if (!(share > 0 && share <= 1)) throw new UsageError(`--share needs a fraction in (0, 1], not '${opts.share}'`);
    const maxPosition = number(opts.maxPosition, '--max-position', 0);
    if (!(maxPosition > 0)) throw new UsageError(`--max-position needs a quantity > 0, not '${opts.maxPosition}'`);
    let policy: HedgePolicy;
    if (opts.policy === 'delta') policy = { kind: 'delta' };
    else if (opts.policy === 'beta') policy = { kind: 'beta', windowNs: duration(opts.window, '--window') };
    else throw new UsageError(`--policy must be delta or beta, not '${opts.policy}'`);
    const progress = (what: string) => (p: { bytesRead: number; bytesTotal: number }) => {
      if (p.bytesTotal > 0) status(`loading ${what}: ${Math.round((p.bytesRead / p.bytesTotal) * 100)}%`);
    };
    const inventoryBatch = await load(opts.inventory, '--inventory', opts.cache !== false, progress('inventory data'));
    const hedgeBatch = await load(opts.hedge, '--hedge', opts.cache !== false, progress('hedge data'));
    const clipQty = opts.clip === undefined ? defaultClip(maxPosition, policy, inventoryBatch, hedgeBatch) : number(opts.clip, '--clip', 0);
    if (!(clipQty > 0)) throw new UsageError(`--clip needs a quantity > 0, not '${opts.clip}'`);
    const thresholdQty = opts.threshold === undefined ? 2 * clipQty : number(opts.threshold, '--threshold', 0);
    let inventory: Parameters<typeof hedgeStudy>[0]['inventory'] = { synthetic: { share, maxQty: maxPosition } };
    if (opts.rules !== undefined) {
      status(`backtesting ${opts.rules} on the inventory data…`);
      inventory = inventoryFromFills(backtestFills(opts.rules, inventoryBatch), 0);
    }
    study = hedgeStudy({
      inventoryBatch,
      hedgeBatch,
      inventory,
      params: { policy, thresholdQty, clipQty, takerFeeRate: feeBps / 1e4 },
      stepNs,
      horizonSteps,
      onProgress: (done, total) => status(`replaying: ${Math.round((done / Math.max(1, total)) * 100)}%`),
    });
    status('');
  } catch (err) {
    status('');
    if (err instanceof UsageError || err instanceof DataError || err instanceof RangeError) {
      process.stderr.write(`quoin hedge-report: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const r = study.report;
  const inv = `${study.inventoryMarket.venue} ${study.inventoryMarket.symbol}`;
  const hedge = `${study.hedgeMarket.venue} ${study.hedgeMarket.symbol}`;
  if (opts.json) {
    const fit = study.run.hedger.fit();
    process.stdout.write(`${JSON.stringify({ inventoryMarket: inv, hedgeMarket: hedge, policy: study.run.params.policy, thresholdQty: study.run.params.thresholdQty, clipQty: study.run.params.clipQty, takerFeeRate: study.run.params.takerFeeRate, stepNs: study.run.stepNs, fromNs: study.run.fromNs, toNs: study.run.toNs, report: r, ...(fit ? { finalFit: fit } : {}) }, finite, 2)}\n`);
  } else {
    process.stdout.write(format(inv, hedge, study, r));
  }
  return 0;
}

async function load(inputs: string[], option: string, cache: boolean, onProgress: (p: { bytesRead: number; bytesTotal: number }) => void): Promise<EventBatch> {
  try {
    const { batch } = await openData(inputs, { cache, onProgress });
    if (batch.markets.length !== 1) throw new UsageError(`${option}: ${inputs.join(', ')} holds ${batch.markets.length} markets (${batch.markets.map((m) => `${m.venue} ${m.symbol}`).join(', ')}); give the files of one market`);
    return batch;
  } catch (err) {
    if (err instanceof DataError) throw new DataError(`${option}: ${err.message}`);
    if (err instanceof Error && 'code' in err && (err as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`${option}: no such file: ${(err as NodeJS.ErrnoException).path ?? inputs.join(', ')}`);
    throw err;
  }
}

function backtestFills(file: string, batch: EventBatch): Array<{ tNs: number; market: number; positionAfter: number }> {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--rules: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const compiled = compile(source, { file });
  const plan = compiled.plan;
  if (!plan) throw new UsageError(`--rules: ${file} does not compile:\n${compiled.diagnostics.map(formatDiagnostic).join('\n')}`);
  const market = batch.markets[0];
  const alias = plan.markets[0]?.alias;
  if (!market || !alias) throw new UsageError(`--rules: ${file} declares no market`);
  return runBacktest(plan, batch, { markets: { [alias]: `${market.venue}:${market.symbol}` } }).fills;
}

/** 1/50 of the position limit in hedge units: for beta the limit's notional is converted at the two markets' first trade prices. */
function defaultClip(maxPosition: number, policy: HedgePolicy, inv: EventBatch, hedge: EventBatch): number {
  if (policy.kind === 'delta') return maxPosition / 50;
  const pa = firstTradePrice(inv);
  const pb = firstTradePrice(hedge);
  return pa > 0 && pb > 0 ? (maxPosition * pa) / pb / 50 : maxPosition / 50;
}

function firstTradePrice(b: EventBatch): number {
  for (let i = 0; i < b.length; i++) if (b.kind[i] === EventKind.Trade) return (b.priceTicks[i] ?? NaN) * (b.markets[b.market[i] ?? 0]?.tickSize ?? NaN);
  return NaN;
}

function duration(text: string, option: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/.exec(text.trim());
  if (!m) throw new UsageError(`${option} needs a duration such as 500ms, 1s, 5m or 1h, not '${text}'`);
  const v = Number(m[1]);
  const ns = v * { ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  if (!(ns > 0)) throw new UsageError(`${option} must be > 0, not '${text}'`);
  return ns;
}

function number(text: string, option: string, min: number): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < min) throw new UsageError(`${option} needs a number ≥ ${min}, not '${text}'`);
  return n;
}

/** JSON has no NaN or Infinity: write them as null. */
function finite(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}

function format(inv: string, hedge: string, s: HedgeStudy, r: HedgeEffectiveness): string {
  const p = s.run.params;
  const f = (x: number, d = 2): string => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
  const policy = p.policy.kind === 'delta' ? `delta (ratio ${p.policy.ratio ?? 1})` : `beta (rolling OLS, window ${p.policy.windowNs / 1e9} s)`;
  const lines = [
    `hedge report: ${inv} inventory hedged on ${hedge}`,
    `  policy          ${policy}; threshold ${p.thresholdQty}, clip ${p.clipQty} (hedge units); taker fee ${f(p.takerFeeRate * 1e4)} bps`,
    `  span            ${f((s.run.toNs - s.run.fromNs) / 1e9, 1)} s, ${r.validSteps} steps of ${s.run.stepNs / 1e9} s; variances over ${r.increments} increments of ${r.horizonSteps} steps`,
    `  inventory       mean |q| ${f(r.inventoryExposure.meanAbs, 4)}, max |q| ${f(r.inventoryExposure.maxAbs, 4)}`,
    `  PnL variance    unhedged ${f(r.unhedged.variance, 4)}, hedged before costs ${f(r.hedgedBeforeCosts.variance, 4)}, after costs ${f(r.hedged.variance, 4)}`,
    `  variance reduction  ${f(r.varianceReductionPct, 1)} % (after costs ${f(r.varianceReductionAfterCostsPct, 1)} %); increment correlation ${f(r.incrementCorrelation, 3)}`,
    `  PnL             unhedged ${f(r.unhedged.pnl)}, hedge ${f(r.hedgePnl)}, hedged ${f(r.hedged.pnl)}`,
    `  hedge cost      fees ${f(r.cost.fees)}, spread ${f(r.cost.spread)}, total ${f(r.cost.total)} (${f(r.cost.totalBps)} bps of ${f(r.trades.notional)} traded)`,
    `  slippage vs mid mean ${f(r.slippageBps.mean, 3)} bps, worst ${f(r.slippageBps.max, 3)} bps`,
    `  hedge trades    ${r.trades.count} (${f(r.trades.qty, 4)} traded${r.trades.unfilledQty > 0 ? `, ${f(r.trades.unfilledQty, 4)} unfilled` : ''})`,
    `  residual exposure  mean |e| ${f(r.residualExposure.meanAbs, 4)}, rms ${f(r.residualExposure.rms, 4)}, max |e| ${f(r.residualExposure.maxAbs, 4)}, final ${f(r.residualExposure.final, 4)}`,
    `  tracking error  ${f(r.trackingError.quote, 4)} per ${r.horizonSteps * (s.run.stepNs / 1e9)} s (${f(r.trackingError.bps)} bps of mean inventory notional)`,
    `  hedge ratio     mean ${f(r.ratio.mean, 3)}, range ${f(r.ratio.min, 3)}–${f(r.ratio.max, 3)}, last ${f(r.ratio.last, 3)}`,
  ];
  return `${lines.join('\n')}\n`;
}
