// The order journal in a SQLite file (WAL, synchronous FULL: an append is on disk when its promise
// resolves). One table, append-only; several instances may share a file, each reads its own rows.
import sqlite3 from 'sqlite3';
import type { Journal, JournalEntry, JournalRecord } from './journal.js';

function promisify<T>(fn: (cb: (err: Error | null, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value as T))));
}

export class SqliteJournal implements Journal {
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly db: sqlite3.Database,
    private readonly instanceId: string,
    private readonly now: () => number,
  ) {}

  static async open(file: string, instanceId: string, now: () => number = Date.now): Promise<SqliteJournal> {
    const db = await new Promise<sqlite3.Database>((resolve, reject) => {
      const d = new sqlite3.Database(file, sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE, (err) => (err ? reject(new Error(`cannot open the order journal ${file}: ${err.message}`)) : resolve(d)));
    });
    const exec = (sql: string): Promise<void> => promisify<void>((cb) => db.exec(sql, (err) => cb(err)));
    await exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;');
    await exec(`CREATE TABLE IF NOT EXISTS order_journal (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      instance TEXT NOT NULL,
      time_ms INTEGER NOT NULL,
      kind TEXT NOT NULL,
      client_id TEXT,
      entry_json TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS order_journal_by_instance ON order_journal(instance, seq);
    CREATE TRIGGER IF NOT EXISTS order_journal_no_update BEFORE UPDATE ON order_journal BEGIN SELECT RAISE(ABORT, 'the order journal is append-only'); END;
    CREATE TRIGGER IF NOT EXISTS order_journal_no_delete BEFORE DELETE ON order_journal BEGIN SELECT RAISE(ABORT, 'the order journal is append-only'); END;`);
    return new SqliteJournal(db, instanceId, now);
  }

  append(entry: JournalEntry): Promise<void> {
    const clientId = 'clientId' in entry ? entry.clientId : null;
    const write = (): Promise<void> =>
      promisify<void>((cb) =>
        this.db.run('INSERT INTO order_journal (instance, time_ms, kind, client_id, entry_json) VALUES (?, ?, ?, ?, ?)', [this.instanceId, this.now(), entry.kind, clientId, JSON.stringify(entry)], (err) => cb(err)),
      );
    // Appends land in call order.
    const next = this.tail.then(write, write);
    this.tail = next.catch(() => undefined);
    return next;
  }

  async read(): Promise<JournalRecord[]> {
    await this.tail;
    const rows = await promisify<Array<{ seq: number; time_ms: number; entry_json: string }>>((cb) =>
      this.db.all('SELECT seq, time_ms, entry_json FROM order_journal WHERE instance = ? ORDER BY seq', [this.instanceId], (err, rows) => cb(err, rows as never)),
    );
    return rows.map((r) => ({ seq: r.seq, timeMs: r.time_ms, entry: JSON.parse(r.entry_json) as JournalEntry }));
  }

  async close(): Promise<void> {
    await this.tail.catch(() => undefined);
    await promisify<void>((cb) => this.db.close((err) => cb(err)));
  }
}
