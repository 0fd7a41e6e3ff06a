// The whole governance flow through the HTTP API, on real data: draft → tested (backtest and stress
// on record for the plan hash) → pending approval → approved (four eyes, plan hash named, inside the
// envelope) → deployed (hot swap) → rolled back → killed, every step in the hash-chained audit log.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_SEMANTICS } from '../../runtime/semantics.js';
import { rulesetsDir } from '../helpers.js';
import { btcDay, sharedData, testService, waitForJob, type TestService } from './harness.js';
import { existsSync } from 'node:fs';

const hasData = existsSync(path.join(sharedData, btcDay));
const source = readFileSync(path.join(rulesetsDir, 'pure-symmetric.quoin'), 'utf8');
// Version 2 quotes wider: a different plan hash on the same market.
const source2 = source.replace(/half_spread\s*=\s*[0-9.]+ bps/, (m) => m.replace(/[0-9.]+ bps/, '9 bps'));
const window = hasData ? { data: [btcDay], from: '0s', to: '5m' } : {};

let s: TestService;
beforeAll(async () => {
  s = await testService();
});
afterAll(async () => s.close());

async function tested(versionId: number): Promise<void> {
  const bt = await s.as('author', 'POST', `/api/versions/${versionId}/backtests`, window);
  expect(bt.statusCode, bt.body).toBe(202);
  expect(bt.json().engineSemantics).toBe(ENGINE_SEMANTICS);
  const st = await s.as('risk', 'POST', `/api/versions/${versionId}/stress`, { ...window, scenarios: ['gap_down', 'flash_crash'] });
  expect(st.statusCode, st.body).toBe(202);
  const btJob = await waitForJob(s, bt.json().id);
  expect(btJob.status, btJob.error ?? '').toBe('done');
  expect(btJob.progress).toBe(1);
  const stJob = await waitForJob(s, st.json().id);
  expect(stJob.status, stJob.error ?? '').toBe('done');
  expect((stJob.result as { rows: unknown[] }).rows.length).toBeGreaterThanOrEqual(2);
  await s.deps.jobs.whenIdle();
}

describe('lifecycle through the API', () => {
  let v1: { id: number; planHash: string };
  let v2: { id: number; planHash: string };

  it('creates a rule set with a first draft version, compiled on the way in', async () => {
    expect(source2).not.toBe(source);
    const res = await s.as('author', 'POST', '/api/rulesets', { id: 'mm', name: 'BTC market making', source });
    expect(res.statusCode, res.body).toBe(201);
    const first = res.json().versions[0];
    expect(first).toMatchObject({ number: 1, status: 'draft' });
    expect(first.planHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    v1 = first;
  });

  it('refuses to submit an untested version, saying what is missing', async () => {
    const res = await s.as('author', 'POST', `/api/versions/${v1.id}/submit`);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'not_tested' });
    expect(res.json().message).toContain('a finished backtest and a finished stress run');
  });

  it('a failed job says why (bad latency spec) and does not count as evidence', async () => {
    const res = await s.as('author', 'POST', `/api/versions/${v1.id}/backtests`, { ...window, latency: 'warp-speed' });
    expect(res.statusCode).toBe(202);
    const job = await waitForJob(s, res.json().id);
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/latency/i);
    expect(job.error).not.toMatch(/at .*\.ts:\d+/);
    expect((await s.as('viewer', 'GET', `/api/versions/${v1.id}`)).json().status).toBe('draft');
  });

  it.skipIf(!hasData)('binds a plan market the data lacks through the request\'s markets field, and says to when it is missing', async () => {
    const multi = readFileSync(path.join(rulesetsDir, 'multi-asset.quoin'), 'utf8');
    const created = await s.as('author', 'POST', '/api/rulesets', { id: 'multi', name: 'two markets', source: multi });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().versions[0].id;
    const missing = await waitForJob(s, (await s.as('author', 'POST', `/api/versions/${id}/backtests`, window)).json().id);
    expect(missing.status).toBe('failed');
    expect(missing.error).toMatch(/no data for market eth \(binance:ETH\/USDT\)/);
    expect(missing.error).toContain("the request's markets field");
    expect(missing.error).not.toContain('--market');
    // One data market cannot drive two plan markets: the refusal names the market it already drives.
    const twice = await waitForJob(s, (await s.as('author', 'POST', `/api/versions/${id}/backtests`, { ...window, markets: { btc: 'BTC/USDT', eth: 'BTC/USDT' } })).json().id);
    expect(twice.error).toMatch(/^markets\.eth = "BTC\/USDT": binance:BTC\/USDT already drives market btc/);
    const res = await s.as('author', 'POST', `/api/versions/${id}/backtests`, { ...window, markets: { x: 'BTC/USDT' } });
    expect(res.statusCode).toBe(202);
    expect((await waitForJob(s, res.json().id)).error).toMatch(/^markets\.x = "BTC\/USDT": the plan has no market 'x' \(it has btc, eth\)/);
    const bad = await s.as('author', 'POST', `/api/versions/${id}/backtests`, { ...window, markets: { 'no spaces': 'BTC/USDT' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('invalid_body');
    await s.deps.jobs.whenIdle();
  });

  it('does not take runs made under another engine semantics version as evidence, and says so', async () => {
    // As if made by an earlier Quoin, whose engine decided differently: finished, on record, outdated.
    const v = await s.store.getVersion(v1.id);
    for (const kind of ['backtest', 'stress'] as const) {
      const job = await s.store.createJob({ kind, versionId: v.id, planHash: v1.planHash, engineSemantics: ENGINE_SEMANTICS - 1, request: {}, actor: 'test' });
      await s.store.updateJob({ id: job.id, status: 'done', progress: 1, result: {} });
    }
    const res = await s.as('author', 'POST', `/api/versions/${v1.id}/submit`);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'not_tested' });
    expect(res.json().message).toContain('a finished backtest and a finished stress run');
    expect(res.json().message).toContain(`finished runs on record for it: 2, made under engine semantics ${ENGINE_SEMANTICS - 1}, and this server runs ${ENGINE_SEMANTICS}`);
    const shown = (await s.as('viewer', 'GET', `/api/versions/${v1.id}`)).json();
    expect(shown.status).toBe('draft');
    expect(shown.evidence).toEqual({ backtest: null, stress: null });
  });

  it('becomes tested once a backtest and a stress run of its plan hash are done', async () => {
    await tested(v1.id);
    const v = (await s.as('viewer', 'GET', `/api/versions/${v1.id}`)).json();
    expect(v.status).toBe('tested');
    expect(v.evidence.backtest).toBeTruthy();
    expect(v.evidence.stress).toBeTruthy();
  }, 120_000);

  it('submits, then enforces four eyes and the plan hash at approval', async () => {
    expect((await s.as('author', 'POST', `/api/versions/${v1.id}/submit`)).json().status).toBe('pending_approval');
    // The author cannot approve (role); a risk manager who wrote it cannot either (four eyes).
    expect((await s.as('author', 'POST', `/api/versions/${v1.id}/approve`, { planHash: v1.planHash })).statusCode).toBe(403);
    const wrong = await s.as('risk', 'POST', `/api/versions/${v1.id}/approve`, { planHash: `sha256:${'f'.repeat(64)}` });
    expect(wrong.statusCode).toBe(409);
    expect(wrong.json().code).toBe('plan_hash_mismatch');
  });

  it('refuses approval while the plan exceeds the envelope, at the offending line', async () => {
    const tight = await s.as('risk', 'PUT', '/api/envelopes/global', { maxPosition: 0.001 });
    expect(tight.statusCode, tight.body).toBe(200);
    const res = await s.as('risk', 'POST', `/api/versions/${v1.id}/approve`, { planHash: v1.planHash, comment: 'ok' });
    expect(res.statusCode).toBe(422);
    const body = res.json();
    expect(body.code).toBe('envelope_exceeded');
    expect(body.diagnostics[0]).toMatchObject({ code: 'Q6001', file: 'mm.quoin' });
    const line = source.split('\n')[body.diagnostics[0].range.start.line - 1];
    expect(line).toMatch(/position/);
    expect((await s.as('viewer', 'GET', `/api/versions/${v1.id}/envelope-check`)).json().ok).toBe(false);
    expect((await s.as('risk', 'PUT', '/api/envelopes/global', { maxPosition: 100 })).statusCode).toBe(200);
  });

  it('two risk managers approving at once: exactly one succeeds', async () => {
    const [a, b] = await Promise.all([
      s.as('risk', 'POST', `/api/versions/${v1.id}/approve`, { planHash: v1.planHash, comment: 'first' }),
      s.as('risk2', 'POST', `/api/versions/${v1.id}/approve`, { planHash: v1.planHash, comment: 'second' }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const v = (await s.as('viewer', 'GET', `/api/versions/${v1.id}`)).json();
    expect(v.status).toBe('approved');
    expect(v.approvals).toHaveLength(1);
    expect(v.approvals[0].planHash).toBe(v1.planHash);
  });

  it('deploys to a new instance once, even when asked five times at once', async () => {
    const src = hasData ? { kind: 'replay', data: [btcDay], speed: 50 } : { kind: 'simulated', seed: 7 };
    expect((await s.as('operator', 'POST', '/api/instances', { id: 'paper-1', name: 'paper 1', source: src })).statusCode).toBe(201);
    const results = await Promise.all(Array.from({ length: 5 }, () => s.as('operator', 'POST', '/api/instances/paper-1/deploy', { versionId: v1.id })));
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes).toEqual([200, 409, 409, 409, 409]);
    expect(results.filter((r) => r.statusCode === 409).every((r) => r.json().code === 'already_deployed' || r.json().code === 'conflict')).toBe(true);
    expect((await s.as('viewer', 'GET', '/api/instances/paper-1/deployments')).json()).toHaveLength(1);
    const inst = (await s.as('viewer', 'GET', '/api/instances/paper-1')).json();
    expect(inst.status).toBe('running');
    expect(inst.live).toMatchObject({ planHash: v1.planHash });
  });

  it('hot-swaps to version 2 and rolls back to version 1 in one call', async () => {
    const res = await s.as('author', 'POST', '/api/rulesets/mm/versions', { source: source2 });
    expect(res.statusCode, res.body).toBe(201);
    v2 = res.json();
    expect(v2.planHash).not.toBe(v1.planHash);
    await tested(v2.id);
    await s.as('author', 'POST', `/api/versions/${v2.id}/submit`);
    expect((await s.as('risk2', 'POST', `/api/versions/${v2.id}/approve`, { planHash: v2.planHash })).statusCode).toBe(200);
    const before = (await s.as('viewer', 'GET', '/api/instances/paper-1')).json().live;
    const deployed = await s.as('operator', 'POST', '/api/instances/paper-1/deploy', { versionId: v2.id });
    expect(deployed.statusCode, deployed.body).toBe(200);
    expect(deployed.json().swap).toMatchObject({ from: v1.planHash, to: v2.planHash });
    const after = (await s.as('viewer', 'GET', '/api/instances/paper-1')).json().live;
    expect(after.planHash).toBe(v2.planHash);
    // The same runtime carried on: no restart, event count did not go back.
    expect(after.eventsProcessed).toBeGreaterThanOrEqual(before.eventsProcessed);
    const back = await s.as('operator', 'POST', '/api/instances/paper-1/rollback');
    expect(back.statusCode, back.body).toBe(200);
    expect(back.json().deployment).toMatchObject({ kind: 'rollback', versionId: v1.id });
    expect((await s.as('viewer', 'GET', '/api/instances/paper-1')).json().live.planHash).toBe(v1.planHash);
  }, 120_000);

  it('the kill switch halts the instance; the global one every instance', async () => {
    const killed = await s.as('risk', 'POST', '/api/instances/paper-1/kill', { reason: 'test' });
    expect(killed.statusCode, killed.body).toBe(200);
    expect(killed.json().status).toBe('killed');
    expect(killed.json().live.risk.state).toBe('halted');
    expect(killed.json().live.markets.every((m: { working: { bids: unknown[]; asks: unknown[] } }) => m.working.bids.length === 0 && m.working.asks.length === 0)).toBe(true);
    const all = await s.as('operator', 'POST', '/api/kill', { reason: 'global test' });
    expect(all.json().every((i: { status: string }) => i.status === 'killed')).toBe(true);
    expect((await s.as('operator', 'POST', '/api/instances/paper-1/resume', { reason: 'test over' })).json().status).toBe('running');
  });

  it('records every action with who and when in a chain that verifies', async () => {
    const audit = (await s.as('viewer', 'GET', '/api/audit?limit=1000')).json() as Array<{ action: string; actor: string; at: string }>;
    const actions = audit.map((e) => e.action);
    for (const a of ['ruleset.create', 'version.create', 'version.tested', 'version.submit', 'approval.approved', 'envelope.set', 'instance.create', 'deployment.deploy', 'deployment.rollback', 'kill.global']) {
      expect(actions, a).toContain(a);
    }
    const approval = audit.find((e) => e.action === 'approval.approved');
    expect(approval?.actor).toBe(s.userIds.risk);
    expect((await s.as('viewer', 'GET', '/api/audit/verify')).json()).toMatchObject({ ok: true });
  });
});
