// `quoin trades RUN.json`: trade-record analysis of a backtest run (its fills and marks): groups by
// hour of day, side, ladder level, scenario, fill size, market and kind, and the fills that lost
// money after the markout horizon, worst first, with the book as it was. Exit codes: 0 analysed;
// 2 the run file cannot be read or is malformed, or an option is bad. (There is no exit 1: no rule
// set is involved.)
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { wholeNumber } from './numbers.js';
import { analyseTrades, parseRunRecords, RunFileError, TRADE_DIMENSIONS, type LosingFill, type TradeGroupStats, type TradesAnalysis } from '../runtime/backtest/trades.js';

interface TradesCliOptions {
  top: string;
  horizon: string;
  sizeEdges?: string;
  json?: boolean;
}

class UsageError extends Error {
  override name = 'UsageError';
}

export function registerTrades(program: Command): void {
  program
    .command('trades')
    .description('analyse the fills of a backtest run: groups by hour, side, level, scenario, size, market and kind, and the fills that lost money')
    .argument('<run>', 'a run file (JSON with the fills and marks a backtest recorded)')
    .option('--top <n>', 'how many losing fills to list, worst first', '10')
    .option('--horizon <seconds>', 'markout horizon in seconds', '10')
    .option('--size-edges <qty,…>', 'upper edges of the fill size buckets, comma-separated (default: the quartiles of fill size)')
    .option('--json', 'print the analysis as JSON')
    .action((file: string, opts: TradesCliOptions) => {
      process.exitCode = trades(file, opts);
    });
}

function trades(file: string, opts: TradesCliOptions): number {
  let analysis: TradesAnalysis;
  try {
    const top = count(opts.top, '--top');
    const horizonSeconds = Number(opts.horizon);
    if (!(horizonSeconds > 0) || !Number.isFinite(horizonSeconds)) throw new UsageError(`--horizon needs a number of seconds > 0, not '${opts.horizon}'`);
    const sizeEdges = opts.sizeEdges === undefined ? undefined : parseEdges(opts.sizeEdges);
    const run = parseRunRecords(readJson(file));
    analysis = analyseTrades(run, { top, horizonNs: horizonSeconds * 1e9, dayEpochMs: run.dayEpochMs, ...(run.marketAliases ? { marketAliases: run.marketAliases } : {}), ...(sizeEdges ? { sizeEdges } : {}) });
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`quoin trades: ${err.message}\n`);
      return 2;
    }
    if (err instanceof RunFileError) {
      process.stderr.write(`quoin trades: ${file}: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  process.stdout.write(opts.json ? `${JSON.stringify(analysis, null, 2)}\n` : formatTrades(file, analysis));
  return 0;
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    // V8 quotes a piece of the text, which may span lines: keep the error to one line.
    throw new RunFileError(`not JSON (${(err as Error).message.replace(/\s+/g, ' ')})`);
  }
}

function count(text: string, option: string): number {
  const n = wholeNumber(text);
  if (n === undefined) throw new UsageError(`${option} needs a whole number ≥ 0, not '${text}'`);
  return n;
}

function parseEdges(text: string): number[] {
  const edges = text.split(',').map((s) => Number(s.trim()));
  if (text.trim() === '' || edges.some((e) => !Number.isFinite(e) || e <= 0)) throw new UsageError(`--size-edges needs positive quantities separated by commas, not '${text}'`);
  return edges;
}

// ------------------------------------------------------------------ the readable report

const TITLES: Record<(typeof TRADE_DIMENSIONS)[number], string> = {
  hour: 'by hour of day (data clock)',
  side: 'by side',
  level: 'by ladder level (0 = best)',
  scenario: 'by scenario',
  size: 'by fill size',
  market: 'by market',
  kind: 'by kind',
};

export function formatTrades(file: string, a: TradesAnalysis): string {
  const h = `+${a.horizonNs / 1e9} s`;
  const out: string[] = [`${file}: ${a.fills} fills; markouts at ${h}`];
  if (a.fills === 0) return `${out.join('\n')}\n`;
  const head = ['', 'fills', 'qty', 'notional', 'spread', `markout bps`, 'markout/fill', 'losing'];
  const rows: string[][] = [groupRow(a.total)];
  for (const d of TRADE_DIMENSIONS) {
    rows.push([]);
    rows.push([TITLES[d]]);
    for (const g of a.groups[d]) rows.push(groupRow(g, '  '));
  }
  out.push('', ...table(head, rows));
  const missing = a.total.markoutMissing;
  if (missing > 0) out.push('', `${missing} fill${missing === 1 ? '' : 's'} too close to the end of the run to have a markout at ${h}`);
  out.push('', `fills that lost money at ${h}: ${a.losing.count} of ${a.fills}${a.losing.worst.length > 0 ? `; worst ${a.losing.worst.length}` : ''}`);
  if (a.losing.worst.length > 0) {
    out.push(...table(['time', 'market', 'side', 'kind', 'lvl', 'scenario', 'qty', 'price', 'mid', `mid ${h}`, 'markout', 'bps', 'book (bid × qty | ask × qty)'], a.losing.worst.map(losingRow), [0, 1, 2, 3, 5, 12]));
  }
  return `${out.join('\n')}\n`;
}

function groupRow(g: TradeGroupStats, indent = ''): string[] {
  return [
    `${indent}${g.key}`,
    String(g.count),
    sig(g.volumeQty),
    fixed(g.notionalQuote, 2),
    fixed(g.spreadCaptureQuote, 2),
    fixed(g.markoutMeanBps, 2),
    fixed(g.markoutMeanQuote, 4),
    g.losingShare === null ? '—' : `${(g.losingShare * 100).toFixed(1)}%`,
  ];
}

function losingRow(f: LosingFill): string[] {
  return [
    f.time ?? `${(f.tNs / 1e9).toFixed(3)} s`,
    f.market,
    f.side,
    f.kind,
    String(f.level),
    f.scenario,
    sig(f.qty),
    sig(f.price),
    sig(f.mid),
    sig(f.midAfter),
    fixed(f.markoutQuote, 4),
    fixed(f.markoutBps, 2),
    `${sig(f.book.bid)} × ${sig(f.book.bidQty)} | ${sig(f.book.ask)} × ${sig(f.book.askQty)}`,
  ];
}

/** Columns in `left` are left-aligned, the rest right-aligned; a row of one cell is a heading, an empty row a gap. */
function table(head: string[], rows: string[][], left: readonly number[] = [0]): string[] {
  const widths = head.map((h) => h.length);
  for (const r of rows) if (r.length > 1) r.forEach((cell, c) => (widths[c] = Math.max(widths[c] ?? 0, cell.length)));
  const line = (r: string[]): string => r.map((cell, c) => (left.includes(c) ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  ').trimEnd();
  return [line(head), ...rows.map((r) => (r.length === 0 ? '' : r.length === 1 ? (r[0] ?? '') : line(r)))];
}

function fixed(x: number | null, digits: number): string {
  return x === null || !Number.isFinite(x) ? '—' : x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function sig(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(8))) : '—';
}
