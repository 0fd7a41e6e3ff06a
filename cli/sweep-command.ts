// `quoin sweep FILE --data PATH… --grid SPEC`: backtests every point of a parameter grid on worker
// threads, in sample (the first part of the window, by time) and out of sample (the rest), prints the
// points ranked by a metric in sample with their out-of-sample figures, and warns when the best
// in-sample point does not hold up out of sample (docs/sweep.md). Exit codes: 0 every point ran;
// 1 the rule set has errors; 2 bad data, options or grid, a market the data does not have, or some
// points failed (the others are still printed).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { canonicalJson, hashedContent, planHash } from '../compiler/hash.js';
import { compile } from '../compiler/program.js';
import type { ParamDecl } from '../dsl/ast.js';
import { parseFees } from '../runtime/backtest/fees.js';
import { parseLatency } from '../runtime/backtest/latency.js';
import { parseQueueModel } from '../runtime/backtest/queue.js';
import { Random } from '../runtime/backtest/random.js';
import { runSweep, type SweepOutcome, type SweepRun } from '../runtime/backtest/sweep.js';
import { DEFAULT_MAX_POINTS, describePoint, GridError, gridPoints, parseGrid, variantPlan, withParamValues, type SweepGrid, type SweepPoint } from '../runtime/backtest/sweep-grid.js';
import { countRows, describeLatency, splitWindow, type PartSummary, type SweepJob, type SweepPart } from '../runtime/backtest/sweep-job.js';
import { isSweepMetric, METRIC_INFO, metricValue, overfittingWarning, rankSweep, SWEEP_METRICS, type SweepMetric, type SweepRanking } from '../runtime/backtest/sweep-rank.js';
import { bindMarkets, BindingError } from '../runtime/bind-markets.js';
import { DataError, openData } from '../runtime/data/open.js';
import { describeDataIssues } from './data-issues.js';
import { integer, wholeNumber } from './numbers.js';
import type { EventBatch } from '../runtime/events.js';
import { PlanError } from '../runtime/plan/load-plan.js';
import type { Plan } from '../schemas/index.js';
import { parseWindow } from '../runtime/backtest/window.js';
import { Progress } from './progress.js';
import { loadRuleSet, parseMarketOptions } from './rule-set.js';

interface SweepCliOptions {
  data: string[];
  grid: string;
  sort: string;
  top: string;
  split: string;
  workers?: string;
  maxPoints?: string;
  market?: string[];
  from?: string;
  to?: string;
  latency: string;
  fees: string;
  queue: string;
  seed: string;
  json?: boolean;
  cache?: boolean;
}

export function registerSweep(program: Command): void {
  program
    .command('sweep')
    .description('backtest a grid of param values on worker threads, rank them in sample and check them out of sample')
    .argument('<file>', 'a .quoin rule set, or a compiled plan (.json)')
    .requiredOption('--data <path...>', 'data files or folders (Binance captures, LOBSTER zips or csv pairs)')
    .requiredOption('--grid <spec>', "params and values: 'gamma=0.05..0.5:10,base_spread=2bps..20bps:10' (lo..hi:n[:log] or a|b|c)")
    .option('--sort <metric>', `rank by ${SWEEP_METRICS.join(', ')} (in sample)`, 'sharpe')
    .option('--top <n>', 'rows to print (0: all)', '20')
    .option('--split <share>', 'share of the window, by time, that is in sample (the rest is out of sample)', '0.7')
    .option('--workers <n>', 'worker threads (default: the available cores, at most one per point)')
    .option('--max-points <n>', `the most points a grid may have (default: ${DEFAULT_MAX_POINTS.toLocaleString('en-US')})`)
    .option('--market <alias=venue:symbol...>', 'bind a plan market to a market of the data explicitly')
    .option('--from <time>', 'start of the window: ISO time or seconds from the data start (120s)')
    .option('--to <time>', 'end of the window, same forms')
    .option('--latency <spec>', 'latency: 5ms for every leg, or feed=1ms,order=5ms,response=lognormal(5ms,0.5)', '0')
    .option('--fees <spec>', 'fees: maker=-0.5bps,taker=2bps, or a schedule (binance-spot, binance-usdm, bybit-perp, nasdaq, none)', 'none')
    .option('--queue <model>', 'queue model for L2 data: power(n), log or risk-averse', 'power(3)')
    .option('--seed <n>', 'seed of the sampled models (the same for every point)', '1')
    .option('--json', 'print every point with both summaries, the ranking and the overfitting check as JSON')
    .option('--no-cache', 'do not read or write the binary data cache')
    .action(async (file: string, opts: SweepCliOptions) => {
      process.exitCode = await sweep(file, opts);
    });
}

async function sweep(file: string, opts: SweepCliOptions): Promise<number> {
  const fail = (message: string): number => {
    process.stderr.write(`quoin sweep: ${message}\n`);
    return 2;
  };
  const plan = loadRuleSet(file, 'quoin sweep');
  if (!plan) return 1;

  // ---- options ----
  const metric = opts.sort;
  if (!isSweepMetric(metric)) return fail(`--sort '${metric}' is not a metric; use one of ${SWEEP_METRICS.join(', ')}`);
  const top = wholeNumber(opts.top);
  if (top === undefined) return fail(`--top needs a whole number (0 for all), not '${opts.top}'`);
  const split = Number(opts.split);
  if (!/^\s*\d*\.?\d+\s*$/.test(opts.split) || !(split > 0 && split < 1)) return fail(`--split needs a share between 0 and 1 (0.7: the first 70% in sample), not '${opts.split}'`);
  const workers = opts.workers === undefined ? undefined : wholeNumber(opts.workers);
  if (workers !== undefined ? workers < 1 : opts.workers !== undefined) return fail(`--workers needs a whole number of at least 1, not '${opts.workers}'`);
  const maxPoints = opts.maxPoints === undefined ? DEFAULT_MAX_POINTS : wholeNumber(opts.maxPoints);
  if (maxPoints === undefined || maxPoints < 1) return fail(`--max-points needs a whole number of at least 1, not '${opts.maxPoints}'`);
  const seed = integer(opts.seed);
  if (seed === undefined) return fail(`--seed needs a whole number, not '${opts.seed}'`);
  let markets: Record<string, string>;
  let settings: { latency: string; fees: string; queue: string };
  try {
    // Parsed here to refuse bad options at once; every run parses them afresh (sweep-job.ts).
    const latency = parseLatency(opts.latency, new Random(seed));
    const fees = parseFees(opts.fees);
    const queue = parseQueueModel(opts.queue);
    settings = { latency: describeLatency(latency), fees: fees.description, queue: queue.name };
    markets = parseMarketOptions(opts.market ?? []);
  } catch (err) {
    return fail((err as Error).message);
  }

  // ---- grid and variants ----
  let grid: SweepGrid;
  let points: SweepPoint[];
  const hashes: string[] = [];
  try {
    grid = parseGrid(opts.grid, plan, { maxPoints });
    if (!file.endsWith('.json')) {
      const folded = foldedParam(file, plan, grid);
      if (folded) return fail(folded);
    }
    points = gridPoints(grid);
    for (const p of points) hashes.push(variantPlan(plan, p.values, planHash).hash);
  } catch (err) {
    if (err instanceof GridError || err instanceof PlanError) return fail(`--grid: ${err.message}`);
    throw err;
  }

  // ---- data, window, parts ----
  // The main thread loads the data once: to refuse bad data, windows and bindings before any worker
  // starts, and to warm the cache the workers read. Its events are not kept for the run.
  const prepared = await prepareData(plan, opts, markets, split);
  if (typeof prepared === 'string') return fail(prepared);
  const { parts, partEvents, dayEpochMs, cacheDir } = prepared;

  const job: SweepJob = {
    plan,
    data: opts.data.map((d) => path.resolve(d)),
    cache: opts.cache !== false,
    ...(cacheDir !== undefined ? { cacheDir } : {}),
    markets,
    models: { latency: opts.latency, fees: opts.fees, queue: opts.queue, seed },
    parts,
  };
  const tasks = points.map((p, i) => ({ index: p.index, values: p.values, hash: hashes[i] ?? '' }));

  // ---- run ----
  const progress = new Progress('sweep', 1);
  let run: SweepRun;
  try {
    run = await runSweep({
      job,
      tasks,
      ...(workers !== undefined ? { workers } : {}),
      onProgress: (p) => progress.update(p.fraction, `${p.done}/${p.total} points${p.failed > 0 ? `, ${p.failed} failed` : ''}`),
    });
  } catch (err) {
    progress.done();
    return fail((err as Error).message);
  }
  progress.done();

  // ---- rank and report ----
  const hours = parts.map((p) => (p.toNs - p.fromNs) / 3.6e12);
  const byIndex = new Map<number, SweepOutcome>(run.outcomes.map((o) => [o.index, o]));
  const values = (o: SweepOutcome | undefined, k: number): number | null => {
    const s = o?.ok ? o.parts[k] : undefined;
    return s ? metricValue(s, metric, hours[k] ?? 0) : null;
  };
  const ranking = rankSweep({ metric, points: points.map((p) => ({ index: p.index, inSample: values(byIndex.get(p.index), 0), outOfSample: values(byIndex.get(p.index), 1) })) });
  const label = (index: number): string => describePoint(points[index]?.values ?? {});
  const warning = overfittingWarning(ranking.overfitting, label, fmt);
  const failures = run.outcomes.filter((o): o is Extract<SweepOutcome, { ok: false }> => !o.ok);
  for (const f of failures) process.stderr.write(`quoin sweep: point ${label(f.index)} failed: ${f.error}\n`);

  const iso = (tNs: number): string => new Date(dayEpochMs + tNs / 1e6).toISOString();
  const windows = parts.map((p, k) => ({ name: p.name, from: iso(p.fromNs), to: iso(p.toNs), hours: hours[k] ?? 0, events: partEvents[k] ?? 0 }));
  if (opts.json) {
    const report = {
      strategy: { name: plan.strategy.name, version: plan.strategy.version, planHash: plan.hash },
      grid: { spec: opts.grid, points: grid.size, axes: grid.axes.map((a) => ({ param: a.param, spacing: a.spacing, values: a.values })) },
      sort: { metric, better: METRIC_INFO[metric].better, unit: metric === 'pnl' ? `${plan.markets[0]?.quote ?? ''} per hour` : undefined },
      split,
      windows: { inSample: windows[0], outOfSample: windows[1] },
      settings: { ...settings, seed },
      run: { workers: run.workers, crashes: run.crashes, wallMs: Math.round(run.wallMs), failed: failures.length },
      points: ranking.points.map((r) => {
        const o = byIndex.get(r.index);
        const p = points[r.index];
        return {
          rank: r.rank,
          index: r.index,
          params: p?.values ?? {},
          planHash: hashes[r.index] ?? '',
          inSample: { metric: r.inSample, summary: o?.ok ? o.parts[0] ?? null : null },
          outOfSample: { metric: r.outOfSample, rank: r.oosRank, summary: o?.ok ? o.parts[1] ?? null : null },
          ...(o && !o.ok ? { error: o.error } : {}),
        };
      }),
      overfitting: { ...ranking.overfitting, warning },
    };
    process.stdout.write(`${JSON.stringify(report, replacer, 2)}\n`);
  } else {
    process.stdout.write(`${formatTable({ plan, grid, points, ranking, byIndex, metric, top, windows, run, split })}\n`);
    if (warning) process.stdout.write(`warning: ${warning}\n`);
  }
  return failures.length > 0 ? 2 : 0;
}

interface PreparedData {
  parts: SweepPart[];
  partEvents: number[];
  dayEpochMs: number;
  /** The folder of the cache file this load wrote or found, for the workers. */
  cacheDir: string | undefined;
}

/** The windows of the run, or the one-line reason the data cannot be swept. */
async function prepareData(plan: Plan, opts: SweepCliOptions, markets: Record<string, string>, split: number): Promise<PreparedData | string> {
  let batch: EventBatch;
  let cacheDir: string | undefined;
  try {
    const loading = new Progress('loading', 1);
    const opened = await openData(opts.data, { cache: opts.cache !== false, onProgress: (p) => loading.update(p.bytesTotal > 0 ? p.bytesRead / p.bytesTotal : 0, p.phase) });
    loading.done();
    batch = opened.batch;
    const issues = describeDataIssues(opened.issues);
    if (issues) process.stderr.write(`quoin sweep: ${issues}\n`);
    if (opened.cacheFile !== undefined) cacheDir = path.dirname(opened.cacheFile);
  } catch (err) {
    if (err instanceof DataError) return err.message;
    throw err;
  }
  if (batch.length === 0) return 'the data holds no events';
  try {
    const window = parseWindow(opts.from, opts.to, batch);
    const binding = bindMarkets(plan, batch.markets, markets);
    for (const note of binding.notes) process.stderr.write(`quoin sweep: note: ${note}\n`);
    const parts = splitWindow(batch, window, split);
    return { parts, partEvents: parts.map((p) => countRows(batch, p)), dayEpochMs: batch.dayEpochMs, cacheDir };
  } catch (err) {
    if (err instanceof BindingError || err instanceof RangeError) return err.message;
    throw err;
  }
}

/** NaN and ±Infinity become null (JSON has neither). */
function replacer(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}

/**
 * For a .quoin source: does every swept value give, by editing the plan, exactly the plan the
 * compiler gives for the source with that value written in? Not when the compiler folds a param into
 * fixed settings (a signal window, an interval) or derives facts from it: then the sweep would run
 * something other than what it claims, so it is refused with the first plan field that differs.
 * One compile per axis value (not per point): folding is a property of one param.
 */
function foldedParam(file: string, plan: Plan, grid: SweepGrid): string | undefined {
  const source = readFileSync(file, 'utf8');
  const ast = compile(source, { file }).ast;
  if (!ast) return undefined;
  const decls = new Map<string, ParamDecl>();
  for (const item of ast.items) if (item.kind === 'params') for (const d of item.params) decls.set(d.name.name, d);
  for (const axis of grid.axes) {
    const decl = decls.get(axis.param);
    if (!decl) continue;
    for (const v of axis.values) {
      const edited = `${source.slice(0, decl.value.range.start.offset)}${v.display}${source.slice(decl.value.range.end.offset)}`;
      const compiled = compile(edited, { file });
      if (!compiled.plan) {
        const first = compiled.diagnostics.find((d) => d.severity === 'error');
        return `--grid: with ${axis.param} = ${v.display} the rule set does not compile: ${first?.message ?? 'errors'}`;
      }
      const ours = withParamValues(plan, { [axis.param]: v });
      const diff = firstDifference(hashedContent(ours), hashedContent(compiled.plan));
      if (diff !== undefined) {
        return `--grid: ${axis.param} cannot be swept by editing the compiled plan: the compiler also uses its value at ${diff} (folded at compile time), so a variant would not be what the rule set says; sweep a param that the plan reads at run time`;
      }
    }
  }
  return undefined;
}

/** The JSON path of the first difference between two plain values, or undefined when equal. */
function firstDifference(a: unknown, b: unknown, at = ''): string | undefined {
  if (a === b) return undefined;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return at || '/';
  if (Array.isArray(a) !== Array.isArray(b)) return at || '/';
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}/${k}`);
    if (d !== undefined) return d;
  }
  // Same values, different key order: canonical JSON decides.
  return canonicalJson(a) === canonicalJson(b) ? undefined : at || '/';
}

/** Four significant digits; — for undefined. */
function fmt(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return '—';
  return String(Number(x.toPrecision(4)));
}

interface TableInput {
  plan: Plan;
  grid: SweepGrid;
  points: SweepPoint[];
  ranking: SweepRanking;
  byIndex: Map<number, SweepOutcome>;
  metric: SweepMetric;
  top: number;
  windows: Array<{ name: string; from: string; to: string; hours: number; events: number }>;
  run: { workers: number; crashes: number; wallMs: number };
  split: number;
}

function formatTable(t: TableInput): string {
  const { plan, grid, metric } = t;
  const info = METRIC_INFO[metric];
  const ccy = plan.markets[0]?.quote ?? '';
  const lines: string[] = [];
  const secs = t.run.wallMs / 1000;
  lines.push(`${plan.strategy.name} v${plan.strategy.version}: ${grid.size} point${grid.size === 1 ? '' : 's'} (${grid.axes.map((a) => `${a.param} ${a.values.length}`).join(' × ')}) on ${t.run.workers} worker${t.run.workers === 1 ? '' : 's'} in ${secs.toFixed(1)} s${t.run.crashes > 0 ? ` (${t.run.crashes} worker crash${t.run.crashes === 1 ? '' : 'es'})` : ''}`);
  const [is, oos] = t.windows;
  const pct = (x: number): string => `${Math.round(x * 100)}%`;
  if (is) lines.push(`in sample       ${is.from} → ${is.to}  (${pct(t.split)}, ${is.events.toLocaleString('en-US')} events)`);
  if (oos) lines.push(`out of sample   ${oos.from} → ${oos.to}  (${pct(1 - t.split)}, ${oos.events.toLocaleString('en-US')} events)`);
  lines.push(`sorted by ${info.label}${metric === 'pnl' ? ` (${ccy} per hour)` : ''} in sample, ${info.better === 'higher' ? 'highest' : 'lowest'} first; PnL, max DD and fills are in-sample figures`);
  lines.push('');

  const header = ['#', ...grid.axes.map((a) => a.param), `IS ${info.label}`, `OOS ${info.label}`, 'OOS #', `PnL ${ccy}`.trim(), ...(metric === 'maxDrawdown' ? [] : ['max DD']), 'fills'];
  const shown = t.top === 0 ? t.ranking.points : t.ranking.points.slice(0, t.top);
  const rows = shown.map((r) => {
    const o = t.byIndex.get(r.index);
    const s: PartSummary | undefined = o?.ok ? o.parts[0] : undefined;
    const values = t.points[r.index]?.values ?? {};
    return [
      String(r.rank),
      ...grid.axes.map((a) => values[a.param]?.display ?? ''),
      o && !o.ok ? 'failed' : fmt(r.inSample),
      o && !o.ok ? '' : fmt(r.outOfSample),
      o && !o.ok ? '' : String(r.oosRank),
      s ? fmt(s.pnl.total) : '',
      ...(metric === 'maxDrawdown' ? [] : [s ? fmt(s.maxDrawdown) : '']),
      s ? String(s.fills) : '',
    ];
  });
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const params = grid.axes.length;
  // Params read left-aligned (they carry units); numbers right-aligned.
  const cell = (text: string, c: number): string => (c >= 1 && c <= params ? text.padEnd(widths[c] ?? 0) : text.padStart(widths[c] ?? 0));
  const line = (r: string[]): string => r.map(cell).join('  ').trimEnd();
  lines.push(line(header));
  for (const r of rows) lines.push(line(r));
  const hidden = t.ranking.points.length - shown.length;
  if (hidden > 0) lines.push(`… and ${hidden} more (--top 0 shows all)`);
  lines.push('');
  const c = t.ranking.overfitting;
  const best = c.best === null ? undefined : t.ranking.points[0];
  if (best) {
    lines.push(`best in sample: ${describePoint(t.points[best.index]?.values ?? {})}: ${info.label} ${fmt(best.inSample)} in sample, ${fmt(best.outOfSample)} out of sample (rank ${best.oosRank} of ${t.ranking.points.length})`);
  }
  lines.push(`in/out-of-sample rank correlation (Spearman): ${c.spearman === null ? '— (too few points with both values)' : c.spearman.toFixed(2)}`);
  lines.push(`overfitting check: rank rule ${c.rankRule}${c.topQuartile !== null ? ` (out-of-sample rank ≤ ${c.topQuartile})` : ''}, decay rule ${c.decayRule}${info.decayRule ? ' (out of sample ≥ half of in sample)' : ''}`);
  return lines.join('\n');
}
