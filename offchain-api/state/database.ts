import { chmodSync, mkdirSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { StorageError } from "../../lib/errors";

/**
 * One schema step of one feature: `id` is recorded once applied (never reuse or edit an applied
 * one; add a new step instead). `up` runs inside the same transaction as its record.
 */
export interface Migration {
  /** `<feature>/<n>-<what>`, e.g. `keys/1-entries`. */
  id: string;
  up(db: DatabaseSync): void;
}

/**
 * The service's own state in one embedded SQLite file (`node:sqlite`, no native addon): wrapped key
 * entries, revoked sessions, the refusal index, upload quotas. WAL with `synchronous = FULL` (by default), so a
 * committed transaction survives a crash or power loss; each feature owns its tables and brings
 * its migrations (`open(file, migrations)` applies the new ones in order, each in a transaction).
 *
 * Synchronous by design: every statement is a few microseconds on a local file, and a transaction
 * that never awaits cannot interleave with another request's, which is what makes create-if-absent
 * and quota checks atomic without locks.
 */
export class StateDatabase {
  private closed = false;

  private constructor(
    readonly db: DatabaseSync,
    readonly file: string,
  ) {}

  /**
   * Opens (creating, 0600 in a 0700 folder) the database at `file` and applies `migrations`.
   * `synchronous`: FULL (default) makes every commit durable before it returns (an fsync of the log,
   * on the calling thread: about 0.8 ms here); NORMAL is as atomic and survives a crash of the
   * process, but a power loss may undo the last commits, and a commit costs about 30 µs. Each
   * connection has its own setting: a store whose last rows may be lost on a power cut without
   * harm opens its own connection with NORMAL.
   */
  static open(
    file: string,
    migrations: readonly Migration[],
    options: { synchronous?: "FULL" | "NORMAL" } = {},
  ): StateDatabase {
    let db: DatabaseSync;
    try {
      if (file !== ":memory:") {
        mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      }
      db = new DatabaseSync(file);
      if (file !== ":memory:") chmodSync(file, 0o600);
      db.exec(
        `PRAGMA journal_mode = WAL; PRAGMA synchronous = ${options.synchronous === "NORMAL" ? "NORMAL" : "FULL"}; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;`,
      );
      db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)");
    } catch (error) {
      throw new StorageError("The service's state database could not be opened.", { cause: error, details: file });
    }
    const state = new StateDatabase(db, file);
    state.migrate(migrations);
    return state;
  }

  /** Runs `work` in one transaction (IMMEDIATE: it takes the write lock first); rolls back if it throws. */
  transaction<T>(work: (db: DatabaseSync) => T): T {
    if (this.closed) throw new StorageError("The service's state database is closed.");
    this.db.exec("BEGIN IMMEDIATE");
    try {
      const result = work(this.db);
      this.db.exec("COMMIT");
      return result;
    } catch (error) {
      // SQLite rolls back by itself on some errors (a full disk, an I/O error): a second ROLLBACK
      // would throw and hide the error that says why.
      if (this.db.isTransaction) this.db.exec("ROLLBACK");
      throw error;
    }
  }

  /** Applies the migrations not yet recorded, in the order given. */
  migrate(migrations: readonly Migration[]): void {
    const applied = new Set(
      (this.db.prepare("SELECT id FROM schema_migrations").all() as { id: string }[]).map((row) => row.id),
    );
    const pending = migrations.filter((migration) => !applied.has(migration.id));
    for (const migration of pending) {
      try {
        this.transaction((db) => {
          migration.up(db);
          db.prepare("INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)").run(
            migration.id,
            new Date().toISOString(),
          );
        });
      } catch (error) {
        throw new StorageError("The service's state database could not be migrated.", {
          cause: error,
          details: migration.id,
        });
      }
    }
    // Each step's transaction appended its pages to the write-ahead log, which only shrinks at a
    // checkpoint (by default after 1,000 pages): fold it into the database now, so the service
    // starts with an empty log (a long one is also what a per-file size limit refuses first).
    if (pending.length > 0) this.db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}
