// `npm run bench`: runs every benchmark module and prints its figures on stdout, one per line, as
//   bench: <name> = <value> <unit>
// so they can be grepped, diffed between commits, or collected by CI. Progress goes to stderr.
// `node dist/bench/run.js compile` runs only the named modules.
//
// A benchmark module is a function that takes a BenchContext; add new ones to `modules` below.
//
// Every module runs in a process of its own, and a module can run parts of itself in further
// processes (`ctx.isolate`): V8 keeps the type feedback and inlining decisions of whatever ran
// first in a process, so a throughput figure measured after other datasets or modules reads the
// JIT's profile of those (on LOBSTER data 10–15 % lower after the Binance datasets), not its own.
// One process per measurement is what JMH does with its forks for the same reason.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchApi } from './api.js';
import { benchAS2008 } from './as2008.js';
import { backtestParts, benchBacktest } from './backtest.js';
import { benchCompile } from './compile.js';
import { benchData } from './data.js';
import { benchEditor } from './editor.js';
import { runIsolated } from './isolate.js';
import { benchEngine, engineParts } from './engine.js';
import { run as runSignals } from './signals.js';
import { benchSweep } from './sweep.js';
import { benchVenue } from './venue.js';
import { applyV8Tuning } from '../runtime/v8-tuning.js';

export interface BenchContext {
  /** The package root: rulesets/, dist/ and package.json live here. */
  root: string;
  /** Prints one figure on stdout. */
  report(name: string, value: number, unit: string): void;
  /** Prints a progress note on stderr. */
  progress(message: string): void;
  /**
   * Runs part `part` of module `module` (its `parts` entry) in a fresh Node process, passes its
   * figures and progress through, and resolves with the figures it reported (name → value).
   */
  isolate(module: string, part: string): Promise<Map<string, number>>;
}

export type BenchModule = (ctx: BenchContext) => Promise<void>;
/** Named parts of a module that `ctx.isolate` can run in a process of their own. */
export type BenchParts = (ctx: BenchContext, part: string) => Promise<void>;

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

const parts: Record<string, BenchParts> = {
  engine: engineParts,
  backtest: backtestParts,
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

/** Runs this script again with `args` in a fresh process (bench/isolate.ts). */
function child(args: string[]): Promise<Map<string, number>> {
  return runIsolated(fileURLToPath(import.meta.url), args);
}

async function main(): Promise<void> {
  // The V8 settings the quoin command runs with, so the figures are the product's (runtime/v8-tuning.ts).
  applyV8Tuning();
  const argv = process.argv.slice(2);
  const ctx: BenchContext = {
    root: packageRoot(),
    report: (name, value, unit) => process.stdout.write(`bench: ${name} = ${formatValue(value, unit)} ${unit}\n`),
    progress: (message) => process.stderr.write(`${message}\n`),
    isolate: (module, part) => child(['--part', module, part]),
  };
  // A child: one module (`--module name`) or one part of one (`--part module part`).
  if (argv[0] === '--module' && argv[1] !== undefined) {
    await modules[argv[1]]?.(ctx);
    return;
  }
  if (argv[0] === '--part' && argv[1] !== undefined && argv[2] !== undefined) {
    const run = parts[argv[1]];
    if (!run) throw new Error(`no isolated parts in benchmark module ${argv[1]}`);
    await run(ctx, argv[2]);
    return;
  }
  const wanted = argv;
  const unknown = wanted.filter((w) => !(w in modules));
  if (unknown.length > 0) {
    process.stderr.write(`unknown benchmark module(s): ${unknown.join(', ')}; known: ${Object.keys(modules).join(', ')}\n`);
    process.exitCode = 2;
    return;
  }
  for (const name of Object.keys(modules)) {
    if (wanted.length > 0 && !wanted.includes(name)) continue;
    const started = performance.now();
    ctx.progress(`[${name}] running`);
    try {
      await child(['--module', name]);
    } catch (err) {
      ctx.progress(`[${name}] failed: ${(err as Error).message}`);
      process.exitCode = 1;
    }
    ctx.progress(`[${name}] done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
}

try {
  await main();
} catch (err) {
  process.stderr.write(`bench: ${(err as Error).message}\n`);
  process.exitCode = 1;
}
