import { readEnvelopeHeader, verifyEnvelopeHash } from "../crypto/envelope";
import { unwrapDataKey, wrapDataKey } from "../crypto/keyWrap";
import { ChainError, FormatError, StorageError } from "../errors";
import { encryptionKeyOf, isActiveDoctor, RecordFlags, type ChainRecord } from "../chain/ehr";
import type { RecordPart } from "../crypto/identity";
import type { Address, Hex } from "viem";
import type { UserKey } from "../keys/types";
import type { WrappedKeyEntry } from "../storage/types";
import { actingAccount, writeWithProgress } from "./context";
import { allRecords } from "./listRecords";
import type { FlowContext } from "./types";

export interface GrantAccessInput {
  doctor: Address;
  /** Bit c covers category c (lib/categories.ts). */
  categories: number;
  /** Unix seconds. */
  expiresAt: number;
  /** The patient's own key: opens their wrapped keys to re-wrap them for the doctor. */
  patientKey: UserKey;
}

export interface GrantAccessResult {
  txHash: Hex;
  /** Record parts whose keys were re-wrapped to the doctor. */
  rewrapped: number;
}

/**
 * Re-wraps, for `reader`, the data keys of the records (both parts) the patient can open, for
 * the records `include` selects. Shared by grants (and later the custodian). Progress: "rewrap".
 */
export async function rewrapRecordKeys(
  ctx: FlowContext,
  args: { patient: Address; patientKey: UserKey; reader: Address; readerKey: Hex; records: ChainRecord[] },
): Promise<WrappedKeyEntry[]> {
  const { publicClient, core, storage, vault } = ctx;
  const chainId = await publicClient.getChainId();
  const entries: WrappedKeyEntry[] = [];
  for (const [i, record] of args.records.entries()) {
    await ctx.onProgress?.({ stage: "rewrap", detail: `record ${i + 1} of ${args.records.length}` });
    const parts: [RecordPart, string, Hex][] = [["report", record.cid, record.envelopeHash]];
    if (record.flags & RecordFlags.HasSummary && record.summaryCid && record.summaryHash) {
      parts.push(["summary", record.summaryCid, record.summaryHash]);
    }
    for (const [part, cid, hash] of parts) {
      const envelope = await storage.get(cid);
      await verifyEnvelopeHash(envelope, hash);
      const identity = {
        chainId,
        contract: core,
        patient: args.patient,
        recordId: readEnvelopeHeader(envelope).identity.recordId,
        category: record.category,
        part,
      };
      const own = await vault.fetchWrappedKey({
        patient: args.patient,
        recordIndex: record.index,
        recordId: identity.recordId,
        part,
        reader: args.patient,
      });
      const dataKey = await unwrapDataKey(own, args.patientKey.privateKey, { ...identity, reader: args.patient });
      try {
        const binding = { ...identity, reader: args.reader };
        entries.push({ ...binding, envelopeHash: hash, wrapped: await wrapDataKey(dataKey, args.readerKey, binding) });
      } finally {
        dataKey.fill(0);
      }
    }
  }
  if (entries.length > 0) await vault.storeWrappedKeys(entries);
  return entries;
}

/**
 * Grants `doctor` access to `categories` until `expiresAt` (one transaction), then re-wraps the
 * data keys of the patient's existing records in those categories to the doctor's registered key.
 * If the re-wrap fails after the grant is mined (storage unreachable), the grant stands: retry
 * with {@link rewrapGrantedRecords}.
 * Progress: awaiting-signature → pending → confirmed → rewrap (once per record).
 */
export async function grantAccessWithRewrap(ctx: FlowContext, input: GrantAccessInput): Promise<GrantAccessResult> {
  actingAccount(ctx); // a connected wallet, before anything else
  if (!Number.isInteger(input.categories) || input.categories <= 0 || input.categories > 0xffffffff) {
    throw new FormatError("Choose at least one category to share.");
  }
  const doctorKey = await encryptionKeyOf(ctx.publicClient, ctx.core, input.doctor);
  if (!doctorKey) throw new ChainError("This doctor has no registered encryption key yet.");
  const { txHash } = await writeWithProgress(
    ctx,
    "grantAccess",
    [input.doctor, input.categories, input.expiresAt],
    "grant access",
  );
  const rewrapped = await rewrapGrantedRecords(ctx, input);
  return { txHash, rewrapped };
}

/**
 * Re-wraps to `doctor` the keys of the acting patient's records in `categories` (no transaction):
 * the second half of {@link grantAccessWithRewrap}, callable alone to retry after a storage
 * failure. Returns the number of record parts re-wrapped.
 */
export async function rewrapGrantedRecords(
  ctx: FlowContext,
  input: Pick<GrantAccessInput, "doctor" | "categories" | "patientKey">,
): Promise<number> {
  const patient = actingAccount(ctx);
  const doctorKey = await encryptionKeyOf(ctx.publicClient, ctx.core, input.doctor);
  if (!doctorKey) throw new ChainError("This doctor has no registered encryption key yet.");
  const covered = (await allRecords(ctx, patient)).filter((r) => ((input.categories >>> r.category) & 1) === 1);
  const entries = await rewrapRecordKeys(ctx, {
    patient,
    patientKey: input.patientKey,
    reader: input.doctor,
    readerKey: doctorKey,
    records: covered,
  });
  return entries.length;
}

/** A granted doctor and the patient's records the grant covers whose keys the doctor does not hold. */
export interface AwaitingShare {
  doctor: Address;
  records: ChainRecord[];
}

/**
 * For each live grant of the acting patient, the covered records the doctor cannot open yet:
 * those another doctor added (a doctor's upload wraps keys only for the doctor, the patient and the
 * custodian), or whose re-wrap failed at grant time. Compares the chain's envelope hashes with the
 * ones the vault holds keys of for that doctor (`heldEnvelopeHashes`); no key is opened here.
 */
export async function recordsAwaitingShare(
  ctx: FlowContext,
  grants: readonly { doctor: Address; categories: number }[],
): Promise<AwaitingShare[]> {
  const patient = actingAccount(ctx);
  if (!ctx.vault.heldEnvelopeHashes) throw new StorageError("This key store cannot say which keys it holds.");
  const records = await allRecords(ctx, patient);
  const out: AwaitingShare[] = [];
  for (const { doctor, categories } of grants) {
    const covered = records.filter((r) => ((categories >>> r.category) & 1) === 1);
    if (covered.length === 0) continue;
    const held = new Set((await ctx.vault.heldEnvelopeHashes(patient, doctor)).map((h) => h.toLowerCase()));
    const missing = covered.filter(
      (r) =>
        !held.has(r.envelopeHash.toLowerCase()) ||
        (r.flags & RecordFlags.HasSummary && r.summaryHash && !held.has(r.summaryHash.toLowerCase())),
    );
    if (missing.length > 0) out.push({ doctor, records: missing });
  }
  return out;
}

/**
 * Wraps, with the patient's key, the keys of the records {@link recordsAwaitingShare} found for each
 * doctor (no transaction, no wallet signature: the unlocked key is enough). Returns the number of
 * record parts shared.
 */
export async function shareAwaitingRecords(
  ctx: FlowContext,
  input: { patientKey: UserKey; awaiting: readonly AwaitingShare[] },
): Promise<number> {
  const patient = actingAccount(ctx);
  let shared = 0;
  for (const { doctor, records } of input.awaiting) {
    const doctorKey = await encryptionKeyOf(ctx.publicClient, ctx.core, doctor);
    if (!doctorKey) continue; // a doctor without a key yet: shared once they register one
    // A suspended doctor cannot read (and the storage service keeps keys for active doctors only):
    // shared if they are reinstated while the grant lasts.
    if (!(await isActiveDoctor(ctx.publicClient, ctx.core, doctor))) continue;
    const entries = await rewrapRecordKeys(ctx, {
      patient,
      patientKey: input.patientKey,
      reader: doctor,
      readerKey: doctorKey,
      records,
    });
    shared += entries.length;
  }
  return shared;
}

/**
 * Revokes `doctor`'s grant at once (one transaction). The keys already wrapped to the doctor stay
 * in the vault but are no longer released: release needs an access logged under a live grant.
 */
export async function revokeAccess(ctx: FlowContext, input: { doctor: Address }): Promise<{ txHash: Hex }> {
  const { txHash } = await writeWithProgress(ctx, "revokeAccess", [input.doctor], "revoke access");
  return { txHash };
}
