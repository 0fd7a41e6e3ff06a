// The store's schema as numbered migrations. Each runs in its own transaction and is recorded in
// schema_migrations, so an up-to-date database applies nothing and a half-applied one never exists.
// Append new migrations; never edit one that has shipped.
import type { SqliteConnection } from './sqlite-async.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const STATUS = `'draft', 'tested', 'pending_approval', 'approved', 'deployed', 'retired', 'rejected'`;

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        roles_json TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      -- Only the sha256 of a token is kept; the plain token is shown once when created.
      CREATE TABLE tokens (
        id INTEGER PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id),
        label TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL
      );
      CREATE TABLE rule_sets (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        -- Bumped in the transaction that inserts a version, so numbers are handed out atomically.
        latest_version INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE versions (
        id INTEGER PRIMARY KEY,
        rule_set_id TEXT NOT NULL REFERENCES rule_sets(id),
        number INTEGER NOT NULL,
        source TEXT NOT NULL,
        plan_json TEXT,
        plan_hash TEXT,
        diagnostics_json TEXT NOT NULL,
        author TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN (${STATUS})),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (rule_set_id, number)
      );
      CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('backtest', 'stress')),
        version_id INTEGER NOT NULL REFERENCES versions(id),
        plan_hash TEXT NOT NULL,
        request_json TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
        progress REAL NOT NULL CHECK (progress >= 0 AND progress <= 1),
        result_json TEXT,
        error TEXT,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX jobs_by_version ON jobs(version_id);
      CREATE INDEX jobs_by_plan_hash ON jobs(plan_hash);
      CREATE TABLE approvals (
        id INTEGER PRIMARY KEY,
        version_id INTEGER NOT NULL REFERENCES versions(id),
        plan_hash TEXT NOT NULL,
        decision TEXT NOT NULL CHECK (decision IN ('approved', 'rejected')),
        reviewer TEXT NOT NULL,
        comment TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX approvals_by_version ON approvals(version_id);
      CREATE TABLE envelopes (
        scope TEXT PRIMARY KEY,
        max_position REAL,
        max_notional REAL,
        max_daily_loss REAL,
        max_drawdown REAL,
        param_bounds_json TEXT,
        set_by TEXT NOT NULL,
        set_at TEXT NOT NULL
      );
      CREATE TABLE instances (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        mode TEXT NOT NULL CHECK (mode IN ('paper', 'live')),
        source_json TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running', 'stopped', 'killed')),
        current_deployment_id INTEGER REFERENCES deployments(id),
        created_at TEXT NOT NULL
      );
      CREATE TABLE deployments (
        id INTEGER PRIMARY KEY,
        instance_id TEXT NOT NULL REFERENCES instances(id),
        version_id INTEGER NOT NULL REFERENCES versions(id),
        plan_hash TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('deploy', 'rollback')),
        deployed_by TEXT NOT NULL,
        deployed_at TEXT NOT NULL,
        previous_id INTEGER REFERENCES deployments(id)
      );
      CREATE INDEX deployments_by_instance ON deployments(instance_id);
      -- seq is assigned by the store (last + 1) together with the hash chain.
      CREATE TABLE audit (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        subject TEXT NOT NULL,
        details_json TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'audit is append-only',
    // The hash chain detects tampering; the triggers stop the accidental kind at the source.
    sql: `
      CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
      BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
      BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    `,
  },
  {
    version: 3,
    name: 'jobs record the engine semantics version',
    // Jobs from before this migration ran on the first semantics: they stay on record, and evidence
    // for a plan is taken only from jobs of the engine semantics the server runs (runtime/semantics.ts).
    sql: `
      ALTER TABLE jobs ADD COLUMN engine_semantics INTEGER NOT NULL DEFAULT 1;
    `,
  },
];

export class SchemaTooNewError extends Error {
  override name = 'SchemaTooNewError';
}

/**
 * Brings the database up to the newest migration and returns the versions it applied (none when
 * already up to date). Each step re-checks inside its transaction, so two processes opening the
 * same file at once cannot apply a migration twice.
 */
export async function migrate(conn: SqliteConnection, appliedAt: () => string, known: readonly Migration[] = migrations): Promise<number[]> {
  await conn.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const newestKnown = known.at(-1)?.version ?? 0;
  const current = await schemaVersion(conn);
  if (current > newestKnown) {
    throw new SchemaTooNewError(
      `the database's schema is version ${current}, newer than this version of Quoin knows (${newestKnown}); upgrade Quoin or use another database file`,
    );
  }
  const applied: number[] = [];
  for (const m of known) {
    const didApply = await conn.transaction(async () => {
      if ((await schemaVersion(conn)) >= m.version) return false;
      await conn.exec(m.sql);
      await conn.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [m.version, m.name, appliedAt()]);
      return true;
    });
    if (didApply) applied.push(m.version);
  }
  return applied;
}

async function schemaVersion(conn: SqliteConnection): Promise<number> {
  const row = await conn.get<{ version: number | null }>('SELECT MAX(version) AS version FROM schema_migrations');
  return row?.version ?? 0;
}
