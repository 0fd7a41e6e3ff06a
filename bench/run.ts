// `npm run bench`: runs every benchmark module and prints its figures on stdout, one per line, as
//   bench: <name> = <value> <unit>
// so they can be grepped, diffed between commits, or collected by CI. Progress goes to stderr.
// `node dist/bench/run.js compile` runs only the named modules.
//
// A benchmark module is a function that takes a BenchContext; add new ones to `modules` below.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchApi } from './api.js';
import { benchAS2008 } from './as2008.js';
import { benchBacktest } from './backtest.js';
import { benchCompile } from './compile.js';
import { benchData } from './data.js';
import { benchEditor } from './editor.js';
import { benchEngine } from './engine.js';
import { run as runSignals } from './signals.js';
import { benchSweep } from './sweep.js';
import { benchVenue } from './venue.js';

export interface BenchContext {
  /** The package root: rulesets/, dist/ and package.json live here. */
  root: string;
  /** Prints one figure on stdout. */
  report(name: string, value: number, unit: string): void;
  /** Prints a progress note on stderr. */
  progress(message: string): void;
}

export type BenchModule = (ctx: BenchContext) => Promise<void>;

const modules: Record<string, BenchModule> = {
  compile: benchCompile,
  data: benchData,
  signals: (ctx) => runSignals((line) => process.stdout.write(`${line}\n`)),
  engine: benchEngine,
  backtest: benchBacktest,
  as2008: benchAS2008,
  sweep: benchSweep,
  api: benchApi,
  editor: benchEditor,
  venue: benchVenue,
};

/** Three significant digits for times; rates in compact exponent form (1.2e5 lines/s). */
export function formatValue(value: number, unit: string): string {
  if (!Number.isFinite(value)) return String(value);
  if (unit.endsWith('/s') && Math.abs(value) >= 1e4) return value.toExponential(1).replace('e+', 'e');
  return String(Number(value.toPrecision(3)));
}

/** The directory holding Quoin's package.json, from dist/bench/ or from bench/ alike. */
function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'quoin') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the quoin package root above bench/');
    dir = parent;
  }
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !(w in modules));
  if (unknown.length > 0) {
    process.stderr.write(`unknown benchmark module(s): ${unknown.join(', ')}; known: ${Object.keys(modules).join(', ')}\n`);
    process.exitCode = 2;
    return;
  }
  const ctx: BenchContext = {
    root: packageRoot(),
    report: (name, value, unit) => process.stdout.write(`bench: ${name} = ${formatValue(value, unit)} ${unit}\n`),
    progress: (message) => process.stderr.write(`${message}\n`),
  };
  for (const [name, run] of Object.entries(modules)) {
    if (wanted.length > 0 && !wanted.includes(name)) continue;
    const started = performance.now();
    ctx.progress(`[${name}] running`);
    await run(ctx);
    ctx.progress(`[${name}] done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
}

await main();
