// Which market a paper instance of a plan runs on: recorded data when paths are given (opened with
// openData, which keeps a binary cache on disk; batches are also shared in memory between the
// instances that use the same files), else a simulated market for the plan's own markets.
import path from 'node:path';
import { existsSync } from 'node:fs';
import type { Plan } from '../../schemas/generated/plan.js';
import { bindMarkets } from '../bind-markets.js';
import { openData, type OpenDataOptions, type OpenedData } from '../data/open.js';
import type { PaperMarket } from './paper-instance.js';

export interface MarketForPlanOptions {
  /** Data files or folders; absent or empty: a simulated market. */
  dataPaths?: readonly string[];
  /** Seed of the simulated market. */
  seed: number;
  /** Event time per wall time (default 1). */
  speed?: number;
  /** Explicit plan-market → data-market bindings (`m` → `binance:BTC/USDT`). */
  markets?: Record<string, string>;
  /** Passed to openData (cache folder, tick sizes). */
  data?: Omit<OpenDataOptions, 'onProgress'>;
  /** Simulated market: event time generated before it loops (default 600 s), and start prices by alias or symbol. */
  spanSec?: number;
  startPrices?: Record<string, number>;
}

export interface PaperMarketChoice {
  market: PaperMarket;
  /** What drives the instance, in words. */
  source: string;
  /** How plan markets were bound to data markets, where that needed a guess. */
  notes: string[];
}

/**
 * The market for a paper instance of `plan`. Data that cannot be read, or that lacks one of the
 * plan's markets, is an error (DataError, BindingError) — the caller decides whether to fall back
 * to the simulated market.
 */
export async function marketForPlan(plan: Plan, options: MarketForPlanOptions): Promise<PaperMarketChoice> {
  const speed = options.speed ?? 1;
  const paths = options.dataPaths ?? [];
  if (paths.length === 0) {
    const names = plan.markets.map((m) => `${m.venue}:${m.symbol}`).join(', ');
    const market: PaperMarket = { kind: 'simulated', seed: options.seed, speed };
    if (options.spanSec !== undefined) market.spanSec = options.spanSec;
    if (options.startPrices !== undefined) market.startPrices = options.startPrices;
    return { market, source: `simulated ${names} (seed ${options.seed})`, notes: [] };
  }
  const { batch } = await openShared(paths, options.data ?? {});
  const binding = bindMarkets(plan, batch.markets, options.markets ?? {});
  const source = [...new Set(batch.markets.map((m) => `${m.venue}:${m.symbol}`))].join(', ');
  return {
    market: { kind: 'replay', batch, speed, ...(options.markets ? { markets: options.markets } : {}) },
    source: `${source} replayed from ${paths.join(', ')}`,
    notes: binding.notes,
  };
}

/** The recordings the default rule set (BTC/USDT on Binance spot) runs on, if `sharedDir` has them. */
export function defaultPaperData(sharedDir: string): string[] | undefined {
  // Accept the shared folder itself or its data/ folder.
  const dataDir = existsSync(path.join(sharedDir, 'data', 'binance')) ? path.join(sharedDir, 'data') : sharedDir;
  const files = ['btcusdt_20240808.gz', 'btcusdt_20240809.gz'].map((f) => path.join(dataDir, 'binance', 'spot', f));
  return files.every((f) => existsSync(f)) ? files : undefined;
}

// Batches by their files and options: instances on the same data share one (nothing writes to a
// batch). A few at most, so switching data sets does not keep old ones alive.
const SHARED_KEPT = 4;
const shared = new Map<string, Promise<OpenedData>>();

function openShared(paths: readonly string[], options: OpenDataOptions): Promise<OpenedData> {
  const key = JSON.stringify([paths.map((p) => path.resolve(p)), options]);
  let opened = shared.get(key);
  if (!opened) {
    opened = openData(paths, options);
    shared.set(key, opened);
    opened.catch(() => shared.delete(key));
    if (shared.size > SHARED_KEPT) {
      const oldest = shared.keys().next().value;
      if (oldest !== undefined) shared.delete(oldest);
    }
  } else {
    // Most recently used last.
    shared.delete(key);
    shared.set(key, opened);
  }
  return opened;
}
