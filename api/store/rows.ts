// Table rows as SQLite returns them, and their mapping to the store's records. JSON columns are
// parsed here and nowhere else.
import type { Approval, AuditEntry, Deployment, Envelope, Instance, Job, RuleSet, User, Version } from './types.js';

export interface UserRow {
  id: string;
  name: string;
  roles_json: string;
  created_at: string;
}

export interface RuleSetRow {
  id: string;
  name: string;
  created_by: string;
  created_at: string;
  latest_version: number;
}

export interface VersionRow {
  id: number;
  rule_set_id: string;
  number: number;
  source: string;
  plan_json: string | null;
  plan_hash: string | null;
  diagnostics_json: string;
  author: string;
  status: Version['status'];
  created_at: string;
  updated_at: string;
}

export interface JobRow {
  id: string;
  kind: Job['kind'];
  version_id: number;
  plan_hash: string;
  engine_semantics: number;
  request_json: string;
  status: Job['status'];
  progress: number;
  result_json: string | null;
  error: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface ApprovalRow {
  id: number;
  version_id: number;
  plan_hash: string;
  decision: Approval['decision'];
  reviewer: string;
  comment: string;
  created_at: string;
}

export interface EnvelopeRow {
  scope: string;
  max_position: number | null;
  max_notional: number | null;
  max_daily_loss: number | null;
  max_drawdown: number | null;
  param_bounds_json: string | null;
  set_by: string;
  set_at: string;
}

export interface InstanceRow {
  id: string;
  name: string;
  mode: Instance['mode'];
  source_json: string;
  status: Instance['status'];
  current_deployment_id: number | null;
  created_at: string;
}

export interface DeploymentRow {
  id: number;
  instance_id: string;
  version_id: number;
  plan_hash: string;
  kind: Deployment['kind'];
  deployed_by: string;
  deployed_at: string;
  previous_id: number | null;
}

export interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  details_json: string;
  prev_hash: string;
  hash: string;
}

export function toUser(r: UserRow): User {
  return { id: r.id, name: r.name, roles: JSON.parse(r.roles_json) as User['roles'], createdAt: r.created_at };
}

export function toRuleSet(r: RuleSetRow): RuleSet {
  return { id: r.id, name: r.name, createdBy: r.created_by, createdAt: r.created_at, latestVersion: r.latest_version };
}

export function toVersion(r: VersionRow): Version {
  return {
    id: r.id,
    ruleSetId: r.rule_set_id,
    number: r.number,
    source: r.source,
    planJson: r.plan_json,
    planHash: r.plan_hash,
    diagnostics: JSON.parse(r.diagnostics_json) as unknown[],
    author: r.author,
    status: r.status,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function toJob(r: JobRow): Job {
  return {
    id: r.id,
    kind: r.kind,
    versionId: r.version_id,
    planHash: r.plan_hash,
    engineSemantics: r.engine_semantics,
    request: JSON.parse(r.request_json) as Job['request'],
    status: r.status,
    progress: r.progress,
    result: r.result_json === null ? null : (JSON.parse(r.result_json) as unknown),
    error: r.error,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function toApproval(r: ApprovalRow): Approval {
  return {
    id: r.id,
    versionId: r.version_id,
    planHash: r.plan_hash,
    decision: r.decision,
    reviewer: r.reviewer,
    comment: r.comment,
    createdAt: r.created_at,
  };
}

/** Unset limits are NULL in the table and absent (not undefined-valued) in the record. */
export function toEnvelope(r: EnvelopeRow): Envelope {
  const envelope: Envelope = { scope: r.scope, setBy: r.set_by, setAt: r.set_at };
  if (r.max_position !== null) envelope.maxPosition = r.max_position;
  if (r.max_notional !== null) envelope.maxNotional = r.max_notional;
  if (r.max_daily_loss !== null) envelope.maxDailyLoss = r.max_daily_loss;
  if (r.max_drawdown !== null) envelope.maxDrawdown = r.max_drawdown;
  if (r.param_bounds_json !== null) envelope.paramBounds = JSON.parse(r.param_bounds_json) as Envelope['paramBounds'];
  return envelope;
}

export function toInstance(r: InstanceRow): Instance {
  return {
    id: r.id,
    name: r.name,
    mode: r.mode,
    source: JSON.parse(r.source_json) as Instance['source'],
    status: r.status,
    currentDeploymentId: r.current_deployment_id,
    createdAt: r.created_at,
  };
}

export function toDeployment(r: DeploymentRow): Deployment {
  return {
    id: r.id,
    instanceId: r.instance_id,
    versionId: r.version_id,
    planHash: r.plan_hash,
    kind: r.kind,
    deployedBy: r.deployed_by,
    deployedAt: r.deployed_at,
    previousId: r.previous_id,
  };
}

export function toAuditEntry(r: AuditRow): AuditEntry {
  return {
    seq: r.seq,
    at: r.at,
    actor: r.actor,
    action: r.action,
    subject: r.subject,
    details: JSON.parse(r.details_json) as AuditEntry['details'],
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}
