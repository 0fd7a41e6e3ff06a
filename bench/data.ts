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
import type { EventBatch } from '../runtime/events.js';

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

    const lob = await openData(path.join(data, 'lobster'), { cacheDir });
    const l3Ms = await median(RUNS + 2, () => timed(() => replayAll(lob.batch)));
    ctx.report('data.replay.l3', perSecond(lob.batch.length, l3Ms), 'events/s');
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
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
