// The real Binance captures the hedging tests read (../shared/data, never copied into the project),
// loaded once per test file through the project's loaders and binary cache.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { openData } from '../../runtime/data/open.js';
import type { EventBatch } from '../../runtime/events.js';
import { root } from '../helpers.js';

export const dataDir = path.resolve(root, '../shared/data/binance');
const files = {
  btcSpot: ['spot/btcusdt_20240808.gz', 'spot/btcusdt_20240809.gz'],
  ethSpot: ['spot/ethusdt_20240808.gz', 'spot/ethusdt_20240809.gz'],
  btcPerp: ['usdm/btcusdt_20240808.gz'],
  ethPerp: ['usdm/ethusdt_20240808.gz'],
} as const;
export type DataName = keyof typeof files;

export const haveData = Object.values(files).every((fs) => fs.every((f) => existsSync(path.join(dataDir, f))));
if (!haveData) console.warn(`hedging real-data tests skipped: ${dataDir} is absent`);

export function dataFiles(name: DataName): string[] {
  return files[name].map((f) => path.join(dataDir, f));
}

const loaded = new Map<DataName, Promise<EventBatch>>();
export function load(name: DataName): Promise<EventBatch> {
  let p = loaded.get(name);
  if (!p) {
    p = openData(dataFiles(name)).then((o) => o.batch);
    loaded.set(name, p);
  }
  return p;
}
