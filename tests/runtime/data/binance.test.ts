// The Binance loader on small synthetic captures: the sync rule, every kind of reported problem
// (with its file and line), trade sides, time stamping and files that continue each other.
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sniffBinance } from '../../../runtime/data/binance-market.js';
import { loadBinance } from '../../../runtime/data/binance.js';
import { formatIssue } from '../../../runtime/data/errors.js';
import { EventFlag, EventKind, Side } from '../../../runtime/events.js';
import { tempDir, writeGzip } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.remove());

const T0 = 1723161255000; // 2024-08-08 23:54:15 UTC, ms
const DAY0 = Date.UTC(2024, 7, 8);
/** A capture line received `ms` after T0 (local clock 1.27 s behind the exchange, like the real files). */
const line = (ms: number, json: object): string => `${BigInt(T0 - 1270 + ms) * 1_000_000n} ${JSON.stringify(json)}`;
const fDepth = (ms: number, U: number, u: number, pu: number, b: Array<[string, string]>, a: Array<[string, string]>): string =>
  line(ms, { stream: 'btcusdt@depth@0ms', data: { e: 'depthUpdate', E: T0 + ms, T: T0 + ms - 1, s: 'BTCUSDT', U, u, pu, b, a } });

async function load(name: string, lines: string[]) {
  const file = writeGzip(path.join(tmp.dir, name), lines);
  return loadBinance([await sniffBinance(file)]);
}

describe('Binance loader (USD-M)', async () => {
  const file = path.join(tmp.dir, 'usdm-btc.gz');
  const feed = await load('usdm-btc.gz', [
    /* 1 */ fDepth(0, 1, 5, 0, [['100.0', '9']], []),
    /* 2 */ line(1, { stream: 'btcusdt@trade', data: { e: 'trade', E: T0 + 1, T: T0 + 1, s: 'BTCUSDT', t: 7, p: '100.1', q: '0.5', X: 'MARKET', m: true } }),
    /* 3 */ fDepth(2, 6, 12, 5, [['100.0', '3']], []),
    /* 4 */ line(3, { lastUpdateId: 10, E: T0 + 3, T: T0 + 3, bids: [['100.0', '1'], ['99.9', '2']], asks: [['100.1', '1']] }),
    /* 5 */ fDepth(4, 13, 15, 12, [['99.8', '4']], [['100.2', '5']]),
    /* 6 */ fDepth(5, 17, 20, 16, [], [['100.1', '2']]),
    /* 7 */ fDepth(6, 18, 19, 17, [['99.0', '1']], []),
    /* 8 */ fDepth(7, 21, 22, 20, [['99.7', '-1']], []),
    /* 9 */ fDepth(8, 23, 24, 22, [['100.05', '1']], []),
    /* 10 */ fDepth(9, 25, 26, 24, [['100.3', '1']], []),
    /* 11 */ '1723161253740000000 {"stream":"btcusdt@depth@0ms","data":{',
    /* 12 */ line(11, { stream: 'btcusdt@depth@0ms', data: { e: 'depthUpdate', E: T0 + 11, s: 'BTCUSDT', U: 27, pu: 26, b: [], a: [] } }),
    /* 13 */ line(12, { stream: 'btcusdt@bookTicker', data: { e: 'bookTicker', u: 26, s: 'BTCUSDT', b: '100.3', B: '1', a: '100.1', A: '2', T: T0 + 12, E: T0 + 12 } }),
  ]);
  const b = feed.batch;
  const rows = Array.from({ length: b.length }, (_, i) => ({ kind: b.kind[i], side: b.side[i], price: b.priceTicks[i], qty: b.qty[i], id: b.orderId[i], line: b.line[i], eom: (b.flags[i] ?? 0) & EventFlag.EndOfMessage }));

  it('names the market and its tick', () => {
    expect(b.markets).toEqual([{ venue: 'binanceusdm', symbol: 'BTC/USDT:USDT', tickSize: 0.1, source: file }]);
    expect(b.dayEpochMs).toBe(DAY0);
  });

  it('buffers diffs until the snapshot, drops those wholly before it, then applies the rest', () => {
    expect(rows.some((r) => r.line === 1)).toBe(false);
    const snap = rows.findIndex((r) => r.kind === EventKind.BookClear);
    expect(rows[snap]).toMatchObject({ line: 4, id: 10 });
    expect(rows.slice(snap + 1, snap + 4).map((r) => [r.side, r.price, r.qty, r.eom])).toEqual([
      [Side.Bid, 1000, 1, 0],
      [Side.Bid, 999, 2, 0],
      [Side.Ask, 1001, 1, EventFlag.EndOfMessage],
    ]);
    // The straddling diff (U 6 ≤ 10 ≤ u 12) comes right after the snapshot, as one message.
    expect(rows[snap + 4]).toMatchObject({ kind: EventKind.BookLevel, line: 3, price: 1000, qty: 3, id: 12, eom: EventFlag.EndOfMessage });
    // Exchange times never make the snapshot sort after the diff applied on top of it.
    expect(b.exchTs[snap]).toBeLessThanOrEqual(b.exchTs[snap + 4] ?? NaN);
  });

  it('maps the trade aggressor: m true (buyer is maker) is a seller-initiated trade', () => {
    const t = rows.find((r) => r.kind === EventKind.Trade);
    expect(t).toMatchObject({ side: Side.Ask, price: 1001, qty: 0.5, id: 7, line: 2, eom: EventFlag.EndOfMessage });
  });

  it('reports each problem with file and line', () => {
    expect(feed.issues.map(formatIssue)).toEqual([
      `${file}:6: sequence_gap: pu 16 is not the previous update's u 15: updates between are missing`,
      `${file}:7: stale_update: update 18..19 is not newer than the book (last applied u 20): skipped`,
      `${file}:8: negative_size: bid size -1 at 99.7: level skipped`,
      `${file}:9: off_tick: bid level 100.05 is not a multiple of the tick 0.1: skipped`,
      `${file}:10: crossed_book: book crossed: best bid 100.3 >= best ask 100.1`,
      expect.stringMatching(new RegExp(`^${file.replace(/[.]/g, '\\.')}:11: malformed_row: not JSON \\(`)),
      `${file}:12: malformed_row: depth update without a valid "u" field: skipped`,
    ]);
  });

  it('skips a message whose exchange time is hours from when it was received, saying so', async () => {
    const name = 'usdm-clock.gz';
    const f = await load(name, [
      fDepth(0, 1, 5, 0, [['100.0', '9']], []),
      line(1, { lastUpdateId: 4, E: T0 + 1, T: T0 + 1, bids: [['100.0', '1']], asks: [['100.1', '1']] }),
      line(2, { stream: 'btcusdt@trade', data: { e: 'trade', E: 1e15, T: 1e15, s: 'BTCUSDT', t: 8, p: '100.1', q: '0.5', X: 'MARKET', m: true } }),
      line(3, { stream: 'btcusdt@trade', data: { e: 'trade', E: 1000, T: 1000, s: 'BTCUSDT', t: 9, p: '100.1', q: '0.5', X: 'MARKET', m: true } }),
      line(4, { stream: 'btcusdt@trade', data: { e: 'trade', E: T0 + 3_500_000, T: T0 + 4, s: 'BTCUSDT', t: 10, p: '100.1', q: '0.5', X: 'MARKET', m: true } }),
      line(5, { stream: 'btcusdt@trade', data: { e: 'trade', E: T0 + 5, T: T0 + 5, s: 'BTCUSDT', t: 11, p: '100.1', q: '0.5', X: 'MARKET', m: true } }),
    ]);
    const file = path.join(tmp.dir, name);
    expect(f.issues.map(formatIssue)).toEqual([
      `${file}:3: malformed_row: E 1000000000000000 is more than an hour from the time the line was received: skipped`,
      `${file}:4: malformed_row: E 1000 is more than an hour from the time the line was received: skipped`,
    ]);
    // The trade 58 minutes off is kept (a slow clock, not a corrupt one), and so is the good one.
    const trades = Array.from({ length: f.batch.length }, (_, i) => i).filter((i) => f.batch.kind[i] === EventKind.Trade);
    expect(trades.map((i) => f.batch.orderId[i])).toEqual([10, 11]);
    // No row of the batch lies more than an hour from the first.
    expect((f.batch.exchTs[f.batch.length - 1] ?? 0) - (f.batch.exchTs[0] ?? 0)).toBeLessThan(3600e9);
  });

  it('keeps the ticker with its update id and exchange time', () => {
    const i = rows.findIndex((r) => r.kind === EventKind.Ticker);
    expect(rows[i]).toMatchObject({ price: 1003, qty: 1, id: 26, line: 13 });
    expect([b.price2Ticks[i], b.qty2[i]]).toEqual([1001, 2]);
    expect(b.exchTs[i]).toBe((T0 + 12 - DAY0) * 1e6);
  });

  it('parses the 19-digit local time exactly', () => {
    const i = rows.findIndex((r) => r.kind === EventKind.Trade);
    expect(b.localTs[i]).toBe((T0 - 1270 + 1 - DAY0) * 1e6);
  });
});

describe('Binance loader (spot)', () => {
  const sDepth = (ms: number, U: number, u: number, b: Array<[string, string]>, a: Array<[string, string]>): string =>
    line(ms, { stream: 'ethusdt@depth@100ms', data: { e: 'depthUpdate', E: T0 + ms, s: 'ETHUSDT', U, u, b, a } });
  const ticker = (ms: number, u: number): string => line(ms, { stream: 'ethusdt@bookTicker', data: { u, s: 'ETHUSDT', b: '2683.80', B: '1', a: '2683.81', A: '2' } });

  it('stamps bookTicker with local time plus the latest offset, also when it comes first', async () => {
    const feed = await load('eth-a.gz', [ticker(0, 3), sDepth(5, 1, 4, [['2683.80', '1']], []), line(6, { lastUpdateId: 2, bids: [['2683.80', '1']], asks: [['2683.81', '2']] }), ticker(10, 5)]);
    const b = feed.batch;
    const tick = [...b.kind].flatMap((k, i) => (k === EventKind.Ticker ? [i] : []));
    // Line 2 says exchange time = local + 1270 ms: both tickers get that offset.
    expect(tick.map((i) => ((b.exchTs[i] ?? 0) - (b.localTs[i] ?? 0)) / 1e6)).toEqual([1270, 1270]);
    expect(feed.issues).toEqual([]);
  });

  it('checks U = previous u + 1, and reports a capture that never got its snapshot', async () => {
    const gap = await load('eth-b.gz', [line(0, { lastUpdateId: 10, bids: [['2683.80', '1']], asks: [['2683.81', '2']] }), sDepth(1, 9, 12, [], []), sDepth(2, 13, 14, [], []), sDepth(3, 20, 21, [], []), sDepth(4, 21, 25, [], [])]);
    expect(gap.issues.map((i) => [i.kind, i.line])).toEqual([
      ['sequence_gap', 4],
      ['out_of_order', 5],
    ]);
    const none = await load('eth-c.gz', [sDepth(1, 9, 12, [], []), sDepth(2, 13, 14, [], [])]);
    expect(none.issues.map((i) => [i.kind, i.line, i.message])).toEqual([['sequence_gap', 1, 'no depth snapshot in the capture: 2 depth updates could not be applied']]);
  });

  it('joins files that continue each other, whatever order they are given in', async () => {
    const a = writeGzip(path.join(tmp.dir, 'ethusdt_1.gz'), [line(0, { lastUpdateId: 10, bids: [['2683.80', '1']], asks: [['2683.81', '2']] }), sDepth(1, 11, 12, [['2683.70', '1']], [])]);
    const b = writeGzip(path.join(tmp.dir, 'ethusdt_2.gz'), [sDepth(100, 13, 14, [['2683.60', '1']], []), sDepth(200, 16, 17, [], [])]);
    const feed = await loadBinance([await sniffBinance(b), await sniffBinance(a)]);
    expect(feed.batch.markets[0]?.source).toBe(`${a} + ${b}`);
    expect([...feed.batch.priceTicks].filter((_, i) => feed.batch.kind[i] === EventKind.BookLevel)).toEqual([268380, 268381, 268370, 268360]);
    expect(feed.issues.map(formatIssue)).toEqual([`${b}:2: sequence_gap: U 16 follows u 14: 1 update ids missing`]);
  });

  it('refuses a market whose tick it does not know, unless given', async () => {
    const file = writeGzip(path.join(tmp.dir, 'xrp.gz'), [line(0, { stream: 'xrpusdt@trade', data: { e: 'trade', E: T0, T: T0, s: 'XRPUSDT', t: 1, p: '0.5', q: '10', m: false, M: true } })]);
    const info = await sniffBinance(file);
    expect(info).toMatchObject({ venue: 'binance', symbol: 'XRP/USDT' });
    await expect(loadBinance([info])).rejects.toThrow(`${file}: no tick size known for binance XRP/USDT; pass one (tickSizes option)`);
    const feed = await loadBinance([info], { tickSize: 0.0001 });
    expect([feed.batch.priceTicks[0], feed.batch.side[0]]).toEqual([5000, Side.Bid]);
  });
});
