// `quoin backtest` as a user runs it, on the real data in ../shared/data.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_SEMANTICS } from '../../runtime/semantics.js';
import { root } from '../helpers.js';

const bin = path.join(root, 'dist', 'quoin.mjs');
const data = path.resolve(root, '../shared/data');
const spot = [path.join(data, 'binance/spot/btcusdt_20240808.gz'), path.join(data, 'binance/spot/btcusdt_20240809.gz')];
const tmp = mkdtempSync(path.join(tmpdir(), 'quoin-bt-'));

function quoin(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, QUOIN_CACHE_DIR: path.join(tmp, 'cache') } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(bin)) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
}, 120_000);

describe.skipIf(!existsSync(data))('quoin backtest', () => {
  it('prints a JSON summary with every documented field, whose PnL parts add up', () => {
    const report = path.join(tmp, 'r.html');
    const run = path.join(tmp, 'run.json');
    const r = quoin('backtest', 'rulesets/avellaneda-stoikov.quoin', '--data', ...spot, '--latency', 'feed=1ms,order=5ms,response=5ms', '--fees', 'maker=-0.5bps,taker=2bps', '--seed', '3', '--json', '--report', report, '--out', run);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    for (const k of ['events', 'orders', 'fills', 'pnl', 'sharpe', 'sortino', 'maxDrawdown', 'calmar', 'markouts', 'fillRatio', 'maxAbsPosition', 'limitsHit']) expect(s).toHaveProperty(k);
    expect(Object.keys(s.markouts)).toEqual(['1s', '10s', '60s']);
    // What the evidence was made under: the plan and the engine's decision rules.
    expect(s.strategy.planHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(s.engine).toEqual({ semantics: ENGINE_SEMANTICS });
    expect(s.events).toBeGreaterThan(390_000);
    expect(s.fills).toBeGreaterThan(0);
    const { total, spreadCapture, inventory, fees, hedge } = s.pnl;
    expect(spreadCapture + inventory + fees + hedge).toBeCloseTo(total, 8);
    // The report works offline: no external resources.
    const html = readFileSync(report, 'utf8');
    expect(html).toContain('uPlot');
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)=["']https?:/);
    const saved = JSON.parse(readFileSync(run, 'utf8'));
    expect(saved.fills).toHaveLength(s.fills);
  }, 120_000);

  it('runs a time window given as an offset', () => {
    const r = quoin('backtest', 'rulesets/pure-symmetric.quoin', '--data', ...spot, '--from', '60s', '--to', '180s', '--json');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.events).toBeLessThan(200_000);
    expect(Date.parse(s.window.to) - Date.parse(s.window.from)).toBeLessThanOrEqual(120_000);
  }, 60_000);

  it.each([
    [['--latency', '-5ms'], /latency '-5ms' is negative/],
    [['--fees', 'maker=150%'], /not plausible/],
    [['--queue', 'magic'], /--queue: 'magic'/],
    [['--seed', 'x'], /--seed needs a whole number/],
    [['--latency', '10000000s'], /latency 10000000 s is over the 60 s limit/],
    [['--seed', '0x10'], /--seed needs a whole number, not '0x10'/],
    [['--latency', ''], /--latency is empty: give a duration such as 5ms/],
    [['--fees', ''], /--fees is empty: give maker=…bps,taker=…bps/],
    [['--seed', ''], /--seed needs a whole number, not ''/],
    [['--report', '/proc/no/such/x.html'], /--report \/proc\/no\/such\/x\.html: the folder \/proc\/no\/such does not exist/],
    [['--out', tmpdir()], /--out .*: is a directory; give a file name/],
    [['--latency', 'order=lognormal(5ms,10)'], /sigma 10 is over 3/],
    [['--from', 'yesterday'], /--from 'yesterday'/],
  ])('refuses %s with a one-line error and exit 2', (args, message) => {
    const r = quoin('backtest', 'rulesets/pure-symmetric.quoin', '--data', ...spot, ...(args as string[]));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  }, 60_000);

  it('says on stderr which rows of the data it skipped, and still runs', () => {
    // The first 3,000 lines of the real capture, with line 500 garbled and a trade from 1970.
    const lines = gunzipSync(readFileSync(spot[0] ?? '')).toString('utf8').split('\n').slice(0, 3000);
    lines[499] = 'this is garbage';
    const trade = lines.findIndex((l, i) => i > 1000 && l.includes('@trade'));
    lines[trade] = (lines[trade] ?? '').replace(/"T":\d+/, '"T":1000');
    const file = path.join(tmp, 'btcusdt_20240808.gz');
    writeFileSync(file, gzipSync(`${lines.join('\n')}\n`));
    const r = quoin('backtest', 'rulesets/pure-symmetric.quoin', '--data', file, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).events).toBeGreaterThan(1000);
    expect(r.stderr).toContain(`quoin backtest: data: 2 issues (malformed_row 2); the first: ${file}:500: malformed_row: not a "<local ns> <json>" capture line`);
  }, 60_000);

  it('reports a truncated gzip file by name', () => {
    const r = quoin('backtest', 'rulesets/pure-symmetric.quoin', '--data', path.join(root, 'package.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('package.json');
  });
});
