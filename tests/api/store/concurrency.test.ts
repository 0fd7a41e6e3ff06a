// Compare-and-set under concurrency: one connection, but many async callers at once, as the API
// has them. Exactly one of two racing deployments may win.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreConflict, type Store } from '../../../api/store/types.js';
import { approvedVersion, PLAN_HASH, rawConnection, tempStore, type TempStore } from './helpers.js';

let t: TempStore;
let store: Store;

beforeEach(async () => {
  t = await tempStore();
  store = t.store;
  await store.createInstance({ id: 'i', name: 'I', mode: 'paper', source: { kind: 'simulated', seed: 1 }, actor: 'otto' });
});
afterEach(() => t.cleanup());

describe('concurrent compare-and-set', () => {
  it('lets exactly one of two deployments with the same expectedCurrent succeed', async () => {
    const v1 = await approvedVersion(store, 'rs', PLAN_HASH);
    const v2 = await approvedVersion(store, 'rs', `sha256:${'ef'.repeat(32)}`);
    const results = await Promise.allSettled([
      store.recordDeployment({ instanceId: 'i', versionId: v1.id, kind: 'deploy', actor: 'otto', expectedCurrent: null }),
      store.recordDeployment({ instanceId: 'i', versionId: v2.id, kind: 'deploy', actor: 'olga', expectedCurrent: null }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]).toBeInstanceOf(StoreConflict);
    expect(String(lost[0])).toMatch(/instance i changed meanwhile: current deployment is \d+/);

    const raw = await rawConnection(t.file);
    const rows = await raw.all('SELECT * FROM deployments');
    await raw.close();
    expect(rows).toHaveLength(1);
    expect((await store.getInstance('i')).currentDeploymentId).toBe(won[0]?.status === 'fulfilled' ? won[0].value.id : -1);
    // The loser left nothing behind, not even an audit entry.
    expect((await store.listAudit({ limit: 1000 })).filter((e) => e.action === 'deployment.deploy')).toHaveLength(1);
  });

  it('lets exactly one of two racing status changes from the same status win', async () => {
    await store.createRuleSet({ id: 'rs', name: 'rs', actor: 'alice' });
    const v = await store.createVersion({ ruleSetId: 'rs', source: 's', planJson: null, planHash: null, diagnostics: [], author: 'alice' });
    const results = await Promise.allSettled([
      store.setVersionStatus({ id: v.id, from: ['draft'], to: 'tested', actor: 'a', action: 'version.tested' }),
      store.setVersionStatus({ id: v.id, from: ['draft'], to: 'retired', actor: 'b', action: 'version.retire' }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  it('keeps the audit chain intact when many writers interleave', async () => {
    await store.createRuleSet({ id: 'rs', name: 'rs', actor: 'alice' });
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 2 === 0
          ? store.createVersion({ ruleSetId: 'rs', source: `v${i}`, planJson: null, planHash: null, diagnostics: [], author: 'alice' })
          : store.audit({ actor: 'otto', action: 'kill', subject: `instance:${i}` }),
      ),
    );
    const entries = await store.listAudit({ limit: 1000 });
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: entries.length }, (_, i) => i + 1));
    expect(await store.verifyAudit()).toEqual({ ok: true, entries: entries.length });
  });
});
