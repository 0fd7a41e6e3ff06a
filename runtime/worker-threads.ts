// Starting a worker thread from code that runs in three shapes: tsc output in dist/, the CLI bundle
// dist/quoin.mjs (which inlines the caller, so import.meta.url is the bundle's), and TypeScript
// source under tsx or vitest (tests), where Node cannot load the .ts worker by itself.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/** How to start a worker: a JavaScript module, or a TypeScript source booted through tsx. */
export type WorkerEntry = { kind: 'module'; url: URL } | { kind: 'tsx'; url: URL };

/**
 * Finds a worker module. `base` is the caller's import.meta.url; `name` the worker's file name
 * without extension beside the caller (e.g. 'sweep-worker'); `dir` the caller's folder from the
 * project root (e.g. 'runtime/backtest'), where the bundle finds the tsc output.
 */
export function locateWorker(base: string | URL, name: string, dir: string): WorkerEntry {
  const candidates = [new URL(`./${name}.js`, base), new URL(`./${dir}/${name}.js`, base)];
  for (const url of candidates) if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) return { kind: 'module', url };
  const source = new URL(`./${name}.ts`, base);
  if (source.protocol === 'file:' && existsSync(fileURLToPath(source))) return { kind: 'tsx', url: source };
  throw new Error(`cannot find the worker module ${dir}/${name} next to ${String(base)} (run npm run build)`);
}

export function startWorker(entry: WorkerEntry, workerData: unknown): Worker {
  if (entry.kind === 'module') return new Worker(entry.url, { workerData });
  // Register tsx's loader inside the thread first, then load the TypeScript module.
  const tsx = createRequire(import.meta.url).resolve('tsx/esm/api');
  const boot = `require(${JSON.stringify(tsx)}).register(); import(${JSON.stringify(entry.url.href)});`;
  return new Worker(boot, { eval: true, workerData });
}
