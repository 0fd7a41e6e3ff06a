// The LOBSTER loader on a small synthetic pair: row kinds, sides, exact times, halts, the seed
// snapshot, adoption of a level the messages never mentioned, and malformed rows named by file:line.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatIssue } from '../../../runtime/data/errors.js';
import { lobsterCsvPair } from '../../../runtime/data/lobster-files.js';
import { loadLobster } from '../../../runtime/data/lobster.js';
import { EventFlag, EventKind, Side } from '../../../runtime/events.js';
import { tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.remove());

const MESSAGES = [
  '34200.000000001,1,11,100,1000000,1',
  '34200.5,1,12,50,1000100,-1',
  '34201.123456789,4,12,20,1000100,-1',
  '34202,5,0,10,1000050,1',
  '34203,3,11,100,1000000,1',
  '34204,7,0,0,-1,-1',
];
const ROWS = [
  '9999999999,0,1000000,100',
  '1000100,50,1000000,100',
  '1000100,30,1000000,100',
  '1000100,30,1000000,100',
  '1000100,30,999900,70',
  '1000100,30,999900,70',
];

let n = 0;
function writePair(messages: string[], rows: string[], ticker = 'TEST'): string {
  n++;
  const m = path.join(tmp.dir, `${ticker}${n}_2012-06-21_34200000_57600000_message_1.csv`);
  // No newline after the last line, like the vendor's head fixture.
  writeFileSync(m, messages.join('\n'));
  writeFileSync(m.replace('_message_', '_orderbook_'), `${rows.join('\n')}\n`);
  return m;
}

describe('LOBSTER loader', async () => {
  const file = writePair(MESSAGES, ROWS);
  const ticker = `TEST${n}`;
  const pair = lobsterCsvPair(file);
  const feed = await loadLobster(pair);
  const b = feed.batch;
  const rows = Array.from({ length: b.length }, (_, i) => [b.kind[i], b.side[i], b.priceTicks[i], b.qty[i], b.orderId[i], b.line[i], (b.flags[i] ?? 0) & EventFlag.EndOfMessage]);

  it('names the market from the file name', () => {
    expect(b.markets).toEqual([{ venue: 'nasdaq', symbol: `${ticker}/USD`, tickSize: 0.01, source: file }]);
    expect(b.dayEpochMs).toBe(Date.UTC(2012, 5, 21));
  });

  it('turns messages into rows, with adoption rows after the message that revealed a level', () => {
    const E = EventFlag.EndOfMessage;
    expect(rows).toEqual([
      [EventKind.BookClear, 0, 0, 0, 0, 1, E],
      [EventKind.OrderAdd, Side.Bid, 10000, 100, 11, 1, E],
      [EventKind.OrderAdd, Side.Ask, 10001, 50, 12, 2, E],
      [EventKind.OrderExecute, Side.Ask, 10001, 20, 12, 3, E],
      [EventKind.HiddenExecute, Side.Bid, 10001, 10, 0, 4, E],
      [EventKind.OrderDelete, Side.Bid, 10000, 100, 11, 5, 0],
      [EventKind.BookLevel, Side.Bid, 9999, 70, 0, 5, E],
      [EventKind.TradingHalt, 0, 0, 0, 0, 6, E],
    ]);
  });

  it('keeps nanosecond times exact', () => {
    expect(b.exchTs[1]).toBe(34_200_000_000_001);
    expect(b.exchTs[3]).toBe(34_201_123_456_789);
    expect(b.localTs[3]).toBe(b.exchTs[3]);
  });

  it('reports the half-cent price of a hidden execution as off the tick grid', () => {
    expect(feed.issues.map(formatIssue)).toEqual([`${file}:4: off_tick: price 100.005 is not a multiple of $0.01; rounded to 100.01`]);
  });

  it('maps the halt codes -1, 0, 1 to orderId 0, 1, 2', async () => {
    const f = writePair(['34200,1,1,10,1000000,1', '34201,7,0,0,-1,-1', '34202,7,0,0,0,-1', '34203,7,0,0,1,-1'], Array(4).fill('9999999999,0,1000000,10'));
    const halts = await loadLobster(lobsterCsvPair(f));
    const codes = [...halts.batch.kind].flatMap((k, i) => (k === EventKind.TradingHalt ? [halts.batch.orderId[i]] : []));
    expect(codes).toEqual([0, 1, 2]);
  });

  it('reports a replay that disagrees with the orderbook inside the visible levels', async () => {
    const f = writePair(['34200,1,1,10,1000000,1', '34201,1,2,10,1000000,1'], ['9999999999,0,1000000,10', '9999999999,0,1000000,25']);
    const r = await loadLobster(lobsterCsvPair(f));
    expect(r.issues.map((i) => [i.kind, i.line])).toEqual([['book_mismatch', 2]]);
    expect(r.issues[0]?.message).toContain('bid 100.00: replay 20, file 25');
  });

  it.each([
    ['wrong column count', '34200,1,1,10,1000000', ':2: expected 6 columns (time,type,order id,size,price,direction), found 5'],
    ['non-numeric', '34200,1,x,10,1000000,1', ':2: non-numeric field in "34200,1,x,10,1000000,1"'],
    ['unknown type', '34200,6,1,10,1000000,1', ':2: unknown message type 6 (expected 1, 2, 3, 4, 5 or 7)'],
    ['negative size', '34200,1,1,-10,1000000,1', ':2: negative size -10'],
    ['bad direction', '34200,1,1,10,1000000,0', ':2: direction 0 (expected 1 or -1)'],
  ])('rejects a row with a %s, naming file and line', async (_what, bad, expected) => {
    const f = writePair(['34200,1,1,10,1000000,1', bad], ['9999999999,0,1000000,10', '9999999999,0,1000000,10']);
    await expect(loadLobster(lobsterCsvPair(f))).rejects.toThrow(`${f}${expected}`);
  });

  it('rejects a time outside the day, written other than in digits, or before the message ahead of it', async () => {
    const rows = ['9999999999,0,1000000,10', '9999999999,0,1000000,20'];
    const cases: Array<[string, string]> = [
      ['1e9', ':2: non-numeric field'],
      ['1000000000', ':2: time 1000000000 s is not a time of day'],
      ['-1', ':2: non-numeric field'],
      ['0x10', ':2: non-numeric field'],
      ['34199.5', ':2: time 34199.5 s is before the previous message\'s 34200 s'],
    ];
    for (const [time, expected] of cases) {
      const f = writePair(['34200,1,1,10,1000000,1', `${time},1,2,10,1000000,1`], rows);
      await expect(loadLobster(lobsterCsvPair(f)), time).rejects.toThrow(`${f}${expected}`);
    }
    // Equal times are fine (one message's parts), and so is a session running past midnight.
    const ok = writePair(['34200,1,1,10,1000000,1', '34200,1,2,10,1000000,1'], rows);
    expect((await loadLobster(lobsterCsvPair(ok))).batch.length).toBeGreaterThan(0);
  });

  it('rejects an orderbook row of the wrong width, and files of different lengths', async () => {
    const f = writePair(['34200,1,1,10,1000000,1', '34201,1,2,10,1000000,1'], ['9999999999,0,1000000,10', '9999999999,0,1000000']);
    await expect(loadLobster(lobsterCsvPair(f))).rejects.toThrow(`${f.replace('_message_', '_orderbook_')}:2: expected 4 columns`);
    const g = writePair(['34200,1,1,10,1000000,1', '34201,1,2,10,1000000,1'], ['9999999999,0,1000000,10']);
    await expect(loadLobster(lobsterCsvPair(g))).rejects.toThrow(`${g.replace('_message_', '_orderbook_')}: ends at line 1, but ${g} goes on (line 2)`);
  });
});
