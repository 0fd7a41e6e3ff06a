// The Avellaneda–Stoikov (2008) synthetic market (runtime/sim/as2008.ts): wall time for the paper's
// whole table — γ = 0.1, 0.01, 1 × inventory and symmetric strategies, 1,000 paths of 200 steps each
// — as the median of 3 runs after one warm-up, and the path rate that implies. Printed as
//   bench: as2008 table 1000 paths = X ms
//   bench: as2008 paths = Y paths/s
// Figures only: nothing is asserted. `npx tsx bench/as2008.ts` runs it alone.
import { pathToFileURL } from 'node:url';
import { median } from 'simple-statistics';
import { as2008Strategies, simulateAS2008 } from '../runtime/sim/as2008.js';
import type { BenchContext } from './run.js';

const GAMMAS = [0.1, 0.01, 1] as const;
const PATHS = 1000;
const RUNS = 3;
const SEED = 2008;

/** One full table; returns a checksum so the work cannot be optimised away. */
function table(): number {
  let sink = 0;
  for (const gamma of GAMMAS) {
    for (const strategy of as2008Strategies) sink += simulateAS2008({ gamma, strategy, paths: PATHS, seed: SEED }).meanProfit;
  }
  return sink;
}

export async function benchAS2008(ctx: BenchContext): Promise<void> {
  const rows = GAMMAS.length * as2008Strategies.length;
  ctx.progress(`as2008: ${rows} rows × ${PATHS} paths, median of ${RUNS}`);
  let sink = table(); // warm-up: JIT
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const started = performance.now();
    sink += table();
    times.push(performance.now() - started);
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (!Number.isFinite(sink)) throw new Error('as2008 produced a non-finite profit');
  const ms = median(times);
  ctx.report(`as2008 table ${PATHS} paths`, ms, 'ms');
  ctx.report('as2008 paths', (rows * PATHS) / (ms / 1000), 'paths/s');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // As bench/run.ts prints figures (importing run.ts would start every benchmark).
  const formatValue = (v: number, unit: string): string => (unit.endsWith('/s') && v >= 1e4 ? v.toExponential(1).replace('e+', 'e') : String(Number(v.toPrecision(3))));
  await benchAS2008({
    root: process.cwd(),
    report: (name, value, unit) => process.stdout.write(`bench: ${name} = ${formatValue(value, unit)} ${unit}\n`),
    progress: (message) => process.stderr.write(`${message}\n`),
    isolate: () => Promise.reject(new Error('run through bench/run.js to isolate parts')),
  });
}
