import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { PublicClient } from "viem";
import { AccessDeniedError, ChainError, FormatError, StorageError } from "../errors";
import { accessBasisOf, coreEvents, readChainRecord } from "../chain/ehr";
import type { Address } from "../crypto/identity";
import type { KeyRequest, KeyVault, WrappedKeyEntry } from "./types";

export interface ChainKeyVaultOptions {
  /** Where `wrapped-keys.json` lives; created if missing. */
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
 * patient, or the reader presents a mined, recent `logAccess` transaction of this EhrCore whose
 * `RecordAccessed` event names this patient, reader and record (a full-record read also covers the
 * summary) and the chain still authorizes the read now; in every case the entry must belong to
 * the on-chain record at `recordIndex` (its envelope hash is that record's). Keys are kept in a
 * JSON file (written atomically); they are ciphertext to anyone but their reader, and never logged.
 *
 * Not yet here (the storage service's job): authenticating who asks (SIWE), and who may store.
 */
export class ChainKeyVault implements KeyVault {
  private entries?: Map<string, WrappedKeyEntry>;
  private chainId?: number;
  private writing: Promise<void> = Promise.resolve();
  private readonly file: string;
  private readonly maxAge: bigint;

  constructor(private readonly options: ChainKeyVaultOptions) {
    this.file = join(options.folder, "wrapped-keys.json");
    this.maxAge = BigInt(options.maxAccessAgeBlocks ?? 100);
  }

  async storeWrappedKeys(entries: WrappedKeyEntry[]): Promise<void> {
    const chainId = await this.chain();
    for (const entry of entries) checkEntry(entry, chainId, this.options.core);
    const task = this.writing.then(async () => {
      const map = await this.load();
      const next = new Map(map);
      for (const entry of entries) next.set(entryKey(entry), { ...entry });
      await this.save(next);
      this.entries = next;
    });
    this.writing = task.catch(() => undefined);
    await task;
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

    const entry = (await this.load()).get(entryKey({ ...request, chainId, contract: core }));
    if (!entry) throw new StorageError("No key for this record is held for you.");
    const record = await readChainRecord(publicClient, core, request.patient, request.recordIndex);
    const recordedHash = summary ? record.summaryHash : record.envelopeHash;
    if (!recordedHash || recordedHash.toLowerCase() !== entry.envelopeHash.toLowerCase()) {
      throw new AccessDeniedError("This key does not belong to the record you asked for.");
    }
    return entry.wrapped;
  }

  /** Waits for pending writes. */
  async close(): Promise<void> {
    await this.writing;
  }

  /**
   * The entry held for one reader of one record part, without any access check: for the services
   * that host this vault (the emergency custodian), never to answer a reader.
   */
  async heldEntry(
    key: Pick<WrappedKeyEntry, "patient" | "recordId" | "part" | "reader">,
  ): Promise<WrappedKeyEntry | undefined> {
    const chainId = await this.chain();
    return (await this.load()).get(entryKey({ ...key, chainId, contract: this.options.core }));
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

  private async load(): Promise<Map<string, WrappedKeyEntry>> {
    if (this.entries) return this.entries;
    let list: WrappedKeyEntry[] = [];
    try {
      list = JSON.parse(await readFile(this.file, "utf8")) as WrappedKeyEntry[];
    } catch (error) {
      if ((error as { code?: string }).code !== "ENOENT") {
        throw new StorageError("The key store could not be read.", { cause: error });
      }
    }
    this.entries = new Map(list.map((e) => [entryKey(e), e]));
    return this.entries;
  }

  private async save(map: Map<string, WrappedKeyEntry>): Promise<void> {
    try {
      await mkdir(this.options.folder, { recursive: true });
      const temp = `${this.file}.${process.pid}.tmp`;
      await writeFile(temp, JSON.stringify([...map.values()]));
      await rename(temp, this.file);
    } catch (error) {
      throw new StorageError("The keys could not be stored.", { cause: error });
    }
  }
}
