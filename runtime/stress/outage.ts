// outage and staleFeed: a venue's data stops for a while, then a snapshot of the book as it stands
// lets the consumer resume. They share one pass (`blackout`); they differ in what stops.
import { EventKind, Side, type EventBatch } from '../events.js';
import { BookReplayer } from '../book/replay.js';
import { nextAway } from './book-view.js';
import { atOptions, marketOption, validateOptions, type OptionSchema } from './options.js';
import { NS_PER_S, resolveStart, selectMarkets } from './time.js';
import { BatchWriter, MessageTracker, SYNTHETIC_LINE, isBookKind } from './writer.js';

export interface OutageOptions {
  /** Seconds without data. Default 30. */
  durationS?: number;
  at?: number;
  atS?: number;
  market?: number;
}

export const outageOptions = {
  durationS: { kind: 'number', min: 0, doc: 'seconds without data', defaultText: '30' },
  ...atOptions,
  ...marketOption,
} as const satisfies OptionSchema;

export interface StaleFeedOptions {
  /** Seconds the book stays frozen. Default 10. */
  durationS?: number;
  /** 'book': book rows and tickers stop, trades go on; 'all': every row of the market stops. Default 'book'. */
  freeze?: 'book' | 'all';
  at?: number;
  atS?: number;
  market?: number;
}

export const staleFeedOptions = {
  durationS: { kind: 'number', min: 0, doc: 'seconds the book stays frozen', defaultText: '10' },
  freeze: { kind: 'enum', values: ['book', 'all'], doc: "'book': book and tickers stop, trades go on; 'all': everything stops", defaultText: 'book' },
  ...atOptions,
  ...marketOption,
} as const satisfies OptionSchema;

/**
 * Every message of a selected market that starts (first row's exchTs) in [start, start + durationS)
 * is dropped — book rows, trades, tickers, halts. Calendar rows stay (they are not venue data). At
 * the end of the window, before the first row at or after it (and only if the batch goes on), each
 * selected market gets a snapshot of its book as it stands then (every dropped message applied):
 * BookClear + all levels, one message with exchTs = the window end, localTs = exchTs + the market's
 * last clock offset (localTs - exchTs), line 0. For L3 input the snapshot is L2: the consumer's order
 * book forgets its orders, and messages about them afterwards move their levels by their sizes (the
 * L3 book counts them as unknown orders); the aggregated book is exact. A halt or resume inside the
 * window is lost with it. Default start: at = 0.5.
 */
export function outage(batch: EventBatch, options: OutageOptions = {}): EventBatch {
  validateOptions('outage', outageOptions, options);
  return blackout(batch, 'outage', options, options.durationS ?? 30, 'all');
}

/**
 * For [start, start + durationS) the consumer's book of each selected market stops changing while
 * the market goes on: messages starting in the window lose their book rows (BookClear, BookLevel,
 * OrderAdd/Reduce/Delete) and their tickers (the venue's own best bid/offer would give the move
 * away); executions of visible orders become plain Trade rows (aggressor = the other side) and
 * trades, hidden executions and halts are delivered as usual, on time. With freeze 'all' every row of
 * the market stops instead (like an outage of that market). At the window end a snapshot catches up
 * (as in `outage`: exchTs = window end, localTs = exchTs + clock offset, BookClear + all levels as
 * they stand, line 0). So during the window the strategy sees trades print through a book that no
 * longer moves. Default start: at = 0.5.
 */
export function staleFeed(batch: EventBatch, options: StaleFeedOptions = {}): EventBatch {
  validateOptions('staleFeed', staleFeedOptions, options);
  return blackout(batch, 'staleFeed', options, options.durationS ?? 10, options.freeze ?? 'book');
}

function blackout(batch: EventBatch, name: string, when: { at?: number; atS?: number; market?: number }, durationS: number, freeze: 'book' | 'all'): EventBatch {
  const start = resolveStart(name, batch, when, 0.5);
  const end = start + durationS * NS_PER_S;
  const selected = selectMarkets(name, batch, when.market);
  const original = new BookReplayer(batch);
  const out = new BatchWriter(batch);
  const messages = new MessageTracker(batch.markets.length);
  const inWindow = batch.markets.map(() => false);
  let snapshotDue = false;
  for (let i = 0; i < batch.length; i++) {
    const t = batch.exchTs[i] ?? 0;
    if (snapshotDue && t >= end && messages.idle) {
      snapshotDue = false;
      for (let m = 0; m < batch.markets.length; m++) if (selected[m]) writeSnapshot(out, original, m, end);
    }
    const m = batch.market[i] ?? 0;
    const k = batch.kind[i] ?? 0;
    if (messages.row(batch, i)) {
      inWindow[m] = selected[m] === true && t >= start && t < end;
      if (inWindow[m]) snapshotDue = true;
    }
    original.apply(batch, i);
    if (!inWindow[m] || k === EventKind.Calendar) out.copy(i);
    else if (freeze === 'book') {
      if (k === EventKind.OrderExecute) {
        const j = out.copy(i);
        const c = out.columns;
        c.kind[j] = EventKind.Trade;
        c.side[j] = (batch.side[i] ?? 0) === Side.Bid ? Side.Ask : Side.Bid;
      } else if (!isBookKind(k) && k !== EventKind.Ticker) out.copy(i);
    }
    if (messages.end(batch, i)) out.endMessage(m);
  }
  return out.finish();
}

function writeSnapshot(out: BatchWriter, original: BookReplayer, m: number, t: number): void {
  const book = original.books[m];
  if (!book) return;
  const exchTs = Math.max(t, out.lastTime);
  const stamp = { market: m, exchTs, localTs: exchTs + out.offsetOf(m), line: SYNTHETIC_LINE };
  out.write({ ...stamp, kind: EventKind.BookClear, side: 0, priceTicks: 0, qty: 0 });
  for (let p = book.bestBid(); p === p; p = nextAway(book, Side.Bid, p)) out.write({ ...stamp, kind: EventKind.BookLevel, side: Side.Bid, priceTicks: p, qty: book.qtyAt(Side.Bid, p) });
  for (let p = book.bestAsk(); p === p; p = nextAway(book, Side.Ask, p)) out.write({ ...stamp, kind: EventKind.BookLevel, side: Side.Ask, priceTicks: p, qty: book.qtyAt(Side.Ask, p) });
  out.endMessage(m);
}
