// The `quoin` command as a user runs it: the built bundle in a child process.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateDiagnostic, validatePlan } from '../../schemas/index.js';
import { root } from '../helpers.js';

const bin = path.join(root, 'dist', 'quoin.mjs');

function quoin(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  // `npm test` builds first; a bare `vitest run` builds here once if needed.
  if (!existsSync(bin)) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
}, 120_000);

const tmp = mkdtempSync(path.join(tmpdir(), 'quoin-cli-'));
const bad = path.join(tmp, 'bad.quoin');
writeFileSync(bad, 'strategy "b" version 1 {\n  market m = binance:"BTC/USDT"\n  signal s = m.mid + 1 BTC\n  quote m { bid = m.bid ask = m.ask }\n}\n');

describe('quoin check', () => {
  it('prints ok and exits 0 for every shipped template', () => {
    const r = quoin('check', 'rulesets');
    expect(r.stdout).toBe('ok\n');
    expect(r.code).toBe(0);
  });

  it('prints file:line:col: severity: message lines and exits 1 on errors', () => {
    const r = quoin('check', bad);
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split('\n')).toEqual([
      `${bad}:3:10: warning: signal s is never used [Q4010]`,
      `${bad}:3:14: error: cannot add a quantity (BTC) to a price (USDT/BTC): both need the same unit; a quantity becomes a plain number by dividing by a quantity (position / max_position) [Q3001]`,
      `${bad}:4:9: error: quote m needs size = … [Q4003]`,
      `${bad}:4:9: warning: nothing limits the position in m; add to the risk block: position abs <= max_position -> reduce_only [Q4009]`,
    ]);
  });

  it('gives machine-readable diagnostics with --json', () => {
    const r = quoin('check', '--json', bad, 'rulesets/glft.quoin');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { ok: boolean; files: Array<{ file: string; ok: boolean; hash?: string; diagnostics: unknown[] }> };
    expect(out.ok).toBe(false);
    expect(out.files.map((f) => f.ok)).toEqual([false, true]);
    expect(out.files[1]?.hash).toMatch(/^sha256:/);
    for (const d of out.files[0]?.diagnostics ?? []) expect(validateDiagnostic(d).errors).toEqual([]);
  });

  it('reports a missing file as a diagnostic, not a stack trace', () => {
    const r = quoin('check', path.join(tmp, 'nope.quoin'));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/nope\.quoin:1:1: error: no such file: .*nope\.quoin \[Q1009\]/);
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 on a usage error', () => {
    const r = quoin('check');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("missing required argument 'files'");
  });
});

describe('quoin compile', () => {
  it('prints a valid plan on stdout', () => {
    const r = quoin('compile', 'rulesets/pure-symmetric.quoin');
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(validatePlan(plan).errors).toEqual([]);
    expect(plan.strategy).toEqual({ name: 'pure-symmetric', version: 1 });
  });

  it('writes the plan with -o and names its hash', () => {
    const out = path.join(tmp, 'plan.json');
    const r = quoin('compile', 'rulesets/glft.quoin', '-o', out);
    expect(r.code).toBe(0);
    const plan = JSON.parse(readFileSync(out, 'utf8'));
    expect(r.stderr).toBe(`wrote ${out} (${plan.hash})\n`);
  });

  it('prints nothing on stdout and diagnostics on stderr when the file has errors', () => {
    const r = quoin('compile', bad);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(':3:14: error:');
  });
});

describe('npx quoin', () => {
  it('runs the command by its package name', () => {
    const r = spawnSync('npx', ['--no-install', 'quoin', '--version'], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version);
  });
});
