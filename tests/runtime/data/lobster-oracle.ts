// The LOBSTER oracle: replays a loaded batch through a fresh L3 book and compares it with the
// vendor's orderbook file, read here independently of the loader. For every message k:
// 1. apply the message's own row (the Order*/HiddenExecute/TradingHalt row);
// 2. every level inside the range visible before the message (row k-1's depth, or the whole side
//    when row k-1 showed fewer than N levels), and still inside row k's depth, must match row k
//    from message replay alone — counted in `inRangeMismatches`;
// 3. apply the loader's BookLevel rows of the message: each must lie beyond that visible range
//    (the boundary effect), else it counts in `adoptionsInsideRange`;
// 4. the book's top N levels must then equal row k exactly — `fullRowMismatches`.
import { BookReplayer } from '../../../runtime/book/replay.js';
import type { DenseL2Book } from '../../../runtime/book/dense-l2-book.js';
import { EventFlag, EventKind, Side, type EventBatch, type SideValue } from '../../../runtime/events.js';
import { LineReader } from '../../../runtime/data/lines.js';
import type { LobsterPair } from '../../../runtime/data/lobster-files.js';

export interface OracleCounts {
  rowsCompared: number;
  levelsCompared: number;
  inRangeMismatches: number;
  adoptedLevels: number;
  adoptionsInsideRange: number;
  fullRowMismatches: number;
  firstProblem: string;
}

interface Levels {
  prices: number[];
  qtys: number[];
}

function rowLevels(parts: string[], n: number, side: SideValue): Levels {
  const prices: number[] = [];
  const qtys: number[] = [];
  for (let k = 0; k < n; k++) {
    const p = Number(parts[4 * k + (side === Side.Ask ? 0 : 2)]);
    const q = Number(parts[4 * k + (side === Side.Ask ? 1 : 3)]);
    if (q === 0 || Math.abs(p) === 9999999999) break;
    prices.push(p / 100);
    qtys.push(q);
  }
  return { prices, qtys };
}

function bookLevels(book: DenseL2Book, side: SideValue, n: number): Levels {
  const prices: number[] = [];
  const qtys: number[] = [];
  for (let k = 1; k <= n && k <= book.levelCount(side); k++) {
    prices.push(book.levelPrice(side, k));
    qtys.push(book.levelQty(side, k));
  }
  return { prices, qtys };
}

/** Levels of `l` that lie inside [touch, bound] (bid: price >= bound). */
function within(l: Levels, side: SideValue, bound: number): Levels {
  const prices: number[] = [];
  const qtys: number[] = [];
  l.prices.forEach((p, i) => {
    if (side === Side.Bid ? p >= bound : p <= bound) {
      prices.push(p);
      qtys.push(l.qtys[i] ?? NaN);
    }
  });
  return { prices, qtys };
}

/** Levels present on one side only, or with different sizes. */
function differences(a: Levels, b: Levels): number {
  const mb = new Map(b.prices.map((p, i) => [p, b.qtys[i]]));
  let d = 0;
  a.prices.forEach((p, i) => {
    if (mb.get(p) !== a.qtys[i]) d++;
    mb.delete(p);
  });
  return d + mb.size;
}

export async function lobsterOracle(batch: EventBatch, pair: LobsterPair): Promise<OracleCounts> {
  const n = pair.levels;
  const c: OracleCounts = { rowsCompared: 0, levelsCompared: 0, inRangeMismatches: 0, adoptedLevels: 0, adoptionsInsideRange: 0, fullRowMismatches: 0, firstProblem: '' };
  const problem = (text: string): void => {
    if (c.firstProblem === '') c.firstProblem = text;
  };
  const opened = await pair.orderbook.open();
  const rows = new LineReader(opened.stream, pair.orderbook.name);
  const replay = new BookReplayer(batch);
  const book = (): DenseL2Book => replay.books[0] as DenseL2Book;
  const bound = { [Side.Bid]: -Infinity, [Side.Ask]: Infinity };
  const setBounds = (bids: Levels, asks: Levels): void => {
    bound[Side.Bid] = bids.prices.length >= n ? (bids.prices[n - 1] ?? -Infinity) : -Infinity;
    bound[Side.Ask] = asks.prices.length >= n ? (asks.prices[n - 1] ?? Infinity) : Infinity;
  };
  let i = 0;
  // The seed: BookClear + BookLevel rows up to the first EndOfMessage.
  if (batch.kind[0] !== EventKind.BookClear) throw new Error('a LOBSTER batch starts with a snapshot');
  while (i < batch.length && !((batch.flags[i] ?? 0) & EventFlag.EndOfMessage)) replay.apply(batch, i++);
  replay.apply(batch, i++);
  // Bounds before message 1 come from the seeded book itself (its top N).
  setBounds(bookLevels(book(), Side.Bid, n + 1), bookLevels(book(), Side.Ask, n + 1));
  try {
    while (i < batch.length) {
      const kind = batch.kind[i] ?? 0;
      if (kind === EventKind.BookLevel || kind === EventKind.BookClear) throw new Error(`row ${i}: a message group must start with the message's own row`);
      const line = batch.line[i] ?? 0;
      replay.apply(batch, i);
      const text = await rows.next();
      if (text === undefined || rows.line !== line) throw new Error(`orderbook row ${rows.line} for message line ${line}`);
      const parts = text.split(',');
      const row = { [Side.Bid]: rowLevels(parts, n, Side.Bid), [Side.Ask]: rowLevels(parts, n, Side.Ask) };
      for (const side of [Side.Bid, Side.Ask] as const) {
        const theirs = row[side];
        // Inside the range visible before, and not pushed out of row k's view.
        const full = theirs.prices.length === n;
        const last = full ? (theirs.prices[n - 1] ?? NaN) : side === Side.Bid ? -Infinity : Infinity;
        const inner = side === Side.Bid ? Math.max(bound[side], last) : Math.min(bound[side], last);
        const a = within(bookLevels(book(), side, n + 2), side, inner);
        const b = within(theirs, side, inner);
        c.levelsCompared += b.prices.length;
        const d = differences(a, b);
        if (d > 0) problem(`line ${line} ${side === Side.Bid ? 'bid' : 'ask'}: replay ${JSON.stringify(a)} vs file ${JSON.stringify(b)}`);
        c.inRangeMismatches += d;
      }
      i++;
      while (i < batch.length && batch.kind[i] === EventKind.BookLevel && batch.line[i] === line) {
        const side = (batch.side[i] ?? 0) as SideValue;
        const p = batch.priceTicks[i] ?? NaN;
        c.adoptedLevels++;
        if (side === Side.Bid ? p >= bound[side] : p <= bound[side]) {
          c.adoptionsInsideRange++;
          problem(`line ${line}: BookLevel row inside the visible range at ${p}`);
        }
        replay.apply(batch, i++);
      }
      for (const side of [Side.Bid, Side.Ask] as const) {
        const d = differences(bookLevels(book(), side, n), row[side]);
        if (d > 0) problem(`line ${line}: top ${n} differs after adoption`);
        c.fullRowMismatches += d;
      }
      c.rowsCompared++;
      setBounds(row[Side.Bid], row[Side.Ask]);
    }
    if ((await rows.next()) !== undefined) throw new Error('orderbook has more rows than the batch has messages');
  } finally {
    opened.stream.destroy();
  }
  return c;
}
