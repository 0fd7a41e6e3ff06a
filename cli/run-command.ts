// `quoin run FILE --data PATH…`: streams recorded market data through the engine with no fill
// simulation (quotes only) and summarises what the plan did. Exit codes: 0 ran; 1 the rule set has
// errors; 2 bad data, bad options or a market the data does not have.
import type { Command } from 'commander';
import { BindingError } from '../runtime/bind-markets.js';
import { DataError, openData } from '../runtime/data/open.js';
import { formatIssue } from '../runtime/data/errors.js';
import { EventFlag, type DataIssue } from '../runtime/events.js';
import { formatExplanation, type Explanation } from '../runtime/explain.js';
import type { Plan } from '../schemas/index.js';
import { createReplaySession } from '../runtime/replay-session.js';
import { Progress } from './progress.js';
import { issueCounts } from './data-issues.js';
import { wholeNumber } from './numbers.js';
import { loadRuleSet, parseMarketOptions } from './rule-set.js';

interface RunOptions {
  data: string[];
  market?: string[];
  json?: boolean;
  explain?: string;
  cache?: boolean;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('replay recorded market data through a rule set (quotes only, no fills) and summarise what it did')
    .argument('<file>', 'a .quoin rule set, or a compiled plan (.json)')
    .requiredOption('--data <path...>', 'data files or folders (Binance captures, LOBSTER zips or csv pairs)')
    .option('--market <alias=venue:symbol...>', 'bind a plan market to a market of the data explicitly')
    .option('--json', 'print the summary as JSON')
    .option('--explain <n>', 'print the explanation of the n-th quote update (1-based)')
    .option('--no-cache', 'do not read or write the binary data cache')
    .action(async (file: string, opts: RunOptions) => {
      process.exitCode = await run(file, opts);
    });
}

async function run(file: string, opts: RunOptions): Promise<number> {
  const plan = loadRuleSet(file, 'quoin run');
  if (!plan) return 1;
  const explainAt = opts.explain === undefined ? undefined : wholeNumber(opts.explain) ?? 0;
  if (explainAt !== undefined && explainAt < 1) {
    process.stderr.write(`quoin run: --explain needs a whole number ≥ 1 written in digits, not '${opts.explain}'\n`);
    return 2;
  }
  let markets: Record<string, string>;
  try {
    markets = parseMarketOptions(opts.market ?? []);
  } catch (err) {
    process.stderr.write(`quoin run: ${(err as Error).message}\n`);
    return 2;
  }

  const started = performance.now();
  let data;
  try {
    const loading = new Progress('loading', 1);
    data = await openData(opts.data, {
      cache: opts.cache !== false,
      onProgress: (p) => loading.update(p.bytesTotal > 0 ? p.bytesRead / p.bytesTotal : 0, `${p.phase} ${p.source.split('/').pop() ?? ''}`),
    });
    loading.done();
  } catch (err) {
    if (err instanceof DataError) {
      process.stderr.write(`quoin run: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const loadedMs = performance.now() - started;

  let explained: Explanation | undefined;
  let session;
  try {
    session = createReplaySession(plan, data.batch, {
      markets,
      onExplanation: (e, index) => {
        if (explainAt !== undefined && index === explainAt - 1) explained = e;
      },
    });
  } catch (err) {
    if (err instanceof BindingError) {
      process.stderr.write(`quoin run: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  for (const note of session.binding.notes) process.stderr.write(`quoin run: note: ${note}\n`);

  const batch = data.batch;
  const progress = new Progress('replaying', batch.length);
  const chunk = 200_000;
  const replayStarted = performance.now();
  for (let from = 0; from < batch.length; from += chunk) {
    session.run(from, Math.min(batch.length, from + chunk));
    progress.update(from + chunk, `${formatCount(Math.min(batch.length, from + chunk))} events`);
  }
  progress.done();
  const replayMs = performance.now() - replayStarted;

  const e = session.engine;
  const summary = {
    file,
    planHash: plan.hash,
    data: opts.data,
    fromCache: data.fromCache,
    markets: plan.markets.map((m, i) => ({ alias: m.alias, market: `${m.venue}:${m.symbol}`, data: describeFeed(batch.markets[session.binding.planToFeed[i] ?? -1]) })),
    events: e.stats.events,
    messages: countMessages(batch.flags, batch.length),
    evaluations: e.stats.evaluations,
    span: batch.length > 0 ? { from: clock(batch, 0), to: clock(batch, batch.length - 1) } : null,
    quoteUpdates: e.stats.quoteUpdates,
    actions: e.stats.actions,
    quotesWithheld: { ...e.withheld },
    rejected: e.stats.rejected,
    throttled: e.stats.throttled,
    workingOrdersAtEnd: e.workingOrders().length,
    scenarioChanges: { count: e.stats.scenarioChanges.length, first: e.stats.scenarioChanges.slice(0, 20).map((c) => ({ at: time(batch.dayEpochMs, c.tNs), from: c.from, to: c.to })) },
    riskStateChanges: e.stats.riskTransitions.map((t) => ({ at: time(batch.dayEpochMs, t.tNs), from: t.from, to: t.to, reason: t.reason, ...(t.rule ? { rule: t.rule } : {}) })),
    paramMoves: e.stats.paramMoves.length,
    dataIssues: summariseIssues(data.issues),
    timing: { loadMs: round(loadedMs), replayMs: round(replayMs), eventsPerSecond: Math.round(e.stats.events / (replayMs / 1000)) },
    ...(explainAt !== undefined ? { explain: explained ?? null } : {}),
  };

  if (opts.json) {
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  } else {
    const out: string[] = [
      `${plan.strategy.name} v${plan.strategy.version} (${plan.hash.slice(0, 19)}…) on ${summary.markets.map((m) => `${m.alias} ← ${m.data}`).join(', ')}`,
      `events              ${summary.events.toLocaleString('en-US')} (${summary.messages.toLocaleString('en-US')} messages${summary.span ? `, ${summary.span.from} → ${summary.span.to}` : ''})`,
      `evaluations         ${summary.evaluations.toLocaleString('en-US')} (at the messages that moved what the plan reads, and its timers)`,
      `quote updates       ${summary.quoteUpdates.toLocaleString('en-US')}`,
      `order actions       place ${summary.actions.place}, amend ${summary.actions.amend}, cancel ${summary.actions.cancel} (refused by risk: ${summary.rejected}, throttled: ${summary.throttled})`,
      ...withheldLines(summary.quotesWithheld, plan),
      `scenario changes    ${summary.scenarioChanges.count}${summary.scenarioChanges.first.length > 0 ? `: ${summary.scenarioChanges.first.slice(0, 5).map((c) => `${c.at} ${c.from}→${c.to}`).join(', ')}${summary.scenarioChanges.count > 5 ? ', …' : ''}` : ''}`,
      `risk state changes  ${summary.riskStateChanges.length}${summary.riskStateChanges.slice(0, 5).map((t) => `\n  ${t.at} ${t.from} → ${t.to}: ${t.reason}`).join('')}`,
      `data issues         ${summary.dataIssues.count}${Object.entries(summary.dataIssues.byKind).map(([k, n]) => ` ${k}: ${n}`).join(',')}`,
      `replayed in         ${(replayMs / 1000).toFixed(2)} s (${formatCount(summary.timing.eventsPerSecond)} events/s), data loaded in ${(loadedMs / 1000).toFixed(2)} s${data.fromCache ? ' from cache' : ''}`,
    ];
    process.stdout.write(`${out.join('\n')}\n`);
    if (explained) process.stdout.write(`\n${formatExplanation(explained, file)}\n`);
  }
  if (explainAt !== undefined && !explained) {
    // The run itself is reported above; the explanation asked for does not exist.
    process.stderr.write(`quoin run: --explain ${explainAt}: the run made ${summary.quoteUpdates} quote update${summary.quoteUpdates === 1 ? '' : 's'}, so there is no update #${explainAt} to explain\n`);
    return 2;
  }
  return 0;
}

/** Why quote passes left out what the plan asked for — the first thing to read when a run sent no orders. */
function withheldLines(w: { notPositive: number; belowMinQty: number; belowMinNotional: number }, plan: Plan): string[] {
  const limits = (pick: (m: Plan['markets'][number]) => string): string => plan.markets.map((m) => `${m.alias} ${pick(m)}`).join(', ');
  const parts: string[] = [];
  if (w.belowMinNotional > 0) parts.push(`${w.belowMinNotional.toLocaleString('en-US')} with a level under the venue's minimum notional (${limits((m) => `${m.minNotional} ${m.quote}`)})`);
  if (w.belowMinQty > 0) parts.push(`${w.belowMinQty.toLocaleString('en-US')} with a size under the venue's minimum (${limits((m) => `${m.minQty} ${m.base}`)})`);
  if (w.notPositive > 0) parts.push(`${w.notPositive.toLocaleString('en-US')} with a price or size that was not a positive number (signals still warming up, or a spread below zero)`);
  return parts.length === 0 ? [] : [`quotes withheld     quote passes ${parts.join('; ')}`];
}

function summariseIssues(issues: DataIssue[]): { count: number; byKind: Record<string, number>; first: string[] } {
  return { count: issues.length, byKind: issueCounts(issues), first: issues.slice(0, 10).map(formatIssue) };
}

function describeFeed(f: { venue: string; symbol: string; source: string } | undefined): string {
  return f ? `${f.venue}:${f.symbol}` : '?';
}

function clock(batch: { dayEpochMs: number; exchTs: Float64Array }, i: number): string {
  return time(batch.dayEpochMs, batch.exchTs[i] ?? 0);
}

function time(dayEpochMs: number, tNs: number): string {
  return new Date(dayEpochMs + tNs / 1e6).toISOString().replace('T', ' ').replace('Z', '');
}

function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(0)}k`;
  return String(n);
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

/** Venue messages in the batch: rows that end one. */
function countMessages(flags: Uint8Array, length: number): number {
  let n = 0;
  for (let i = 0; i < length; i++) if (((flags[i] ?? 0) & EventFlag.EndOfMessage) !== 0) n++;
  return n;
}
