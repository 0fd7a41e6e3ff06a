// The decisions of this build, hashed: for every single-market template in rulesets/ over real
// data files, the order actions and engine stats of a quote-only replay, the full result of a
// backtest with sampled latency and fees, and (on two files) one and a half passes of a looped
// backtest, which covers the venue reconnect at the seam. Two builds with the same fingerprint made
// the same decisions, bit for bit: the check every speed-up must pass (runtime/semantics.ts — a
// change of decisions bumps ENGINE_SEMANTICS instead).
//
//   node dist/scripts/fingerprint.js --out before.json          (on the old build)
//   node dist/scripts/fingerprint.js --compare before.json      (on the new one: exit 1 on a difference)
//
// Each build fingerprints itself (this file is compiled with it), so an old build's dist/ can be
// kept aside and run as it was.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile } from '../compiler/program.js';
import { runBacktest } from '../runtime/backtest/backtest.js';
import { parseFees } from '../runtime/backtest/fees.js';
import { parseLatency } from '../runtime/backtest/latency.js';
import { Random } from '../runtime/backtest/random.js';
import { BacktestSession } from '../runtime/backtest/session.js';
import { openData } from '../runtime/data/open.js';
import { createReplaySession } from '../runtime/replay-session.js';

export const defaultFiles = [
  'lobster/LOBSTER_SampleFile_GOOG_2012-06-21_10.zip',
  'lobster/LOBSTER_SampleFile_AAPL_2012-06-21_1.zip',
  'binance/spot/btcusdt_20240808.gz',
  'binance/usdm/btcusdt_20240808.gz',
];
const LATENCY = 'feed=1ms,order=lognormal(5ms,0.5),response=5ms';
const FEES = 'maker=-0.5bps,taker=2bps';

export interface FingerprintOptions {
  dataDir: string;
  rulesetsDir: string;
  /** Data files relative to dataDir. */
  files: readonly string[];
  /** Template file names (default: every *.quoin in rulesetsDir). */
  templates?: readonly string[];
  /** Files (by substring) that also get a looped backtest. */
  loopOn?: readonly string[];
  progress?: (message: string) => void;
}

/** Hashes by "file template" (16 hex digits each), in a stable order. */
export async function fingerprint(o: FingerprintOptions): Promise<Record<string, string>> {
  const templates = o.templates ?? readdirSync(o.rulesetsDir).filter((f) => f.endsWith('.quoin')).sort();
  const out: Record<string, string> = {};
  for (const file of o.files) {
    o.progress?.(`fingerprint: ${file}`);
    const batch = (await openData([path.join(o.dataDir, file)])).batch;
    for (const name of templates) {
      const plan = compile(readFileSync(path.join(o.rulesetsDir, name), 'utf8'), { file: name }).plan;
      if (!plan || plan.markets.length !== 1) continue;
      const h = createHash('sha256');
      // Mark samples are measurements, not decisions: hashed apart, so a change to how they are
      // taken shows as such.
      const marks = createHash('sha256');
      const replay = createReplaySession(plan, batch, { sink: (a) => h.update(JSON.stringify(a)) });
      replay.run();
      h.update(JSON.stringify(replay.engine.stats));
      const bt = runBacktest(plan, batch, { latency: parseLatency(LATENCY, new Random(3)), fees: parseFees(FEES) });
      h.update(JSON.stringify({ ...bt, marks: undefined, engine: bt.engine.stats, wallMs: 0, plan: plan.hash }));
      marks.update(JSON.stringify(bt.marks));
      if ((o.loopOn ?? ['GOOG', 'usdm']).some((s) => file.includes(s))) {
        const session = new BacktestSession(plan, batch, { latency: parseLatency(LATENCY, new Random(5)), fees: parseFees(FEES), loop: { gapNs: 1e9 } });
        const first = batch.exchTs[0] ?? 0;
        const last = batch.exchTs[batch.length - 1] ?? 0;
        session.advanceTo(last + 1.5 * (last - first + 1e9));
        const r = session.result();
        h.update(JSON.stringify({ ...r, marks: undefined, engine: r.engine.stats, wallMs: 0, plan: plan.hash }));
        marks.update(JSON.stringify(r.marks));
      }
      out[`${path.basename(file)} ${name}`] = h.digest('hex').slice(0, 16);
      out[`${path.basename(file)} ${name} marks`] = marks.digest('hex').slice(0, 16);
    }
  }
  return out;
}

/** Keys whose hashes differ (or that only one side has). */
export function differences(a: Record<string, string>, b: Record<string, string>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => a[k] !== b[k]).sort();
}

async function main(argv: string[]): Promise<number> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // scripts/ in the source tree, dist/scripts/ once compiled.
  const root = existsSync(path.join(here, '..', 'package.json')) ? path.resolve(here, '..') : path.resolve(here, '..', '..');
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const dataDir = arg('--data') ?? path.resolve(root, '../shared/data');
  const files = (arg('--files')?.split(',') ?? defaultFiles).filter((f) => existsSync(path.join(dataDir, f)));
  if (files.length === 0) {
    process.stderr.write(`fingerprint: none of the data files is under ${dataDir}\n`);
    return 2;
  }
  const prints = await fingerprint({ dataDir, rulesetsDir: path.join(root, 'rulesets'), files, progress: (m) => process.stderr.write(`${m}\n`) });
  const out = arg('--out');
  if (out) writeFileSync(out, `${JSON.stringify(prints, null, 1)}\n`);
  const against = arg('--compare');
  if (against) {
    const diff = differences(JSON.parse(readFileSync(against, 'utf8')) as Record<string, string>, prints);
    const runs = Object.keys(prints).filter((k) => !k.endsWith(' marks')).length;
    process.stdout.write(diff.length === 0 ? `fingerprint: the same decisions and marks (${runs} runs)\n` : `fingerprint: different decisions or marks in ${diff.length} hash(es):\n${diff.map((d) => `  ${d}\n`).join('')}`);
    return diff.length === 0 ? 0 : 1;
  }
  if (!out) process.stdout.write(`${JSON.stringify(prints, null, 1)}\n`);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
