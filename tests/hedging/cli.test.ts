// `quoin hedge-report`: clear errors naming the bad argument or file, and the report on real data.
// Runs the TypeScript entry point through tsx (no build needed).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from '../helpers.js';
import { dataFiles, haveData } from './data.js';

function quoin(...args: string[]): { status: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'cli/main.ts'), 'hedge-report', ...args], { cwd: root, encoding: 'utf8', timeout: 120_000, env: { ...process.env, QUOIN_NO_PROGRESS: '1' } });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

describe('quoin hedge-report: bad input', () => {
  it('names the missing option', () => {
    const r = quoin('--hedge', 'x.gz');
    expect(r.status).toBe(2);
    expect(r.err).toMatch(/--inventory is required/);
  });

  it('names the bad option value', () => {
    const r = quoin('--inventory', 'a.gz', '--hedge', 'b.gz', '--policy', 'gamma');
    expect(r.status).toBe(2);
    expect(r.err).toMatch(/--policy must be delta or beta, not 'gamma'/);
    const w = quoin('--inventory', 'a.gz', '--hedge', 'b.gz', '--policy', 'beta', '--window', 'soon');
    expect(w.err).toMatch(/--window needs a duration/);
    const h = quoin('--inventory', 'a.gz', '--hedge', 'b.gz', '--step', '3s', '--horizon', '10s');
    expect(h.err).toMatch(/--horizon must be a whole multiple of --step/);
  });

  it('names the file that cannot be read, and which option gave it', () => {
    const r = quoin('--inventory', path.join(root, 'no-such-file.gz'), '--hedge', 'b.gz');
    expect(r.status).toBe(2);
    expect(r.err).toMatch(/--inventory: .*no-such-file\.gz/);
    expect(r.out).toBe('');
  });
});

describe.skipIf(!haveData)('quoin hedge-report on real data', () => {
  it('prints the effectiveness figures as JSON', () => {
    const r = quoin('--inventory', ...dataFiles('btcSpot'), '--hedge', ...dataFiles('btcPerp'), '--threshold', '0.01', '--clip', '0.005', '--json');
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
    const j = JSON.parse(r.out) as { inventoryMarket: string; hedgeMarket: string; report: { varianceReductionPct: number; trades: { count: number }; cost: { total: number } } };
    expect(j.inventoryMarket).toBe('binance BTC/USDT');
    expect(j.hedgeMarket).toBe('binanceusdm BTC/USDT:USDT');
    // Same study as tests/hedging/real-data.test.ts: measured 92.8 %.
    expect(j.report.varianceReductionPct).toBeGreaterThan(80);
    expect(j.report.trades.count).toBeGreaterThan(50);
    expect(j.report.cost.total).toBeGreaterThan(0);
  });

  it('prints a readable report, with a beta policy and a rule-set inventory', () => {
    const r = quoin('--inventory', ...dataFiles('ethSpot'), '--hedge', ...dataFiles('btcSpot'), '--policy', 'beta', '--window', '5m', '--rules', path.join(root, 'rulesets/avellaneda-stoikov.quoin'), '--threshold', '0.0005', '--clip', '0.0005', '--fee-bps', '10');
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/binance ETH\/USDT inventory hedged on binance BTC\/USDT/);
    expect(r.out).toMatch(/variance reduction\s+\d+\.\d %/);
    expect(r.out).toMatch(/hedge ratio\s+mean 0\.\d+/);
  });
});
