// `quoin check` and `quoin compile` on input no rule set author would write: 1 MB of random bytes,
// a missing file, an empty file, a directory. Each must end with diagnostics in the usual
// file:line:col: severity: message form and the documented exit code (cli/compile-commands.ts:
// 1 the rule set has errors or cannot be read, 2 the command was misused), never with a stack trace.
// Wall times are printed for the record; timing assertions belong in bench/, not here.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root } from '../helpers.js';

const cli = path.join(root, 'dist', 'quoin.mjs');
const diagnosticLine = /^(.+):(\d+):(\d+): (error|warning|info): .+ \[Q\d{4}\]$/;

let dir = '';

/** A fixed pseudo-random 1 MB (mulberry32), so a failure reproduces. */
function randomBytes(n: number, seed: number): Buffer {
  let a = seed >>> 0;
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    b[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
  }
  return b;
}

beforeAll(() => {
  // `npm test` builds first; a bare `vitest run` on a fresh checkout builds here once.
  if (!existsSync(cli)) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
  dir = mkdtempSync(path.join(tmpdir(), 'quoin-bad-input-'));
  writeFileSync(path.join(dir, 'random.quoin'), randomBytes(1024 * 1024, 0x5eed));
  writeFileSync(path.join(dir, 'empty.quoin'), '');
  mkdirSync(path.join(dir, 'folder.quoin'));
}, 180_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function run(command: 'check' | 'compile', file: string): { status: number | null; out: string; err: string; ms: number } {
  const started = performance.now();
  const r = spawnSync(process.execPath, [cli, command, file], { cwd: root, encoding: 'utf8', timeout: 30_000 });
  const ms = performance.now() - started;
  console.log(`cli: quoin ${command} ${path.basename(file)}: exit ${r.status}, ${ms.toFixed(0)} ms`);
  return { status: r.status, out: r.stdout, err: r.stderr, ms };
}

/** Every printed line is a diagnostic about `file`; at least one is an error; no stack trace anywhere. */
function expectDiagnosticsOnly(text: string, file: string, other: string): void {
  expect(text + other).not.toContain('    at ');
  const lines = text.split('\n').filter((l) => l !== '');
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) {
    const m = diagnosticLine.exec(line);
    expect(m, `not a diagnostic line: ${JSON.stringify(line.slice(0, 200))}`).not.toBeNull();
    expect(m?.[1]).toBe(file);
    expect(Number(m?.[2])).toBeGreaterThanOrEqual(1);
    expect(Number(m?.[3])).toBeGreaterThanOrEqual(1);
  }
  expect(lines.some((l) => l.includes(': error: '))).toBe(true);
}

describe('quoin check and compile on bad input', () => {
  const cases: Array<{ name: string; file: () => string; exit: number }> = [
    { name: '1 MB of random bytes', file: () => path.join(dir, 'random.quoin'), exit: 1 },
    { name: 'an empty file', file: () => path.join(dir, 'empty.quoin'), exit: 1 },
    { name: 'a missing file', file: () => path.join(dir, 'missing.quoin'), exit: 1 },
    { name: 'a directory', file: () => path.join(dir, 'folder.quoin'), exit: 1 },
  ];

  for (const c of cases) {
    it(`check: ${c.name} gives diagnostics and exit ${c.exit}`, () => {
      const file = c.file();
      const r = run('check', file);
      expectDiagnosticsOnly(r.out, file, r.err);
      expect(r.status).toBe(c.exit);
    });

    it(`compile: ${c.name} gives diagnostics on stderr and exit ${c.exit}`, () => {
      const file = c.file();
      const r = run('compile', file);
      expect(r.out).toBe('');
      expectDiagnosticsOnly(r.err, file, r.out);
      expect(r.status).toBe(c.exit);
    });
  }
});
