// The life of a rule-set version: draft → tested → pending_approval → approved → deployed → retired
// (or rejected). Each step is a compare-and-set on the version's status in the store, so two people
// acting at once cannot both move it; each step's audit entry is written with it.
//
// tested means evidence on record for this exact plan hash: a finished backtest and a finished
// stress run, made under the engine semantics version this server runs (runtime/semantics.ts).
// Approval names the plan hash the reviewer read, is refused to the version's own author (four
// eyes), and is refused while the plan's limits exceed the risk envelope, with the compiler's
// diagnostics at the lines that exceed it.
import { checkEnvelope } from '../../compiler/envelope.js';
import { compile } from '../../compiler/program.js';
import { formatDiagnostic, hasErrors, type Diagnostic } from '../../dsl/diagnostics.js';
import { ENGINE_SEMANTICS } from '../../runtime/semantics.js';
import type { Plan } from '../../schemas/index.js';
import { ApiError, conflict, unprocessable } from '../server/errors.js';
import type { Job, Store, User, Version, VersionStatus } from '../store/types.js';

export interface Evidence {
  backtest: Job | undefined;
  stress: Job | undefined;
  /** Finished jobs of the plan made under another engine semantics version: on record, not evidence. */
  outdated: Job[];
}

export function fileNameOf(ruleSetId: string): string {
  return `${ruleSetId}.quoin`;
}

/** Compiles a version's source; a source with errors is refused with every diagnostic. */
export function compileOrThrow(source: string, file: string): { plan: Plan; diagnostics: Diagnostic[] } {
  const result = compile(source, { file });
  if (!result.plan || hasErrors(result.diagnostics)) {
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    const first = errors[0] ? `; the first: ${formatDiagnostic(errors[0])}` : '';
    throw unprocessable('compile_failed', `the source has ${errors.length} error${errors.length === 1 ? '' : 's'}${first}`, { diagnostics: result.diagnostics });
  }
  return { plan: result.plan, diagnostics: result.diagnostics };
}

export function planOf(version: Version): Plan {
  if (!version.planJson) throw unprocessable('no_plan', `version ${version.id} has no compiled plan`);
  return JSON.parse(version.planJson) as Plan;
}

export async function createVersion(store: Store, input: { ruleSetId: string; source: string; author: User }): Promise<Version> {
  await store.getRuleSet(input.ruleSetId);
  const { plan, diagnostics } = compileOrThrow(input.source, fileNameOf(input.ruleSetId));
  const version = await store.createVersion({
    ruleSetId: input.ruleSetId,
    source: input.source,
    planJson: JSON.stringify(plan),
    planHash: plan.hash,
    diagnostics,
    author: input.author.id,
  });
  // Evidence is per plan hash: a version that changes only comments is already tested.
  return (await markTestedIfEvidence(store, version)) ?? version;
}

/**
 * A backtest or stress job for a plan, recorded under the engine semantics version this server runs:
 * the only kind of job that can become evidence here.
 */
export function createEvidenceJob(store: Store, input: { kind: Job['kind']; versionId: number; planHash: string; request: Record<string, unknown>; actor: string }): Promise<Job> {
  return store.createJob({ ...input, engineSemantics: ENGINE_SEMANTICS });
}

/**
 * The latest finished backtest and stress run of a plan hash made under this engine's semantics
 * (runtime/semantics.ts): a run made by an engine that decides differently shows how another
 * engine traded the plan, not this one.
 */
export async function evidenceFor(store: Store, planHash: string | null): Promise<Evidence> {
  if (!planHash) return { backtest: undefined, stress: undefined, outdated: [] };
  const finished = (await store.listJobs({ planHash })).filter((j) => j.status === 'done');
  const done = finished.filter((j) => j.engineSemantics === ENGINE_SEMANTICS);
  const latest = (kind: Job['kind']): Job | undefined => done.filter((j) => j.kind === kind).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
  return { backtest: latest('backtest'), stress: latest('stress'), outdated: finished.filter((j) => j.engineSemantics !== ENGINE_SEMANTICS) };
}

/** Moves a draft to tested when its plan hash has both kinds of evidence; returns the new version. */
export async function markTestedIfEvidence(store: Store, version: Version): Promise<Version | undefined> {
  if (version.status !== 'draft') return undefined;
  const ev = await evidenceFor(store, version.planHash);
  if (!ev.backtest || !ev.stress) return undefined;
  try {
    return await store.setVersionStatus({
      id: version.id,
      from: ['draft'],
      to: 'tested',
      actor: 'system',
      action: 'version.tested',
      details: { planHash: version.planHash, backtestJob: ev.backtest.id, stressJob: ev.stress.id },
    });
  } catch (e) {
    // Someone else moved it meanwhile (another job finishing): nothing to do.
    if (e instanceof Error && e.name === 'StoreConflict') return undefined;
    throw e;
  }
}

function requireStatus(version: Version, allowed: VersionStatus[], doing: string): void {
  if (!allowed.includes(version.status)) {
    throw conflict(`cannot ${doing} version ${version.number} of ${version.ruleSetId}: it is ${version.status.replace('_', ' ')}, and this needs ${allowed.map((s) => s.replace('_', ' ')).join(' or ')}`);
  }
}

export async function submit(store: Store, versionId: number, actor: User): Promise<Version> {
  let version = await store.getVersion(versionId);
  if (version.status === 'draft') {
    const ev = await evidenceFor(store, version.planHash);
    const missing = [ev.backtest ? '' : 'a finished backtest', ev.stress ? '' : 'a finished stress run'].filter(Boolean);
    if (missing.length > 0) {
      const n = ev.outdated.length;
      const versions = [...new Set(ev.outdated.map((j) => j.engineSemantics))].sort((a, b) => a - b).join(', ');
      const outdated = n === 0 ? '' : `; finished runs on record for it: ${n}, made under engine semantics ${versions}, and this server runs ${ENGINE_SEMANTICS}, which decides differently: run them again`;
      throw new ApiError(409, 'not_tested', `version ${version.number} of ${version.ruleSetId} is not tested yet: it needs ${missing.join(' and ')} for plan ${version.planHash?.slice(0, 12)}${outdated}`);
    }
    version = (await markTestedIfEvidence(store, version)) ?? (await store.getVersion(versionId));
  }
  requireStatus(version, ['tested'], 'submit');
  return store.setVersionStatus({ id: versionId, from: ['tested'], to: 'pending_approval', actor: actor.id, action: 'version.submit', details: { planHash: version.planHash } });
}

/** The envelope check of a version: diagnostics at the lines whose limits exceed it. */
export async function envelopeFindings(store: Store, version: Version): Promise<Diagnostic[]> {
  return checkEnvelope(planOf(version), version.source, await store.listEnvelopes());
}

export async function decide(
  store: Store,
  input: { versionId: number; decision: 'approved' | 'rejected'; planHash?: string; comment: string; reviewer: User },
): Promise<Version> {
  const version = await store.getVersion(input.versionId);
  if (version.author === input.reviewer.id) {
    throw new ApiError(403, 'four_eyes', `you wrote version ${version.number} of ${version.ruleSetId}: another risk manager must ${input.decision === 'approved' ? 'approve' : 'reject'} it`);
  }
  requireStatus(version, ['pending_approval'], input.decision === 'approved' ? 'approve' : 'reject');
  if (input.decision === 'approved') {
    if (input.planHash !== version.planHash) {
      throw new ApiError(409, 'plan_hash_mismatch', `version ${version.number} has plan ${version.planHash ?? 'none'}, not ${input.planHash ?? 'none'}: review the plan you approve`);
    }
    const findings = (await envelopeFindings(store, version)).filter((d) => d.severity === 'error');
    if (findings.length > 0) {
      const first = findings[0] ? `; the first: ${formatDiagnostic(findings[0])}` : '';
      throw unprocessable('envelope_exceeded', `the plan exceeds the risk envelope in ${findings.length} place${findings.length === 1 ? '' : 's'}${first}`, { diagnostics: findings });
    }
  }
  const { version: decided } = await store.recordDecision({
    versionId: version.id,
    planHash: version.planHash ?? '',
    decision: input.decision,
    reviewer: input.reviewer.id,
    comment: input.comment,
    from: ['pending_approval'],
    to: input.decision,
  });
  return decided;
}

export async function retire(store: Store, versionId: number, actor: User): Promise<Version> {
  const version = await store.getVersion(versionId);
  requireStatus(version, ['approved', 'deployed', 'tested', 'draft', 'rejected'], 'retire');
  for (const instance of await store.listInstances()) {
    if (instance.currentDeploymentId === null) continue;
    const current = (await store.listDeployments(instance.id)).find((d) => d.id === instance.currentDeploymentId);
    if (current?.versionId === versionId) throw conflict(`version ${version.number} of ${version.ruleSetId} is running on instance ${instance.id}: deploy another version there first`);
  }
  return store.setVersionStatus({ id: versionId, from: [version.status], to: 'retired', actor: actor.id, action: 'version.retire' });
}
