import type { Address, Hex } from "viem";
import { StorageError } from "../../lib/errors";
import { HttpError, tooLarge } from "../http/errors";
import type { RecordPart } from "../../lib/crypto/identity";
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
  /** What it counts against the quota: its size in bytes, at least the limits' `minChargeBytes`. */
  size: number;
  /** Unix milliseconds of the latest upload of these bytes by this uploader. */
  createdAt: number;
  /** An envelope's record id and part, from its clear header (`subject` is its patient). */
  envelope?: { recordId: Hex; part: RecordPart };
}

/** The record part an envelope uploaded here is, from its clear header (of this chain and EhrCore, checked at upload). */
export interface StoredEnvelope {
  patient: Address;
  recordId: Hex;
  part: RecordPart;
}

export interface UploadLimits {
  /** Bytes an address may have uploaded and not yet referenced on-chain. */
  quotaBytes: number;
  /**
   * The least an upload counts against the quota, however small: the quota then also bounds how
   * many files (and so key entries, each naming a file) an address can have unreferenced. @default 0
   */
  minChargeBytes?: number;
  /** Key backups an address may have uploaded and not yet registered on-chain. */
  keyBackups: number;
}

/** The ledger's schema steps (exported for the migration test). */
export const LEDGER_MIGRATIONS = [
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
  {
    // What the quota counts per uploader (bytes and key backups not yet referenced, not legacy), kept
    // by triggers in the same transaction as every change of `uploads`: one row read per check,
    // where a SUM over an uploader's pending rows grew with them (20,000 rows: a third of an upload).
    id: "uploads/2-pending-totals",
    up(db: StateDatabase["db"]) {
      db.exec(`
        CREATE TABLE upload_pending (
          uploader TEXT PRIMARY KEY,
          bytes INTEGER NOT NULL,
          backups INTEGER NOT NULL
        );
        INSERT INTO upload_pending (uploader, bytes, backups)
          SELECT uploader, SUM(size), SUM(kind = 'key-backup') FROM uploads
          WHERE referenced_at IS NULL AND legacy = 0 GROUP BY uploader;
        CREATE TRIGGER upload_pending_insert AFTER INSERT ON uploads
          WHEN NEW.referenced_at IS NULL AND NEW.legacy = 0
        BEGIN
          INSERT INTO upload_pending (uploader, bytes, backups) VALUES (NEW.uploader, NEW.size, NEW.kind = 'key-backup')
            ON CONFLICT (uploader) DO UPDATE SET bytes = bytes + excluded.bytes, backups = backups + excluded.backups;
        END;
        CREATE TRIGGER upload_pending_delete AFTER DELETE ON uploads
          WHEN OLD.referenced_at IS NULL AND OLD.legacy = 0
        BEGIN
          UPDATE upload_pending SET bytes = bytes - OLD.size, backups = backups - (OLD.kind = 'key-backup')
            WHERE uploader = OLD.uploader;
        END;
        CREATE TRIGGER upload_pending_update_old AFTER UPDATE OF uploader, size, kind, referenced_at, legacy ON uploads
          WHEN OLD.referenced_at IS NULL AND OLD.legacy = 0
        BEGIN
          UPDATE upload_pending SET bytes = bytes - OLD.size, backups = backups - (OLD.kind = 'key-backup')
            WHERE uploader = OLD.uploader;
        END;
        CREATE TRIGGER upload_pending_update_new AFTER UPDATE OF uploader, size, kind, referenced_at, legacy ON uploads
          WHEN NEW.referenced_at IS NULL AND NEW.legacy = 0
        BEGIN
          INSERT INTO upload_pending (uploader, bytes, backups) VALUES (NEW.uploader, NEW.size, NEW.kind = 'key-backup')
            ON CONFLICT (uploader) DO UPDATE SET bytes = bytes + excluded.bytes, backups = backups + excluded.backups;
        END;
      `);
    },
  },
  {
    // Which record part an envelope is (POST /v1/keys binds a key to it without reading the file).
    // Rows from before stay NULL: the key service asks the chain for those.
    id: "uploads/3-envelope-identity",
    up(db: StateDatabase["db"]) {
      db.exec("ALTER TABLE uploads ADD COLUMN record_id TEXT; ALTER TABLE uploads ADD COLUMN part TEXT;");
    },
  },
];

const MB = 1024 * 1024;

/** The least an upload counts against the service's quota (UploadLimits.minChargeBytes). */
export const UPLOAD_MIN_CHARGE_BYTES = 4 * 1024;

/** Inside a transaction: the uploads of `hashes` are referenced from `now` on (kept if already). */
function referenced(db: StateDatabase["db"], hashes: Iterable<Hex>, now: number): void {
  const update = db.prepare("UPDATE uploads SET referenced_at = ? WHERE sha256 = ? AND referenced_at IS NULL");
  for (const hash of new Set([...hashes].map((h) => h.toLowerCase()))) update.run(now, hash);
}

/** An upload being received and stored: counted against its uploader's quota until it ends. */
export interface Reservation {
  /**
   * The blob is stored under `cid` (`alreadyStored`: its bytes were there before this upload): the
   * upload's row is written and the reservation ends. Rows of uploads stored in the same event-loop
   * turn share one transaction (one commit); a row that fails takes only its own upload with it.
   */
  stored(cid: string, alreadyStored: boolean, now?: number): Promise<void>;
  /** The upload failed: nothing is written and its bytes leave the count. Idempotent. */
  release(): void;
}

/** The uploads of one address being received now (in memory), by blob. */
interface InFlight {
  bytes: number;
  backups: number;
  /** Per blob: how many uploads of it, its size and whether it is a key backup. */
  blobs: Map<string, { count: number; size: number; backup: boolean }>;
}

/**
 * The uploads not yet referenced on-chain, per address, in the service's SQLite state: what the
 * quota counts and what the sweeper (sweeper.ts) removes once their grace period is over. The
 * count is the uploads written (table `upload_pending`, kept by triggers) plus those being received
 * now ({@link reserve}, in memory: checked and taken in one synchronous step, so parallel uploads
 * cannot overrun the quota); an upload writes its row once, when its blob is stored, in a commit
 * it shares with the uploads stored in the same event-loop turn. Bytes leave the count as soon as
 * a mined record or registered key names them.
 *
 * An upload holds its blob {@link shared} while it stores it and writes its row; the sweeper's
 * removal holds it {@link exclusive}: uploads of the same bytes run side by side, a removal waits for
 * them and they for it.
 */
export class UploadLedger {
  private readonly locks = new Map<string, BlobLock>();
  private readonly inFlight = new Map<string, InFlight>();
  /** Rows waiting for this turn's commit (see {@link Reservation.stored}). */
  private rows: PendingRow[] = [];
  private readonly statements = new Map<string, ReturnType<StateDatabase["db"]["prepare"]>>();

  constructor(
    private readonly state: StateDatabase,
    private readonly limits: UploadLimits,
  ) {
    state.migrate(LEDGER_MIGRATIONS);
  }

  /**
   * Counts an upload of `size` bytes against its uploader's quota while it is received and stored:
   * HttpError 413 when it would take the uploader over. Re-uploading the same bytes counts once (and
   * restarts their grace period when stored).
   */
  reserve(received: Omit<UploadRow, "cid" | "createdAt">): Reservation {
    const upload = { ...received, size: this.charged(received.size) };
    const recordId = upload.envelope?.recordId.toLowerCase() ?? null;
    const part = upload.envelope?.part ?? null;
    const kind = upload.kind;
    this.checkRoom(upload.uploader, upload.size, kind, upload.sha256);
    const key = upload.uploader.toLowerCase();
    const mine = this.inFlight.get(key) ?? { bytes: 0, backups: 0, blobs: new Map() };
    this.inFlight.set(key, mine);
    const blob = mine.blobs.get(upload.sha256);
    if (blob) blob.count++;
    else {
      mine.blobs.set(upload.sha256, { count: 1, size: upload.size, backup: kind === "key-backup" });
      mine.bytes += upload.size;
      if (kind === "key-backup") mine.backups++;
    }
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      const entry = mine.blobs.get(upload.sha256)!;
      if (--entry.count > 0) return;
      mine.blobs.delete(upload.sha256);
      mine.bytes -= entry.size;
      if (entry.backup) mine.backups--;
      if (mine.blobs.size === 0 && this.inFlight.get(key) === mine) this.inFlight.delete(key);
    };
    return {
      stored: async (cid, alreadyStored, now = Date.now()) => {
        if (ended) throw new Error("This upload's reservation has ended.");
        try {
          await this.commitSoon(() => {
            // Already here with no tracked upload of it: a blob from before the ledger, never swept.
            const known = this.statement("SELECT 1 FROM uploads WHERE sha256 = ? LIMIT 1").get(upload.sha256);
            const legacy = alreadyStored && known === undefined ? 1 : 0;
            this.statement(
              `INSERT INTO uploads (sha256, uploader, cid, kind, subject, size, created_at, legacy, record_id, part)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (sha256, uploader) DO UPDATE SET created_at = excluded.created_at, cid = excluded.cid,
                 legacy = MAX(legacy, excluded.legacy), record_id = excluded.record_id, part = excluded.part`,
            ).run(upload.sha256, upload.uploader, cid, kind, upload.subject, upload.size, now, legacy, recordId, part);
          });
        } finally {
          end();
        }
      },
      release: end,
    };
  }

  /**
   * `write` run in the transaction this turn's rows share, committed once the turn's other work is
   * done (setImmediate): a commit is most of a row's cost, and uploads finishing together share it.
   * When that transaction fails, each row is tried again in one of its own, so one bad row fails
   * only its own upload.
   */
  private commitSoon(write: () => void): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.rows.length === 0) setImmediate(() => this.commitRows());
      this.rows.push({ write, resolve, reject });
    });
  }

  private commitRows(): void {
    const rows = this.rows;
    this.rows = [];
    try {
      this.write(() => rows.forEach((row) => row.write()));
      rows.forEach((row) => row.resolve());
      return;
    } catch (error) {
      if (rows.length === 1) return rows[0].reject(error);
    }
    for (const row of rows) {
      try {
        this.write(row.write);
        row.resolve();
      } catch (error) {
        row.reject(error);
      }
    }
  }

  /** The record part the envelope `sha256` uploaded here is, or undefined (no such upload, or one from before this was kept). */
  envelopeOf(sha256: Hex): StoredEnvelope | undefined {
    const row = this.statement(
      `SELECT subject, record_id, part FROM uploads
       WHERE sha256 = ? AND kind = 'envelope' AND cid IS NOT NULL AND record_id IS NOT NULL LIMIT 1`,
    ).get(sha256.toLowerCase()) as { subject: Address; record_id: Hex; part: RecordPart } | undefined;
    return row && { patient: row.subject, recordId: row.record_id, part: row.part };
  }

  /** Marks every upload of these hashes referenced (a record or key event named them). */
  markReferenced(hashes: Iterable<Hex>, now = Date.now()): void {
    this.write((db) => referenced(db, hashes, now));
  }

  /**
   * Throws HttpError 413 when `uploader` has no room for `size` more bytes of `kind`, counting the
   * uploads written and those in flight (re-uploading `sha256` itself counts once). Also what the
   * router asks before reading a body.
   */
  checkRoom(uploader: Address, size: number, kind: UploadKind = "envelope", sha256?: Hex): void {
    const written = (this.statement("SELECT bytes, backups FROM upload_pending WHERE uploader = ?").get(uploader) as
      { bytes: number; backups: number } | undefined) ?? { bytes: 0, backups: 0 };
    let bytes = Number(written.bytes);
    let backups = Number(written.backups);
    size = this.charged(size);
    if (sha256) {
      const same = this.statement(
        "SELECT size, kind FROM uploads WHERE sha256 = ? AND uploader = ? AND referenced_at IS NULL AND legacy = 0",
      ).get(sha256, uploader) as { size: number; kind: UploadKind } | undefined;
      if (same) {
        bytes -= Number(same.size);
        if (same.kind === "key-backup") backups--;
      }
    }
    const flying = this.inFlight.get(uploader.toLowerCase());
    if (flying) {
      bytes += flying.bytes;
      backups += flying.backups;
      const same = sha256 && flying.blobs.get(sha256);
      if (same) {
        bytes -= same.size;
        if (same.backup) backups--;
      }
    }
    if (kind === "key-backup" && backups + 1 > this.limits.keyBackups) {
      throw tooLarge(
        `This account already has ${backups} key backups waiting to be registered: register one on-chain, or try again after a day.`,
      );
    }
    if (bytes + size > this.limits.quotaBytes) {
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
    return Number(row.n) === 0 && ![...this.inFlight.values()].some((mine) => mine.blobs.has(sha256));
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

  /** What `size` bytes count against the quota. */
  private charged(size: number): number {
    return Math.max(size, this.limits.minChargeBytes ?? 0);
  }

  /** `sql` prepared once (node:sqlite compiles a statement at every `prepare`). */
  private statement(sql: string) {
    let prepared = this.statements.get(sql);
    if (!prepared) {
      prepared = this.state.db.prepare(sql);
      this.statements.set(sql, prepared);
    }
    return prepared;
  }

  /** Runs `work` alongside other uploads of the blob `sha256`, never during its removal. */
  shared<T>(sha256: Hex, work: () => Promise<T>): Promise<T> {
    return this.lockOf(sha256).shared(work);
  }

  /** Runs `work` when nothing else runs on the blob `sha256` (a removal: uploads of it wait). */
  exclusive<T>(sha256: Hex, work: () => Promise<T>): Promise<T> {
    return this.lockOf(sha256).exclusive(work);
  }

  private lockOf(sha256: Hex): BlobLock {
    let lock = this.locks.get(sha256);
    if (!lock) {
      lock = new BlobLock(() => this.locks.get(sha256) === lock && this.locks.delete(sha256));
      this.locks.set(sha256, lock);
    }
    return lock;
  }
}

/** A row of {@link UploadLedger.commitSoon} waiting for its turn's commit. */
interface PendingRow {
  write(): void;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Many sharers or one holder at a time, for one blob: a holder waits for the sharers running and
 * holds back new ones (so uploads cannot starve a removal); `idle` runs when nothing runs or waits.
 */
class BlobLock {
  private sharers = 0;
  private holder: Promise<void> | undefined;
  private waiting = 0;
  private drained: (() => void)[] = [];

  constructor(private readonly idle: () => void) {}

  async shared<T>(work: () => Promise<T>): Promise<T> {
    this.waiting++;
    try {
      while (this.holder) await this.holder;
    } finally {
      this.waiting--;
    }
    this.sharers++;
    try {
      return await work();
    } finally {
      if (--this.sharers === 0) for (const wake of this.drained.splice(0)) wake();
      this.maybeIdle();
    }
  }

  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    this.waiting++;
    try {
      while (this.holder) await this.holder;
    } finally {
      this.waiting--;
    }
    let release!: () => void;
    this.holder = new Promise<void>((resolve) => (release = resolve));
    try {
      while (this.sharers > 0) await new Promise<void>((resolve) => this.drained.push(resolve));
      return await work();
    } finally {
      this.holder = undefined;
      release();
      this.maybeIdle();
    }
  }

  private maybeIdle(): void {
    if (this.sharers === 0 && !this.holder && this.waiting === 0) this.idle();
  }
}
