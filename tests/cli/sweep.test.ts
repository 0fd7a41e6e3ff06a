// `quoin sweep` as a user runs it: the built CLI (dist/quoin.mjs, whose workers load
// dist/runtime/backtest/sweep-worker.js) on five minutes of the real Binance spot data.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from '../helpers.js';

const bin = path.join(root, 'dist', 'quoin.mjs');
const data = path.resolve(root, '../shared/data');
const spot = [path.join(data, 'binance/spot/btcusdt_20240808.gz'), path.join(data, 'binance/spot/btcusdt_20240809.gz')];
const hasData = spot.every((f) => existsSync(f));
if (!hasData) console.warn(`skipping the quoin sweep end-to-end tests: no Binance spot data in ${data} (see DESIGN.md, Data)`);
const tmp = mkdtempSync(path.join(tmpdir(), 'quoin-sweep-'));

function quoin(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, QUOIN_CACHE_DIR: path.join(tmp, 'cache') } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

if (!existsSync(bin)) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
const wired = quoin('help', 'sweep').code === 0;

const base = ['rulesets/pure-symmetric.quoin', '--data', ...spot, '--to', '300s', '--fees', 'maker=-0.5bps,taker=2bps'];
const grid = ['--grid', 'half_spread=1bps..4bps:4'];

interface JsonPoint {
  rank: number;
  index: number;
  params: Record<string, { value: number; display: string }>;
  planHash: string;
  inSample: { metric: number | null; summary: { pnl: { total: number }; fills: number } };
  outOfSample: { metric: number | null; rank: number; summary: { pnl: { total: number } } };
}

describe('quoin sweep', () => {
  it('is registered in cli/main.ts', () => {
    expect(wired, 'add registerSweep(program) from ./sweep-command.js to cli/main.ts and rebuild').toBe(true);
  });
});

describe.skipIf(!hasData || !wired)('quoin sweep on Binance spot BTC/USDT', () => {
  it('prints a table sorted by the metric, with out-of-sample figures and the overfitting check', () => {
    const r = quoin('sweep', ...base, ...grid, '--sort', 'pnl', '--workers', '2');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^pure-symmetric v1: 4 points \(half_spread 4\) on 2 workers in \d+\.\d s$/);
    expect(r.stdout).toMatch(/in sample {7}2024-08-08T23:54:15\.342Z → .*\(70%, [\d,]+ events\)/);
    expect(r.stdout).toMatch(/out of sample {3}.*\(30%, [\d,]+ events\)/);
    const header = lines.findIndex((l) => l.startsWith('#'));
    expect(lines[header]).toMatch(/^# +half_spread +IS PnL\/h +OOS PnL\/h +OOS # +PnL USDT +max DD +fills$/);
    const rows = lines.slice(header + 1, header + 5).map((l) => l.trim().split(/\s{2,}/));
    expect(rows.map((c) => c[0])).toEqual(['1', '2', '3', '4']);
    expect(rows.map((c) => c[1]).sort()).toEqual(['1 bps', '2 bps', '3 bps', '4 bps']);
    const isValues = rows.map((c) => Number(c[2]));
    expect(isValues.every(Number.isFinite)).toBe(true);
    expect([...isValues].sort((a, b) => b - a)).toEqual(isValues);
    expect(r.stdout).toMatch(/best in sample: half_spread=\d bps: PnL\/h .* in sample, .* out of sample \(rank [1-4] of 4\)/);
    expect(r.stdout).toMatch(/overfitting check: rank rule (pass|fail) \(out-of-sample rank ≤ 1\), decay rule (pass|fail|n\/a)/);
  }, 120_000);

  it('gives identical results on 1 and 2 workers, and --json holds every point with both windows', () => {
    const one = quoin('sweep', ...base, ...grid, '--workers', '1', '--json');
    const two = quoin('sweep', ...base, ...grid, '--workers', '2', '--json');
    expect(one.code).toBe(0);
    expect(two.code).toBe(0);
    const a = JSON.parse(one.stdout);
    const b = JSON.parse(two.stdout);
    expect(a.run.workers).toBe(1);
    expect(b.run.workers).toBe(2);
    expect(b.points).toEqual(a.points);
    expect(b.overfitting).toEqual(a.overfitting);
    const points = a.points as JsonPoint[];
    expect(points).toHaveLength(4);
    expect(new Set(points.map((p) => p.planHash)).size).toBe(4);
    expect(points.map((p) => p.params.half_spread?.value).sort()).toEqual([0.0001, 0.0002, 0.0003, 0.0004]);
    const sharpe = points.map((p) => p.inSample.metric);
    const finite = sharpe.filter((x): x is number => x !== null);
    expect(finite).toEqual([...finite].sort((x, y) => y - x));
    expect(points.some((p) => p.inSample.summary.fills > 0)).toBe(true);
    expect(a.windows.inSample.events + a.windows.outOfSample.events).toBeGreaterThan(100_000);
    expect(Object.keys(a.overfitting)).toEqual(expect.arrayContaining(['best', 'rankRule', 'decayRule', 'spearman', 'warning']));
  }, 120_000);

  it.each([
    [['--grid', 'half_spread=0.5bps..4bps:4'], /--grid: half_spread=0.5bps..4bps:4 goes outside its approved bounds \[1 bps, 50 bps\] in pure-symmetric: 0.5 bps; sweeping outside approved bounds is refused/],
    [['--grid', 'half_spred=2bps|3bps'], /pure-symmetric has no param 'half_spred'; did you mean half_spread\?/],
    [['--grid', 'half_spread=2|3'], /half_spread is in bps: '2' needs a unit/],
    [['--grid', 'half_spread=1bps..50bps:200,order_size=0.001BTC..0.1BTC:100'], /the grid has 20,000 points .* more than the cap of 10,000/],
    [['--grid', 'half_spread=2bps', '--sort', 'luck'], /--sort 'luck' is not a metric; use one of pnl, sharpe, sortino, calmar, maxDrawdown, fillRatio/],
    [['--grid', 'half_spread=2bps', '--split', '1.5'], /--split needs a share between 0 and 1/],
    [['--grid', 'half_spread=2bps', '--workers', '0'], /--workers needs a whole number of at least 1/],
    [['--grid', 'half_spread=2bps', '--latency', '-5ms'], /latency '-5ms' is negative/],
  ])('refuses %j with a one-line error and exit 2', (args, message) => {
    const r = quoin('sweep', ...base, ...(args as string[]));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
  }, 60_000);
});
