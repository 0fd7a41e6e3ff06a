// `quoin trades` through commander, in process (cli/main.ts wires the command; this checks the command itself).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerTrades } from '../../../cli/trades-command.js';
import { fill, mark } from './records.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'quoin-trades-'));
const day = Date.UTC(2024, 0, 2);
const hour = 9 * 3600;
const run = {
  dayEpochMs: day,
  markets: ['btc'],
  // The backtester's other fields ride along and are not read.
  summary: { pnl: 1.5 },
  marks: [0, 1, 2, 3, 4].map((k) => mark(hour + k * 10, 0, { mids: [100 + (k % 2)], quoteAsk: [k === 2 ? NaN : 100.5] })),
  fills: [
    // +10 s: the buy at 09:00:01 sees 101 (at 10 s) → +1; the sell at 09:00:02 sees 101 → −1; the last has no markout.
    fill({ at: hour + 1, buy: 1, price: 100, mid: 100 }),
    fill({ at: hour + 2, sell: 1, price: 100, mid: 100, book: { bid: 99.5, ask: 100.25, bidQty: 2, askQty: 0.5 } }),
    fill({ at: hour + 39, sell: 1, price: 101, mid: 101, hedge: true }),
  ],
};
const runFile = path.join(tmp, 'run.json');
writeFileSync(runFile, JSON.stringify(run));

async function quoin(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  const program = new Command().exitOverride();
  registerTrades(program);
  process.exitCode = undefined;
  let code: number;
  try {
    await program.parseAsync(['node', 'quoin', ...args]);
    code = Number(process.exitCode ?? 0);
  } catch {
    code = 2; // commander's own usage errors: cli/main.ts maps them to 2
  } finally {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  }
  return { code, stdout: out.join(''), stderr: err.join('') };
}

afterEach(() => {
  process.exitCode = undefined;
});

describe('quoin trades', () => {
  it('prints the analysis as JSON', async () => {
    const r = await quoin('trades', runFile, '--json');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const a = JSON.parse(r.stdout);
    expect(a.fills).toBe(3);
    expect(a.horizonNs).toBe(10e9);
    expect(a.total).toMatchObject({ count: 3, markoutTotalQuote: 0, markoutMissing: 1, losingShare: 0.5 });
    expect(a.groups.hour).toEqual([expect.objectContaining({ key: '09:00', count: 3 })]);
    expect(a.groups.market).toEqual([expect.objectContaining({ key: 'btc', count: 3 })]); // the run file's names, not the fills' 'm'
    expect(a.losing.worst).toEqual([expect.objectContaining({ index: 1, time: '2024-01-02 09:00:02.000', markoutQuote: -1, book: run.fills[1]?.book })]);
  });

  it('prints readable tables', async () => {
    const r = await quoin('trades', runFile);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`${runFile}: 3 fills; markouts at +10 s`);
    expect(r.stdout).toMatch(/^all +3 +3 +301\.00 +0\.00 +0\.00 +0\.0000 +50\.0%$/m);
    expect(r.stdout).toMatch(/^by side$/m);
    expect(r.stdout).toMatch(/^ {2}sell +2 /m);
    expect(r.stdout).toContain('1 fill too close to the end of the run to have a markout at +10 s');
    expect(r.stdout).toContain('fills that lost money at +10 s: 1 of 3; worst 1');
    expect(r.stdout).toMatch(/2024-01-02 09:00:02\.000 +btc +sell +quote +0 +normal +1 +100 +100 +101 +-1\.0000 +-100\.00 +99\.5 × 2 \| 100\.25 × 0\.5/);
  });

  it('takes --top, --horizon and --size-edges', async () => {
    const r = await quoin('trades', runFile, '--json', '--top', '0', '--horizon', '1', '--size-edges', '0.5, 2');
    expect(r.code).toBe(0);
    const a = JSON.parse(r.stdout);
    expect(a.losing.worst).toEqual([]);
    expect(a.horizonNs).toBe(1e9);
    expect(a.sizeEdges).toEqual([0.5, 2]);
    expect(a.groups.size.map((g: { key: string }) => g.key)).toEqual(['0.5–2']);
  });

  const bad: Array<[string, string[], RegExp]> = [
    ['a missing file', ['trades', path.join(tmp, 'nope.json')], /^quoin trades: cannot read .*nope\.json: no such file$/],
    ['a file that is not JSON', ['trades', writeTmp('text.json', 'fills:\n  - 1\n  - 2\n')], /^quoin trades: .*text\.json: not JSON \(/],
    ['malformed records', ['trades', writeTmp('bad.json', JSON.stringify({ ...run, fills: [{ ...run.fills[0], qty: -1 }] }))], /^quoin trades: .*bad\.json: fills\[0\]\.qty: expected a positive number, got -1$/],
    ['a bad --top', ['trades', runFile, '--top', 'many'], /^quoin trades: --top needs a whole number ≥ 0, not 'many'$/],
    ['a bad --horizon', ['trades', runFile, '--horizon', '0'], /^quoin trades: --horizon needs a number of seconds > 0, not '0'$/],
    ['bad --size-edges', ['trades', runFile, '--size-edges', '1,x'], /^quoin trades: --size-edges needs positive quantities/],
  ];
  it.each(bad)('exits 2 with one line on stderr for %s', async (_, args, message) => {
    const r = await quoin(...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.endsWith('\n')).toBe(true);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(message);
  });
});

function writeTmp(name: string, text: string): string {
  const file = path.join(tmp, name);
  writeFileSync(file, text);
  return file;
}
