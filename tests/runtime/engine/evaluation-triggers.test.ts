// When the engine evaluates a plan (docs/runtime.md, "When the plan is evaluated"): on changes of
// what the plan reads — the touch, or any level for plans reading depth — on trades and calendar
// events, and when one of the plan's timers falls due. Checked message by message on the real
// LOBSTER data against what each message did to the book, and on hand-made streams where each timer
// is the only thing that can cause an evaluation.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DenseL2Book } from '../../../runtime/book/dense-l2-book.js';
import { BookReplayer } from '../../../runtime/book/replay.js';
import { openData } from '../../../runtime/data/open.js';
import { Engine, type OrderAction } from '../../../runtime/engine.js';
import { allocateBatch, EventFlag, EventKind, Side, type EventBatch } from '../../../runtime/events.js';
import { createReplaySession } from '../../../runtime/replay-session.js';
import { identity, planFrom } from './harness.js';
import { MapBook } from './test-book.js';

const GOOG = path.resolve(__dirname, '../../../../shared/data/lobster/LOBSTER_SampleFile_GOOG_2012-06-21_10.zip');
const haveData = existsSync(GOOG);

interface Touch {
  bid: number;
  ask: number;
  bidQty: number;
  askQty: number;
}

function touchOf(b: DenseL2Book): Touch {
  const bid = b.bestBid();
  const ask = b.bestAsk();
  return { bid, ask, bidQty: Number.isNaN(bid) ? 0 : b.qtyAt(Side.Bid, bid), askQty: Number.isNaN(ask) ? 0 : b.qtyAt(Side.Ask, ask) };
}

const sameTouch = (a: Touch, b: Touch): boolean => Object.is(a.bid, b.bid) && Object.is(a.ask, b.ask) && a.bidQty === b.bidQty && a.askQty === b.askQty;

function messageEnds(batch: EventBatch): number[] {
  const ends: number[] = [];
  for (let i = 0; i < batch.length; i++) if (((batch.flags[i] ?? 0) & EventFlag.EndOfMessage) !== 0) ends.push(i);
  return ends;
}

function hasTrade(batch: EventBatch, from: number, to: number): boolean {
  for (let i = from; i <= to; i++) {
    const k = batch.kind[i];
    if (k === EventKind.Trade || k === EventKind.OrderExecute || k === EventKind.HiddenExecute) return true;
  }
  return false;
}

describe.skipIf(!haveData)('touch version of the L2 book, on the LOBSTER GOOG file', () => {
  it('moves at every message that changed the best prices or their sizes, and stays put at many that did not', async () => {
    const { batch } = await openData([GOOG]);
    const replayer = new BookReplayer(batch, { orders: false });
    const book = replayer.books[0] as DenseL2Book;
    let from = 0;
    let prev = touchOf(book);
    let prevVersion = book.touchVersion;
    let prevAll = book.version;
    let touchMoves = 0;
    let quietMessages = 0;
    const ends = messageEnds(batch);
    for (const end of ends) {
      replayer.applyRange(batch, from, end + 1);
      const start = from;
      from = end + 1;
      const now = touchOf(book);
      if (!sameTouch(prev, now)) {
        touchMoves++;
        expect(book.touchVersion, `message ending at row ${end}`).not.toBe(prevVersion);
      } else if (book.touchVersion === prevVersion) {
        // Nothing at the touch moved; unless the message was a hidden execution (no book change),
        // a deeper level did.
        quietMessages++;
        if (!hasTrade(batch, start, end)) expect(book.version).not.toBe(prevAll);
      }
      prev = now;
      prevVersion = book.touchVersion;
      prevAll = book.version;
    }
    expect(touchMoves).toBeGreaterThan(10_000);
    // Most GOOG messages change a level behind the touch (a 10-level file): ~2/3 of them.
    expect(quietMessages / ends.length).toBeGreaterThan(0.5);
  });
});

// The A–S template without the clauses that set timers (min_interval, max age): its evaluations
// are then exactly the messages that moved the touch, plus the 1 s heartbeat (it reads no trades).
const touchOnlyPlan = planFrom(`strategy "touch" version 1 {
  market m = nasdaq:"GOOG/USD"
  params {
    gamma = 0.5
    kappa = 4000
    order_size = 100 GOOG
  }
  signal variance = m.realized_vol(5m) ^ 2 / 5m
  fair = m.microprice
  quote m {
    half = fair * (gamma * variance * 60s + 2 / gamma * ln(1 + gamma / kappa)) / 2
    bid = fair - half
    ask = fair + half
    size = order_size
  }
}`);

// Reading five levels of depth and the last trade: every book change and every trade counts.
const depthPlan = planFrom(`strategy "depth" version 1 {
  market m = nasdaq:"GOOG/USD"
  params {
    order_size = 100 GOOG
  }
  fair = (m.microprice + m.last) / 2
  quote m {
    bid = fair * (1 - 5 bps) - m.imbalance(5) * m.tick
    ask = fair * (1 + 5 bps) - m.imbalance(5) * m.tick
    size = order_size
  }
}`);

describe.skipIf(!haveData)('evaluations on the LOBSTER GOOG file, message by message', () => {
  for (const [name, plan, reads] of [
    ['a plan reading the touch', touchOnlyPlan, 'touch'],
    ['a plan reading five levels', depthPlan, 'depth'],
  ] as const) {
    it(`${name}: evaluated exactly at the messages that changed what it reads, or were 1 s after the last evaluation`, async () => {
      const { batch } = await openData([GOOG]);
      const session = createReplaySession(plan, batch, {});
      const e = session.engine;
      const book = session.replayer.books[0] as DenseL2Book;
      let from = 0;
      let lastEval = -Infinity;
      let seen = reads === 'touch' ? book.touchVersion : book.version;
      let evaluated = 0;
      let skipped = 0;
      for (const end of messageEnds(batch)) {
        const before = e.stats.evaluations;
        session.run(from, end + 1);
        const t = batch.exchTs[end] ?? 0;
        const version = reads === 'touch' ? book.touchVersion : book.version;
        const expected = version !== seen || (reads === 'depth' && hasTrade(batch, from, end)) || t >= lastEval + 1e9;
        from = end + 1;
        const did = e.stats.evaluations !== before;
        if (did !== expected) throw new Error(`message ending at row ${end} (t=${t}): evaluated ${did}, expected ${expected}`);
        if (did) {
          evaluated++;
          lastEval = t;
          seen = version;
        } else {
          skipped++;
        }
      }
      expect(evaluated).toBe(e.stats.evaluations);
      if (reads === 'touch') expect(skipped).toBeGreaterThan(evaluated);
      else expect(skipped).toBeLessThan(evaluated / 10);
    });
  }
});

// ---------------------------------------------------------------- timers, on hand-made streams

interface Row {
  kind: number;
  side?: number;
  price?: number;
  qty?: number;
  tMs: number;
  name?: number;
  atMs?: number;
  /** More rows of the same message follow. */
  more?: boolean;
}

/** One message per row unless the row says `more`; prices in ticks of 0.01. */
function stream(rows: Row[], names: string[] = []): EventBatch {
  const b = allocateBatch(rows.length, { dayEpochMs: 0, markets: [{ venue: 'sim', symbol: 'BTC/USDT', tickSize: 0.01, source: 'test' }], names });
  rows.forEach((r, i) => {
    b.kind[i] = r.kind;
    b.market[i] = 0;
    b.side[i] = r.side ?? 0;
    b.priceTicks[i] = r.kind === EventKind.Calendar ? 36_000e9 + (r.atMs ?? 0) * 1e6 : r.price ?? 0;
    b.qty[i] = r.qty ?? 0;
    b.orderId[i] = r.name ?? 0;
    b.exchTs[i] = 36_000e9 + r.tMs * 1e6;
    b.localTs[i] = b.exchTs[i] ?? 0;
    b.flags[i] = r.more === true ? 0 : EventFlag.EndOfMessage;
  });
  b.length = rows.length;
  return b;
}

const level = (side: number, price: number, qty: number, tMs: number): Row => ({ kind: EventKind.BookLevel, side, price, qty, tMs });
/** A book 10000/10010 with a deeper level on each side, in one message. */
const opening = (tMs: number): Row[] => [
  { ...level(Side.Bid, 10_000, 5, tMs), more: true },
  { ...level(Side.Ask, 10_010, 5, tMs), more: true },
  { ...level(Side.Bid, 9_990, 5, tMs), more: true },
  level(Side.Ask, 10_020, 5, tMs),
];
/** Changes behind the touch only, every `stepMs` from `fromMs` to `toMs`. */
function deepChanges(fromMs: number, toMs: number, stepMs: number): Row[] {
  const rows: Row[] = [];
  for (let t = fromMs, k = 0; t <= toMs; t += stepMs, k++) rows.push(level(k % 2 === 0 ? Side.Bid : Side.Ask, k % 2 === 0 ? 9_990 : 10_020, 5 + (k % 7), t));
  return rows;
}

function run(source: string, rows: Row[], options: { heartbeatNs?: number; names?: string[] } = {}): { e: Engine; actions: OrderAction[]; evalTimes: number[] } {
  const plan = planFrom(source);
  const actions: OrderAction[] = [];
  const e = new Engine(plan, { markets: [{ book: new MapBook(0.01) }], sink: (a) => actions.push(a), ...(options.heartbeatNs === undefined ? {} : { heartbeatNs: options.heartbeatNs }) });
  const batch = stream(rows, options.names);
  const evalTimes: number[] = [];
  for (let i = 0; i < batch.length; i++) {
    const before = e.stats.evaluations;
    e.replay(batch, identity(1), i, i + 1);
    if (e.stats.evaluations !== before) evalTimes.push(((batch.exchTs[i] ?? 0) - 36_000e9) / 1e6);
  }
  return { e, actions, evalTimes };
}

const HOUR = 3600e9;

/** A one-market plan quoting the touch, with `quote` clauses and other blocks added. */
function touchQuoter(opts: { quote?: string; blocks?: string }): string {
  return [
    'strategy "t" version 1 {',
    '  market m = sim:"BTC/USDT"',
    opts.blocks ?? '',
    '  quote m {',
    '    bid = m.bid',
    '    ask = m.ask',
    '    size = 1 BTC',
    opts.quote ?? '',
    '  }',
    '}',
  ].join('\n');
}

describe('timers', () => {
  it('a quote pass put off by min_interval happens when the interval ends, though only deeper levels moved since', () => {
    const { actions, evalTimes } = run(
      touchQuoter({ quote: `    min_interval 50ms` }),
      [...opening(0), level(Side.Bid, 10_001, 2, 10), ...deepChanges(20, 200, 20)],
      { heartbeatNs: HOUR },
    );
    // t=0: first evaluation (placing at 100.00 / 100.10); t=10: a better bid, but the pass is
    // owed until t=50; deep changes at 20 and 40 evaluate nothing; the message at 60 does.
    expect(evalTimes).toEqual([0, 10, 60]);
    const moved = actions.filter((a) => a.kind === 'amend' || (a.kind === 'place' && a.tNs > 36_000e9));
    expect(moved).toHaveLength(1);
    expect(moved[0]).toMatchObject({ kind: 'amend', priceTicks: 10_001, tNs: 36_000e9 + 60e6 });
  });

  it('an order reaching its refresh age is refreshed at the first message after, with nothing else moving', () => {
    const { actions, evalTimes } = run(
      touchQuoter({ quote: `    refresh when moved > 1 bps or every 2s` }),
      [...opening(0), ...deepChanges(100, 5_000, 300)],
      { heartbeatNs: HOUR },
    );
    // Placed at t=0, refreshed every time they reach 2 s, at the first message after.
    expect(evalTimes.filter((t) => t > 0)).toEqual([2_200, 4_300]);
    const refreshed = actions.filter((a) => a.kind === 'amend');
    expect(refreshed.map((a) => a.tNs - 36_000e9)).toEqual([2_200e6, 2_200e6, 4_300e6, 4_300e6]);
  });

  it('the heartbeat evaluates at least once a second of event time, and time-of-day rules see it', () => {
    const source = touchQuoter({ blocks: `  scenario late when time_of_day >= 10h0m2s {
    pause
  }` });
    const rows = [...opening(0), ...deepChanges(100, 4_000, 100)];
    const { e, evalTimes } = run(source, rows);
    expect(evalTimes.filter((t) => t > 0)).toEqual([1_000, 2_000, 3_000, 4_000]);
    expect(e.stats.scenarioChanges).toEqual([{ tNs: 36_000e9 + 2_000e6, from: 'normal', to: 'late' }]);
    // Without a heartbeat worth the name, the deep changes never wake the plan.
    const quiet = run(source, rows, { heartbeatNs: HOUR });
    expect(quiet.evalTimes.filter((t) => t > 0)).toEqual([]);
    expect(quiet.e.stats.scenarioChanges).toEqual([]);
  });

  it('a scenario waiting on `for` switches when its time is up', () => {
    const { e } = run(
      touchQuoter({ blocks: `  scenario wide when m.spread > 5 * m.tick for 1s {
    pause
  }` }),
      [...opening(0), ...deepChanges(100, 3_000, 300)],
      { heartbeatNs: HOUR },
    );
    expect(e.stats.scenarioChanges).toEqual([{ tNs: 36_000e9 + 1_000e6, from: 'normal', to: 'wide' }]);
  });

  it('the edges of an `event within` window are timers', () => {
    const cpi: Row = { kind: EventKind.Calendar, name: 0, atMs: 60_000, tMs: 50 };
    const { e } = run(
      touchQuoter({ blocks: `  scenario news when event("cpi") within 30s {
    pause
  }` }),
      [...opening(0), cpi, ...deepChanges(100, 100_000, 700)],
      { heartbeatNs: HOUR, names: ['cpi'] },
    );
    // The window is [30 s, 90 s]: the first deep change at or after each edge evaluates.
    expect(e.stats.scenarioChanges).toEqual([
      { tNs: 36_000e9 + 30_200e6, from: 'normal', to: 'news' },
      { tNs: 36_000e9 + 90_400e6, from: 'news', to: 'normal' },
    ]);
  });

  it('a plan with beta is evaluated at the first message after each whole second, where beta samples', () => {
    const source = `strategy "t" version 1 {
  market m = sim:"BTC/USDT"
  market h = sim:"ETH/USDT"
  quote m {
    bid = m.bid * (1 - 0.0001 * beta(m, h, 1m))
    ask = m.ask
    size = 1 BTC
  }
}`;
    const plan = planFrom(source);
    const e = new Engine(plan, { markets: [{ book: new MapBook(0.01) }, { book: new MapBook(0.01) }], heartbeatNs: HOUR });
    const rows = [...opening(0), ...deepChanges(100, 3_500, 300)];
    const batch = stream(rows);
    const evalTimes: number[] = [];
    for (let i = 0; i < batch.length; i++) {
      const before = e.stats.evaluations;
      e.replay(batch, Int16Array.from([0]), i, i + 1);
      if (e.stats.evaluations !== before) evalTimes.push(((batch.exchTs[i] ?? 0) - 36_000e9) / 1e6);
    }
    expect(evalTimes).toEqual([0, 1_000, 2_200, 3_100]);
  });

  it('a throttled order is tried again at the next message', () => {
    const { e, actions } = run(
      touchQuoter({ blocks: `  risk {
    orders <= 1 per 1s -> throttle
  }` }),
      [...opening(0), ...deepChanges(100, 3_000, 250)],
      { heartbeatNs: HOUR },
    );
    expect(e.stats.throttled).toBeGreaterThan(0);
    // Both sides get quoted, the second one when the bucket has refilled, without the touch moving.
    const places = actions.filter((a) => a.kind === 'place');
    expect(places.map((a) => a.side).sort()).toEqual([Side.Bid, Side.Ask].sort());
    expect((places[1]?.tNs ?? 0) - 36_000e9).toBeGreaterThanOrEqual(1_000e6);
  });
});
