import { existsSync, readFileSync, renameSync } from "node:fs";
import path from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { getAddress } from "viem";
import type { Refusal, RefusalPage } from "../../lib/api/wire/audit";
import type { Address } from "viem";
import { StorageError } from "../../lib/errors";
import type { Migration, StateDatabase } from "../state/database";

export type { Refusal, RefusalPage };

/** What `append` takes: one refused attempt, at one moment. */
export type RefusalEvent = Omit<Refusal, "count" | "firstAt">;

interface Row {
  patient: string;
  reader: string;
  record_index: number;
  cid: string;
  part: string;
  reason: string;
  first_at: string;
  last_at: string;
  count: number;
}

/** The day a refusal is counted under: repeats within one UTC day are one row. */
const dayOf = (at: string) => at.slice(0, 10);

const UPSERT = `INSERT INTO refusals (patient, reader, record_index, cid, part, reason, day, first_at, last_at, count)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
  ON CONFLICT (patient, reader, record_index, cid, part, reason, day) DO UPDATE SET
    count = count + 1,
    first_at = min(first_at, excluded.first_at),
    last_at = max(last_at, excluded.last_at)`;

function upsert(db: DatabaseSync, r: RefusalEvent): void {
  // -1 and "" stand for "not given": SQLite's UNIQUE treats NULLs as distinct, which would defeat
  // the aggregation of refused downloads (no record index) and key releases (no CID).
  db.prepare(UPSERT).run(
    r.patient.toLowerCase(),
    r.reader.toLowerCase(),
    r.recordIndex ?? -1,
    r.cid ?? "",
    r.part ?? "",
    r.reason,
    dayOf(r.at),
    r.at,
    r.at,
  );
}

/**
 * The migrations of the refusal index. The second imports `refusals.jsonl` of the earlier
 * append-only layout (from `legacyFolder`) inside the migration's own transaction, so it is
 * recorded as done in the same commit and never counted twice; the file is renamed afterwards.
 */
function migrations(legacyFile: string | undefined): Migration[] {
  return [
    {
      id: "audit/1-refusals",
      up(db) {
        db.exec(`CREATE TABLE refusals (
          id INTEGER PRIMARY KEY,
          patient TEXT NOT NULL,
          reader TEXT NOT NULL,
          record_index INTEGER NOT NULL,
          cid TEXT NOT NULL,
          part TEXT NOT NULL,
          reason TEXT NOT NULL,
          day TEXT NOT NULL,
          first_at TEXT NOT NULL,
          last_at TEXT NOT NULL,
          count INTEGER NOT NULL,
          UNIQUE (patient, reader, record_index, cid, part, reason, day)
        )`);
        db.exec("CREATE INDEX refusals_by_patient ON refusals (patient, last_at)");
      },
    },
    {
      id: "audit/2-import-jsonl",
      up(db) {
        if (!legacyFile || !existsSync(legacyFile)) return;
        for (const line of readFileSync(legacyFile, "utf8").split("\n")) {
          let r: RefusalEvent;
          try {
            r = JSON.parse(line) as RefusalEvent;
          } catch {
            continue; // a torn line from a crash mid-append: not a refusal anyone was told about
          }
          if (typeof r?.patient !== "string" || typeof r.reader !== "string" || typeof r.at !== "string") continue;
          upsert(db, { ...r, reason: String(r.reason ?? "") });
        }
      },
    },
  ];
}

/**
 * Refused reads, for the patient's activity view, in the service's SQLite state (`refusals`).
 * Repeats aggregate: the same reader, patient, record (or CID), part and reason on the same UTC day
 * bump one row's count and last time instead of adding rows, so a flood of refusals costs one row
 * (and one small write each), not a growing log. Each append is one committed transaction
 * (synchronous = FULL): an audited refusal survives a crash. Which refusals are worth recording at
 * all (a real record of that patient) is the routes' decision.
 */
export class AuditLog {
  private closed = false;

  private constructor(private readonly state: StateDatabase) {}

  /** Opens the index in `state`, importing `legacyFolder/refusals.jsonl` once if it is there. */
  static open(state: StateDatabase, legacyFolder?: string): AuditLog {
    const legacyFile = legacyFolder ? path.join(legacyFolder, "refusals.jsonl") : undefined;
    state.migrate(migrations(legacyFile));
    try {
      if (legacyFile && existsSync(legacyFile)) renameSync(legacyFile, `${legacyFile}.migrated`);
    } catch (error) {
      throw new StorageError("The audit log could not be migrated.", { cause: error, details: legacyFile });
    }
    return new AuditLog(state);
  }

  /** Records one refusal (or counts a repeat); resolves once it is committed. */
  async append(refusal: RefusalEvent): Promise<void> {
    if (this.closed) throw new StorageError("The audit log is closed.");
    try {
      this.state.transaction((db) => upsert(db, refusal));
    } catch (error) {
      throw new StorageError("The audit log could not be written.", { cause: error });
    }
  }

  /** One page of `patient`'s refusals, most recent first, and how many rows there are. */
  refusalsFor(patient: Address, page: { offset: number; limit: number }): RefusalPage {
    const db = this.state.db;
    const key = patient.toLowerCase();
    const rows = db
      .prepare("SELECT * FROM refusals WHERE patient = ? ORDER BY last_at DESC, id DESC LIMIT ? OFFSET ?")
      .all(key, page.limit, page.offset) as unknown as Row[];
    const { total } = db.prepare("SELECT count(*) AS total FROM refusals WHERE patient = ?").get(key) as {
      total: number;
    };
    return { refusals: rows.map(refusalOf), total: Number(total) };
  }

  /** Appends after this are refused; the database is the services' to close. */
  async close(): Promise<void> {
    this.closed = true;
  }
}

function refusalOf(row: Row): Refusal {
  return {
    at: row.last_at,
    firstAt: row.first_at,
    count: Number(row.count),
    reader: getAddress(row.reader),
    patient: getAddress(row.patient),
    ...(row.record_index >= 0 && { recordIndex: Number(row.record_index) }),
    ...(row.cid && { cid: row.cid }),
    ...(row.part && { part: row.part as Refusal["part"] }),
    reason: row.reason,
  };
}
