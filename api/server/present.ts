// Store records → API bodies (schemas/api.schema.json). The store holds more than some answers show
// (plan JSON, token hashes); these functions decide what leaves the server.
import type { Instance as ApiInstance, Version as ApiVersion, VersionSummary } from '../../schemas/generated/api.js';
import type { Diagnostic } from '../../schemas/generated/diagnostic.js';
import { evidenceFor } from '../services/lifecycle.js';
import type { Instance, Store, Version } from '../store/types.js';

export function versionSummary(v: Version): VersionSummary {
  return { id: v.id, ruleSetId: v.ruleSetId, number: v.number, planHash: v.planHash, author: v.author, status: v.status, createdAt: v.createdAt, updatedAt: v.updatedAt };
}

export async function versionDetail(store: Store, v: Version): Promise<ApiVersion> {
  const ev = await evidenceFor(store, v.planHash);
  return {
    ...versionSummary(v),
    source: v.source,
    diagnostics: v.diagnostics as Diagnostic[],
    approvals: await store.listApprovals(v.id),
    evidence: { backtest: ev.backtest?.id ?? null, stress: ev.stress?.id ?? null },
  };
}

export function instanceBody(i: Instance, live: unknown): ApiInstance {
  return { id: i.id, name: i.name, mode: i.mode, source: i.source as ApiInstance['source'], status: i.status, currentDeploymentId: i.currentDeploymentId, createdAt: i.createdAt, live: (live ?? null) as ApiInstance['live'] };
}
