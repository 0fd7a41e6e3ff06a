// openData: format recognition, the one-line DataError for unreadable inputs (unknown format,
// empty, truncated gzip/zip), folders, and the binary cache (reuse, and rebuild when damaged).
import { copyFileSync, mkdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readCache } from '../../../runtime/data/cache.js';
import { DataError, openData, type OpenDataProgress } from '../../../runtime/data/open.js';
import { EventKind } from '../../../runtime/events.js';
import { hasSharedData, sharedData, tempDir, writeGzip, writeZip } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.remove());
const cacheDir = path.join(tmp.dir, 'cache');

const T0 = 1723161255000;
const cap = (ms: number, json: object): string => `${BigInt(T0 - 1270 + ms) * 1_000_000n} ${JSON.stringify(json)}`;
/** A valid spot capture with a snapshot, n diffs and n trades. */
function captureLines(n: number, symbol = 'BTCUSDT'): string[] {
  const s = symbol.toLowerCase();
  const lines = [cap(0, { lastUpdateId: 100, bids: [['61000.00', '1']], asks: [['61000.01', '1']] })];
  for (let i = 1; i <= n; i++) {
    lines.push(cap(i, { stream: `${s}@depth@100ms`, data: { e: 'depthUpdate', E: T0 + i, s: symbol, U: 100 + i, u: 100 + i, b: [[`60999.${String(i % 100).padStart(2, '0')}`, '0.5']], a: [] } }));
    lines.push(cap(i, { stream: `${s}@trade`, data: { e: 'trade', E: T0 + i, T: T0 + i, s: symbol, t: i, p: '61000.01', q: '0.1', m: i % 2 === 0, M: true } }));
  }
  return lines;
}

const LOB_MSG = ['34200.1,1,1,10,1000000,1', '34200.2,1,2,5,1000100,-1'];
const LOB_ROWS = ['9999999999,0,1000000,10', '1000100,5,1000000,10'];

async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(DataError);
    const message = (err as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a DataError');
}

describe('openData: recognising inputs', () => {
  it('loads a Binance capture, a LOBSTER zip and a LOBSTER CSV pair', async () => {
    const gz = writeGzip(path.join(tmp.dir, 'btcusdt.gz'), captureLines(5));
    const zip = writeZip(path.join(tmp.dir, 'lob.zip'), { 'X_2012-06-21_34200000_57600000_message_1.csv': LOB_MSG.join('\n'), 'X_2012-06-21_34200000_57600000_orderbook_1.csv': LOB_ROWS.join('\n'), 'ReadMe.txt': 'hello' });
    const csvDir = path.join(tmp.dir, 'csv');
    mkdirSync(csvDir);
    writeFileSync(path.join(csvDir, 'Y_2012-06-21_34200000_57600000_message_1.csv'), LOB_MSG.join('\n'));
    writeFileSync(path.join(csvDir, 'Y_2012-06-21_34200000_57600000_orderbook_1.csv'), LOB_ROWS.join('\n'));
    writeFileSync(path.join(csvDir, 'README.md'), '# notes');
    const a = await openData(gz, { cache: false });
    expect(a.batch.markets.map((m) => `${m.venue} ${m.symbol}`)).toEqual(['binance BTC/USDT']);
    expect(a.fromCache).toBe(false);
    const b = await openData([zip, csvDir], { cache: false });
    expect(b.batch.markets.map((m) => m.symbol)).toEqual(['X/USD', 'Y/USD']);
    // Two feeds merged: rows in exchange-time order, feeds numbered as given.
    // Equal times keep the feeds' order: X's snapshot and first message, then Y's.
    expect([...b.batch.market]).toEqual([0, 0, 1, 1, 0, 1]);
    expect([...b.batch.kind]).toEqual([EventKind.BookClear, EventKind.OrderAdd, EventKind.BookClear, EventKind.OrderAdd, EventKind.OrderAdd, EventKind.OrderAdd]);
    // The message file alone finds its orderbook partner.
    const c = await openData(path.join(csvDir, 'Y_2012-06-21_34200000_57600000_message_1.csv'), { cache: false });
    expect(c.batch.length).toBe(3);
  });

  it('keeps the deepest of LOBSTER files of one ticker and day, and says which it set aside', async () => {
    const dir = path.join(tmp.dir, 'depths');
    mkdirSync(dir);
    const name = (kind: string, levels: number): string => path.join(dir, `W_2012-06-21_34200000_57600000_${kind}_${levels}.csv`);
    // The same two messages at depth 1 and depth 2 (the second level empty: LOBSTER's dummy prices).
    writeFileSync(name('message', 1), LOB_MSG.join('\n'));
    writeFileSync(name('orderbook', 1), LOB_ROWS.join('\n'));
    writeFileSync(name('message', 2), LOB_MSG.join('\n'));
    writeFileSync(name('orderbook', 2), LOB_ROWS.map((r) => `${r},9999999999,0,-9999999999,0`).join('\n'));
    const alone = await openData(name('message', 2), { cache: false });
    for (const opened of [await openData(dir, { cache: false }), await openData([name('message', 2), name('message', 1)], { cacheDir: path.join(tmp.dir, 'cache-depths') })]) {
      expect(opened.batch.markets.map((m) => m.symbol)).toEqual(['W/USD']);
      expect(opened.batch.length).toBe(alone.batch.length);
      const set = opened.issues.filter((i) => i.kind === 'duplicate_source');
      expect(set).toEqual([{ kind: 'duplicate_source', source: name('message', 1), line: 0, message: `set aside: W on 2012-06-21 (1 level) is also in ${name('message', 2)} (2 levels), which is used` }]);
    }
    // From the cache too: the set-aside file is not part of the cached batch, but is still reported.
    const again = await openData([name('message', 2), name('message', 1)], { cacheDir: path.join(tmp.dir, 'cache-depths') });
    expect(again.fromCache).toBe(true);
    expect(again.issues.filter((i) => i.kind === 'duplicate_source')).toHaveLength(1);
  });

  it('says in one line what is wrong with unreadable inputs', async () => {
    const unknown = path.join(tmp.dir, 'notes.dat');
    writeFileSync(unknown, 'hello world\n');
    expect(await failure(openData(unknown))).toBe(`${unknown}: unknown format (expected a Binance .gz capture, a LOBSTER .zip, or a LOBSTER message/orderbook .csv)`);

    const empty = path.join(tmp.dir, 'empty.gz');
    writeFileSync(empty, '');
    expect(await failure(openData(empty))).toBe(`${empty}: empty file`);

    const emptyGz = path.join(tmp.dir, 'empty-inside.gz');
    writeFileSync(emptyGz, zlib.gzipSync(''));
    expect(await failure(openData(emptyGz))).toBe(`${emptyGz}: empty capture (no lines)`);

    const notCapture = path.join(tmp.dir, 'text.gz');
    writeFileSync(notCapture, zlib.gzipSync('just some text\n'));
    expect(await failure(openData(notCapture))).toBe(`${notCapture}:1: unknown format: a gzip file whose lines are not "<local ns> <json>" Binance capture lines`);

    const missing = path.join(tmp.dir, 'nope.gz');
    expect(await failure(openData(missing))).toBe(`${missing}: no such file`);

    const emptyDir = path.join(tmp.dir, 'empty-dir');
    mkdirSync(emptyDir);
    writeFileSync(path.join(emptyDir, 'README.md'), 'nothing here');
    expect(await failure(openData(emptyDir))).toBe(`${emptyDir}: no market data files in this folder`);
    expect(await failure(openData([]))).toBe('no input: give a data file or folder');

    const noPairs = writeZip(path.join(tmp.dir, 'other.zip'), { 'a.txt': 'x' });
    expect(await failure(openData(noPairs))).toBe(`${noPairs}: unknown format: a zip without LOBSTER message/orderbook CSV pairs`);

    const lonely = path.join(tmp.dir, 'Z_2012-06-21_34200000_57600000_message_1.csv');
    writeFileSync(lonely, LOB_MSG.join('\n'));
    expect(await failure(openData(lonely))).toBe(`${lonely}: its LOBSTER partner Z_2012-06-21_34200000_57600000_orderbook_1.csv is missing`);
  });

  it('reports a truncated gzip with the file and the last line read', async () => {
    const whole = zlib.gzipSync(Buffer.from(`${captureLines(3000).join('\n')}\n`));
    const cut = path.join(tmp.dir, 'cut.gz');
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.6)));
    expect(await failure(openData(cut, { cache: false }))).toMatch(new RegExp(`^${cut}: truncated \\(unexpected end of compressed data\\) \\(after line \\d+\\)$`));
  });

  it('reports a truncated or damaged zip', async () => {
    const zip = writeZip(path.join(tmp.dir, 'whole.zip'), { 'X_2012-06-21_34200000_57600000_message_1.csv': LOB_MSG.join('\n'), 'X_2012-06-21_34200000_57600000_orderbook_1.csv': LOB_ROWS.join('\n') });
    const cut = path.join(tmp.dir, 'cut.zip');
    writeFileSync(cut, readFileSync(zip).subarray(0, 60));
    expect(await failure(openData(cut))).toMatch(new RegExp(`^${cut}: not a readable zip archive \\(.+\\); truncated or damaged\\?$`));
    // Same size, one flipped byte inside the compressed data: the entry's checks catch it.
    const bytes = readFileSync(zip);
    const dataStart = 30 + 'X_2012-06-21_34200000_57600000_message_1.csv'.length;
    bytes[dataStart + 3] = (bytes[dataStart + 3] ?? 0) ^ 0xff;
    const bad = path.join(tmp.dir, 'bad.zip');
    writeFileSync(bad, bytes);
    expect(await failure(openData(bad, { cache: false }))).toMatch(new RegExp(`^${bad}!X_2012-06-21_34200000_57600000_message_1\\.csv: `));
  });

  it.skipIf(!hasSharedData)('reports the real GOOG level-10 zip cut short', async () => {
    const real = path.join(sharedData, 'lobster', 'LOBSTER_SampleFile_GOOG_2012-06-21_10.zip');
    const cut = path.join(tmp.dir, 'LOBSTER_SampleFile_GOOG_2012-06-21_10.zip');
    copyFileSync(real, cut);
    truncateSync(cut, Math.floor(statSync(real).size / 2));
    expect(await failure(openData(cut))).toMatch(new RegExp(`^${cut}: not a readable zip archive`));
  });

  it('reports malformed capture lines as issues with file:line and goes on', async () => {
    const lines = captureLines(4);
    lines.splice(3, 0, '1723161253730000000 {"stream":"btcusdt@trade","data":{"e":"trade"');
    lines.splice(5, 0, cap(2, { stream: 'btcusdt@trade', data: { e: 'trade', E: T0 + 2, s: 'BTCUSDT', t: 99, q: '1', m: false } }));
    const gz = writeGzip(path.join(tmp.dir, 'broken.gz'), lines);
    const r = await openData(gz, { cache: false });
    expect(r.issues.map((i) => `${i.source}:${i.line}: ${i.kind}`)).toEqual([`${gz}:4: malformed_row`, `${gz}:6: malformed_row`]);
    expect(r.issues[1]?.message).toBe('trade without valid p, q, m and T/E: skipped');
  });
});

describe('openData: the cache', () => {
  const gz = writeGzip(path.join(tmp.dir, 'cached-btcusdt.gz'), captureLines(200));

  it('is built on first use, then reused with identical rows', async () => {
    const progress: OpenDataProgress[] = [];
    const first = await openData(gz, { cacheDir, onProgress: (p) => progress.push(p) });
    expect(first.fromCache).toBe(false);
    expect(first.cacheFile?.startsWith(cacheDir)).toBe(true);
    expect(progress.map((p) => p.phase)).toEqual(expect.arrayContaining(['hash', 'load', 'cache']));
    const second = await openData(gz, { cacheDir });
    expect(second.fromCache).toBe(true);
    expect(second.batch.markets).toEqual(first.batch.markets);
    expect(second.issues).toEqual(first.issues);
    for (const col of ['kind', 'market', 'side', 'flags', 'exchTs', 'localTs', 'priceTicks', 'qty', 'price2Ticks', 'qty2', 'orderId', 'line'] as const) {
      expect(Array.from(second.batch[col]), col).toEqual(Array.from(first.batch[col]));
    }
  });

  it('rebuilds a truncated or damaged cache file instead of trusting it', async () => {
    const { cacheFile } = await openData(gz, { cacheDir });
    if (cacheFile === undefined) throw new Error('no cache file');
    const size = statSync(cacheFile).size;
    truncateSync(cacheFile, size - 8);
    expect((await openData(gz, { cacheDir })).fromCache).toBe(false);
    expect((await openData(gz, { cacheDir })).fromCache).toBe(true);
    const bytes = readFileSync(cacheFile);
    bytes[bytes.length - 100] = (bytes[bytes.length - 100] ?? 0) ^ 0x01;
    writeFileSync(cacheFile, bytes);
    const key = path.basename(cacheFile, '.qev');
    expect(readCache(cacheFile, key)).toEqual({ problem: 'checksum mismatch' });
    expect((await openData(gz, { cacheDir })).fromCache).toBe(false);
    expect(readCache(cacheFile, key)).toHaveProperty('feed');
    writeFileSync(cacheFile, 'garbage');
    expect(readCache(cacheFile, key)).toEqual({ problem: 'truncated' });
    expect((await openData(gz, { cacheDir })).fromCache).toBe(false);
  });

  it('keys on content: a changed source is loaded again', async () => {
    const file = writeGzip(path.join(tmp.dir, 'changing-btcusdt.gz'), captureLines(10));
    const a = await openData(file, { cacheDir });
    writeGzip(file, captureLines(11));
    const b = await openData(file, { cacheDir });
    expect(b.fromCache).toBe(false);
    expect(b.cacheFile).not.toBe(a.cacheFile);
    expect(b.batch.length).toBeGreaterThan(a.batch.length);
  });

  it('loads without a cache when its folder cannot be made, even where recursive mkdir would spin', async () => {
    // Under /proc, Node 20's recursive mkdirSync never returns; a file as a parent folder fails plainly.
    const blocker = path.join(tmp.dir, 'a-file');
    writeFileSync(blocker, 'x');
    for (const dir of ['/proc/quoin-no-such/cache', path.join(blocker, 'cache')]) {
      const r = await openData(gz, { cacheDir: dir });
      expect(r.fromCache, dir).toBe(false);
      expect(r.batch.length).toBeGreaterThan(0);
    }
  });

  it('lives in QUOIN_CACHE_DIR when set', async () => {
    const dir = path.join(tmp.dir, 'env-cache');
    const saved = process.env.QUOIN_CACHE_DIR;
    process.env.QUOIN_CACHE_DIR = dir;
    try {
      const r = await openData(gz);
      expect(r.cacheFile?.startsWith(dir)).toBe(true);
    } finally {
      if (saved === undefined) delete process.env.QUOIN_CACHE_DIR;
      else process.env.QUOIN_CACHE_DIR = saved;
    }
  });
});
