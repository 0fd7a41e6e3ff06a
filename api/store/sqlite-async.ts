// Promise helpers over sqlite3's callback API, and the one rule that keeps a single connection
// sound: callers take turns. sqlite3 runs statements on a worker pool, so two async callers that
// each issue BEGIN … COMMIT on one connection would otherwise end up inside each other's
// transaction; the mutex makes every transaction (and every read) run alone.
import sqlite3 from 'sqlite3';

/** What may be bound to a `?` placeholder. */
export type SqlValue = string | number | null;

export interface RunResult {
  changes: number;
  lastId: number;
}

/** A FIFO lock: `run(fn)` starts fn once every earlier fn has settled. */
export class Mutex {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(fn);
    // The next caller waits for this one to settle, whether it succeeded or not.
    this.#tail = result.catch(() => undefined);
    return result;
  }
}

export class SqliteConnection {
  readonly #db: sqlite3.Database;
  readonly #lock = new Mutex();

  private constructor(db: sqlite3.Database) {
    this.#db = db;
  }

  static open(file: string): Promise<SqliteConnection> {
    return new Promise((resolve, reject) => {
      const db = new sqlite3.Database(file, sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE, (err) => {
        if (err) reject(err);
        else resolve(new SqliteConnection(db));
      });
    });
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      this.#db.run(sql, params, function (this: sqlite3.RunResult, err: Error | null) {
        if (err) reject(err);
        else resolve({ changes: this.changes, lastId: this.lastID });
      });
    });
  }

  get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return new Promise((resolve, reject) => {
      this.#db.get<T>(sql, params, (err, row) => (err ? reject(err) : resolve(row)));
    });
  }

  all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return new Promise((resolve, reject) => {
      this.#db.all<T>(sql, params, (err, rows) => (err ? reject(err) : resolve(rows)));
    });
  }

  /** Runs a script of several statements (migrations, pragmas); binds nothing. */
  exec(sql: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#db.exec(sql, (err) => (err ? reject(err) : resolve()));
    });
  }

  /** Runs fn with the connection to itself, outside any transaction (reads). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.#lock.run(fn);
  }

  /**
   * Runs fn inside BEGIN IMMEDIATE … COMMIT, rolled back when fn (or the commit) fails. IMMEDIATE
   * takes the write lock up front, so a transaction that reads and then writes cannot fail halfway
   * on another process's lock (busy_timeout waits for it instead).
   */
  transaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.#lock.run(async () => {
      await this.run('BEGIN IMMEDIATE');
      try {
        const result = await fn();
        await this.run('COMMIT');
        return result;
      } catch (err) {
        // SQLite may already have rolled back (e.g. on SQLITE_FULL); the original error matters more.
        await this.run('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }

  /** Closes once every queued caller has finished. */
  close(): Promise<void> {
    return this.#lock.run(
      () =>
        new Promise<void>((resolve, reject) => {
          this.#db.close((err) => (err ? reject(err) : resolve()));
        }),
    );
  }
}

/** sqlite3 errors carry a `code` such as SQLITE_CONSTRAINT; everything else is not ours to map. */
export function isSqliteError(err: unknown): err is Error & { code: string } {
  const code = err instanceof Error ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('SQLITE_');
}
