// The live runner against an in-memory venue: it quotes, takes fills into its position, writes
// every action to the journal before acting, survives faults (unknown outcomes, dropped cancels,
// rejected hedges) without doubling or orphaning an order, recovers from the journal after a crash,
// and cancels everything at stop.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/program.js';
import { MemoryJournal, type JournalRecord } from '../../runtime/live/journal.js';
import { LiveRunner } from '../../runtime/live/runner.js';
import { SqliteJournal } from '../../runtime/live/sqlite-journal.js';
import { decodeClientId, encodeClientId, isOurs } from '../../runtime/venue/client-ids.js';
import { RateBudget } from '../../runtime/venue/rate-budget.js';
import { rulesetsDir } from '../helpers.js';
import { FakeVenue } from './fake-venue.js';
import { hedgedPlan } from './plans.js';

const plan = compile(readFileSync(path.join(rulesetsDir, 'pure-symmetric.quoin'), 'utf8'), { file: 'pure-symmetric.quoin' }).plan!;

function runner(venue: FakeVenue, journal = new MemoryJournal(() => venue.clockMs), instanceId = 'paper-1'): { r: LiveRunner; journal: MemoryJournal | SqliteJournal } {
  const r = new LiveRunner({ plan, instanceId, venues: new Map([['binance', venue]]), journal, now: () => venue.clockMs, sleep: async () => undefined, backoffMs: 1 });
  return { r, journal };
}

/** Every order the venue holds open was placed by the journal's instance and is known to it. */
function openAtVenue(v: FakeVenue): string[] {
  return [...v.orders.values()].filter((o) => o.status === 'open').map((o) => o.clientId);
}

function journalPosition(records: JournalRecord[]): number {
  return Number(records.reduce((s, r) => (r.entry.kind === 'fill' ? s + (r.entry.side === 'buy' ? r.entry.qty : -r.entry.qty) : s), 0).toFixed(10));
}

describe('client ids and the rate budget', () => {
  it('encode instance and plan hash, decode back, and tell ours from others', () => {
    const id = encodeClientId('paper-default', plan.hash, 12345);
    expect(id.length).toBeLessThanOrEqual(36);
    expect(id).toMatch(/^[.A-Za-z0-9:/_-]+$/);
    expect(decodeClientId(id)).toEqual({ tag: 'paperdefau', planHash8: plan.hash.slice(7, 15), seq: 12345 });
    expect(isOurs(id, 'paper-default')).toBe(true);
    expect(isOurs(id, 'other')).toBe(false);
    expect(isOurs('web_12345', 'paper-default')).toBe(false);
    expect(() => encodeClientId('---', plan.hash, 1)).toThrow(/no letters or digits/);
  });

  it('keeps a reserve only cancels may use, and backs off after a 429', () => {
    let now = 0;
    const b = new RateBudget({ capacity: 10, refillPerSec: 10, cancelReserve: 0.2 }, () => now);
    let orders = 0;
    while (b.tryTake('order')) orders++;
    expect(orders).toBe(8);
    expect(b.tryTake('cancel')).toBe(true);
    expect(b.tryTake('cancel')).toBe(true);
    expect(b.tryTake('cancel')).toBe(false);
    now = 1000;
    expect(b.tryTake('order')).toBe(true);
    b.backOff(500);
    expect(b.tryTake('order')).toBe(false);
    expect(b.waitMs('order')).toBeGreaterThanOrEqual(500);
    now = 1600;
    expect(b.tryTake('order')).toBe(true);
  });
});

describe('live runner', () => {
  it('quotes post-only, takes fills into its position (equal to the venue\'s), journals each action before it acts', async () => {
    const v = new FakeVenue();
    const { r, journal } = runner(v);
    await r.start();
    await r.step();
    const open = openAtVenue(v);
    expect(open).toHaveLength(2);
    for (const id of open) expect(isOurs(id, 'paper-1')).toBe(true);
    // The market trades down through our bid: we buy.
    v.move(59900, 59900.01);
    await r.step();
    await r.step();
    expect(r.snapshot().positions.m).toBeCloseTo(0.01, 10);
    expect(v.position()).toBeCloseTo(0.01, 10);
    const records = await journal.read();
    expect(journalPosition(records)).toBeCloseTo(v.position(), 10);
    // Write-ahead: each order's `place` comes before its ack, each cancel before its `done`.
    const seen = new Map<string, string[]>();
    for (const rec of records) if ('clientId' in rec.entry) seen.set(rec.entry.clientId, [...(seen.get(rec.entry.clientId) ?? []), rec.entry.kind]);
    for (const [, kinds] of seen) {
      expect(kinds[0]).toBe('place');
      if (kinds.includes('done') && kinds.includes('cancel')) expect(kinds.indexOf('cancel')).toBeLessThan(kinds.indexOf('done'));
    }
    await r.stop('test over');
    expect(openAtVenue(v)).toEqual([]);
    expect((await journal.read()).at(-1)?.entry).toEqual({ kind: 'stop', reason: 'test over' });
  });

  it('does not double an order whose placement timed out after the venue took it', async () => {
    const v = new FakeVenue();
    const { r } = runner(v);
    await r.start();
    v.faults.placeOrder = ['after', 'before'];
    await r.step();
    const ids = [...v.orders.values()].map((o) => o.clientId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(openAtVenue(v)).toHaveLength(2);
    expect(r.snapshot().counts.unknownOutcomes).toBeGreaterThanOrEqual(2);
    // The order that was taken despite the error is tracked (not written off as rejected).
    expect(r.snapshot().openOrders).toBe(2);
    expect(r.snapshot().counts.rejected).toBe(0);
    await r.stop('done');
    expect(openAtVenue(v)).toEqual([]);
  });

  it('a cancel whose connection dropped after it took effect leaves no orphan; a venue that stops answering gets everything cancelled once it is back', async () => {
    const v = new FakeVenue();
    const { r } = runner(v);
    await r.start();
    await r.step();
    v.faults.cancelOrder = ['after'];
    v.move(60100, 60100.01); // quotes must move: cancels (amends) go out, the first one "drops"
    await r.step();
    await r.step();
    expect(openAtVenue(v).length).toBeLessThanOrEqual(2);
    // Three failed book polls: disconnected, quoting stops, cancels are attempted.
    v.faults.fetchBook = ['before', 'before', 'before'];
    v.faults.cancelOrder = ['before', 'before', 'before', 'before', 'before', 'before', 'before', 'before'];
    await r.step();
    await r.step();
    await r.step();
    expect(r.snapshot().disconnected).toEqual(['binance']);
    await r.step(); // back: reconcile cancels every order of ours, then quotes again
    expect(r.snapshot().disconnected).toEqual([]);
    const open = openAtVenue(v);
    expect(open.length).toBeLessThanOrEqual(2);
    await r.stop('done');
    expect(openAtVenue(v)).toEqual([]);
  });

  it('after a crash, a new runner recovers positions from the journal, collects fills it missed and cancels leftover orders (a SQLite journal)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'quoin-journal-'));
    try {
      const file = path.join(dir, 'journal.db');
      const v = new FakeVenue();
      const j1 = await SqliteJournal.open(file, 'paper-1', () => v.clockMs);
      const first = runner(v, j1 as never).r;
      await first.start();
      await first.step();
      v.move(59900, 59900.01);
      await first.step();
      await first.step();
      expect(first.snapshot().positions.m).toBeCloseTo(0.01, 10);
      // Crash: no stop(). While down, the market sells off through our (re-placed) bid again.
      await j1.close();
      v.move(59800, 59800.01);
      const leftover = openAtVenue(v).length;
      // Someone else's order on the same account is left alone.
      await v.placeOrder({ clientId: 'manual-1', symbol: 'BTC/USDT', side: 'buy', price: 50000, qty: 0.01, postOnly: true });
      const j2 = await SqliteJournal.open(file, 'paper-1', () => v.clockMs);
      const second = runner(v, j2 as never).r;
      await second.start();
      expect(leftover).toBeGreaterThan(0);
      expect(openAtVenue(v)).toEqual(['manual-1']);
      expect(second.snapshot().positions.m).toBeCloseTo(v.position(), 10);
      expect(journalPosition(await j2.read())).toBeCloseTo(v.position(), 10);
      await second.step();
      await second.stop('done');
      expect(openAtVenue(v)).toEqual(['manual-1']);
      await j2.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the SQLite journal refuses updates and deletes', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'quoin-journal-'));
    try {
      const j = await SqliteJournal.open(path.join(dir, 'j.db'), 'x');
      await j.append({ kind: 'note', text: 'hello' });
      const sqlite3 = (await import('sqlite3')).default;
      const db = new sqlite3.Database(path.join(dir, 'j.db'));
      const err = await new Promise<Error | null>((resolve) => db.run('DELETE FROM order_journal', (e) => resolve(e)));
      expect(err?.message).toMatch(/append-only/);
      await new Promise((resolve) => db.close(resolve));
      expect((await j.read()).map((r) => r.entry)).toEqual([{ kind: 'note', text: 'hello' }]);
      await j.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('hedging through the runner', () => {
  const hedgePlan = (): typeof plan => hedgedPlan('binanceusdm:"BTC/USDT:USDT"', { halfSpreadBps: 3, slippageBps: 5 });

  function hedged(spot: FakeVenue, perp: FakeVenue, journal: MemoryJournal): LiveRunner {
    return new LiveRunner({ plan: hedgePlan(), instanceId: 'hedge-1', venues: new Map([['binance', spot], ['binanceusdm', perp]]), journal, now: () => spot.clockMs, sleep: async () => undefined, backoffMs: 1 });
  }

  it('hedges a spot fill on the perpetual, within the slippage bound', async () => {
    const spot = new FakeVenue();
    const perp = new FakeVenue();
    const journal = new MemoryJournal(() => spot.clockMs);
    const r = hedged(spot, perp, journal);
    await r.start();
    await r.step();
    spot.move(59900, 59900.01);
    perp.move(59900, 59900.01);
    for (let i = 0; i < 4; i++) await r.step();
    const snap = r.snapshot();
    expect(snap.positions.s).toBeCloseTo(0.01, 10);
    expect(snap.positions.h).toBeCloseTo(-0.01, 10);
    expect(perp.position()).toBeCloseTo(-0.01, 10);
    const hedgeFill = perp.fills[0]!;
    expect(hedgeFill.liquidity).toBe('taker');
    expect(hedgeFill.price).toBeGreaterThanOrEqual(59900 * (1 - 5e-4) - 1e-9);
    await r.stop('done');
    expect(openAtVenue(spot)).toEqual([]);
    expect(openAtVenue(perp)).toEqual([]);
  });

  it('a hedge the venue keeps rejecting is retried, then recorded with its exposure and quoting halts', async () => {
    const spot = new FakeVenue();
    const perp = new FakeVenue();
    const journal = new MemoryJournal(() => spot.clockMs);
    const r = hedged(spot, perp, journal);
    await r.start();
    await r.step();
    perp.faults.placeOrder = ['reject', 'reject', 'reject'];
    spot.move(59900, 59900.01);
    perp.move(59900, 59900.01);
    for (let i = 0; i < 3; i++) await r.step();
    expect(perp.calls.placeOrder).toBe(3);
    const failed = (await journal.read()).filter((x) => x.entry.kind === 'hedge_failed').map((x) => x.entry);
    expect(failed).toEqual([expect.objectContaining({ kind: 'hedge_failed', symbol: 'BTC/USDT:USDT', side: 'sell', qty: 0.01 })]);
    expect(r.snapshot().riskState).toBe('halted');
    expect(r.snapshot().hedgeFailures).toBe(1);
    expect(openAtVenue(spot)).toEqual([]);
    await r.stop('done');
  });
});

describe('credit exposure per venue', () => {
  it('quotes under the limit, and over it sends nothing that adds to the position there (journaled)', async () => {
    const make = (limit: number): { r: LiveRunner; journal: MemoryJournal; v: FakeVenue } => {
      const v = new FakeVenue();
      const journal = new MemoryJournal(() => v.clockMs);
      const r = new LiveRunner({ plan, instanceId: 'credit', venues: new Map([['binance', v]]), journal, now: () => v.clockMs, sleep: async () => undefined, backoffMs: 1, credit: { limits: { binance: { limit } }, checkEveryMs: 0 } });
      return { r, journal, v };
    };
    // Held at the venue: 1,000,000 USDT + 10 BTC × 60,000 = 1.6M.
    const roomy = make(1e7);
    await roomy.r.start();
    await roomy.r.step();
    expect(roomy.r.snapshot().credit).toEqual({ binance: 'ok' });
    expect(openAtVenue(roomy.v)).toHaveLength(2);

    const alert = make(1.9e6);
    await alert.r.start();
    await alert.r.step();
    expect(alert.r.snapshot().credit).toEqual({ binance: 'alert' });
    expect(openAtVenue(alert.v)).toHaveLength(2);

    const tight = make(1e6);
    await tight.r.start();
    await tight.r.step();
    await tight.r.step();
    expect(tight.r.snapshot().credit).toEqual({ binance: 'reduce_only' });
    expect(openAtVenue(tight.v)).toEqual([]);
    const notes = (await tight.journal.read()).filter((x) => x.entry.kind === 'note').map((x) => (x.entry as { text: string }).text);
    expect(notes.some((t) => /credit binance: ok → reduce_only/.test(t))).toBe(true);
  });

  it('runs on the venue\'s tick and lot when they differ from the plan\'s catalogue', async () => {
    const v = new FakeVenue();
    // A mid whose 5 bp quotes fall between 0.1 ticks: on the plan's 0.01 tick they would not be multiples of 0.1.
    v.bid = 60000.33;
    v.ask = 60000.34;
    v.loadMarkets = async (symbols) => new Map(symbols.map((s) => [s, { symbol: s, base: 'BTC', quote: 'USDT', tickSize: 0.1, lotSize: 0.001, minQty: 0.001, minNotional: 10 }]));
    const log: string[] = [];
    const r = new LiveRunner({ plan, instanceId: 'ticks', venues: new Map([['binance', v]]), journal: new MemoryJournal(), now: () => v.clockMs, sleep: async () => undefined, log: (l) => log.push(l) });
    await r.start();
    await r.step();
    expect(log.join('\n')).toMatch(/tick\/lot\/min qty\/min notional 0\.1\/0\.001\/0\.001\/10 replace the plan's 0\.01\/0\.00001/);
    const prices = openAtVenue(v).map((id) => [...v.orders.values()].find((o) => o.clientId === id)!.price);
    expect(prices).toHaveLength(2);
    for (const p of prices) expect(Math.abs(p * 10 - Math.round(p * 10))).toBeLessThan(1e-6);
  });
});

describe('credit rules of the plan', () => {
  const withCredit = (rule: string): typeof plan => {
    const src = readFileSync(path.join(rulesetsDir, 'pure-symmetric.quoin'), 'utf8').replace('  risk {', `  risk {\n    ${rule}`);
    const r = compile(src, { file: 'credit.quoin' });
    if (!r.plan) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
    return r.plan;
  };
  const run = async (p: typeof plan): Promise<{ r: LiveRunner; v: FakeVenue }> => {
    const v = new FakeVenue();
    const r = new LiveRunner({ plan: p, instanceId: 'credit-plan', venues: new Map([['binance', v]]), journal: new MemoryJournal(() => v.clockMs), now: () => v.clockMs, sleep: async () => undefined });
    await r.start();
    await r.step();
    await r.step();
    return { r, v };
  };

  it('reduce_only at the plan\'s limit: nothing that adds exposure is sent', async () => {
    const { r, v } = await run(withCredit('credit binance <= 1000000 USDT -> reduce_only'));
    expect(r.snapshot().credit).toEqual({ binance: 'reduce_only' });
    expect(r.snapshot().riskState).toBe('active');
    expect(openAtVenue(v)).toEqual([]);
  });

  it('halt at the limit stops quoting; under it the plan quotes as usual', async () => {
    const halted = await run(withCredit('credit binance <= 1000000 USDT -> halt'));
    expect(halted.r.snapshot().riskState).toBe('halted');
    const fine = await run(withCredit('credit binance <= 5000000 USDT -> halt'));
    expect(fine.r.snapshot().credit).toEqual({ binance: 'ok' });
    expect(openAtVenue(fine.v)).toHaveLength(2);
  });
});

describe('patience at start and stop', () => {
  it('waits out a burst of refusals while reconciling, where the quoting loop would give up sooner', async () => {
    const v = new FakeVenue();
    v.faults.fetchOpenOrders = Array.from({ length: 6 }, () => 'before' as const);
    const { r } = runner(v);
    await r.start();
    expect(v.faults.fetchOpenOrders).toEqual([]);
    expect(r.snapshot().counts.retries).toBe(6);
    await r.step();
    expect(openAtVenue(v)).toHaveLength(2);
    await r.stop('done');
    expect(openAtVenue(v)).toEqual([]);
  });
});
