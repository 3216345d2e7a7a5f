import { createHash } from "node:crypto";
import { mkdir, readFile, rename } from "node:fs/promises";
import { join } from "node:path";
import type { PublicClient } from "viem";
import { AccessDeniedError, ChainError, FormatError, StorageError } from "../errors";
import { accessBasisOf, coreEvents, readChainRecord } from "../chain/ehr";
import type { Address } from "../crypto/identity";
import type { KeyRequest, KeyVault, WrappedKeyEntry } from "./types";
import { writeFileAtomic } from "./atomicFile.node";

export interface ChainKeyVaultOptions {
  /** Where the entries live (`entries/`, one file per entry); created if missing. */
  folder: string;
  publicClient: PublicClient;
  /** The EhrCore address. */
  core: Address;
  /** How many blocks old a `logAccess` transaction may be when it is presented. @default 100 */
  maxAccessAgeBlocks?: number;
}

const HEX32 = /^0x[0-9a-fA-F]{64}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

function entryKey(e: {
  chainId: number;
  contract: string;
  patient: string;
  recordId: string;
  part: string;
  reader: string;
}) {
  return [e.chainId, e.contract, e.patient, e.recordId, e.part, e.reader].join(":").toLowerCase();
}

function checkEntry(entry: WrappedKeyEntry, chainId: number, core: Address): void {
  const bad = (field: string) => new FormatError("A wrapped key entry is not valid.", { details: field });
  if (entry.chainId !== chainId) throw bad("chainId: not this chain");
  if (entry.contract?.toLowerCase() !== core.toLowerCase()) throw bad("contract: not this EhrCore");
  if (!ADDRESS.test(entry.patient)) throw bad("patient");
  if (!ADDRESS.test(entry.reader)) throw bad("reader");
  if (!/^0x[0-9a-fA-F]{32}$/.test(entry.recordId)) throw bad("recordId");
  if (entry.part !== "report" && entry.part !== "summary") throw bad("part");
  if (!HEX32.test(entry.envelopeHash)) throw bad("envelopeHash");
  if (typeof entry.wrapped !== "string" || entry.wrapped.length === 0 || entry.wrapped.length > 4096)
    throw bad("wrapped");
}

/**
 * The key release rule the storage service hosts. A wrapped key goes out only if the reader is the
 * patient, or the reader presents a mined, recent transaction of this EhrCore with a
 * `RecordAccessed` event naming this patient, reader and record (a full-record read also covers the
 * summary): a `logAccess`, or the one break-glass transaction `openEmergencyAccessAndLog` (or
 * `logEmergencyReads`) that logs every read of the emergency card and the chain still authorizes the read now; in every case the entry must belong to
 * the on-chain record at `recordIndex` (its envelope hash is that record's).
 *
 * Storage: one small JSON file per entry under `entries/`, named by the SHA-256 of the entry's key
 * (chain, contract, patient, record, part, reader) and written atomically (temporary file, fsync,
 * rename): a store costs O(entries stored), not O(all keys), and a crash mid-write can lose at most
 * the entry being written, never another. A `wrapped-keys.json` of the earlier one-file layout is
 * moved into this layout on first use. Keys are ciphertext to anyone but their reader, never logged.
 *
 * Not yet here (the storage service's job): authenticating who asks (SIWE), and who may store.
 */
export class ChainKeyVault implements KeyVault {
  private chainId?: number;
  /** Writes in flight, so `close()` can wait for them. */
  private readonly pending = new Set<Promise<unknown>>();
  private migrated?: Promise<void>;
  private closed = false;
  private readonly dir: string;
  private readonly maxAge: bigint;

  constructor(private readonly options: ChainKeyVaultOptions) {
    this.dir = join(options.folder, "entries");
    this.maxAge = BigInt(options.maxAccessAgeBlocks ?? 100);
  }

  /** Stores (or replaces) each entry in its own file; resolves once every file is durably written. */
  async storeWrappedKeys(entries: WrappedKeyEntry[]): Promise<void> {
    if (this.closed) throw new StorageError("The key store is closed.");
    const chainId = await this.chain();
    for (const entry of entries) checkEntry(entry, chainId, this.options.core);
    const task = (async () => {
      await this.ready();
      await Promise.all(entries.map((entry) => this.write({ ...entry })));
    })();
    this.pending.add(task);
    try {
      await task;
    } finally {
      this.pending.delete(task);
    }
  }

  async fetchWrappedKey(request: KeyRequest): Promise<string> {
    const { publicClient, core } = this.options;
    const chainId = await this.chain();
    if (!ADDRESS.test(request.patient) || !ADDRESS.test(request.reader)) {
      throw new FormatError("The key request is not valid.", { details: "patient and reader must be addresses" });
    }
    if (!Number.isSafeInteger(request.recordIndex) || request.recordIndex < 0) {
      throw new FormatError("The key request is not valid.", { details: "recordIndex" });
    }
    const summary = request.part === "summary";
    const isPatient = request.patient.toLowerCase() === request.reader.toLowerCase();
    if (!isPatient) await this.checkAccessLog(request, summary);

    const entry = await this.read(entryKey({ ...request, chainId, contract: core }));
    if (!entry) throw new StorageError("No key for this record is held for you.");
    const record = await readChainRecord(publicClient, core, request.patient, request.recordIndex);
    const recordedHash = summary ? record.summaryHash : record.envelopeHash;
    if (!recordedHash || recordedHash.toLowerCase() !== entry.envelopeHash.toLowerCase()) {
      throw new AccessDeniedError("This key does not belong to the record you asked for.");
    }
    return entry.wrapped;
  }

  /** Waits for the writes in flight; stores after this are refused (StorageError). Reads keep working. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.pending]);
  }

  /**
   * The entry held for one reader of one record part, without any access check: for the services
   * that host this vault (the emergency custodian), never to answer a reader.
   */
  async heldEntry(
    key: Pick<WrappedKeyEntry, "patient" | "recordId" | "part" | "reader">,
  ): Promise<WrappedKeyEntry | undefined> {
    const chainId = await this.chain();
    return this.read(entryKey({ ...key, chainId, contract: this.options.core }));
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

  /** The file of one entry key. */
  private fileOf(key: string): string {
    return join(this.dir, `${createHash("sha256").update(key).digest("hex")}.json`);
  }

  private async read(key: string): Promise<WrappedKeyEntry | undefined> {
    await this.ready();
    let text: string;
    try {
      text = await readFile(this.fileOf(key), "utf8");
    } catch (error) {
      if ((error as { code?: string }).code === "ENOENT") return undefined;
      throw new StorageError("The key store could not be read.", { cause: error });
    }
    try {
      const entry = JSON.parse(text) as WrappedKeyEntry;
      // A file under another entry's name (copied by hand, or a hash collision) is not this key.
      return entryKey(entry) === key ? entry : undefined;
    } catch (error) {
      throw new StorageError("The key store could not be read.", { cause: error, details: "a damaged entry file" });
    }
  }

  /** Readers see the old entry or the new one, never half of one. */
  private async write(entry: WrappedKeyEntry): Promise<void> {
    try {
      await writeFileAtomic(this.fileOf(entryKey(entry)), JSON.stringify(entry));
    } catch (error) {
      throw new StorageError("The keys could not be stored.", { cause: error });
    }
  }

  /** Creates the folder and moves a `wrapped-keys.json` of the one-file layout into entry files (once). */
  private ready(): Promise<void> {
    this.migrated ??= (async () => {
      try {
        await mkdir(this.dir, { recursive: true, mode: 0o700 });
      } catch (error) {
        throw new StorageError("The key store could not be opened.", { cause: error });
      }
      const legacy = join(this.options.folder, "wrapped-keys.json");
      let list: WrappedKeyEntry[];
      try {
        list = JSON.parse(await readFile(legacy, "utf8")) as WrappedKeyEntry[];
      } catch (error) {
        if ((error as { code?: string }).code === "ENOENT") return;
        throw new StorageError("The key store could not be read.", { cause: error, details: legacy });
      }
      await Promise.all(list.map((entry) => this.write(entry)));
      await rename(legacy, `${legacy}.migrated`);
    })();
    this.migrated.catch(() => {
      this.migrated = undefined; // a failed open is retried on the next call
    });
    return this.migrated;
  }
}
