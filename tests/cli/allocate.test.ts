// `quoin allocate`: the R2 rule on recorded data, and its errors.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from '../helpers.js';

const bin = path.join(root, 'dist', 'quoin.mjs');
const spot = path.join(root, '..', 'shared', 'data', 'binance', 'spot');
const files = [path.join(spot, 'btcusdt_20240808.gz'), path.join(spot, 'ethusdt_20240808.gz')];
const quoin = (...args: string[]) => spawnSync(process.execPath, [bin, 'allocate', ...args], { encoding: 'utf8' });

describe('quoin allocate', () => {
  it.skipIf(!files.every(existsSync))('splits a budget across BTC and ETH exactly, within min and cap', () => {
    const r = quoin('--data', files[0]!, '--data', files[1]!, '--budget', '50000', '--min', '2000', '--cap', '40000', '--json');
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { markets: Array<{ market: string; amount: number; bound: string; score: number }> };
    expect(out.markets.map((m) => m.market).sort()).toEqual(['binance:BTC/USDT', 'binance:ETH/USDT']);
    expect(out.markets.reduce((s, m) => s + m.amount, 0)).toBeCloseTo(50000, 6);
    for (const m of out.markets) {
      expect(m.amount).toBeGreaterThanOrEqual(2000);
      expect(m.amount).toBeLessThanOrEqual(40000);
    }
    // The better score never gets less.
    const [a, b] = out.markets;
    expect(Math.sign(a!.amount - b!.amount)).toBe(Math.sign(a!.score - b!.score));
  });

  it('names the bad argument', () => {
    expect(quoin('--data', 'x.gz', '--budget', '-1').stderr).toContain("--budget needs a number > 0, not '-1'");
    expect(quoin('--data', 'x.gz', '--budget', '10', '--min', '5', '--cap', '2').stderr).toContain('--cap needs a number ≥ --min');
    const missing = quoin('--data', 'nope/none.gz', '--budget', '10');
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/--data: .*none\.gz/);
  });
});
