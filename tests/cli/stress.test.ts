// `quoin stress` on real data, and the link between the DSL's stress block and runtime/stress.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stressScenarioNames as runtimeNames } from '../../runtime/stress/scenarios.js';
import { stressScenarioNames as schemaNames } from '../../schemas/index.js';
import { root } from '../helpers.js';

const bin = path.join(root, 'dist', 'quoin.mjs');
const data = path.resolve(root, '../shared/data');
const head = path.join(data, 'lobster_aapl10_head');
const tmp = mkdtempSync(path.join(tmpdir(), 'quoin-stress-'));

function quoin(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, QUOIN_CACHE_DIR: path.join(tmp, 'cache') } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(bin)) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
}, 120_000);

describe('stress scenarios', () => {
  it('the DSL accepts exactly the scenarios the runtime implements', () => {
    expect([...runtimeNames].sort()).toEqual([...schemaNames].sort());
  });
});

describe.skipIf(!existsSync(data))('quoin stress', () => {
  it('tables the baseline and each scenario; exit 0 when no hard limit breaks', () => {
    const r = quoin('stress', 'rulesets/pure-symmetric.quoin', '--data', head, '--scenarios', 'gap_down,venue_outage', '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.rows.map((x: { scenario: string }) => x.scenario)).toEqual(['baseline', 'gap_down', 'venue_outage']);
    for (const row of report.rows) for (const k of ['pnl', 'maxDrawdown', 'peakPosition', 'limitsHit', 'halted', 'timeToFlatSec']) expect(row).toHaveProperty(k);
    expect(report.breached).toBe(false);
  }, 60_000);

  it('exits 1 and names the rule when a hard limit breaks', () => {
    const tight = path.join(tmp, 'tight.quoin');
    writeFileSync(tight, `strategy "tight" version 1 {
  market m = binance:"BTC/USDT"
  quote m { bid = m.bid  ask = m.ask  size = 0.01 BTC }
  risk {
    position abs <= 1 BTC -> reduce_only
    drawdown <= 0.0001 USDT -> halt
  }
}`);
    const r = quoin('stress', tight, '--data', head, '--scenarios', 'gap_down');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('hard limits broken:');
    expect(r.stdout).toMatch(/halted: drawdown/);
  }, 60_000);

  it('lists the scenarios', () => {
    const r = quoin('stress', '--list');
    expect(r.code).toBe(0);
    for (const n of schemaNames) expect(r.stdout).toContain(n);
  });

  it('refuses an unknown scenario with a suggestion', () => {
    const r = quoin('stress', 'rulesets/pure-symmetric.quoin', '--data', head, '--scenarios', 'flash_crsh');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/flash_crash/);
  });
});
