// The runner through ccxt (unmodified) against the loopback venue server fed by the real recorded
// data: it quotes and gets filled; with faults injected (429 bursts, timeouts, a connection dropped
// in the middle of a cancel) it recovers; a restart in the middle of the session recovers from the
// journal; a hedge goes to a second venue, and a hedge that venue keeps rejecting is recorded and
// halts quoting. Every run ends with no orphan order and the journal's position equal to the venue's.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../compiler/program.js';
import { recover } from '../../runtime/live/journal.js';
import { LiveRunner } from '../../runtime/live/runner.js';
import { SqliteJournal } from '../../runtime/live/sqlite-journal.js';
import { CcxtVenue, loadCcxt } from '../../runtime/venue/ccxt-venue.js';

// Venues are made synchronously in these tests: load ccxt once up front.
await loadCcxt();
import { isOurs } from '../../runtime/venue/client-ids.js';
import { loopbackBinanceOptions } from '../../venue/ccxt-options.js';
import { startVenueServer, type VenueServer } from '../../venue/server.js';
import { rulesetsDir } from '../helpers.js';
import { hedgedPlan } from './plans.js';

const btc = path.join(rulesetsDir, '..', '..', 'shared', 'data', 'binance', 'spot', 'btcusdt_20240808.gz');
const data = existsSync(btc) ? [btc] : undefined;

// The pure-symmetric template, quoting 1 bp either side so fills come within seconds.
const source = readFileSync(path.join(rulesetsDir, 'pure-symmetric.quoin'), 'utf8').replace(/half_spread\s*=\s*[0-9.]+ bps/, 'half_spread  = 1 bps');
const plan = compile(source, { file: 'tight.quoin' }).plan!;

function adapter(server: VenueServer): CcxtVenue {
  return new CcxtVenue({ exchange: 'binance', config: { ...loopbackBinanceOptions(server.url, server.apiKey, server.secret), timeout: 1500 }, budget: { capacity: 200, refillPerSec: 100 } });
}

async function venueState(server: VenueServer, symbol = 'BTC/USDT'): Promise<{ open: string[]; base: number }> {
  const v = adapter(server);
  const open = (await v.fetchOpenOrders(symbol)).map((o) => o.clientId);
  const base = (await v.fetchBalances()).BTC?.total ?? NaN;
  await v.close();
  return { open, base };
}

async function runUntil(r: LiveRunner, cond: () => boolean, maxMs: number, stepMs = 100): Promise<void> {
  const until = Date.now() + maxMs;
  while (!cond() && Date.now() < until) {
    await r.step();
    await new Promise((res) => setTimeout(res, stepMs));
  }
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'quoin-ccxt-runner-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('paper trading through ccxt against the loopback venue', () => {
  let server: VenueServer;
  beforeAll(async () => {
    server = await startVenueServer({ ...(data ? { data } : {}), speed: 5, fees: { maker: 0.0001, taker: 0.0004 } });
  }, 60_000);
  afterAll(async () => server?.close());

  it('quotes, gets filled, survives 429s, timeouts and a dropped cancel, restarts from the journal, and ends flat on orders with the journal\'s position equal to the venue\'s', async () => {
    const start = await venueState(server);
    const file = path.join(dir, 'paper.db');
    const log: string[] = [];
    const make = async (): Promise<{ r: LiveRunner; j: SqliteJournal; v: CcxtVenue }> => {
      const j = await SqliteJournal.open(file, 'paper-ccxt');
      const v = adapter(server);
      const r = new LiveRunner({ plan, instanceId: 'paper-ccxt', venues: new Map([['binance', v]]), journal: j, backoffMs: 50, log: (l) => log.push(l) });
      return { r, j, v };
    };

    const first = await make();
    await first.r.start();
    await runUntil(first.r, () => first.r.snapshot().openOrders >= 2, 10_000);
    expect((await venueState(server)).open.filter((id) => isOurs(id, 'paper-ccxt'))).toHaveLength(2);

    // Faults while it runs: a burst of 429s, a placement that times out, a cancel whose connection drops after it took effect.
    server.faults.add({ kind: 'rate_limit', count: 4 });
    server.faults.add({ kind: 'timeout', method: 'POST', path: '/api/v3/order', count: 1 });
    server.faults.add({ kind: 'drop_after', method: 'DELETE', path: '/api/v3/order', count: 1 });
    await runUntil(first.r, () => first.r.snapshot().fills >= 1 && server.faults.list().length === 0, 60_000);
    expect(first.r.snapshot().fills).toBeGreaterThanOrEqual(1);
    expect(log.join('\n')).toMatch(/DDoSProtection|RateLimit|over the request budget/);

    // Crash in the middle of the session: no stop, the journal is closed as a killed process would leave it.
    await first.j.close();
    await first.v.close();
    const beforeRestart = await venueState(server);
    expect(beforeRestart.open.length).toBeGreaterThan(0); // orders left behind by the "crash"

    const second = await make();
    await second.r.start();
    const recovered = recover(await second.j.read(), 1);
    expect(recovered.positions[0]).toBeCloseTo(second.r.snapshot().positions.m!, 10);
    await runUntil(second.r, () => false, 3_000);
    await second.r.stop('test over');

    const end = await venueState(server);
    expect(end.open.filter((id) => isOurs(id, 'paper-ccxt'))).toEqual([]);
    const journalPosition = recover(await second.j.read(), 1).positions[0]!;
    expect(journalPosition).toBeCloseTo(end.base - start.base, 8);
    expect(second.r.snapshot().positions.m).toBeCloseTo(end.base - start.base, 8);
    await second.j.close();
    await second.v.close();
  }, 180_000);
});

describe('hedging on a second venue', () => {
  let spot: VenueServer;
  let hedgeVenue: VenueServer;
  beforeAll(async () => {
    [spot, hedgeVenue] = await Promise.all([startVenueServer({ ...(data ? { data } : {}), speed: 5 }), startVenueServer({ ...(data ? { data } : {}), speed: 5 })]);
  }, 60_000);
  afterAll(async () => {
    await spot?.close();
    await hedgeVenue?.close();
  });

  const plan2 = hedgedPlan('bybit:"BTC/USDT"', { halfSpreadBps: 1, slippageBps: 10 });

  it('hedges fills on the second venue; a hedge that keeps being rejected is journaled with its exposure and halts quoting; no orphan anywhere', async () => {
    const j = await SqliteJournal.open(path.join(dir, 'hedge.db'), 'hedge-ccxt');
    const sv = adapter(spot);
    const hv = adapter(hedgeVenue);
    const startSpot = await venueState(spot);
    const startHedge = await venueState(hedgeVenue);
    const r = new LiveRunner({ plan: plan2, instanceId: 'hedge-ccxt', venues: new Map([['binance', sv], ['bybit', hv]]), journal: j, backoffMs: 50 });
    await r.start();
    // First fill: hedged on the other venue, net exposure back inside the threshold.
    await runUntil(r, () => Math.abs(r.snapshot().positions.h ?? 0) > 0, 90_000);
    await runUntil(r, () => false, 1_000);
    let snap = r.snapshot();
    expect(Math.abs(snap.positions.h!)).toBeGreaterThan(0);
    expect(Math.abs(snap.positions.s! + snap.positions.h!)).toBeLessThanOrEqual(0.005 + 0.01 + 1e-9);
    // Now the hedge venue rejects everything: the next hedge fails, is recorded, quoting halts.
    hedgeVenue.faults.add({ kind: 'reject_orders', method: 'POST', path: '/api/v3/order' });
    await runUntil(r, () => r.snapshot().hedgeFailures > 0, 90_000);
    snap = r.snapshot();
    expect(snap.hedgeFailures).toBeGreaterThan(0);
    expect(snap.riskState).toBe('halted');
    const failures = recover(await j.read(), 2).hedgeFailures;
    expect(failures[0]).toMatchObject({ kind: 'hedge_failed', symbol: 'BTC/USDT' });
    hedgeVenue.faults.clear();
    await r.stop('test over');
    const endSpot = await venueState(spot);
    const endHedge = await venueState(hedgeVenue);
    expect(endSpot.open.filter((id) => isOurs(id, 'hedge-ccxt'))).toEqual([]);
    expect(endHedge.open.filter((id) => isOurs(id, 'hedge-ccxt'))).toEqual([]);
    const positions = recover(await j.read(), 2).positions;
    expect(positions[0]).toBeCloseTo(endSpot.base - startSpot.base, 8);
    expect(positions[1]).toBeCloseTo(endHedge.base - startHedge.base, 8);
    await j.close();
    await sv.close();
    await hv.close();
  }, 240_000);
});

describe('several markets sharing one budget', () => {
  const eth = btc.replace('btcusdt', 'ethusdt');
  const both = existsSync(btc) && existsSync(eth) ? [btc, eth] : undefined;
  let server: VenueServer;
  beforeAll(async () => {
    server = await startVenueServer({ ...(both ? { data: both } : {}), speed: 5 });
  }, 60_000);
  afterAll(async () => server?.close());

  it.skipIf(!both)('quotes BTC and ETH from one plan (multi-asset template, tighter spread) and keeps both positions equal to the venue\'s', async () => {
    const source2 = readFileSync(path.join(rulesetsDir, 'multi-asset.quoin'), 'utf8').replace(/half_spread\s*=\s*[0-9.]+ bps/, 'half_spread  = 1 bps');
    const multi = compile(source2, { file: 'multi.quoin' }).plan!;
    const v = adapter(server);
    const startBal = await v.fetchBalances();
    const j = await SqliteJournal.open(path.join(dir, 'multi.db'), 'multi-ccxt');
    const r = new LiveRunner({ plan: multi, instanceId: 'multi-ccxt', venues: new Map([['binance', v]]), journal: j, backoffMs: 50 });
    await r.start();
    await runUntil(r, () => r.snapshot().openOrders >= 4, 15_000);
    const ours = async (): Promise<Array<{ symbol: string }>> => [...(await v.fetchOpenOrders('BTC/USDT')), ...(await v.fetchOpenOrders('ETH/USDT'))].filter((o) => isOurs(o.clientId, 'multi-ccxt'));
    const open = await ours();
    expect(new Set(open.map((o) => o.symbol))).toEqual(new Set(['BTC/USDT', 'ETH/USDT']));
    await runUntil(r, () => r.snapshot().fills >= 2, 60_000);
    await r.stop('test over');
    expect(await ours()).toEqual([]);
    const endBal = await v.fetchBalances();
    const positions = recover(await j.read(), 2).positions;
    expect(positions[0]).toBeCloseTo(endBal.BTC!.total - startBal.BTC!.total, 8);
    expect(positions[1]).toBeCloseTo(endBal.ETH!.total - startBal.ETH!.total, 8);
    expect(r.snapshot().positions).toEqual({ btc: expect.closeTo(positions[0]!, 8), eth: expect.closeTo(positions[1]!, 8) });
    await j.close();
    await v.close();
  }, 120_000);
});
