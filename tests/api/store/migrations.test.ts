// Migrations: a fresh database gets all of them, an up-to-date one none, a failing one nothing
// half-done, and a database from a newer Quoin is refused rather than misread.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, migrations, SchemaTooNewError } from '../../../api/store/migrations.js';
import { SqliteConnection } from '../../../api/store/sqlite-async.js';
import { openStore } from '../../../api/store/sqlite-store.js';
import { rawConnection, tempDir } from './helpers.js';

let dir: string;
let remove: () => void;
let file: string;

beforeEach(() => {
  ({ dir, remove } = tempDir());
  file = path.join(dir, 'deep', 'er', 'quoin.db');
});
afterEach(() => remove());

const at = (iso: string) => () => new Date(iso);

async function appliedRows(): Promise<Array<{ version: number; name: string; applied_at: string }>> {
  const raw = await rawConnection(file);
  try {
    return await raw.all('SELECT version, name, applied_at FROM schema_migrations ORDER BY version');
  } finally {
    await raw.close();
  }
}

describe('migrations', () => {
  it('are numbered 1, 2, 3… with names', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
    for (const m of migrations) expect(m.name.length).toBeGreaterThan(0);
  });

  it('all apply to a fresh database, which gets every table in WAL mode', async () => {
    const store = await openStore(file, { now: at('2025-01-01T00:00:00Z') });
    await store.close();
    expect(await appliedRows()).toEqual(migrations.map((m) => ({ version: m.version, name: m.name, applied_at: '2025-01-01T00:00:00.000Z' })));
    const raw = await rawConnection(file);
    const tables = (await raw.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).map((r) => r.name);
    const mode = await raw.get<{ journal_mode: string }>('PRAGMA journal_mode');
    await raw.close();
    expect(tables).toEqual(['approvals', 'audit', 'deployments', 'envelopes', 'instances', 'jobs', 'rule_sets', 'schema_migrations', 'tokens', 'users', 'versions']);
    expect(mode?.journal_mode).toBe('wal');
  });

  it('apply nothing when reopening an up-to-date database, and keep its data', async () => {
    const first = await openStore(file, { now: at('2025-01-01T00:00:00Z') });
    await first.createRuleSet({ id: 'kept', name: 'Kept', actor: 'a' });
    await first.close();
    const before = await appliedRows();

    const second = await openStore(file, { now: at('2026-01-01T00:00:00Z') });
    expect((await second.getRuleSet('kept')).name).toBe('Kept');
    expect((await second.verifyAudit()).ok).toBe(true);
    await second.close();
    expect(await appliedRows()).toEqual(before);

    const conn = await SqliteConnection.open(file);
    expect(await migrate(conn, () => 'never')).toEqual([]);
    await conn.close();
  });

  it('bring a database from an earlier Quoin up to date, its jobs marked as made under engine semantics 1', async () => {
    // The schema as Quoin left it before migration 3, with one finished backtest on record.
    mkdirSync(path.dirname(file), { recursive: true });
    const conn = await SqliteConnection.open(file);
    await migrate(conn, () => 'then', migrations.slice(0, 2));
    await conn.run("INSERT INTO rule_sets (id, name, created_by, created_at) VALUES ('rs', 'RS', 'a', 'then')");
    await conn.run("INSERT INTO versions (id, rule_set_id, number, source, diagnostics_json, author, status, created_at, updated_at) VALUES (1, 'rs', 1, 's', '[]', 'a', 'draft', 'then', 'then')");
    await conn.run(
      "INSERT INTO jobs (id, kind, version_id, plan_hash, request_json, status, progress, created_by, created_at, updated_at) VALUES ('old', 'backtest', 1, 'h', '{}', 'done', 1, 'a', 'then', 'then')",
    );
    await conn.close();

    const store = await openStore(file, { now: at('2026-01-01T00:00:00Z') });
    expect(await store.getJob('old')).toMatchObject({ id: 'old', planHash: 'h', status: 'done', engineSemantics: 1 });
    await store.close();
    expect((await appliedRows()).map((r) => r.version)).toEqual(migrations.map((m) => m.version));
  });

  it('refuse a database whose schema is newer than the code knows', async () => {
    await (await openStore(file)).close();
    const raw = await rawConnection(file);
    await raw.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'from the future', 'x')");
    await raw.close();
    const opening = openStore(file);
    await expect(opening).rejects.toThrow(SchemaTooNewError);
    await expect(opening).rejects.toThrow(/schema is version 999, newer than this version of Quoin knows \(\d+\)/);
  });

  it('roll back a migration that fails halfway and record only those that succeeded', async () => {
    const conn = await SqliteConnection.open(path.join(dir, 'm.db'));
    const steps = [
      { version: 1, name: 'good', sql: 'CREATE TABLE a (x INTEGER);' },
      { version: 2, name: 'bad', sql: 'CREATE TABLE b (x INTEGER); THIS IS NOT SQL;' },
    ];
    await expect(migrate(conn, () => 'now', steps)).rejects.toThrow();
    const tables = (await conn.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).map((r) => r.name);
    const recorded = await conn.all('SELECT version, name FROM schema_migrations');
    await conn.close();
    expect(tables).toEqual(['a', 'schema_migrations']);
    expect(recorded).toEqual([{ version: 1, name: 'good' }]);
  });
});
