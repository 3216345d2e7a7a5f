import { openEnvelope, readEnvelopeHeader, verifyEnvelopeHash } from "../crypto/envelope";
import { unwrapDataKey } from "../crypto/keyWrap";
import { ChainError, FormatError } from "../errors";
import { ACCESS_BASES, coreEvents, readChainRecord } from "../chain/ehr";
import type { RecordPart } from "../crypto/identity";
import type { Address, Hex } from "viem";
import type { UserKey } from "../keys/types";
import { actingAccount, sameAddress, writeWithProgress } from "./context";
import type { FlowContext, FlowProgress, ReadBasis } from "./types";

export interface ReadRecordInput {
  patient: Address;
  index: number;
  /** @default "report" */
  part?: RecordPart;
  readerKey: UserKey;
  /**
   * A mined transaction that already logged this read (e.g. the emergency open that logs the
   * card's reads, `openEmergencyAccessAndLog`) and the basis it logged: no `logAccess` is sent,
   * and the vault checks this transaction instead. @default undefined: the read is logged here
   */
  loggedBy?: { txHash: Hex; basis: ReadBasis };
}

export interface ReadRecordResult {
  plaintext: Uint8Array;
  mediaType: string;
  fileName?: string;
  category: number;
  recordId: Hex;
  basis: ReadBasis;
  /** The `logAccess` transaction; absent when the patient reads their own record. */
  accessTx?: Hex;
}

/**
 * Reads one record part. The envelope is asked of the storage service first: it serves it only to
 * whoever may read it now (the patient, a doctor whose grant covers it, an emergency window) and
 * refuses anyone else with the reason (AccessDeniedError), recording the refused attempt where the
 * patient sees it. So a reader outside the grant is refused by the service, never by this code,
 * and spends no transaction. The envelope is checked against the on-chain hash; then a reader other
 * than the patient logs the read on-chain (`logAccess`: reverts unless allowed now; or `loggedBy`,
 * a transaction that logged it already), and the vault releases their wrapped key only against
 * that transaction. Nothing is decrypted before both.
 * Progress: download → verify → [access-log → awaiting-signature → pending → confirmed] → decrypt.
 */
export async function readRecord(ctx: FlowContext, input: ReadRecordInput): Promise<ReadRecordResult> {
  const { publicClient, core, storage, vault } = ctx;
  const progress = async (p: FlowProgress) => {
    await ctx.onProgress?.(p);
  };
  const reader = actingAccount(ctx);
  const part = input.part ?? "report";
  const record = await readChainRecord(publicClient, core, input.patient, input.index);
  const cid = part === "summary" ? record.summaryCid : record.cid;
  const expectedHash = part === "summary" ? record.summaryHash : record.envelopeHash;
  if (!cid || !expectedHash) throw new FormatError("This record has no summary.");

  await progress({ stage: "download" });
  const envelope = await storage.get(cid);
  await progress({ stage: "verify" });
  await verifyEnvelopeHash(envelope, expectedHash);

  let basis: ReadBasis = "Patient";
  let accessTx: Hex | undefined;
  if (input.loggedBy && !sameAddress(reader, input.patient)) {
    basis = input.loggedBy.basis;
    accessTx = input.loggedBy.txHash;
  } else if (!sameAddress(reader, input.patient)) {
    await progress({ stage: "access-log" });
    const { txHash, receipt } = await writeWithProgress(
      ctx,
      "logAccess",
      [input.patient, BigInt(input.index), part === "summary"],
      "log your access to the record",
    );
    const logged = coreEvents(receipt, core).find((log) => log.eventName === "RecordAccessed");
    if (!logged || logged.eventName !== "RecordAccessed")
      throw new ChainError("The access was not logged on the chain.");
    basis = ACCESS_BASES[logged.args.basis] as ReadBasis;
    accessTx = txHash;
  }

  const header = readEnvelopeHeader(envelope);
  const chainId = await publicClient.getChainId();
  const identity = {
    chainId,
    contract: core,
    patient: input.patient,
    recordId: header.identity.recordId,
    category: record.category,
    part,
  };
  const wrapped = await vault.fetchWrappedKey({
    patient: input.patient,
    recordIndex: input.index,
    recordId: identity.recordId,
    part,
    reader,
    accessTx,
  });
  await progress({ stage: "decrypt" });
  const dataKey = await unwrapDataKey(wrapped, input.readerKey.privateKey, { ...identity, reader });
  try {
    const opened = await openEnvelope(envelope, dataKey, identity);
    return { ...opened, category: record.category, recordId: identity.recordId, basis, accessTx };
  } finally {
    dataKey.fill(0);
  }
}
