import { existsSync, readdirSync, readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import type { PublicClient } from "viem";
import { AccessDeniedError, ChainError, FormatError, NotFoundError, StorageError } from "../../lib/errors";
import { accessBasisOf, coreEvents, readChainRecord } from "../../lib/chain/ehr";
import { wrappedKeyShapeError } from "../../lib/crypto/keyWrap";
import type { Address, Hex } from "viem";
import type { KeyRequest, KeyVault, WrappedKeyEntry } from "../../lib/storage/types";
import type { StateDatabase } from "../state/database";
import { isAddress } from "viem";

export interface ChainKeyVaultOptions {
  /** The service's state database: the entries live in its `key_entries` table. */
  state: StateDatabase;
  /**
   * The folder of the earlier file layouts (`entries/*.json`, `wrapped-keys.json`): imported into
   * the table once at open, then renamed `*.migrated`. @default none
   */
  legacyFolder?: string;
  publicClient: PublicClient;
  /** The EhrCore address. */
  core: Address;
  /** How many blocks old a `logAccess` transaction may be when it is presented. @default 100 */
  maxAccessAgeBlocks?: number;
}

const HEX32 = /^0x[0-9a-fA-F]{64}$/;

/** One table, keyed like an entry's identity (addresses and ids stored lower-case). */
const MIGRATIONS = [
  {
    id: "keys/1-entries",
    up(db: import("node:sqlite").DatabaseSync) {
      db.exec(`CREATE TABLE key_entries (
        chain_id INTEGER NOT NULL,
        contract TEXT NOT NULL,
        patient TEXT NOT NULL,
        record_id TEXT NOT NULL,
        part TEXT NOT NULL,
        reader TEXT NOT NULL,
        envelope_hash TEXT NOT NULL,
        wrapped TEXT NOT NULL,
        stored_at TEXT NOT NULL,
        PRIMARY KEY (chain_id, contract, patient, record_id, part, reader)
      ) WITHOUT ROWID`);
      // The patient's catch-up asks which records a reader already holds keys of.
      db.exec("CREATE INDEX key_entries_by_reader ON key_entries (chain_id, contract, patient, reader)");
    },
  },
  {
    // The sweeper removes the keys of an envelope it removed (forgetEnvelope).
    id: "keys/2-by-envelope",
    up(db: import("node:sqlite").DatabaseSync) {
      db.exec("CREATE INDEX key_entries_by_envelope ON key_entries (envelope_hash)");
    },
  },
];

interface Row {
  chain_id: number;
  contract: string;
  patient: string;
  record_id: string;
  part: string;
  reader: string;
  envelope_hash: string;
  wrapped: string;
}

function checkEntry(entry: WrappedKeyEntry, chainId: number, core: Address): void {
  const bad = (field: string) => new FormatError("A wrapped key entry is not valid.", { details: field });
  if (entry.chainId !== chainId) throw bad("chainId: not this chain");
  if (entry.contract?.toLowerCase() !== core.toLowerCase()) throw bad("contract: not this EhrCore");
  if (!isAddress(entry.patient, { strict: false })) throw bad("patient");
  if (!isAddress(entry.reader, { strict: false })) throw bad("reader");
  if (!/^0x[0-9a-fA-F]{32}$/.test(entry.recordId)) throw bad("recordId");
  if (entry.part !== "report" && entry.part !== "summary") throw bad("part");
  if (!HEX32.test(entry.envelopeHash)) throw bad("envelopeHash");
  const shape = wrappedKeyShapeError(entry.wrapped);
  if (shape) throw bad(`wrapped: ${shape}`);
}

/** The primary key of an entry, in the table's lower-case form. */
function keyOf(e: Pick<WrappedKeyEntry, "chainId" | "contract" | "patient" | "recordId" | "part" | "reader">) {
  return [
    e.chainId,
    e.contract.toLowerCase(),
    e.patient.toLowerCase(),
    e.recordId.toLowerCase(),
    e.part,
    e.reader.toLowerCase(),
  ] as const;
}

function entryOf(row: Row): WrappedKeyEntry {
  return {
    chainId: row.chain_id,
    contract: row.contract as Address,
    patient: row.patient as Address,
    recordId: row.record_id as Hex,
    part: row.part as WrappedKeyEntry["part"],
    reader: row.reader as Address,
    envelopeHash: row.envelope_hash as Hex,
    wrapped: row.wrapped,
  };
}

/**
 * The key release rule the storage service hosts. A wrapped key goes out only if the reader is the
 * patient, or the reader presents a mined, recent transaction of this EhrCore with a
 * `RecordAccessed` event naming this patient, reader and record (a full-record read also covers the
 * summary): a `logAccess`, or the one break-glass transaction `openEmergencyAccessAndLog` (or
 * `logEmergencyReads`) that logs every read of the emergency card and the chain still authorizes
 * the read now; in every case the entry must belong to the on-chain record at `recordIndex` (its
 * envelope hash is that record's).
 *
 * Storage: one row per entry in the service's SQLite state (`key_entries`), keyed by chain,
 * contract, patient, record, part and reader. A store is one transaction: all of a batch or none,
 * and "create if absent" is decided inside it, so two writers racing for the same new entry get
 * one success and one conflict (the transaction is synchronous, nothing interleaves). Entries of
 * the earlier file layouts are imported at open. Keys are ciphertext to anyone but their reader,
 * never logged.
 *
 * Who may store what is the HTTP route's decision (offchain-api/keys/router.ts).
 */
export class ChainKeyVault implements KeyVault {
  private chainId?: number;
  private closed = false;
  private readonly maxAge: bigint;

  constructor(private readonly options: ChainKeyVaultOptions) {
    this.maxAge = BigInt(options.maxAccessAgeBlocks ?? 100);
    options.state.migrate(MIGRATIONS);
    if (options.legacyFolder) this.importLegacy(options.legacyFolder);
  }

  /** Stores (or replaces) every entry, all in one transaction. */
  async storeWrappedKeys(entries: WrappedKeyEntry[]): Promise<void> {
    await this.storeEntries(entries, () => true);
  }

  /**
   * Stores every entry in one transaction; an entry for which `mayReplace` is false is stored only
   * if none is held under its key. Resolves `{ conflicts }`: when it is not 0, nothing was stored.
   */
  async storeEntries(
    entries: WrappedKeyEntry[],
    mayReplace: (entry: WrappedKeyEntry) => boolean,
  ): Promise<{ conflicts: number }> {
    if (this.closed) throw new StorageError("The key store is closed.");
    const chainId = await this.chain();
    for (const entry of entries) checkEntry(entry, chainId, this.options.core);
    const now = new Date().toISOString();
    try {
      return this.options.state.transaction((db) => {
        const upsert = db.prepare(
          `INSERT INTO key_entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT DO UPDATE SET envelope_hash = excluded.envelope_hash, wrapped = excluded.wrapped,
             stored_at = excluded.stored_at`,
        );
        const create = db.prepare(`INSERT INTO key_entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`);
        let conflicts = 0;
        for (const entry of entries) {
          const values = [...keyOf(entry), entry.envelopeHash.toLowerCase(), entry.wrapped, now] as const;
          if (mayReplace(entry)) upsert.run(...values);
          else if (Number(create.run(...values).changes) === 0) conflicts += 1;
        }
        if (conflicts > 0) throw new Conflicts(conflicts);
        return { conflicts };
      });
    } catch (error) {
      if (error instanceof Conflicts) return { conflicts: error.count };
      throw new StorageError("The keys could not be stored.", { cause: error });
    }
  }

  async fetchWrappedKey(request: KeyRequest): Promise<string> {
    const { publicClient, core } = this.options;
    if (!isAddress(request.patient, { strict: false }) || !isAddress(request.reader, { strict: false })) {
      throw new FormatError("The key request is not valid.", { details: "patient and reader must be addresses" });
    }
    if (!Number.isSafeInteger(request.recordIndex) || request.recordIndex < 0) {
      throw new FormatError("The key request is not valid.", { details: "recordIndex" });
    }
    const summary = request.part === "summary";
    const isPatient = request.patient.toLowerCase() === request.reader.toLowerCase();
    if (!isPatient) await this.checkAccessLog(request, summary);

    const entry = await this.heldEntry(request);
    if (!entry) throw new NotFoundError("No key for this record is held for you.");
    const record = await readChainRecord(publicClient, core, request.patient, request.recordIndex);
    const recordedHash = summary ? record.summaryHash : record.envelopeHash;
    if (!recordedHash || recordedHash.toLowerCase() !== entry.envelopeHash.toLowerCase()) {
      throw new AccessDeniedError("This key does not belong to the record you asked for.");
    }
    return entry.wrapped;
  }

  /**
   * Removes every entry of the envelope whose SHA-256 is `sha256`: the sweeper removed that file
   * (never referenced on chain), so no reader could ever be given a key of it. Answers how many.
   */
  forgetEnvelope(sha256: Hex): number {
    const removed = this.options.state.transaction((db) =>
      db.prepare("DELETE FROM key_entries WHERE envelope_hash = ?").run(sha256.toLowerCase()),
    );
    return Number(removed.changes);
  }

  /** Stores after this are refused (StorageError); reads keep working. The database is the services' to close. */
  async close(): Promise<void> {
    this.closed = true;
  }

  /**
   * The entry held for one reader of one record part, without any access check: for the services
   * that host this vault (the emergency custodian), never to answer a reader.
   */
  async heldEntry(
    key: Pick<WrappedKeyEntry, "patient" | "recordId" | "part" | "reader">,
  ): Promise<WrappedKeyEntry | undefined> {
    const chainId = await this.chain();
    const row = this.options.state.db
      .prepare(
        `SELECT * FROM key_entries WHERE chain_id = ? AND contract = ? AND patient = ? AND record_id = ?
         AND part = ? AND reader = ?`,
      )
      .get(...keyOf({ ...key, chainId, contract: this.options.core })) as Row | undefined;
    return row && entryOf(row);
  }

  /**
   * The envelope hashes of `patient`'s record parts whose key is held for `reader`: what the
   * patient's client compares with the chain to find the records a granted doctor still lacks.
   */
  async heldEnvelopeHashes(patient: Address, reader: Address): Promise<Hex[]> {
    const chainId = await this.chain();
    const rows = this.options.state.db
      .prepare(
        "SELECT DISTINCT envelope_hash FROM key_entries WHERE chain_id = ? AND contract = ? AND patient = ? AND reader = ?",
      )
      .all(chainId, this.options.core.toLowerCase(), patient.toLowerCase(), reader.toLowerCase()) as {
      envelope_hash: string;
    }[];
    return rows.map((row) => row.envelope_hash as Hex);
  }

  private async checkAccessLog(request: KeyRequest, summary: boolean): Promise<void> {
    const { publicClient, core } = this.options;
    if (!request.accessTx || !HEX32.test(request.accessTx)) {
      throw new AccessDeniedError("A key is released only after your read is logged on the chain.");
    }
    let receipt;
    try {
      receipt = await publicClient.getTransactionReceipt({ hash: request.accessTx });
    } catch (error) {
      if ((error as { name?: string }).name === "TransactionReceiptNotFoundError") {
        throw new AccessDeniedError("The access log transaction is not mined on this chain.", { cause: error });
      }
      throw new ChainError("The chain could not be reached to check your access.", { cause: error });
    }
    if (receipt.status !== "success") throw new AccessDeniedError("The access log transaction failed.");
    const latest = await publicClient.getBlockNumber({ cacheTime: 0 });
    if (latest - receipt.blockNumber > this.maxAge) {
      throw new AccessDeniedError("The access log transaction is too old: log the read again.");
    }
    const logged = coreEvents(receipt, core).some(
      (log) =>
        log.eventName === "RecordAccessed" &&
        log.args.patient.toLowerCase() === request.patient.toLowerCase() &&
        log.args.reader.toLowerCase() === request.reader.toLowerCase() &&
        log.args.index === BigInt(request.recordIndex) &&
        (!log.args.summaryOnly || summary),
    );
    if (!logged) throw new AccessDeniedError("The access log transaction does not cover this record.");
    const basis = await accessBasisOf(
      publicClient,
      core,
      request.patient,
      request.reader,
      request.recordIndex,
      summary,
    );
    if (basis === "None") throw new AccessDeniedError("Your access to this record has ended.");
  }

  private async chain(): Promise<number> {
    this.chainId ??= await this.options.publicClient.getChainId();
    return this.chainId;
  }

  /**
   * Imports the entries of the earlier layouts (one JSON file per entry under `entries/`, and the
   * one-file `wrapped-keys.json` before it) in one transaction, then renames them `*.migrated` so
   * the next open skips them. Idempotent: a crash before the rename imports the same rows again
   * (a file's entry replaces the row it made). Unreadable files are skipped, not fatal: they held
   * ciphertext only, and the patient's client can wrap the key again.
   */
  private importLegacy(folder: string): void {
    const entriesDir = join(folder, "entries");
    const oneFile = join(folder, "wrapped-keys.json");
    const found: WrappedKeyEntry[] = [];
    const parse = (file: string): unknown => {
      try {
        return JSON.parse(readFileSync(file, "utf8"));
      } catch {
        return undefined;
      }
    };
    if (existsSync(oneFile)) {
      const list = parse(oneFile);
      if (Array.isArray(list)) found.push(...(list as WrappedKeyEntry[]));
    }
    const hasDir = existsSync(entriesDir);
    if (hasDir) {
      for (const name of readdirSync(entriesDir)) {
        if (!name.endsWith(".json")) continue;
        const entry = parse(join(entriesDir, name));
        if (entry && typeof entry === "object") found.push(entry as WrappedKeyEntry);
      }
    }
    if (found.length === 0 && !hasDir && !existsSync(oneFile)) return;
    const now = new Date().toISOString();
    const valid = found.filter(
      (e) =>
        Number.isSafeInteger(e.chainId) &&
        typeof e.contract === "string" &&
        isAddress(e.contract, { strict: false }) &&
        isAddress(String(e.patient), { strict: false }) &&
        isAddress(String(e.reader), { strict: false }) &&
        /^0x[0-9a-fA-F]{32}$/.test(String(e.recordId)) &&
        (e.part === "report" || e.part === "summary") &&
        HEX32.test(String(e.envelopeHash)) &&
        typeof e.wrapped === "string",
    );
    try {
      this.options.state.transaction((db) => {
        const upsert = db.prepare(
          `INSERT INTO key_entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT DO UPDATE SET envelope_hash = excluded.envelope_hash, wrapped = excluded.wrapped`,
        );
        for (const e of valid) upsert.run(...keyOf(e), e.envelopeHash.toLowerCase(), e.wrapped, now);
      });
      if (existsSync(oneFile)) renameSync(oneFile, `${oneFile}.migrated`);
      if (hasDir) renameSync(entriesDir, `${entriesDir}.migrated`);
    } catch (error) {
      throw new StorageError("The key store could not be migrated.", { cause: error, details: folder });
    }
  }
}

/** Thrown inside a store's transaction to roll it back when a create-only entry is already held. */
class Conflicts extends Error {
  constructor(readonly count: number) {
    super("conflicts");
  }
}
