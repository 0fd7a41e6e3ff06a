// The deployment service's store on SQLite. One connection, one writer at a time: every mutating
// call is a BEGIN IMMEDIATE transaction that makes its change and appends its audit entry together,
// so the log and the state can never disagree. Values are always bound, never spliced into SQL.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { makeDirs } from '../../runtime/make-dirs.js';
import { ChainVerifier, entryHash, GENESIS_HASH, normalizeDetails } from './audit-chain.js';
import { migrate, SchemaTooNewError } from './migrations.js';
import {
  toApproval,
  toAuditEntry,
  toDeployment,
  toEnvelope,
  toInstance,
  toJob,
  toRuleSet,
  toUser,
  toVersion,
  type ApprovalRow,
  type AuditRow,
  type DeploymentRow,
  type EnvelopeRow,
  type InstanceRow,
  type JobRow,
  type RuleSetRow,
  type UserRow,
  type VersionRow,
} from './rows.js';
import { isSqliteError, SqliteConnection, type RunResult, type SqlValue } from './sqlite-async.js';
import {
  StoreConflict,
  StoreNotFound,
  type Approval,
  type AuditCheck,
  type AuditEntry,
  type Deployment,
  type Envelope,
  type Instance,
  type InstanceStatus,
  type Job,
  type JobKind,
  type JobStatus,
  type Role,
  type RuleSet,
  type Store,
  type User,
  type Version,
  type VersionStatus,
} from './types.js';

export interface OpenStoreOptions {
  /** The clock for every timestamp the store writes (tests pin it). */
  now?: () => Date;
}

// WAL lets readers (a second process, the tests' raw connection) run beside the writer;
// synchronous=FULL makes a resolved commit survive a crash or power loss, not just a killed process.
const PRAGMAS = `
  PRAGMA journal_mode = WAL;
  PRAGMA synchronous = FULL;
  PRAGMA foreign_keys = ON;
  PRAGMA busy_timeout = 5000;
`;

/** Opens (creating the file and its directory if needed) and migrates the store at `file`. */
export async function openStore(file: string, options: OpenStoreOptions = {}): Promise<Store> {
  const now = options.now ?? (() => new Date());
  try {
    makeDirs(path.dirname(path.resolve(file)));
  } catch (err) {
    throw new Error(`cannot create the folder of the store at ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { cause: err });
  }
  const conn = await SqliteConnection.open(file).catch((err: unknown) => {
    throw new Error(`cannot open the store at ${file}${isSqliteError(err) ? ` (${err.code})` : ''}`, { cause: err });
  });
  try {
    await conn.exec(PRAGMAS);
    await migrate(conn, () => now().toISOString());
  } catch (err) {
    await conn.close().catch(() => undefined);
    throw toStoreError(err);
  }
  return new SqliteStore(conn, now);
}

const AUDIT_PAGE = 500;
const DEFAULT_AUDIT_LIMIT = 100;

class SqliteStore implements Store {
  readonly #db: SqliteConnection;
  readonly #now: () => Date;

  constructor(db: SqliteConnection, now: () => Date) {
    this.#db = db;
    this.#now = now;
  }

  close(): Promise<void> {
    return this.#db.close().catch((err: unknown) => {
      throw toStoreError(err);
    });
  }

  // ---- users and tokens ----

  createUser(input: { name: string; roles: Role[]; actor: string }): Promise<User> {
    return this.#write(async () => {
      const id = randomUUID();
      await this.#db.run('INSERT INTO users (id, name, roles_json, created_at) VALUES (?, ?, ?, ?)', [id, input.name, JSON.stringify(input.roles), this.#stamp()]);
      await this.#appendAudit({ actor: input.actor, action: 'user.create', subject: `user:${id}`, details: { name: input.name, roles: input.roles } });
      return this.#user(id);
    });
  }

  listUsers(): Promise<User[]> {
    return this.#read(async () => (await this.#db.all<UserRow>('SELECT * FROM users ORDER BY rowid')).map(toUser));
  }

  createToken(input: { userId: string; label: string; actor: string; token?: string }): Promise<{ token: string; id: number }> {
    const token = input.token ?? newToken();
    if (token.length === 0) return Promise.reject(new RangeError('a token must not be empty'));
    return this.#write(async () => {
      await this.#user(input.userId);
      const { lastId: id } = await insertUnique(
        this.#db,
        'INSERT INTO tokens (user_id, label, token_hash, created_at) VALUES (?, ?, ?, ?)',
        [input.userId, input.label, sha256Hex(token), this.#stamp()],
        'this token is already registered',
      );
      // Neither the token nor its hash goes into the log: the log is readable by auditors.
      await this.#appendAudit({ actor: input.actor, action: 'token.create', subject: `user:${input.userId}`, details: { tokenId: id, label: input.label } });
      return { token, id };
    });
  }

  userForToken(token: string): Promise<User | undefined> {
    return this.#read(async () => {
      const row = await this.#db.get<UserRow>('SELECT u.* FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?', [sha256Hex(token)]);
      return row && toUser(row);
    });
  }

  countUsers(): Promise<number> {
    return this.#read(async () => (await this.#db.get<{ n: number }>('SELECT COUNT(*) AS n FROM users'))?.n ?? 0);
  }

  // ---- rule sets and versions ----

  createRuleSet(input: { id: string; name: string; actor: string }): Promise<RuleSet> {
    return this.#write(async () => {
      await insertUnique(
        this.#db,
        'INSERT INTO rule_sets (id, name, created_by, created_at) VALUES (?, ?, ?, ?)',
        [input.id, input.name, input.actor, this.#stamp()],
        `rule set "${input.id}" already exists`,
      );
      await this.#appendAudit({ actor: input.actor, action: 'ruleset.create', subject: `ruleset:${input.id}`, details: { name: input.name } });
      return this.#ruleSet(input.id);
    });
  }

  listRuleSets(): Promise<RuleSet[]> {
    return this.#read(async () => (await this.#db.all<RuleSetRow>('SELECT * FROM rule_sets ORDER BY rowid')).map(toRuleSet));
  }

  getRuleSet(id: string): Promise<RuleSet> {
    return this.#read(() => this.#ruleSet(id));
  }

  createVersion(input: { ruleSetId: string; source: string; planJson: string | null; planHash: string | null; diagnostics: unknown[]; author: string }): Promise<Version> {
    return this.#write(async () => {
      // Bumping the counter and inserting in one transaction hands out each number exactly once.
      const counter = await this.#db.get<{ latest_version: number }>(
        'UPDATE rule_sets SET latest_version = latest_version + 1 WHERE id = ? RETURNING latest_version',
        [input.ruleSetId],
      );
      if (!counter) throw new StoreNotFound(`rule set "${input.ruleSetId}" does not exist`);
      const at = this.#stamp();
      const { lastId: id } = await this.#db.run(
        `INSERT INTO versions (rule_set_id, number, source, plan_json, plan_hash, diagnostics_json, author, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?)`,
        [input.ruleSetId, counter.latest_version, input.source, input.planJson, input.planHash, JSON.stringify(input.diagnostics), input.author, at, at],
      );
      await this.#appendAudit({
        actor: input.author,
        action: 'version.create',
        subject: `version:${id}`,
        details: { ruleSetId: input.ruleSetId, number: counter.latest_version, planHash: input.planHash },
      });
      return this.#version(id);
    });
  }

  getVersion(id: number): Promise<Version> {
    return this.#read(() => this.#version(id));
  }

  listVersions(ruleSetId: string): Promise<Version[]> {
    return this.#read(async () => {
      await this.#ruleSet(ruleSetId);
      return (await this.#db.all<VersionRow>('SELECT * FROM versions WHERE rule_set_id = ? ORDER BY number', [ruleSetId])).map(toVersion);
    });
  }

  setVersionStatus(input: { id: number; from: VersionStatus[]; to: VersionStatus; actor: string; action: string; details?: Record<string, unknown> }): Promise<Version> {
    return this.#write(async () => {
      const from = await this.#moveStatus(input.id, input.from, input.to);
      await this.#appendAudit({ actor: input.actor, action: input.action, subject: `version:${input.id}`, details: { ...input.details, from, to: input.to } });
      return this.#version(input.id);
    });
  }

  // ---- jobs ----

  createJob(input: { kind: JobKind; versionId: number; planHash: string; engineSemantics: number; request: Record<string, unknown>; actor: string }): Promise<Job> {
    return this.#write(async () => {
      await this.#version(input.versionId);
      const id = randomUUID();
      const at = this.#stamp();
      await this.#db.run(
        `INSERT INTO jobs (id, kind, version_id, plan_hash, engine_semantics, request_json, status, progress, result_json, error, created_by, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 'queued', 0, NULL, NULL, ?, ?, ?)`,
        [id, input.kind, input.versionId, input.planHash, input.engineSemantics, JSON.stringify(input.request), input.actor, at, at],
      );
      await this.#appendAudit({
        actor: input.actor,
        action: 'job.create',
        subject: `job:${id}`,
        details: { kind: input.kind, versionId: input.versionId, planHash: input.planHash, engineSemantics: input.engineSemantics },
      });
      return this.#job(id);
    });
  }

  /** Progress updates are frequent and carry no decision, so they are not audited. */
  updateJob(input: { id: string; status?: JobStatus; progress?: number; result?: unknown; error?: string | null }): Promise<Job> {
    return this.#write(async () => {
      const job = await this.#job(input.id);
      const result = input.result === undefined ? job.result : input.result;
      await this.#db.run('UPDATE jobs SET status = ?, progress = ?, result_json = ?, error = ?, updated_at = ? WHERE id = ?', [
        input.status ?? job.status,
        input.progress ?? job.progress,
        result === null ? null : JSON.stringify(result),
        input.error === undefined ? job.error : input.error,
        this.#stamp(),
        input.id,
      ]);
      return this.#job(input.id);
    });
  }

  getJob(id: string): Promise<Job> {
    return this.#read(() => this.#job(id));
  }

  listJobs(filter: { versionId?: number; planHash?: string }): Promise<Job[]> {
    return this.#read(async () => {
      const versionId = filter.versionId ?? null;
      const planHash = filter.planHash ?? null;
      const rows = await this.#db.all<JobRow>(
        'SELECT * FROM jobs WHERE (? IS NULL OR version_id = ?) AND (? IS NULL OR plan_hash = ?) ORDER BY rowid',
        [versionId, versionId, planHash, planHash],
      );
      return rows.map(toJob);
    });
  }

  // ---- approvals and envelopes ----

  recordDecision(input: {
    versionId: number;
    planHash: string;
    decision: 'approved' | 'rejected';
    reviewer: string;
    comment: string;
    from?: VersionStatus[];
    to?: VersionStatus;
  }): Promise<Approval & { version: Version }> {
    const { from, to } = input;
    if ((from === undefined) !== (to === undefined)) return Promise.reject(new RangeError('recordDecision takes both `from` and `to`, or neither'));
    return this.#write(async () => {
      const version = await this.#version(input.versionId);
      // A decision is about exact content; one naming another plan is a stale view of the version.
      if (version.planHash !== input.planHash) {
        throw new StoreConflict(`version ${input.versionId}'s plan is ${version.planHash ?? 'missing'}, not ${input.planHash}`);
      }
      const move = from && to ? { from: await this.#moveStatus(version.id, from, to), to } : {};
      const { lastId: id } = await this.#db.run(
        'INSERT INTO approvals (version_id, plan_hash, decision, reviewer, comment, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        [input.versionId, input.planHash, input.decision, input.reviewer, input.comment, this.#stamp()],
      );
      await this.#appendAudit({
        actor: input.reviewer,
        action: `approval.${input.decision}`,
        subject: `version:${input.versionId}`,
        details: { approvalId: id, planHash: input.planHash, comment: input.comment, ...move },
      });
      const row = await this.#db.get<ApprovalRow>('SELECT * FROM approvals WHERE id = ?', [id]);
      return { ...toApproval(present(row, `approval ${id}`)), version: await this.#version(input.versionId) };
    });
  }

  listApprovals(versionId: number): Promise<Approval[]> {
    return this.#read(async () => {
      await this.#version(versionId);
      return (await this.#db.all<ApprovalRow>('SELECT * FROM approvals WHERE version_id = ? ORDER BY id', [versionId])).map(toApproval);
    });
  }

  setEnvelope(input: Omit<Envelope, 'setAt'>): Promise<Envelope> {
    return this.#write(async () => {
      const limits = {
        maxPosition: input.maxPosition ?? null,
        maxNotional: input.maxNotional ?? null,
        maxDailyLoss: input.maxDailyLoss ?? null,
        maxDrawdown: input.maxDrawdown ?? null,
        paramBounds: input.paramBounds ?? null,
      };
      // Setting a scope replaces its envelope as a whole: limits left out are cleared.
      await this.#db.run(
        `INSERT INTO envelopes (scope, max_position, max_notional, max_daily_loss, max_drawdown, param_bounds_json, set_by, set_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (scope) DO UPDATE SET
           max_position = excluded.max_position, max_notional = excluded.max_notional,
           max_daily_loss = excluded.max_daily_loss, max_drawdown = excluded.max_drawdown,
           param_bounds_json = excluded.param_bounds_json, set_by = excluded.set_by, set_at = excluded.set_at`,
        [
          input.scope,
          limits.maxPosition,
          limits.maxNotional,
          limits.maxDailyLoss,
          limits.maxDrawdown,
          limits.paramBounds === null ? null : JSON.stringify(limits.paramBounds),
          input.setBy,
          this.#stamp(),
        ],
      );
      await this.#appendAudit({ actor: input.setBy, action: 'envelope.set', subject: `envelope:${input.scope}`, details: limits });
      const row = await this.#db.get<EnvelopeRow>('SELECT * FROM envelopes WHERE scope = ?', [input.scope]);
      return toEnvelope(present(row, `envelope "${input.scope}"`));
    });
  }

  listEnvelopes(): Promise<Envelope[]> {
    return this.#read(async () => (await this.#db.all<EnvelopeRow>('SELECT * FROM envelopes ORDER BY scope')).map(toEnvelope));
  }

  // ---- instances and deployments ----

  createInstance(input: { id: string; name: string; mode: 'paper' | 'live'; source: Instance['source']; actor: string }): Promise<Instance> {
    return this.#write(async () => {
      // A new instance runs nothing until its first deployment.
      await insertUnique(
        this.#db,
        `INSERT INTO instances (id, name, mode, source_json, status, current_deployment_id, created_at) VALUES (?, ?, ?, ?, 'stopped', NULL, ?)`,
        [input.id, input.name, input.mode, JSON.stringify(input.source), this.#stamp()],
        `instance "${input.id}" already exists`,
      );
      await this.#appendAudit({
        actor: input.actor,
        action: 'instance.create',
        subject: `instance:${input.id}`,
        details: { name: input.name, mode: input.mode, source: input.source },
      });
      return this.#instance(input.id);
    });
  }

  listInstances(): Promise<Instance[]> {
    return this.#read(async () => (await this.#db.all<InstanceRow>('SELECT * FROM instances ORDER BY rowid')).map(toInstance));
  }

  getInstance(id: string): Promise<Instance> {
    return this.#read(() => this.#instance(id));
  }

  setInstanceStatus(input: { id: string; status: InstanceStatus; actor: string; reason: string }): Promise<Instance> {
    return this.#write(async () => {
      const before = await this.#instance(input.id);
      await this.#db.run('UPDATE instances SET status = ? WHERE id = ?', [input.status, input.id]);
      await this.#appendAudit({
        actor: input.actor,
        action: 'instance.status',
        subject: `instance:${input.id}`,
        details: { from: before.status, to: input.status, reason: input.reason },
      });
      return this.#instance(input.id);
    });
  }

  recordDeployment(input: { instanceId: string; versionId: number; kind: 'deploy' | 'rollback'; actor: string; expectedCurrent: number | null }): Promise<Deployment> {
    return this.#write(async () => {
      const instance = await this.#instance(input.instanceId);
      if (instance.currentDeploymentId !== input.expectedCurrent) {
        throw new StoreConflict(`instance ${input.instanceId} changed meanwhile: current deployment is ${instance.currentDeploymentId ?? 'none'}`);
      }
      const version = await this.#version(input.versionId);
      const planHash = await this.#deployablePlan(version);
      const { lastId: id } = await this.#db.run(
        'INSERT INTO deployments (instance_id, version_id, plan_hash, kind, deployed_by, deployed_at, previous_id) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [input.instanceId, input.versionId, planHash, input.kind, input.actor, this.#stamp(), instance.currentDeploymentId],
      );
      await this.#db.run('UPDATE instances SET current_deployment_id = ? WHERE id = ?', [id, input.instanceId]);
      await this.#db.run(`UPDATE versions SET status = 'deployed', updated_at = ? WHERE id = ? AND status <> 'deployed'`, [this.#stamp(), input.versionId]);
      await this.#appendAudit({
        actor: input.actor,
        action: `deployment.${input.kind}`,
        subject: `instance:${input.instanceId}`,
        details: { deploymentId: id, versionId: input.versionId, planHash, previousId: instance.currentDeploymentId },
      });
      const row = await this.#db.get<DeploymentRow>('SELECT * FROM deployments WHERE id = ?', [id]);
      return toDeployment(present(row, `deployment ${id}`));
    });
  }

  listDeployments(instanceId: string): Promise<Deployment[]> {
    return this.#read(async () => {
      await this.#instance(instanceId);
      return (await this.#db.all<DeploymentRow>('SELECT * FROM deployments WHERE instance_id = ? ORDER BY id', [instanceId])).map(toDeployment);
    });
  }

  // ---- audit ----

  audit(input: { actor: string; action: string; subject: string; details?: Record<string, unknown> }): Promise<AuditEntry> {
    return this.#write(() => this.#appendAudit(input));
  }

  listAudit(input: { afterSeq?: number; limit?: number }): Promise<AuditEntry[]> {
    return this.#read(async () => {
      const rows = await this.#db.all<AuditRow>('SELECT * FROM audit WHERE seq > ? ORDER BY seq LIMIT ?', [input.afterSeq ?? 0, input.limit ?? DEFAULT_AUDIT_LIMIT]);
      return rows.map(toAuditEntry);
    });
  }

  /** Walks the whole log in pages, holding the connection so the walk sees one consistent log. */
  verifyAudit(): Promise<AuditCheck> {
    return this.#read(async () => {
      const verifier = new ChainVerifier();
      let after = 0;
      let rows: AuditRow[];
      do {
        rows = await this.#db.all<AuditRow>('SELECT * FROM audit WHERE seq > ? ORDER BY seq LIMIT ?', [after, AUDIT_PAGE]);
        for (const row of rows) verifier.push(readableEntry(row));
        after = rows.at(-1)?.seq ?? after;
      } while (rows.length === AUDIT_PAGE);
      return verifier.result();
    });
  }

  // ---- helpers ----

  #stamp(): string {
    return this.#now().toISOString();
  }

  #write<T>(fn: () => Promise<T>): Promise<T> {
    return this.#db.transaction(fn).catch((err: unknown) => {
      throw toStoreError(err);
    });
  }

  #read<T>(fn: () => Promise<T>): Promise<T> {
    return this.#db.exclusive(fn).catch((err: unknown) => {
      throw toStoreError(err);
    });
  }

  /** Appends one entry to the chain; call only inside #write, so seq and prevHash cannot race. */
  async #appendAudit(input: { actor: string; action: string; subject: string; details?: Record<string, unknown> }): Promise<AuditEntry> {
    const last = await this.#db.get<{ seq: number; hash: string }>('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1');
    const content = {
      seq: (last?.seq ?? 0) + 1,
      at: this.#stamp(),
      actor: input.actor,
      action: input.action,
      subject: input.subject,
      details: normalizeDetails(input.details),
    };
    const prevHash = last?.hash ?? GENESIS_HASH;
    const hash = entryHash(prevHash, content);
    await this.#db.run('INSERT INTO audit (seq, at, actor, action, subject, details_json, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
      content.seq,
      content.at,
      content.actor,
      content.action,
      content.subject,
      JSON.stringify(content.details),
      prevHash,
      hash,
    ]);
    return { ...content, prevHash, hash };
  }

  /**
   * Compare-and-set of a version's status (the WHERE clause is the compare); returns the status it
   * had. Placeholders for `from` are generated, its values bound.
   */
  async #moveStatus(id: number, from: VersionStatus[], to: VersionStatus): Promise<VersionStatus> {
    const before = await this.#version(id);
    const placeholders = from.map(() => '?').join(', ');
    const { changes } = await this.#db.run(`UPDATE versions SET status = ?, updated_at = ? WHERE id = ? AND status IN (${placeholders})`, [to, this.#stamp(), id, ...from]);
    if (changes === 0) throw new StoreConflict(`version ${id} is ${before.status}, not ${from.join(' or ') || '(no status given)'}`);
    return before.status;
  }

  /** The plan hash a deployment of `version` may run, or StoreConflict saying why there is none. */
  async #deployablePlan(version: Version): Promise<string> {
    if (version.status !== 'approved' && version.status !== 'deployed') {
      throw new StoreConflict(`version ${version.id} is ${version.status}; only approved or deployed versions can be deployed`);
    }
    if (version.planHash === null) throw new StoreConflict(`version ${version.id} has no compiled plan`);
    // The newest decision on this exact plan counts: an approval later withdrawn is no approval.
    const decision = await this.#db.get<{ decision: string }>('SELECT decision FROM approvals WHERE version_id = ? AND plan_hash = ? ORDER BY id DESC LIMIT 1', [
      version.id,
      version.planHash,
    ]);
    if (decision?.decision !== 'approved') throw new StoreConflict(`version ${version.id}'s plan ${version.planHash} is not approved`);
    return version.planHash;
  }

  async #user(id: string): Promise<User> {
    return toUser(present(await this.#db.get<UserRow>('SELECT * FROM users WHERE id = ?', [id]), `user "${id}"`));
  }

  async #ruleSet(id: string): Promise<RuleSet> {
    return toRuleSet(present(await this.#db.get<RuleSetRow>('SELECT * FROM rule_sets WHERE id = ?', [id]), `rule set "${id}"`));
  }

  async #version(id: number): Promise<Version> {
    return toVersion(present(await this.#db.get<VersionRow>('SELECT * FROM versions WHERE id = ?', [id]), `version ${id}`));
  }

  async #job(id: string): Promise<Job> {
    return toJob(present(await this.#db.get<JobRow>('SELECT * FROM jobs WHERE id = ?', [id]), `job "${id}"`));
  }

  async #instance(id: string): Promise<Instance> {
    return toInstance(present(await this.#db.get<InstanceRow>('SELECT * FROM instances WHERE id = ?', [id]), `instance "${id}"`));
  }
}

function present<T>(row: T | undefined, what: string): T {
  if (row === undefined) throw new StoreNotFound(`${what} does not exist`);
  return row;
}

/** An entry as stored; details that no longer parse are kept as text so the hash check fails. */
function readableEntry(row: AuditRow): AuditEntry {
  try {
    return toAuditEntry(row);
  } catch {
    return toAuditEntry({ ...row, details_json: JSON.stringify({ unreadable: row.details_json }) });
  }
}

function newToken(): string {
  return `qn_${randomBytes(32).toString('base64url')}`;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

async function insertUnique(db: SqliteConnection, sql: string, params: readonly SqlValue[], conflict: string): Promise<RunResult> {
  try {
    return await db.run(sql, params);
  } catch (err) {
    if (isSqliteError(err) && err.message.includes('UNIQUE constraint failed')) throw new StoreConflict(conflict);
    throw err;
  }
}

/**
 * What callers see instead of a raw sqlite3 error: conflicts and missing references as the store's
 * own errors, rejected values as RangeError, anything else as a short message (the sqlite3 error
 * stays attached as `cause` for logs).
 */
function toStoreError(err: unknown): unknown {
  if (err instanceof StoreConflict || err instanceof StoreNotFound || err instanceof SchemaTooNewError || !isSqliteError(err)) return err;
  const detail = err.message.replace(/^SQLITE_\w+:\s*/, '');
  const unique = /UNIQUE constraint failed: (\w+)\.([\w., ]+)/.exec(detail);
  if (unique) return new StoreConflict(`a ${unique[1] ?? 'record'} record with the same ${unique[2] ?? 'key'} already exists`);
  if (detail.includes('FOREIGN KEY constraint failed')) return new StoreNotFound('a record it refers to does not exist');
  if (err.code === 'SQLITE_CONSTRAINT') return new RangeError(`invalid value: ${detail}`, { cause: err });
  return new Error(`the store failed (${err.code})`, { cause: err });
}
