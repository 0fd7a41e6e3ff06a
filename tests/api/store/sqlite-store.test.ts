// Round trips through every Store method, and the errors the API maps to 404 and 409.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../api/store/sqlite-store.js';
import { StoreConflict, StoreNotFound, type Store, type VersionStatus } from '../../../api/store/types.js';
import { approvedVersion, ODD_STRINGS, PLAN_HASH, rawConnection, tempStore, type TempStore } from './helpers.js';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
let t: TempStore;
let store: Store;

beforeEach(async () => {
  t = await tempStore();
  store = t.store;
});
afterEach(() => t.cleanup());

describe('users and tokens', () => {
  it('creates, lists and counts users', async () => {
    expect(await store.countUsers()).toBe(0);
    const a = await store.createUser({ name: 'alice', roles: ['admin', 'author'], actor: 'system' });
    const b = await store.createUser({ name: 'bob', roles: [], actor: a.id });
    expect(a.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.id).not.toBe(b.id);
    expect(await store.listUsers()).toEqual([a, b]);
    expect(await store.countUsers()).toBe(2);
    expect(a).toEqual({ id: a.id, name: 'alice', roles: ['admin', 'author'], createdAt: expect.stringMatching(ISO) });
  });

  it('issues qn_ tokens once and keeps only their sha256', async () => {
    const u = await store.createUser({ name: 'alice', roles: ['viewer'], actor: 'system' });
    const { token, id } = await store.createToken({ userId: u.id, label: 'laptop', actor: 'system' });
    expect(token).toMatch(/^qn_[A-Za-z0-9_-]{43}$/);
    expect(await store.userForToken(token)).toEqual(u);
    expect(await store.userForToken(`${token}x`)).toBeUndefined();
    expect(await store.userForToken('')).toBeUndefined();

    const raw = await rawConnection(t.file);
    const rows = await raw.all<Record<string, unknown>>('SELECT * FROM tokens');
    await raw.close();
    expect(rows).toEqual([expect.objectContaining({ id, label: 'laptop', token_hash: createHash('sha256').update(token).digest('hex') })]);
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('accepts a given token (QUOIN_ADMIN_TOKEN) but not the same one twice', async () => {
    const u = await store.createUser({ name: 'admin', roles: ['admin'], actor: 'system' });
    expect((await store.createToken({ userId: u.id, label: 'env', actor: 'system', token: 'from-the-environment' })).token).toBe('from-the-environment');
    expect((await store.userForToken('from-the-environment'))?.id).toBe(u.id);
    await expect(store.createToken({ userId: u.id, label: 'again', actor: 'system', token: 'from-the-environment' })).rejects.toThrow(StoreConflict);
    await expect(store.createToken({ userId: u.id, label: 'empty', actor: 'system', token: '' })).rejects.toThrow(RangeError);
  });

  it('refuses a token for an unknown user', async () => {
    await expect(store.createToken({ userId: 'nobody', label: 'x', actor: 'system' })).rejects.toThrow(StoreNotFound);
  });
});

describe('rule sets and versions', () => {
  it('creates and reads rule sets; a duplicate id is a conflict', async () => {
    const rs = await store.createRuleSet({ id: 'mm-btc', name: 'BTC maker', actor: 'alice' });
    expect(rs).toEqual({ id: 'mm-btc', name: 'BTC maker', createdBy: 'alice', createdAt: expect.stringMatching(ISO), latestVersion: 0 });
    expect(await store.getRuleSet('mm-btc')).toEqual(rs);
    expect(await store.listRuleSets()).toEqual([rs]);
    await expect(store.createRuleSet({ id: 'mm-btc', name: 'other', actor: 'bob' })).rejects.toThrow(new StoreConflict('rule set "mm-btc" already exists'));
    await expect(store.getRuleSet('nope')).rejects.toThrow(StoreNotFound);
  });

  it('numbers versions per rule set and stores every field', async () => {
    await store.createRuleSet({ id: 'a', name: 'A', actor: 'alice' });
    await store.createRuleSet({ id: 'b', name: 'B', actor: 'alice' });
    const diagnostics = [{ code: 'Q2003', severity: 'warning', message: 'unused', range: { start: 1, end: 2 } }];
    const a1 = await store.createVersion({ ruleSetId: 'a', source: 'src 1', planJson: '{"x":1}', planHash: PLAN_HASH, diagnostics, author: 'alice' });
    const b1 = await store.createVersion({ ruleSetId: 'b', source: 'broken', planJson: null, planHash: null, diagnostics: [], author: 'bob' });
    const a2 = await store.createVersion({ ruleSetId: 'a', source: 'src 2', planJson: null, planHash: null, diagnostics: [], author: 'alice' });
    expect([a1.number, a2.number, b1.number]).toEqual([1, 2, 1]);
    expect(a1).toMatchObject({ ruleSetId: 'a', source: 'src 1', planJson: '{"x":1}', planHash: PLAN_HASH, diagnostics, author: 'alice', status: 'draft' });
    expect(a1.createdAt).toBe(a1.updatedAt);
    expect(await store.getVersion(a1.id)).toEqual(a1);
    expect(await store.listVersions('a')).toEqual([a1, a2]);
    expect((await store.getRuleSet('a')).latestVersion).toBe(2);
  });

  it('hands out each number once under concurrent creates', async () => {
    await store.createRuleSet({ id: 'a', name: 'A', actor: 'alice' });
    const versions = await Promise.all(
      Array.from({ length: 12 }, (_, i) => store.createVersion({ ruleSetId: 'a', source: `v${i}`, planJson: null, planHash: null, diagnostics: [], author: 'alice' })),
    );
    expect(versions.map((v) => v.number).sort((x, y) => x - y)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });

  it('reports missing rule sets and versions as StoreNotFound', async () => {
    await expect(store.createVersion({ ruleSetId: 'nope', source: '', planJson: null, planHash: null, diagnostics: [], author: 'a' })).rejects.toThrow(StoreNotFound);
    await expect(store.getVersion(999)).rejects.toThrow(StoreNotFound);
    await expect(store.listVersions('nope')).rejects.toThrow(StoreNotFound);
    await expect(store.setVersionStatus({ id: 999, from: ['draft'], to: 'tested', actor: 'a', action: 'version.test' })).rejects.toThrow(StoreNotFound);
  });

  it('moves status by compare-and-set and names the current status on a conflict', async () => {
    await store.createRuleSet({ id: 'a', name: 'A', actor: 'alice' });
    const v = await store.createVersion({ ruleSetId: 'a', source: 's', planJson: null, planHash: null, diagnostics: [], author: 'alice' });
    const tested = await store.setVersionStatus({ id: v.id, from: ['draft', 'tested'], to: 'tested', actor: 'alice', action: 'version.tested' });
    expect(tested.status).toBe('tested');
    expect(tested.updatedAt > v.updatedAt).toBe(true);
    const attempt = store.setVersionStatus({ id: v.id, from: ['pending_approval'], to: 'approved', actor: 'rita', action: 'version.approve' });
    await expect(attempt).rejects.toThrow(StoreConflict);
    await expect(attempt).rejects.toThrow(`version ${v.id} is tested, not pending_approval`);
    expect((await store.getVersion(v.id)).status).toBe('tested');
  });
});

describe('jobs', () => {
  it('creates, updates, reads and filters jobs', async () => {
    const v = await approvedVersion(store);
    const other = `sha256:${'cd'.repeat(32)}`;
    const job = await store.createJob({ kind: 'backtest', versionId: v.id, planHash: PLAN_HASH, engineSemantics: 2, request: { data: ['a.csv'], latencyNs: 1000 }, actor: 'alice' });
    expect(job).toMatchObject({ kind: 'backtest', versionId: v.id, planHash: PLAN_HASH, engineSemantics: 2, request: { data: ['a.csv'], latencyNs: 1000 }, status: 'queued', progress: 0, result: null, error: null, createdBy: 'alice' });
    const stress = await store.createJob({ kind: 'stress', versionId: v.id, planHash: other, engineSemantics: 1, request: {}, actor: 'alice' });
    expect(stress.engineSemantics).toBe(1);

    expect(await store.updateJob({ id: job.id, status: 'running', progress: 0.25 })).toMatchObject({ status: 'running', progress: 0.25, result: null });
    const done = await store.updateJob({ id: job.id, status: 'done', progress: 1, result: { pnl: 12.5, fills: [1, 2] } });
    expect(done).toMatchObject({ status: 'done', progress: 1, result: { pnl: 12.5, fills: [1, 2] }, error: null });
    expect(await store.updateJob({ id: stress.id, status: 'failed', error: 'no data' })).toMatchObject({ status: 'failed', error: 'no data', progress: 0 });
    expect(await store.updateJob({ id: stress.id, error: null })).toMatchObject({ status: 'failed', error: null });

    expect(await store.getJob(job.id)).toEqual(done);
    expect((await store.listJobs({})).map((j) => j.id)).toEqual([job.id, stress.id]);
    expect((await store.listJobs({ planHash: other })).map((j) => j.id)).toEqual([stress.id]);
    expect((await store.listJobs({ versionId: v.id, planHash: PLAN_HASH })).map((j) => j.id)).toEqual([job.id]);
    expect(await store.listJobs({ versionId: v.id + 1 })).toEqual([]);
  });

  it('rejects unknown ids and out-of-range progress without leaking sqlite errors', async () => {
    const v = await approvedVersion(store);
    await expect(store.createJob({ kind: 'backtest', versionId: 999, planHash: PLAN_HASH, engineSemantics: 2, request: {}, actor: 'a' })).rejects.toThrow(StoreNotFound);
    await expect(store.getJob('nope')).rejects.toThrow(StoreNotFound);
    await expect(store.updateJob({ id: 'nope', progress: 0.5 })).rejects.toThrow(StoreNotFound);
    const job = await store.createJob({ kind: 'backtest', versionId: v.id, planHash: PLAN_HASH, engineSemantics: 2, request: {}, actor: 'a' });
    const err: unknown = await store.updateJob({ id: job.id, progress: 1.5 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RangeError);
    expect((err as { code?: unknown }).code).toBeUndefined();
    expect((await store.getJob(job.id)).progress).toBe(0);
  });
});

describe('approvals and envelopes', () => {
  it('records decisions on the version plan and lists them', async () => {
    await store.createRuleSet({ id: 'a', name: 'A', actor: 'alice' });
    const v = await store.createVersion({ ruleSetId: 'a', source: 's', planJson: '{}', planHash: PLAN_HASH, diagnostics: [], author: 'alice' });
    const { version: afterNo, ...no } = await store.recordDecision({ versionId: v.id, planHash: PLAN_HASH, decision: 'rejected', reviewer: 'rita', comment: 'too wide' });
    const { version: _afterYes, ...yes } = await store.recordDecision({ versionId: v.id, planHash: PLAN_HASH, decision: 'approved', reviewer: 'rita', comment: 'fine now' });
    expect(no).toEqual({ id: no.id, versionId: v.id, planHash: PLAN_HASH, decision: 'rejected', reviewer: 'rita', comment: 'too wide', createdAt: no.createdAt });
    // Without from/to the version's status is left alone.
    expect(afterNo).toEqual(v);
    expect(await store.listApprovals(v.id)).toEqual([no, yes]);
    await expect(store.recordDecision({ versionId: v.id, planHash: 'sha256:other', decision: 'approved', reviewer: 'rita', comment: '' })).rejects.toThrow(StoreConflict);
    await expect(store.recordDecision({ versionId: 999, planHash: PLAN_HASH, decision: 'approved', reviewer: 'rita', comment: '' })).rejects.toThrow(StoreNotFound);
    await expect(store.listApprovals(999)).rejects.toThrow(StoreNotFound);
  });

  it('moves the status with the decision in one transaction when given from and to', async () => {
    await store.createRuleSet({ id: 'a', name: 'A', actor: 'alice' });
    const v = await store.createVersion({ ruleSetId: 'a', source: 's', planJson: '{}', planHash: PLAN_HASH, diagnostics: [], author: 'alice' });
    const decide = (from: VersionStatus[]) => store.recordDecision({ versionId: v.id, planHash: PLAN_HASH, decision: 'approved', reviewer: 'rita', comment: 'ok', from, to: 'approved' });

    // A stale status: neither the approval nor its audit entry is kept.
    await expect(decide(['pending_approval'])).rejects.toThrow(`version ${v.id} is draft, not pending_approval`);
    expect(await store.listApprovals(v.id)).toEqual([]);

    await store.setVersionStatus({ id: v.id, from: ['draft'], to: 'pending_approval', actor: 'alice', action: 'version.submit' });
    const decided = await decide(['pending_approval']);
    expect(decided.version).toMatchObject({ id: v.id, status: 'approved' });
    expect(decided).toMatchObject({ decision: 'approved', reviewer: 'rita' });
    const last = (await store.listAudit({ limit: 1000 })).at(-1);
    expect(last).toMatchObject({ action: 'approval.approved', details: { approvalId: decided.id, from: 'pending_approval', to: 'approved' } });

    await expect(store.recordDecision({ versionId: v.id, planHash: PLAN_HASH, decision: 'rejected', reviewer: 'r', comment: '', from: ['approved'] })).rejects.toThrow(RangeError);
  });

  it('sets envelopes by scope and replaces them whole', async () => {
    const first = await store.setEnvelope({ scope: 'global', maxPosition: 2, maxNotional: 1e6, maxDailyLoss: 5000, maxDrawdown: 0.5, paramBounds: { half: { lo: 1, hi: 20 } }, setBy: 'rita' });
    expect(first).toEqual({ scope: 'global', maxPosition: 2, maxNotional: 1e6, maxDailyLoss: 5000, maxDrawdown: 0.5, paramBounds: { half: { lo: 1, hi: 20 } }, setBy: 'rita', setAt: first.setAt });
    const market = await store.setEnvelope({ scope: 'binance:BTC/USDT', maxPosition: 0.5, setBy: 'rita' });
    expect(market).toEqual({ scope: 'binance:BTC/USDT', maxPosition: 0.5, setBy: 'rita', setAt: market.setAt });
    const replaced = await store.setEnvelope({ scope: 'global', maxNotional: 10, setBy: 'ron' });
    expect(replaced).toEqual({ scope: 'global', maxNotional: 10, setBy: 'ron', setAt: replaced.setAt });
    expect(await store.listEnvelopes()).toEqual([market, replaced]);
  });
});

describe('instances and deployments', () => {
  const source = { kind: 'replay' as const, data: ['/data/a.csv', '/data/b.csv'], speed: 10 };

  it('creates instances, reads them and changes their status', async () => {
    const inst = await store.createInstance({ id: 'paper-1', name: 'Paper one', mode: 'paper', source, actor: 'otto' });
    expect(inst).toEqual({ id: 'paper-1', name: 'Paper one', mode: 'paper', source, status: 'stopped', currentDeploymentId: null, createdAt: inst.createdAt });
    const sim = await store.createInstance({ id: 'sim', name: 'Sim', mode: 'live', source: { kind: 'simulated', seed: 42 }, actor: 'otto' });
    expect(await store.getInstance('paper-1')).toEqual(inst);
    expect(await store.listInstances()).toEqual([inst, sim]);
    expect(await store.setInstanceStatus({ id: 'sim', status: 'killed', actor: 'otto', reason: 'kill switch' })).toEqual({ ...sim, status: 'killed' });
    await expect(store.createInstance({ id: 'sim', name: 'again', mode: 'paper', source, actor: 'otto' })).rejects.toThrow(new StoreConflict('instance "sim" already exists'));
    await expect(store.getInstance('nope')).rejects.toThrow(StoreNotFound);
    await expect(store.setInstanceStatus({ id: 'nope', status: 'running', actor: 'otto', reason: '' })).rejects.toThrow(StoreNotFound);
    await expect(store.listDeployments('nope')).rejects.toThrow(StoreNotFound);
  });

  it('deploys approved versions, chains previous ids and rolls back', async () => {
    await store.createInstance({ id: 'i', name: 'I', mode: 'paper', source, actor: 'otto' });
    const v1 = await approvedVersion(store, 'rs', PLAN_HASH);
    const v2 = await approvedVersion(store, 'rs', `sha256:${'ef'.repeat(32)}`);

    const d1 = await store.recordDeployment({ instanceId: 'i', versionId: v1.id, kind: 'deploy', actor: 'otto', expectedCurrent: null });
    expect(d1).toEqual({ id: d1.id, instanceId: 'i', versionId: v1.id, planHash: PLAN_HASH, kind: 'deploy', deployedBy: 'otto', deployedAt: d1.deployedAt, previousId: null });
    expect((await store.getVersion(v1.id)).status).toBe('deployed');
    expect((await store.getInstance('i')).currentDeploymentId).toBe(d1.id);

    const d2 = await store.recordDeployment({ instanceId: 'i', versionId: v2.id, kind: 'deploy', actor: 'otto', expectedCurrent: d1.id });
    expect(d2.previousId).toBe(d1.id);
    // v1 is no longer current anywhere but stays 'deployed': retiring is the API's decision.
    expect((await store.getVersion(v1.id)).status).toBe('deployed');

    const back = await store.recordDeployment({ instanceId: 'i', versionId: v1.id, kind: 'rollback', actor: 'otto', expectedCurrent: d2.id });
    expect(back).toMatchObject({ kind: 'rollback', versionId: v1.id, previousId: d2.id });
    expect(await store.listDeployments('i')).toEqual([d1, d2, back]);
  });

  it('refuses versions that are not approved, lack an approval, or were rejected since', async () => {
    await store.createInstance({ id: 'i', name: 'I', mode: 'paper', source, actor: 'otto' });
    await store.createRuleSet({ id: 'rs', name: 'rs', actor: 'alice' });
    const draft = await store.createVersion({ ruleSetId: 'rs', source: 's', planJson: '{}', planHash: PLAN_HASH, diagnostics: [], author: 'alice' });
    const deploy = (versionId: number) => store.recordDeployment({ instanceId: 'i', versionId, kind: 'deploy', actor: 'otto', expectedCurrent: null });
    await expect(deploy(draft.id)).rejects.toThrow(`version ${draft.id} is draft`);

    // 'approved' status without any approval record (a bug elsewhere) is still refused.
    await store.setVersionStatus({ id: draft.id, from: ['draft'], to: 'approved', actor: 'x', action: 'version.force' });
    await expect(deploy(draft.id)).rejects.toThrow('is not approved');

    const withdrawn = await approvedVersion(store);
    await store.recordDecision({ versionId: withdrawn.id, planHash: PLAN_HASH, decision: 'rejected', reviewer: 'rita', comment: 'changed my mind' });
    await expect(deploy(withdrawn.id)).rejects.toThrow(StoreConflict);

    await expect(deploy(999)).rejects.toThrow(StoreNotFound);
    await expect(store.recordDeployment({ instanceId: 'nope', versionId: withdrawn.id, kind: 'deploy', actor: 'otto', expectedCurrent: null })).rejects.toThrow(StoreNotFound);
    expect(await store.listDeployments('i')).toEqual([]);
  });

  it('refuses a deployment whose expected current one is stale', async () => {
    await store.createInstance({ id: 'i', name: 'I', mode: 'paper', source, actor: 'otto' });
    const v = await approvedVersion(store);
    const d1 = await store.recordDeployment({ instanceId: 'i', versionId: v.id, kind: 'deploy', actor: 'otto', expectedCurrent: null });
    await expect(store.recordDeployment({ instanceId: 'i', versionId: v.id, kind: 'deploy', actor: 'otto', expectedCurrent: null })).rejects.toThrow(
      new StoreConflict(`instance i changed meanwhile: current deployment is ${d1.id}`),
    );
  });
});

describe('odd strings', () => {
  it('round-trips SQL injection attempts and Unicode verbatim through every text field', async () => {
    for (const [i, s] of ODD_STRINGS.entries()) {
      const id = `${s}#${i}`;
      const user = await store.createUser({ name: s, roles: ['viewer'], actor: s });
      const { token } = await store.createToken({ userId: user.id, label: s, actor: s, token: `${s}#token${i}` });
      expect(token).toBe(`${s}#token${i}`);
      expect(await store.userForToken(token)).toEqual(user);

      expect(await store.createRuleSet({ id, name: s, actor: s })).toMatchObject({ id, name: s, createdBy: s });
      const v = await store.createVersion({ ruleSetId: id, source: s, planJson: JSON.stringify({ s }), planHash: s, diagnostics: [{ message: s }], author: s });
      expect(await store.getVersion(v.id)).toMatchObject({ ruleSetId: id, source: s, planJson: JSON.stringify({ s }), planHash: s, diagnostics: [{ message: s }], author: s });

      const job = await store.createJob({ kind: 'stress', versionId: v.id, planHash: s, engineSemantics: 2, request: { [s]: s }, actor: s });
      await store.updateJob({ id: job.id, result: { s }, error: s });
      expect(await store.getJob(job.id)).toMatchObject({ planHash: s, request: { [s]: s }, result: { s }, error: s, createdBy: s });
      expect((await store.listJobs({ planHash: s })).map((j) => j.id)).toEqual([job.id]);

      expect(await store.recordDecision({ versionId: v.id, planHash: s, decision: 'approved', reviewer: s, comment: s })).toMatchObject({ reviewer: s, comment: s });
      expect(await store.setEnvelope({ scope: id, paramBounds: { [s]: { lo: 0, hi: 1 } }, setBy: s })).toMatchObject({ scope: id, paramBounds: { [s]: { lo: 0, hi: 1 } }, setBy: s });

      const source = { kind: 'replay' as const, data: [s], speed: 1 };
      expect(await store.createInstance({ id, name: s, mode: 'paper', source, actor: s })).toMatchObject({ id, name: s, source });
      expect(await store.setInstanceStatus({ id, status: 'running', actor: s, reason: s })).toMatchObject({ id, status: 'running' });

      const entry = await store.audit({ actor: s, action: s, subject: s, details: { [s]: s } });
      expect((await store.listAudit({ afterSeq: entry.seq - 1, limit: 1 }))[0]).toEqual(entry);
      expect(entry).toMatchObject({ actor: s, action: s, subject: s, details: { [s]: s } });
    }
    // Nothing was dropped or run: every table still holds what was written.
    expect(await store.countUsers()).toBe(ODD_STRINGS.length);
    expect((await store.listRuleSets()).map((r) => r.id)).toEqual(ODD_STRINGS.map((s, i) => `${s}#${i}`));
    expect((await store.verifyAudit()).ok).toBe(true);
  });
});

describe('clock', () => {
  it('stamps records with options.now', async () => {
    const fixed = await tempStore({ now: () => new Date('2030-06-01T00:00:00Z') });
    try {
      const rs = await fixed.store.createRuleSet({ id: 'a', name: 'A', actor: 'x' });
      expect(rs.createdAt).toBe('2030-06-01T00:00:00.000Z');
      expect((await fixed.store.listAudit({}))[0]?.at).toBe('2030-06-01T00:00:00.000Z');
    } finally {
      await fixed.cleanup();
    }
  });
});

describe('opening', () => {
  it('creates missing folders, and fails at once, naming the store, where a folder cannot be made', async () => {
    const nested = path.join(t.dir, 'a', 'b', 'quoin.db');
    const s = await openStore(nested);
    await s.close();
    expect(existsSync(nested)).toBe(true);
    // Under /proc, Node 20's recursive mkdirSync spins for ever instead of failing.
    await expect(openStore('/proc/quoin-no-such/store/quoin.db')).rejects.toThrow('cannot create the folder of the store at /proc/quoin-no-such/store/quoin.db (ENOENT)');
  });
});
