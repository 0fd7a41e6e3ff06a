// The store's contract: what the API reads and writes, as plain records. Implemented on SQLite
// (sqlite3) in ./sqlite-store.ts. Every mutating call appends its audit entry in the same
// transaction, so a committed change always has its audit entry and vice versa.

export type Role = 'admin' | 'author' | 'risk_manager' | 'operator' | 'viewer';

export interface User {
  id: string;
  name: string;
  roles: Role[];
  createdAt: string;
}

export type VersionStatus = 'draft' | 'tested' | 'pending_approval' | 'approved' | 'deployed' | 'retired' | 'rejected';

export interface RuleSet {
  id: string;
  name: string;
  createdBy: string;
  createdAt: string;
  /** Latest version number (0 when none). */
  latestVersion: number;
}

export interface Version {
  id: number;
  ruleSetId: string;
  /** 1, 2, 3… per rule set. */
  number: number;
  source: string;
  /** Compiled plan (JSON text) and its hash; null when the source has errors. */
  planJson: string | null;
  planHash: string | null;
  /** Diagnostics of the compile (JSON array of schemas/diagnostic.schema.json). */
  diagnostics: unknown[];
  author: string;
  status: VersionStatus;
  createdAt: string;
  updatedAt: string;
}

export type JobKind = 'backtest' | 'stress';
export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

export interface Job {
  id: string;
  kind: JobKind;
  versionId: number;
  planHash: string;
  /** The engine semantics version the job runs under (runtime/semantics.ts). */
  engineSemantics: number;
  /** The request as given (data, latency, fees, scenarios…). */
  request: Record<string, unknown>;
  status: JobStatus;
  /** 0–1. */
  progress: number;
  /** The result (summary or stress table) once done. */
  result: unknown;
  error: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface Approval {
  id: number;
  versionId: number;
  planHash: string;
  decision: 'approved' | 'rejected';
  reviewer: string;
  comment: string;
  createdAt: string;
}

/** A risk manager's limits. `scope` is 'global' or a market key `venue:SYMBOL`. */
export interface Envelope {
  scope: string;
  /** Largest position limit allowed (base units), notional limit and loss/drawdown limits (quote currency). */
  maxPosition?: number;
  maxNotional?: number;
  maxDailyLoss?: number;
  maxDrawdown?: number;
  /** Allowed ranges of params by name: a plan's declared bounds must lie inside them. */
  paramBounds?: Record<string, { lo: number; hi: number }>;
  setBy: string;
  setAt: string;
}

export type InstanceStatus = 'running' | 'stopped' | 'killed';

export interface Instance {
  id: string;
  name: string;
  mode: 'paper' | 'live';
  /** How the instance gets market data: replayed files, or the simulated market. */
  source: { kind: 'replay'; data: string[]; speed: number } | { kind: 'simulated'; seed: number };
  status: InstanceStatus;
  /** The deployment running now, if any. */
  currentDeploymentId: number | null;
  createdAt: string;
}

export interface Deployment {
  id: number;
  instanceId: string;
  versionId: number;
  planHash: string;
  kind: 'deploy' | 'rollback';
  deployedBy: string;
  deployedAt: string;
  /** The deployment this one replaced. */
  previousId: number | null;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  details: Record<string, unknown>;
  /** sha256 of the previous entry's hash and this entry's canonical content: the chain. */
  prevHash: string;
  hash: string;
}

export interface AuditCheck {
  ok: boolean;
  entries: number;
  /** The first entry whose hash or link does not verify. */
  firstBad?: { seq: number; reason: string };
}

/** Raised for conflicts the API turns into 409 (a state changed meanwhile, a duplicate). */
export class StoreConflict extends Error {
  override name = 'StoreConflict';
}
/** Raised for missing records the API turns into 404. */
export class StoreNotFound extends Error {
  override name = 'StoreNotFound';
}

export interface Store {
  close(): Promise<void>;

  // users and tokens (tokens are stored as sha256 hashes; the plain token is returned once)
  createUser(input: { name: string; roles: Role[]; actor: string }): Promise<User>;
  listUsers(): Promise<User[]>;
  createToken(input: { userId: string; label: string; actor: string; token?: string }): Promise<{ token: string; id: number }>;
  userForToken(token: string): Promise<User | undefined>;
  countUsers(): Promise<number>;

  // rule sets and versions
  createRuleSet(input: { id: string; name: string; actor: string }): Promise<RuleSet>;
  listRuleSets(): Promise<RuleSet[]>;
  getRuleSet(id: string): Promise<RuleSet>;
  createVersion(input: { ruleSetId: string; source: string; planJson: string | null; planHash: string | null; diagnostics: unknown[]; author: string }): Promise<Version>;
  getVersion(id: number): Promise<Version>;
  listVersions(ruleSetId: string): Promise<Version[]>;
  /** Compare-and-set: moves a version from one of `from` to `to`, or throws StoreConflict. */
  setVersionStatus(input: { id: number; from: VersionStatus[]; to: VersionStatus; actor: string; action: string; details?: Record<string, unknown> }): Promise<Version>;

  // jobs and their results (by plan hash)
  createJob(input: { kind: JobKind; versionId: number; planHash: string; engineSemantics: number; request: Record<string, unknown>; actor: string }): Promise<Job>;
  updateJob(input: { id: string; status?: JobStatus; progress?: number; result?: unknown; error?: string | null }): Promise<Job>;
  getJob(id: string): Promise<Job>;
  listJobs(filter: { versionId?: number; planHash?: string }): Promise<Job[]>;

  // approvals and envelopes
  /**
   * Records a reviewer's decision on a version's plan (`planHash` must be the version's, else
   * StoreConflict). With `from` and `to`, also moves the version's status by compare-and-set, as
   * setVersionStatus does, in the same transaction: a decision and its status change commit together.
   * Returns the decision and the version as it stands afterwards.
   */
  recordDecision(input: {
    versionId: number;
    planHash: string;
    decision: 'approved' | 'rejected';
    reviewer: string;
    comment: string;
    from?: VersionStatus[];
    to?: VersionStatus;
  }): Promise<Approval & { version: Version }>;
  listApprovals(versionId: number): Promise<Approval[]>;
  setEnvelope(input: Omit<Envelope, 'setAt'>): Promise<Envelope>;
  listEnvelopes(): Promise<Envelope[]>;

  // instances and deployments
  createInstance(input: { id: string; name: string; mode: 'paper' | 'live'; source: Instance['source']; actor: string }): Promise<Instance>;
  listInstances(): Promise<Instance[]>;
  getInstance(id: string): Promise<Instance>;
  setInstanceStatus(input: { id: string; status: InstanceStatus; actor: string; reason: string }): Promise<Instance>;
  /**
   * Records a deployment of an approved version and makes it the instance's current one, in one
   * transaction: the version must be 'approved' or 'deployed' (another instance) and its plan hash
   * must be the approved one; concurrent calls cannot both succeed for the same instance state
   * (`expectedCurrent` must match the instance's current deployment, else StoreConflict).
   */
  recordDeployment(input: { instanceId: string; versionId: number; kind: 'deploy' | 'rollback'; actor: string; expectedCurrent: number | null }): Promise<Deployment>;
  listDeployments(instanceId: string): Promise<Deployment[]>;

  // audit
  /** Appends an entry on its own (for actions with no other write, e.g. a kill switch). */
  audit(input: { actor: string; action: string; subject: string; details?: Record<string, unknown> }): Promise<AuditEntry>;
  listAudit(input: { afterSeq?: number; limit?: number }): Promise<AuditEntry[]>;
  verifyAudit(): Promise<AuditCheck>;
}
