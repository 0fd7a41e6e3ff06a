// `quoin simulate as2008 --gamma G --strategy inventory|symmetric [--paths N] [--seed S] [--json]`:
// the Avellaneda–Stoikov (2008) synthetic market (runtime/sim/as2008.ts), the paper's setting
// (s₀ = 100, σ = 2, T = 1, dt = 0.005, A = 140, k = 1.5). Prints the summary of the run as a small
// table, or with --json as {avgSpread, meanProfit, stdProfit, meanFinalQ, stdFinalQ} (full
// precision, so a run can be compared bit for bit: the same seed always gives the same numbers).
// Exit codes: 0 ran; 2 bad options (one line on stderr). Nothing here can fail as a rule set does,
// so 1 is unused.
import type { Command } from 'commander';
import { as2008Defaults, as2008Strategies, simulateAS2008, type AS2008Strategy, type AS2008Summary } from '../runtime/sim/as2008.js';

/** Where the command writes; the process by default, a capture in tests. */
export interface SimulateIo {
  stdout(text: string): void;
  stderr(text: string): void;
  exit(code: number): void;
}

const processIo: SimulateIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  exit: (code) => {
    process.exitCode = code;
  },
};

const MAX_PATHS = 1_000_000;
const DEFAULT_PATHS = 1000;
const DEFAULT_SEED = 1;

interface AS2008RawOptions {
  gamma?: string;
  strategy?: string;
  paths?: string;
  seed?: string;
  json?: boolean;
}

interface AS2008Args {
  gamma: number;
  strategy: AS2008Strategy;
  paths: number;
  seed: number;
  json: boolean;
}

export function registerSimulate(program: Command, io: SimulateIo = processIo): void {
  const simulate = program
    .command('simulate')
    .description('run a synthetic market used to validate market-making models against published results');
  simulate
    .command('as2008')
    .description('the Avellaneda–Stoikov (2008) market: Brownian mid, Poisson fills with intensity A·exp(−kδ); prints spread, profit and inventory statistics')
    .option('--gamma <γ>', 'risk aversion, a number > 0 (the paper: 0.1, 0.01, 1)')
    .option('--strategy <name>', `${as2008Strategies.join(' or ')}`)
    .option('--paths <n>', `number of simulated paths, 1 to ${MAX_PATHS.toLocaleString('en-US')} (default: ${DEFAULT_PATHS})`)
    .option('--seed <s>', `seed of the random generator, an integer; the same seed gives the same numbers (default: ${DEFAULT_SEED})`)
    .option('--json', 'print {avgSpread, meanProfit, stdProfit, meanFinalQ, stdFinalQ} as JSON')
    .action((opts: AS2008RawOptions) => {
      io.exit(runAS2008(opts, io));
    });
}

function runAS2008(raw: AS2008RawOptions, io: SimulateIo): number {
  const args = parseAS2008Options(raw);
  if (typeof args === 'string') {
    io.stderr(`quoin simulate as2008: ${args}\n`);
    return 2;
  }
  const r = simulateAS2008(args);
  const summary: AS2008Summary = { avgSpread: r.avgSpread, meanProfit: r.meanProfit, stdProfit: r.stdProfit, meanFinalQ: r.meanFinalQ, stdFinalQ: r.stdFinalQ };
  io.stdout(args.json ? `${JSON.stringify(summary, null, 2)}\n` : formatTable(args, summary));
  return 0;
}

/** Largest risk aversion simulate takes. */
const MAX_GAMMA = 1000;

/** The options as numbers, or the one-line message saying what is wrong. */
export function parseAS2008Options(raw: AS2008RawOptions): AS2008Args | string {
  if (raw.gamma === undefined) return '--gamma is required (risk aversion, a number > 0, e.g. 0.1)';
  const gamma = parseNumber(raw.gamma);
  if (!(gamma > 0) || !Number.isFinite(gamma)) return `--gamma must be a number > 0, not '${raw.gamma}'`;
  // Past this the model's spread (2/γ)·ln(1 + γ/k) and reservation shift overflow or vanish.
  if (gamma > MAX_GAMMA) return `--gamma ${raw.gamma} is over ${MAX_GAMMA} (the paper uses 0.01 to 1; beyond this the model's numbers overflow)`;
  if (raw.strategy === undefined) return `--strategy is required (${as2008Strategies.join(' or ')})`;
  const strategy = as2008Strategies.find((s) => s === raw.strategy);
  if (strategy === undefined) return `--strategy must be ${as2008Strategies.join(' or ')}, not '${raw.strategy}'`;
  const paths = raw.paths === undefined ? DEFAULT_PATHS : parseNumber(raw.paths);
  if (!Number.isInteger(paths) || paths < 1 || paths > MAX_PATHS) return `--paths must be a whole number from 1 to ${MAX_PATHS}, not '${raw.paths}'`;
  const seed = raw.seed === undefined ? DEFAULT_SEED : parseNumber(raw.seed);
  if (!Number.isSafeInteger(seed)) return `--seed must be an integer between −(2^53 − 1) and 2^53 − 1, not '${raw.seed}'`;
  return { gamma, strategy, paths, seed, json: raw.json === true };
}

/** A decimal number; anything else (empty, hex, trailing text) is NaN. */
function parseNumber(text: string): number {
  return /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(text) ? Number(text) : NaN;
}

function formatTable(args: AS2008Args, s: AS2008Summary): string {
  const d = as2008Defaults;
  const rows: Array<[string, string]> = [
    ['average spread', s.avgSpread.toFixed(3)],
    ['mean profit', s.meanProfit.toFixed(2)],
    ['std(profit)', s.stdProfit.toFixed(2)],
    ['mean final q', s.meanFinalQ.toFixed(3)],
    ['std(final q)', s.stdFinalQ.toFixed(2)],
  ];
  return [
    `Avellaneda–Stoikov (2008), ${args.strategy} strategy, γ = ${args.gamma}: ${args.paths.toLocaleString('en-US')} paths, seed ${args.seed}`,
    `(s0 = ${d.s0}, σ = ${d.sigma}, T = ${d.T}, dt = ${d.dt}, A = ${d.A}, k = ${d.k})`,
    ...rows.map(([name, value]) => `  ${name.padEnd(16)}${value.padStart(10)}`),
  ].join('\n') + '\n';
}
