// Data-path benchmarks on the real captures in ../shared/data: parsing, loading, the binary cache
// and book replay. Each figure is the median of a few runs. Run alone with `npx tsx bench/data.ts`.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BookReplayer } from '../runtime/book/replay.js';
import { sniffBinance, type BinanceFileInfo } from '../runtime/data/binance-market.js';
import { loadBinance } from '../runtime/data/binance.js';
import { readCache } from '../runtime/data/cache.js';
import { LineReader } from '../runtime/data/lines.js';
import { gzipFile } from '../runtime/data/sources.js';
import { lobsterCsvPair, lobsterZipPairs, type LobsterPair } from '../runtime/data/lobster-files.js';
import { loadLobster } from '../runtime/data/lobster.js';
import { openData } from '../runtime/data/open.js';
import { DenseL2Book } from '../runtime/book/dense-l2-book.js';
import { EventFlag, EventKind, Side, type EventBatch } from '../runtime/events.js';

const RUNS = 3;

function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

async function median(runs: number, once: () => Promise<number> | number): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r < runs; r++) times.push(await once());
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? NaN;
}

/** Milliseconds taken by `f`. */
async function timed(f: () => Promise<unknown> | unknown): Promise<number> {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}

const perSecond = (count: number, ms: number): number => Math.round((count / ms) * 1000);

/** Where figures go: bench/run.ts's BenchContext has this shape (not imported: run.ts runs on import). */
export interface DataBenchContext {
  report(name: string, value: number, unit: string): void;
  progress(message: string): void;
}

function replayAll(batch: EventBatch): void {
  const replay = new BookReplayer(batch);
  for (let i = 0; i < batch.length; i++) replay.apply(batch, i);
}

/** Prints `bench: <name> = <value> <unit>` lines. */
export async function run(print: (line: string) => void): Promise<void> {
  await benchData({ report: (name, value, unit) => print(`bench: ${name} = ${value} ${unit}`), progress: print });
}

/** The same figures as a bench/run.ts module. */
export async function benchData(ctx: DataBenchContext): Promise<void> {
  const data = path.resolve(projectRoot(), '../shared/data');
  if (!existsSync(path.join(data, 'binance')) || !existsSync(path.join(data, 'lobster'))) {
    ctx.progress(`data benches skipped: ${data} is absent`);
    return;
  }
  const binanceDir = path.join(data, 'binance');
  const groups = new Map<string, BinanceFileInfo[]>();
  for (const sub of ['spot', 'usdm']) {
    for (const f of readdirSync(path.join(binanceDir, sub)).sort()) {
      const info = await sniffBinance(path.join(binanceDir, sub, f));
      const key = `${info.venue} ${info.symbol}`;
      groups.set(key, [...(groups.get(key) ?? []), info]);
    }
  }
  const pairs: LobsterPair[] = [lobsterCsvPair(path.join(data, 'lobster_aapl10_head', 'AAPL_2012-06-21_34200000_57600000_message_10.csv'))];
  for (const f of readdirSync(path.join(data, 'lobster')).filter((f) => f.endsWith('.zip')).sort()) pairs.push(...(await lobsterZipPairs(path.join(data, 'lobster', f))));

  // Gunzip + JSON + checks + rows, for all six capture files (four markets).
  const totalLines = await countCaptureLines(groups);
  const binanceMs = await median(RUNS, () =>
    timed(async () => {
      for (const files of groups.values()) await loadBinance(files);
    }),
  );
  ctx.report('data.binance.parse', perSecond(totalLines, binanceMs), 'lines/s');

  let lobsterRows = 0;
  const lobsterMs = await median(RUNS, () =>
    timed(async () => {
      lobsterRows = 0;
      for (const pair of pairs) lobsterRows += (await loadLobster(pair)).batch.length;
    }),
  );
  ctx.report('data.lobster.load', perSecond(lobsterRows, lobsterMs), 'events/s');

  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'quoin-bench-cache-'));
  try {
    const built = await openData(binanceDir, { cacheDir });
    const file = built.cacheFile ?? '';
    const key = path.basename(file, '.qev');
    const n = built.batch.length;
    const readMs = await median(RUNS + 2, () => timed(() => readCache(file, key)));
    ctx.report('data.cache.read', perSecond(n, readMs), 'events/s');
    // End to end from paths: detection, content hashing of the sources, then the cache read.
    const openMs = await median(RUNS, () => timed(() => openData(binanceDir, { cacheDir })));
    ctx.report('data.cache.open', perSecond(n, openMs), 'events/s');

    const cached = readCache(file, key);
    if (!('feed' in cached)) throw new Error(`bench: cache unreadable: ${cached.problem}`);
    const l2Batch = cached.feed.batch;
    const l2Ms = await median(RUNS + 2, () => timed(() => replayAll(l2Batch)));
    ctx.report('data.replay.l2', perSecond(l2Batch.length, l2Ms), 'events/s');

    benchBookQueries(ctx, l2Batch);

    const lob = await openData(path.join(data, 'lobster'), { cacheDir });
    const l3Ms = await median(RUNS + 2, () => timed(() => replayAll(lob.batch)));
    ctx.report('data.replay.l3', perSecond(lob.batch.length, l3Ms), 'events/s');
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

/**
 * Book range queries on the real Binance spot BTC/USDT book (tick 0.01, ~61,800: 10 bps is ~6,180
 * ticks a side, with a few hundred levels in it), in two states: as the first snapshot left it, and
 * after the rest of the market's rows (a day's stray levels far from the touch included).
 * - book.depth10bps: one query is MarketView.depth(10 bps) — depthTo on both sides.
 * - book.depth10bps.moving: the same after a change at the touch on each side (the figure includes
 *   the two updates), as between venue messages.
 * - book.levels10: one query is what wmid(10)/imbalance(10) read — levelPrice and levelQty for
 *   levels 1..10 on both sides — after a change at the touch on each side.
 * The ".day" figures are on the end-of-data book.
 */
export function benchBookQueries(ctx: DataBenchContext, batch: EventBatch): void {
  const market = batch.markets.findIndex((m) => m.venue === 'binance' && m.symbol === 'BTC/USDT');
  if (market < 0) {
    ctx.progress('book query benches skipped: no binance BTC/USDT spot market in the batch');
    return;
  }
  const book = new DenseL2Book(batch.markets[market]?.tickSize ?? 0.01);
  // The first snapshot: from the market's first BookClear row to the end of that message.
  let i = 0;
  while (i < batch.length && !(batch.market[i] === market && batch.kind[i] === EventKind.BookClear)) i++;
  for (; i < batch.length; i++) {
    if (batch.market[i] !== market) continue;
    const kind = batch.kind[i];
    if (kind === EventKind.BookClear) book.clear();
    else if (kind === EventKind.BookLevel) book.set(batch.side[i] === Side.Bid ? Side.Bid : Side.Ask, batch.priceTicks[i] ?? NaN, batch.qty[i] ?? 0);
    if ((batch.flags[i] ?? 0) & EventFlag.EndOfMessage) break;
  }
  const rest = i + 1;
  queryFigures(ctx, 'book', book);
  for (i = rest; i < batch.length; i++) {
    if (batch.market[i] !== market) continue;
    const kind = batch.kind[i];
    if (kind === EventKind.BookClear) book.clear();
    else if (kind === EventKind.BookLevel) book.set(batch.side[i] === Side.Bid ? Side.Bid : Side.Ask, batch.priceTicks[i] ?? NaN, batch.qty[i] ?? 0);
  }
  queryFigures(ctx, 'book.day', book);
}

function queryFigures(ctx: DataBenchContext, prefix: string, book: DenseL2Book): void {
  const bid = book.bestBid();
  const ask = book.bestAsk();
  if (!(bid === bid && ask === ask)) return;
  const mid = (bid + ask) / 2;
  const within = mid * 0.001;
  // Limits as MarketView.depth computes them, nudged per query so no two consecutive ones repeat.
  const limits = 64;
  const bidLimits = new Float64Array(limits);
  const askLimits = new Float64Array(limits);
  for (let k = 0; k < limits; k++) {
    bidLimits[k] = Math.ceil(mid - within - k);
    askLimits[k] = Math.floor(mid + within + k);
  }
  let sink = 0;
  const bidQty = book.qtyAt(Side.Bid, bid);
  const askQty = book.qtyAt(Side.Ask, ask);
  const depth = (q: number): void => {
    const k = q & (limits - 1);
    sink += book.depthTo(Side.Bid, bidLimits[k] ?? 0) + book.depthTo(Side.Ask, askLimits[k] ?? 0);
  };
  // A change at the touch on each side, as between venue messages (also invalidates the level cursors).
  const touch = (q: number): void => {
    book.set(Side.Bid, bid, q & 1 ? bidQty : 2 * bidQty);
    book.set(Side.Ask, ask, q & 1 ? askQty : 2 * askQty);
  };
  ctx.report(`${prefix}.depth10bps`, queryRate(depth), 'queries/s');
  ctx.report(
    `${prefix}.depth10bps.moving`,
    queryRate((q) => {
      touch(q);
      depth(q);
    }),
    'queries/s',
  );
  ctx.report(
    `${prefix}.levels10`,
    queryRate((q) => {
      touch(q);
      for (let n = 1; n <= 10; n++) sink += book.levelPrice(Side.Bid, n) * book.levelQty(Side.Bid, n) + book.levelPrice(Side.Ask, n) * book.levelQty(Side.Ask, n);
    }),
    'queries/s',
  );
  touch(1);
  if (sink === 42) ctx.progress('');
}

/** Queries per second of `query(q)` for q = 0, 1, 2…: the median of a few timings of >= ~30 ms each. */
function queryRate(query: (q: number) => void): number {
  const timeQueries = (n: number): number => {
    const t0 = performance.now();
    for (let q = 0; q < n; q++) query(q);
    return performance.now() - t0;
  };
  // Even counts, so a query alternating between two states (see `touch`) ends where it began.
  const probe = Math.max(timeQueries(1000), 0.01);
  const n = 2 * Math.ceil(Math.min(5e6, Math.max(1000, (1000 * 30) / probe)) / 2);
  const times: number[] = [];
  for (let r = 0; r < RUNS + 2; r++) times.push(timeQueries(n));
  times.sort((a, b) => a - b);
  return perSecond(n, times[Math.floor(times.length / 2)] ?? NaN);
}

async function countCaptureLines(groups: Map<string, BinanceFileInfo[]>): Promise<number> {
  let n = 0;
  for (const files of groups.values()) {
    for (const f of files) {
      const opened = await gzipFile(f.path).open();
      const reader = new LineReader(opened.stream, f.path);
      while (await reader.fill()) while (reader.take() !== undefined) n++;
    }
  }
  return n;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await run((line) => console.log(line));
}
