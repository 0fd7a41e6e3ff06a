// openData: the one entry point from paths to a replayable batch. Recognises the inputs, groups them
// into feeds (the Binance files of one market join into one feed; each LOBSTER pair is a feed),
// loads or reuses the binary cache, and merges everything in exchange-time order.
import path from 'node:path';
import type { DataIssue, EventBatch } from '../events.js';
import { BINANCE_LOADER_VERSION, loadBinance } from './binance.js';
import type { BinanceFileInfo } from './binance-market.js';
import { cacheKey, defaultCacheDir, readCache, writeCache } from './cache.js';
import { detectFile, isFolder, listFolder, type DetectedFile } from './detect.js';
import { dataIssue, DataError } from './errors.js';
import type { Feed } from './feed.js';
import { LOBSTER_LOADER_VERSION, loadLobster } from './lobster.js';
import { lobsterCsvPair, lobsterZipPairs, type LobsterPair } from './lobster-files.js';
import { mergeFeeds } from './merge.js';

export { DataError } from './errors.js';

export interface OpenDataProgress {
  phase: 'hash' | 'load' | 'cache';
  source: string;
  bytesRead: number;
  bytesTotal: number;
}

export interface OpenDataOptions {
  /** Use the binary cache (default true). */
  cache?: boolean;
  /** Defaults to QUOIN_CACHE_DIR or <project>/.cache/quoin. */
  cacheDir?: string;
  /** Tick sizes by "venue symbol" (e.g. "binanceusdm BTC/USDT:USDT": 0.1) for markets not in the built-in table. */
  tickSizes?: Record<string, number>;
  onProgress?: (p: OpenDataProgress) => void;
}

export interface OpenedData {
  batch: EventBatch;
  issues: DataIssue[];
  /** True when the batch came from the cache. */
  fromCache: boolean;
  /** The cache file used or written (undefined with cache: false). */
  cacheFile?: string;
}

type FeedJob = { kind: 'binance'; files: BinanceFileInfo[] } | { kind: 'lobster'; pair: LobsterPair; files: string[] };

export async function openData(input: string | readonly string[], options: OpenDataOptions = {}): Promise<OpenedData> {
  const inputs = typeof input === 'string' ? [input] : [...input];
  if (inputs.length === 0) throw new DataError('no input: give a data file or folder');
  const detected = await detectAll(inputs);
  const { jobs, setAside } = await planFeeds(detected);
  const files = [...new Set(jobs.flatMap((j) => (j.kind === 'binance' ? j.files.map((f) => f.path) : j.files)))];
  const useCache = options.cache ?? true;
  let cacheFile: string | undefined;
  let key = '';
  if (useCache) {
    options.onProgress?.({ phase: 'hash', source: files.join(', '), bytesRead: 0, bytesTotal: 0 });
    key = await cacheKey(files, `binance ${BINANCE_LOADER_VERSION} lobster ${LOBSTER_LOADER_VERSION} ticks ${JSON.stringify(options.tickSizes ?? {})}`);
    cacheFile = path.join(options.cacheDir ?? defaultCacheDir(), `${key}.qev`);
    const cached = readCache(cacheFile, key);
    if ('feed' in cached) return { ...cached.feed, issues: [...setAside, ...cached.feed.issues], fromCache: true, cacheFile };
  }
  const feeds: Feed[] = [];
  for (const job of jobs) feeds.push(await loadJob(job, options));
  const merged = mergeFeeds(feeds);
  if (cacheFile !== undefined) {
    options.onProgress?.({ phase: 'cache', source: cacheFile, bytesRead: 0, bytesTotal: 0 });
    try {
      writeCache(cacheFile, key, merged);
    } catch {
      // The cache only saves time: an unwritable cache folder must not fail a load.
      cacheFile = undefined;
    }
  }
  return { ...merged, issues: [...setAside, ...merged.issues], fromCache: false, cacheFile };
}

async function detectAll(inputs: string[]): Promise<DetectedFile[]> {
  const out: DetectedFile[] = [];
  for (const p of inputs) {
    if (isFolder(p)) {
      const found: DetectedFile[] = [];
      for (const f of listFolder(p)) {
        const d = await detectFile(f);
        if (d.format !== 'documentation') found.push(d);
      }
      if (found.length === 0) throw new DataError(`${p}: no market data files in this folder`);
      out.push(...found);
    } else {
      const d = await detectFile(p);
      if (d.format === 'documentation') throw new DataError(`${p}: unknown format (documentation, not market data)`);
      out.push(d);
    }
  }
  return out;
}

/**
 * Groups files into feeds, in the order their first file was given. LOBSTER files of one ticker
 * and day at several depths (the vendor's samples come as _1, _5 and _10 of the same day) record
 * the same messages: replayed together they would be one market twice. The deepest is kept and the
 * others are set aside as `duplicate_source` issues, which the commands show on stderr.
 */
async function planFeeds(detected: DetectedFile[]): Promise<{ jobs: FeedJob[]; setAside: DataIssue[] }> {
  const jobs: FeedJob[] = [];
  const binance = new Map<string, BinanceFileInfo[]>();
  const seen = new Set<string>();
  for (const d of detected) {
    const real = path.resolve(d.path);
    if (seen.has(real)) continue;
    seen.add(real);
    if (d.format === 'binance') {
      const k = `${d.info.venue} ${d.info.symbol}`;
      let group = binance.get(k);
      if (!group) {
        group = [];
        binance.set(k, group);
        jobs.push({ kind: 'binance', files: group });
      }
      group.push(d.info);
    } else if (d.format === 'lobster-zip') {
      for (const pair of await lobsterZipPairs(d.path)) jobs.push({ kind: 'lobster', pair, files: [d.path] });
    } else if (d.format === 'lobster-csv') {
      const pair = lobsterCsvPair(d.path);
      const both = [pair.message.name, pair.orderbook.name];
      for (const f of both) seen.add(path.resolve(f));
      jobs.push({ kind: 'lobster', pair, files: both });
    }
  }
  return keepDeepestLobster(jobs);
}

function keepDeepestLobster(jobs: FeedJob[]): { jobs: FeedJob[]; setAside: DataIssue[] } {
  const deepest = new Map<string, Extract<FeedJob, { kind: 'lobster' }>>();
  for (const j of jobs) {
    if (j.kind !== 'lobster') continue;
    const k = `${j.pair.ticker} ${j.pair.date}`;
    const best = deepest.get(k);
    // The first given wins a tie (the same depth twice: a copy of the same file).
    if (!best || j.pair.levels > best.pair.levels) deepest.set(k, j);
  }
  const setAside: DataIssue[] = [];
  const kept = jobs.filter((j) => {
    if (j.kind !== 'lobster') return true;
    const best = deepest.get(`${j.pair.ticker} ${j.pair.date}`);
    if (!best || best === j) return true;
    const levels = `${j.pair.levels} level${j.pair.levels === 1 ? '' : 's'}`;
    setAside.push(dataIssue('duplicate_source', j.pair.message.name, 0, `set aside: ${j.pair.ticker} on ${j.pair.date} (${levels}) is also in ${best.pair.message.name} (${best.pair.levels} levels), which is used`));
    return false;
  });
  return { jobs: kept, setAside };
}

async function loadJob(job: FeedJob, options: OpenDataOptions): Promise<Feed> {
  const onProgress = options.onProgress && ((p: { source: string; bytesRead: number; bytesTotal: number }) => options.onProgress?.({ phase: 'load', ...p }));
  if (job.kind === 'lobster') return loadLobster(job.pair, { onProgress });
  const first = job.files[0];
  const tickSize = first ? options.tickSizes?.[`${first.venue} ${first.symbol}`] : undefined;
  return loadBinance(job.files, { tickSize, onProgress });
}
