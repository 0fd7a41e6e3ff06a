// The audit log: one entry per mutation, written with it; a hash chain that verifies; tampering
// below the store (a second connection, triggers dropped) that verification catches.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { entryHash, GENESIS_HASH } from '../../../api/store/audit-chain.js';
import type { SqliteConnection } from '../../../api/store/sqlite-async.js';
import type { AuditEntry, Store } from '../../../api/store/types.js';
import { PLAN_HASH, rawConnection, tempStore, type TempStore } from './helpers.js';

let t: TempStore;
let store: Store;

beforeEach(async () => {
  t = await tempStore();
  store = t.store;
});
afterEach(() => t.cleanup());

async function withRaw<T>(fn: (raw: SqliteConnection) => Promise<T>): Promise<T> {
  const raw = await rawConnection(t.file);
  try {
    return await fn(raw);
  } finally {
    await raw.close();
  }
}

async function someEntries(n: number): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  for (let i = 0; i < n; i++) entries.push(await store.audit({ actor: 'otto', action: 'note', subject: `thing:${i}`, details: { i, nested: { list: [i, 'x'] } } }));
  return entries;
}

describe('audit entries', () => {
  it('appends one entry per mutation, with the action and actor of each', async () => {
    const user = await store.createUser({ name: 'alice', roles: ['author'], actor: 'system' });
    const { token } = await store.createToken({ userId: user.id, label: 'cli', actor: 'system' });
    await store.createRuleSet({ id: 'rs', name: 'RS', actor: 'alice' });
    const v = await store.createVersion({ ruleSetId: 'rs', source: 's', planJson: '{}', planHash: PLAN_HASH, diagnostics: [], author: 'alice' });
    await store.setVersionStatus({ id: v.id, from: ['draft'], to: 'pending_approval', actor: 'alice', action: 'version.submit', details: { note: 'please' } });
    await store.recordDecision({ versionId: v.id, planHash: PLAN_HASH, decision: 'rejected', reviewer: 'rita', comment: 'no' });
    await store.recordDecision({ versionId: v.id, planHash: PLAN_HASH, decision: 'approved', reviewer: 'rita', comment: 'yes' });
    await store.setVersionStatus({ id: v.id, from: ['pending_approval'], to: 'approved', actor: 'rita', action: 'version.approve' });
    await store.setEnvelope({ scope: 'global', maxPosition: 1, setBy: 'rita' });
    await store.createInstance({ id: 'i', name: 'I', mode: 'paper', source: { kind: 'simulated', seed: 3 }, actor: 'otto' });
    await store.setInstanceStatus({ id: 'i', status: 'running', actor: 'otto', reason: 'start' });
    const d = await store.recordDeployment({ instanceId: 'i', versionId: v.id, kind: 'deploy', actor: 'otto', expectedCurrent: null });
    await store.recordDeployment({ instanceId: 'i', versionId: v.id, kind: 'rollback', actor: 'otto', expectedCurrent: d.id });
    const job = await store.createJob({ kind: 'backtest', versionId: v.id, planHash: PLAN_HASH, engineSemantics: 2, request: {}, actor: 'alice' });
    await store.updateJob({ id: job.id, status: 'running', progress: 0.5 });
    await store.audit({ actor: 'otto', action: 'instance.kill', subject: 'instance:i' });
    // Failed mutations leave no trace.
    await store.createRuleSet({ id: 'rs', name: 'dup', actor: 'alice' }).catch(() => undefined);
    await store.setVersionStatus({ id: v.id, from: ['draft'], to: 'tested', actor: 'x', action: 'version.tested' }).catch(() => undefined);

    const entries = await store.listAudit({ limit: 1000 });
    expect(entries.map((e) => [e.actor, e.action])).toEqual([
      ['system', 'user.create'],
      ['system', 'token.create'],
      ['alice', 'ruleset.create'],
      ['alice', 'version.create'],
      ['alice', 'version.submit'],
      ['rita', 'approval.rejected'],
      ['rita', 'approval.approved'],
      ['rita', 'version.approve'],
      ['rita', 'envelope.set'],
      ['otto', 'instance.create'],
      ['otto', 'instance.status'],
      ['otto', 'deployment.deploy'],
      ['otto', 'deployment.rollback'],
      ['alice', 'job.create'],
      ['otto', 'instance.kill'],
    ]);
    expect(entries[4]).toMatchObject({ subject: `version:${v.id}`, details: { note: 'please', from: 'draft', to: 'pending_approval' } });
    expect(entries[11]).toMatchObject({ subject: 'instance:i', details: { deploymentId: d.id, versionId: v.id, planHash: PLAN_HASH, previousId: null } });

    // Neither the plain token nor its hash is in the log.
    const raw = await withRaw((r) => r.all<{ hash: string }>("SELECT token_hash AS hash FROM tokens"));
    const logText = JSON.stringify(entries);
    expect(logText).not.toContain(token);
    expect(logText).not.toContain(raw[0]?.hash);
    expect(await store.verifyAudit()).toEqual({ ok: true, entries: entries.length });
  });

  it('chains each entry to the one before it', async () => {
    const [a, b] = await someEntries(2);
    expect(a).toMatchObject({ seq: 1, prevHash: GENESIS_HASH });
    expect(b).toMatchObject({ seq: 2, prevHash: a?.hash });
    expect(b?.hash).toBe(entryHash(a?.hash ?? '', b as AuditEntry));
    expect(b?.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('stores details as they read back (undefined dropped, non-finite numbers null)', async () => {
    const e = await store.audit({ actor: 'a', action: 'x', subject: 's', details: { gone: undefined, inf: Infinity, ok: 1 } });
    expect(e.details).toEqual({ inf: null, ok: 1 });
    expect((await store.listAudit({}))[0]).toEqual(e);
    expect((await store.verifyAudit()).ok).toBe(true);
  });

  it('pages with afterSeq and limit', async () => {
    await someEntries(7);
    expect((await store.listAudit({ afterSeq: 2, limit: 3 })).map((e) => e.seq)).toEqual([3, 4, 5]);
    expect((await store.listAudit({ afterSeq: 6 })).map((e) => e.seq)).toEqual([7]);
    expect(await store.listAudit({ afterSeq: 7 })).toEqual([]);
  });

  it('verifies a log longer than one verification page', async () => {
    await someEntries(510);
    expect(await store.verifyAudit()).toEqual({ ok: true, entries: 510 });
  });

  it('verifies an empty log', async () => {
    expect(await store.verifyAudit()).toEqual({ ok: true, entries: 0 });
  });
});

describe('tampering', () => {
  it('is refused by the append-only triggers', async () => {
    await someEntries(2);
    await withRaw(async (raw) => {
      await expect(raw.run("UPDATE audit SET actor = 'mallory' WHERE seq = 1")).rejects.toThrow(/append-only/);
      await expect(raw.run('DELETE FROM audit WHERE seq = 2')).rejects.toThrow(/append-only/);
    });
    expect((await store.verifyAudit()).ok).toBe(true);
  });

  it('is caught when a details field is changed behind the triggers', async () => {
    await someEntries(5);
    await withRaw(async (raw) => {
      await raw.exec('DROP TRIGGER audit_no_update');
      const { changes } = await raw.run('UPDATE audit SET details_json = ? WHERE seq = 3', [JSON.stringify({ i: 99, nested: { list: [2, 'x'] } })]);
      expect(changes).toBe(1);
    });
    expect(await store.verifyAudit()).toEqual({ ok: false, entries: 5, firstBad: { seq: 3, reason: expect.stringMatching(/hash does not match/) } });
  });

  it('is caught when an entry is rewritten with a fresh hash: the next link breaks', async () => {
    const entries = await someEntries(4);
    const second = entries[1] as AuditEntry;
    const forged = { ...second, actor: 'mallory' };
    await withRaw(async (raw) => {
      await raw.exec('DROP TRIGGER audit_no_update');
      await raw.run('UPDATE audit SET actor = ?, hash = ? WHERE seq = 2', [forged.actor, entryHash(forged.prevHash, forged)]);
    });
    expect(await store.verifyAudit()).toMatchObject({ ok: false, firstBad: { seq: 3, reason: expect.stringMatching(/previous-hash link/) } });
  });

  it('is caught when an entry is deleted', async () => {
    await someEntries(4);
    await withRaw(async (raw) => {
      await raw.exec('DROP TRIGGER audit_no_delete');
      await raw.run('DELETE FROM audit WHERE seq = 2');
    });
    expect(await store.verifyAudit()).toEqual({ ok: false, entries: 3, firstBad: { seq: 3, reason: 'expected seq 2, found 3 (entries missing)' } });
  });

  it('is caught when details no longer parse', async () => {
    await someEntries(2);
    await withRaw(async (raw) => {
      await raw.exec('DROP TRIGGER audit_no_update');
      await raw.run("UPDATE audit SET details_json = '{not json' WHERE seq = 1");
    });
    expect(await store.verifyAudit()).toMatchObject({ ok: false, firstBad: { seq: 1 } });
  });
});
