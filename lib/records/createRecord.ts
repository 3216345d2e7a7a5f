import { sealEnvelope, envelopeHash, generateDataKey } from "../crypto/envelope";
import { newRecordId } from "../crypto/identity";
import { wrapDataKey } from "../crypto/keyWrap";
import { FormatError, KeyUnlockError, ChainError } from "../errors";
import { coreEvents, custodianKey, emergencyOptedOut, encryptionKeyOf, isAuthorized } from "../chain/ehr";
import type { RecordIdentity, RecordPart } from "../crypto/identity";
import type { Address, Hex } from "viem";
import type { UserKey } from "../keys/types";
import type { WrappedKeyEntry } from "../storage/types";
import { actingAccount, compressPublicKey, sameAddress, writeWithProgress } from "./context";
import type { FlowContext, FlowProgress } from "./types";

export interface CreateRecordInput {
  patient: Address;
  /** 0..31 (lib/categories.ts); 0 = general details. */
  category: number;
  content: Uint8Array;
  mediaType: string;
  fileName?: string;
  /** A JSON summary, sealed under its own data key (emergency windows and summary grants open it). */
  summary?: Uint8Array;
  /** The acting user's (author's) key: checked against the one registered on-chain. */
  authorKey: UserKey;
  /**
   * Doctors who should also receive the keys now: those whose current grant covers `category`
   * (e.g. the dApp's list from `ConsentGranted` events). Each is checked with `isAuthorized` on-chain;
   * the others are skipped. Only the patient's own upload may name them (FormatError otherwise): the
   * storage service takes a doctor's keys only for the doctor, the patient and the custodian, and
   * the patient's app shares a doctor's record with the other granted doctors later
   * (`shareAwaitingRecords`, grantAccess.ts). @default []
   */
  shareWith?: Address[];
  /**
   * The start (unix seconds) of the author's confirmed appointment with this patient: the record is
   * added with `addAppointmentRecord`, which needs no grant while the appointment's write window is
   * open. Omitted: `addRecord` (the patient, or a doctor with a grant). @default undefined
   */
  appointmentStart?: number;
}

export interface CreatedRecord {
  index: number;
  recordId: Hex;
  txHash: Hex;
}

/**
 * The address the custodian's wrapped keys are bound to: the EhrCore itself, whose account holds
 * the custodian key on-chain (`EncryptionKeySet(address(this), ...)`).
 */
export function custodianReader(core: Address): Address {
  return core;
}

/**
 * Creates a record: seals the report (and summary) under fresh data keys, stores the envelopes
 * (the store confirms before any transaction, so no on-chain record points at missing data),
 * wraps the keys to the patient and the author (and, unless the patient opted out, the summary and
 * general-details keys to the emergency custodian; and, for the patient's own upload, to the
 * granted doctors in `shareWith`), stores the wrapped keys, then adds the record
 * on-chain. Progress: encrypt → upload → awaiting-signature → pending → confirmed.
 */
export async function createRecord(ctx: FlowContext, input: CreateRecordInput): Promise<CreatedRecord> {
  const { publicClient, core, storage, vault } = ctx;
  const progress = async (p: FlowProgress) => {
    await ctx.onProgress?.(p);
  };
  const author = actingAccount(ctx);
  if (!Number.isInteger(input.category) || input.category < 0 || input.category > 31) {
    throw new FormatError("The record category is not valid.", { details: "expected 0..31" });
  }
  if (!(input.content instanceof Uint8Array)) throw new FormatError("The record content must be bytes.");
  if (input.summary !== undefined && !(input.summary instanceof Uint8Array)) {
    throw new FormatError("The summary must be bytes.");
  }
  if (input.shareWith?.length && !sameAddress(author, input.patient)) {
    throw new FormatError("Only the patient can share a record with other doctors.", {
      details: "a doctor's upload wraps keys for the doctor, the patient and the custodian only",
    });
  }
  const start = input.appointmentStart;
  if (start !== undefined && (!Number.isSafeInteger(start) || start < 0)) {
    throw new FormatError("The appointment start is not valid.", { details: "expected unix seconds" });
  }

  const [chainId, patientKey, authorChainKey, custodian, optedOut] = await Promise.all([
    publicClient.getChainId(),
    encryptionKeyOf(publicClient, core, input.patient),
    sameAddress(author, input.patient) ? undefined : encryptionKeyOf(publicClient, core, author),
    custodianKey(publicClient, core),
    emergencyOptedOut(publicClient, core, input.patient),
  ]);
  if (!patientKey) throw new ChainError("This patient has no registered encryption key.");
  const authorPublic = sameAddress(author, input.patient) ? patientKey : authorChainKey;
  if (!authorPublic) throw new ChainError("You have no registered encryption key: set one up first.");
  if (authorPublic.toLowerCase() !== compressPublicKey(input.authorKey.publicKey)) {
    throw new KeyUnlockError("Your unlocked key is not the one registered on-chain for your account.");
  }

  const recordId = newRecordId();
  const identity = (part: RecordPart): RecordIdentity => ({
    chainId,
    contract: core,
    patient: input.patient,
    recordId,
    category: input.category,
    part,
  });
  const readers: { reader: Address; key: Hex; parts: RecordPart[] }[] = [
    { reader: input.patient, key: patientKey, parts: ["report", "summary"] },
  ];
  if (!sameAddress(author, input.patient))
    readers.push({ reader: author, key: authorPublic, parts: ["report", "summary"] });
  for (const doctor of input.shareWith ?? []) {
    if (readers.some((r) => sameAddress(r.reader, doctor))) continue;
    const [authorized, key] = await Promise.all([
      isAuthorized(publicClient, core, input.patient, doctor, input.category),
      encryptionKeyOf(publicClient, core, doctor),
    ]);
    if (authorized && key) readers.push({ reader: doctor, key, parts: ["report", "summary"] });
  }
  if (custodian && !optedOut) {
    const parts: RecordPart[] = input.category === 0 ? ["report", "summary"] : ["summary"];
    readers.push({ reader: custodianReader(core), key: custodian, parts });
  }

  const parts: { part: RecordPart; plaintext: Uint8Array; mediaType: string; fileName?: string }[] = [
    { part: "report", plaintext: input.content, mediaType: input.mediaType, fileName: input.fileName },
  ];
  if (input.summary) parts.push({ part: "summary", plaintext: input.summary, mediaType: "application/json" });

  await progress({ stage: "encrypt" });
  const sealed = await Promise.all(
    parts.map(async (p) => {
      const dataKey = generateDataKey();
      const envelope = await sealEnvelope(p.plaintext, dataKey, identity(p.part), {
        mediaType: p.mediaType,
        fileName: p.fileName,
      });
      return { part: p.part, dataKey, envelope, hash: await envelopeHash(envelope) };
    }),
  );
  const entries: WrappedKeyEntry[] = [];
  for (const s of sealed) {
    for (const r of readers.filter((r) => r.parts.includes(s.part))) {
      const binding = { ...identity(s.part), reader: r.reader };
      const wrapped = await wrapDataKey(s.dataKey, r.key, binding);
      entries.push({ ...binding, envelopeHash: s.hash, wrapped });
    }
    s.dataKey.fill(0);
  }

  await progress({ stage: "upload", detail: "envelopes" });
  const stored = [];
  for (const s of sealed) stored.push({ ...s, cid: (await storage.put(s.envelope, s.hash)).cid });
  await progress({ stage: "upload", detail: "keys" });
  await vault.storeWrappedKeys(entries);

  const report = stored[0];
  const summary = stored[1];
  const zero = `0x${"0".repeat(64)}` as Hex;
  const pointers = {
    category: input.category,
    envelopeHash: report.hash,
    cid: report.cid,
    summaryHash: summary?.hash ?? zero,
    summaryCid: summary?.cid ?? "",
  };
  const { txHash, receipt } =
    start === undefined
      ? await writeWithProgress(ctx, "addRecord", [input.patient, pointers], "add the record")
      : await writeWithProgress(ctx, "addAppointmentRecord", [start, pointers], "add the record");
  const added = coreEvents(receipt, core).find((log) => log.eventName === "RecordAdded");
  if (!added || added.eventName !== "RecordAdded") throw new ChainError("The record was not added on the chain.");
  return { index: Number(added.args.index), recordId, txHash };
}
