// `quoin run` as a user runs it: the built bundle on the real data in ../shared/data.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BookReplayer } from '../../runtime/book/replay.js';
import { openData } from '../../runtime/data/open.js';
import { EventFlag, Side } from '../../runtime/events.js';
import { root } from '../helpers.js';

const bin = path.join(root, 'dist', 'quoin.mjs');
const data = path.resolve(root, '../shared/data');
const head = path.join(data, 'lobster_aapl10_head');
const tmp = mkdtempSync(path.join(tmpdir(), 'quoin-run-'));

function quoin(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, QUOIN_CACHE_DIR: path.join(tmp, 'cache') } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(bin)) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
}, 120_000);

describe.skipIf(!existsSync(data))('quoin run', () => {
  it('replays real data and prints a JSON summary', async () => {
    const r = quoin('run', 'rulesets/pure-symmetric.quoin', '--data', head, '--json');
    expect(r.stderr).toContain('as a template');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.events).toBeGreaterThanOrEqual(999);
    // The plan reads the touch only: it is evaluated at every message that moved the touch (the
    // opening book, from the first orderbook row, is one), and otherwise only when a timer is due.
    const { batch } = await openData([head]);
    const books = new BookReplayer(batch, { orders: false });
    let touchMoves = 0;
    let messages = 0;
    let last = '';
    for (let i = 0; i < batch.length; i++) {
      books.apply(batch, i);
      if (((batch.flags[i] ?? 0) & EventFlag.EndOfMessage) === 0) continue;
      messages++;
      const b = books.books[0];
      const touch = b ? JSON.stringify([b.bestBid(), b.bestAsk(), b.qtyAt(Side.Bid, b.bestBid()), b.qtyAt(Side.Ask, b.bestAsk())]) : '';
      if (touch !== last) touchMoves++;
      last = touch;
    }
    expect(messages).toBe(1000);
    expect(s.messages).toBe(messages);
    expect(s.evaluations).toBeGreaterThanOrEqual(touchMoves);
    expect(s.evaluations).toBeLessThan(messages);
    expect(s.markets).toEqual([{ alias: 'm', market: 'binance:BTC/USDT', data: 'nasdaq:AAPL/USD' }]);
    expect(s.quoteUpdates).toBeGreaterThan(0);
    expect(s.actions.place).toBeGreaterThan(0);
    expect(Object.keys(s)).toEqual(expect.arrayContaining(['scenarioChanges', 'riskStateChanges', 'dataIssues', 'timing', 'planHash']));
    expect(s.span.from.startsWith('2012-06-21 09:30')).toBe(true);
  });

  it('explains the n-th quote update with the DSL lines that made it', () => {
    const r = quoin('run', 'rulesets/glft.quoin', '--data', head, '--explain', '2');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/quote update #2 on m at 09:30/);
    expect(r.stdout).toMatch(/skew .* rulesets\/glft\.quoin:\d+:\d+/);
    expect(r.stdout).toMatch(/bids +0\.01 @ \d/);
  });

  it('takes --explain as digits only and says so on stderr, exit 2, when there is no such update', () => {
    for (const n of ['0', '1.5', '0x5', ' 3', '9007199254740993']) {
      const r = quoin('run', 'rulesets/glft.quoin', '--data', head, '--explain', n);
      expect(r.code, n).toBe(2);
      expect(r.stderr, n).toContain(`--explain needs a whole number ≥ 1 written in digits, not '${n}'`);
      expect(r.stdout, n).toBe('');
    }
    const plain = quoin('run', 'rulesets/glft.quoin', '--data', head, '--explain', '99999');
    expect(plain.code).toBe(2);
    expect(plain.stdout).toMatch(/quote updates +\d+/);
    expect(plain.stderr.trim()).toMatch(/^quoin run: --explain 99999: the run made \d+ quote updates, so there is no update #99999 to explain$/m);
    const json = quoin('run', 'rulesets/glft.quoin', '--data', head, '--explain', '99999', '--json');
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout).explain).toBeNull();
  });

  it('says why a run sent no orders: levels under the venue minimum notional', () => {
    // 0.005 BTC-sized quotes on AMZN at about $220 are about $1.1, under the template's 5 USDT.
    const r = quoin('run', 'rulesets/pure-symmetric.quoin', '--data', path.join(data, 'lobster', 'LOBSTER_SampleFile_AMZN_2012-06-21_1.zip'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/quote updates +0\n/);
    expect(r.stdout).toMatch(/quotes withheld +quote passes [\d,]+ with a level under the venue's minimum notional \(m 5 USDT\)/);
    const json = JSON.parse(quoin('run', 'rulesets/glft.quoin', '--data', head, '--json').stdout);
    expect(Object.keys(json.quotesWithheld)).toEqual(['notPositive', 'belowMinQty', 'belowMinNotional']);
  });

  it('reports data it cannot read with a one-line error and exit 2', () => {
    const bad = path.join(tmp, 'bad.gz');
    writeFileSync(bad, 'not gzip at all');
    const r = quoin('run', 'rulesets/glft.quoin', '--data', bad);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('bad.gz');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('says which market is missing when the data cannot drive the plan', () => {
    const r = quoin('run', 'rulesets/cross-venue-hedge.quoin', '--data', head);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no data for market/);
    expect(r.stderr).toContain('--market');
  });

  it('refuses to let one data market drive two plan markets, naming the one it already drives', () => {
    const r = quoin('run', 'rulesets/multi-asset.quoin', '--data', head, '--market', 'btc=nasdaq:AAPL/USD', 'eth=nasdaq:AAPL/USD');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('quoin run: --market eth=nasdaq:AAPL/USD: nasdaq:AAPL/USD already drives market btc; each plan market needs a data market of its own');
  });

  it('refuses a rule set with errors with its diagnostics and exit 1', () => {
    const broken = path.join(tmp, 'broken.quoin');
    writeFileSync(broken, 'strategy "b" version 1 { market m = binance:"BTC/USDT" signal s = m.mid + 1 BTC }');
    const r = quoin('run', broken, '--data', head);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/broken\.quoin:1:\d+: error: .*\[Q3001\]/);
  });

  it('given a folder of rule sets where one is wanted, says so instead of calling it empty', () => {
    const r = quoin('run', 'rulesets', '--data', head);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^rulesets:1:1: error: rulesets is a directory \(of \d+ \.quoin files\); give one rule set file \[Q1009\]$/m);
  });

  it('runs a compiled plan file too', () => {
    const plan = path.join(tmp, 'plan.json');
    expect(quoin('compile', 'rulesets/pure-symmetric.quoin', '-o', plan).code).toBe(0);
    const r = quoin('run', plan, '--data', head, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).events).toBeGreaterThan(0);
  });
});
