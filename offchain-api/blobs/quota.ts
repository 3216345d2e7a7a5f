import type { Address, Hex } from "viem";
import { StorageError } from "../../lib/errors";
import { HttpError, tooLarge } from "../http/errors";
import type { StateDatabase } from "../state/database";

/** What an upload is: a record envelope or a key backup. */
export type UploadKind = "envelope" | "key-backup";

/** One upload as the ledger keeps it (table `uploads`, one row per blob and uploader). */
export interface UploadRow {
  sha256: Hex;
  uploader: Address;
  cid: string | null;
  kind: UploadKind;
  /** The envelope's patient, or the backup's owner: whose on-chain history can reference it. */
  subject: Address;
  size: number;
  /** Unix milliseconds of the latest upload of these bytes by this uploader. */
  createdAt: number;
}

export interface UploadLimits {
  /** Bytes an address may have uploaded and not yet referenced on-chain. */
  quotaBytes: number;
  /** Key backups an address may have uploaded and not yet registered on-chain. */
  keyBackups: number;
}

const MIGRATIONS = [
  {
    id: "uploads/1-ledger",
    up(db: StateDatabase["db"]) {
      db.exec(`
        CREATE TABLE uploads (
          sha256 TEXT NOT NULL,
          uploader TEXT NOT NULL,
          cid TEXT,
          kind TEXT NOT NULL CHECK (kind IN ('envelope', 'key-backup')),
          subject TEXT NOT NULL,
          size INTEGER NOT NULL,
          created_at INTEGER NOT NULL,
          -- when a mined record or registered key first named these bytes (never cleared)
          referenced_at INTEGER,
          -- stored here before any tracked upload of them (blobs older than this ledger): never swept
          legacy INTEGER NOT NULL DEFAULT 0,
          PRIMARY KEY (sha256, uploader)
        );
        CREATE INDEX uploads_pending ON uploads (uploader) WHERE referenced_at IS NULL AND legacy = 0;
        CREATE INDEX uploads_expiring ON uploads (created_at) WHERE referenced_at IS NULL AND legacy = 0;
        CREATE TABLE upload_scan (id INTEGER PRIMARY KEY CHECK (id = 1), next_block INTEGER NOT NULL);
      `);
    },
  },
];

const MB = 1024 * 1024;

/** Inside a transaction: the uploads of `hashes` are referenced from `now` on (kept if already). */
function referenced(db: StateDatabase["db"], hashes: Iterable<Hex>, now: number): void {
  const update = db.prepare("UPDATE uploads SET referenced_at = ? WHERE sha256 = ? AND referenced_at IS NULL");
  for (const hash of new Set([...hashes].map((h) => h.toLowerCase()))) update.run(now, hash);
}

/**
 * The uploads not yet referenced on-chain, per address, in the service's SQLite state: what the
 * quota counts and what the sweeper (sweeper.ts) removes once their grace period is over. A
 * reservation is checked and written in one transaction, so parallel uploads cannot overrun the
 * quota; bytes leave the count as soon as a mined record or registered key names them.
 *
 * Work on one blob (its upload, its removal) runs one at a time through {@link exclusive}.
 */
export class UploadLedger {
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(
    private readonly state: StateDatabase,
    private readonly limits: UploadLimits,
  ) {
    state.migrate(MIGRATIONS);
  }

  /**
   * Records an upload of `size` bytes before they are stored: HttpError 413 when it would take the
   * uploader over the quota. Re-uploading the same bytes counts once and restarts their grace
   * period. Answers whether other uploads of these bytes were known (then they are not a legacy blob).
   */
  reserve(upload: Omit<UploadRow, "cid" | "createdAt">, now = Date.now()): { known: boolean } {
    return this.write((db) => {
      this.checkRoom(upload.uploader, upload.size, upload.kind, upload.sha256);
      const known = db.prepare("SELECT 1 FROM uploads WHERE sha256 = ? LIMIT 1").get(upload.sha256) !== undefined;
      db.prepare(
        `INSERT INTO uploads (sha256, uploader, kind, subject, size, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (sha256, uploader) DO UPDATE SET created_at = excluded.created_at`,
      ).run(upload.sha256, upload.uploader, upload.kind, upload.subject, upload.size, now);
      return { known };
    });
  }

  /**
   * The blob is stored under `cid`. `legacy`: it was already stored before any tracked upload of it
   * (a blob from before this ledger), which the sweeper never removes.
   */
  stored(sha256: Hex, uploader: Address, cid: string, legacy: boolean): void {
    this.write((db) => {
      db.prepare("UPDATE uploads SET cid = ?, legacy = MAX(legacy, ?) WHERE sha256 = ? AND uploader = ?").run(
        cid,
        legacy ? 1 : 0,
        sha256,
        uploader,
      );
    });
  }

  /** The upload failed: its reservation goes, unless it was a re-upload of bytes stored before. */
  release(sha256: Hex, uploader: Address): void {
    this.write((db) => {
      db.prepare("DELETE FROM uploads WHERE sha256 = ? AND uploader = ? AND cid IS NULL").run(sha256, uploader);
    });
  }

  /** Marks every upload of these hashes referenced (a record or key event named them). */
  markReferenced(hashes: Iterable<Hex>, now = Date.now()): void {
    this.write((db) => referenced(db, hashes, now));
  }

  /**
   * Throws HttpError 413 when `uploader` has no room for `size` more bytes of `kind` (re-uploading
   * `sha256` itself counts once). Also what the router asks before reading a body.
   */
  checkRoom(uploader: Address, size: number, kind: UploadKind = "envelope", sha256?: Hex): void {
    const pending = this.state.db
      .prepare(
        `SELECT COALESCE(SUM(size), 0) AS bytes, COALESCE(SUM(kind = 'key-backup'), 0) AS backups FROM uploads
         WHERE uploader = ? AND referenced_at IS NULL AND legacy = 0 AND sha256 != ?`,
      )
      .get(uploader, sha256 ?? "") as { bytes: number; backups: number };
    if (kind === "key-backup" && Number(pending.backups) + 1 > this.limits.keyBackups) {
      throw tooLarge(
        `This account already has ${pending.backups} key backups waiting to be registered: register one on-chain, or try again after a day.`,
      );
    }
    if (Number(pending.bytes) + size > this.limits.quotaBytes) {
      throw tooLarge(
        `Your uploads not yet saved in a record reach this service's limit of ${Number((this.limits.quotaBytes / MB).toPrecision(3))} MB: save them in records, or try again after a day.`,
      );
    }
  }

  /**
   * Blobs every upload of which is unreferenced, not legacy, stored, and older than `before`: what
   * the sweeper may remove, oldest first, with whose history can reference them.
   */
  expired(before: number, limit: number): { sha256: Hex; cid: string; kind: UploadKind; subject: Address }[] {
    return this.state.db
      .prepare(
        `SELECT sha256, MAX(cid) AS cid, MIN(kind) AS kind, MIN(subject) AS subject FROM uploads
         GROUP BY sha256
         HAVING MAX(created_at) < ? AND COUNT(referenced_at) = 0 AND MAX(legacy) = 0 AND COUNT(cid) = COUNT(*)
         ORDER BY MAX(created_at) LIMIT ?`,
      )
      .all(before, limit) as { sha256: Hex; cid: string; kind: UploadKind; subject: Address }[];
  }

  /**
   * Forgets the uploads of `sha256` once its blob is removed: only those still unreferenced and
   * older than `before` (an upload of the same bytes that came in meanwhile stays, and re-stores them).
   */
  forget(sha256: Hex, before: number): void {
    this.write((db) => {
      db.prepare("DELETE FROM uploads WHERE sha256 = ? AND created_at < ? AND referenced_at IS NULL").run(
        sha256,
        before,
      );
    });
  }

  /** Whether the blob is still to be removed: every upload of it unreferenced, not legacy and older than `before`. */
  stillExpired(sha256: Hex, before: number): boolean {
    const row = this.state.db
      .prepare(
        `SELECT COUNT(*) AS n FROM uploads WHERE sha256 = ?
         AND (created_at >= ? OR referenced_at IS NOT NULL OR legacy = 1 OR cid IS NULL)`,
      )
      .get(sha256, before) as { n: number };
    return Number(row.n) === 0;
  }

  /** The next block the reference scan reads, or undefined before its first run. */
  get nextBlock(): bigint | undefined {
    const row = this.state.db.prepare("SELECT next_block FROM upload_scan WHERE id = 1").get() as
      { next_block: number } | undefined;
    return row ? BigInt(row.next_block) : undefined;
  }

  /** Marks `hashes` referenced and moves the scan's cursor to `nextBlock`, in one transaction. */
  advance(nextBlock: bigint, hashes: Iterable<Hex>, now = Date.now()): void {
    this.write((db) => {
      referenced(db, hashes, now);
      db.prepare(
        "INSERT INTO upload_scan (id, next_block) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET next_block = excluded.next_block",
      ).run(Number(nextBlock));
    });
  }

  /**
   * `work` in one transaction. A state file that cannot be written (a full disk, a read-only
   * mount) is a StorageError carrying the errno the error middleware answers 507 or 503 for, as
   * for the blocks themselves; a quota refusal (HttpError) passes through.
   */
  private write<T>(work: (db: StateDatabase["db"]) => T): T {
    try {
      return this.state.transaction(work);
    } catch (error) {
      if (error instanceof HttpError || error instanceof StorageError) throw error;
      // SQLite's primary result codes (the low byte of the extended one): FULL 13, READONLY 8.
      const primary = Number((error as { errcode?: unknown }).errcode) & 0xff;
      const code = primary === 13 ? "ENOSPC" : primary === 8 ? "EROFS" : undefined;
      throw new StorageError("The upload could not be recorded.", {
        cause: code ? Object.assign(new Error(`SQLite error ${primary}`), { code, cause: error }) : error,
      });
    }
  }

  /** Runs `work` when no other work on the blob `sha256` is running (uploads and removals of it queue). */
  async exclusive<T>(sha256: Hex, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(sha256) ?? Promise.resolve();
    const run = previous.then(work, work);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.locks.set(sha256, settled);
    try {
      return await run;
    } finally {
      if (this.locks.get(sha256) === settled) this.locks.delete(sha256);
    }
  }
}
