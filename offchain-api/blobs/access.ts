import { getAddress } from "viem";
import { equalBytes, fromUtf8, utf8 } from "../../lib/bytes";
import { ENVELOPE_MAGIC, readEnvelopeHeader } from "../../lib/crypto/envelope";
import type { RecordIdentity } from "../../lib/crypto/identity";
import type { Address } from "viem";
import { readKeyBackupMeta } from "../../lib/keys/keyBackup";
import type { KeyBackupMeta } from "../../lib/keys/types";
import { hasEmergencyAccess, isAuthorized, roleOf, toChainError } from "../../lib/chain/ehr";
import { ehrCoreAbi, PatientStatus } from "../../deployments/contracts";
import { sameAddress } from "../../lib/records/context";
import type { ApiServices } from "../services";
import { hasAppointmentWindow } from "./appointmentWindow";
import { grantRefusal, type ReadRefusal } from "./grantRefusal";

/** What a blob is, from its own bytes: one of our envelopes, a key backup, or something else. */
export type BlobKind =
  | { kind: "envelope"; identity: RecordIdentity }
  | { kind: "key-backup"; meta: KeyBackupMeta }
  | { kind: "other"; why: string };

/** Reads the envelope header or the backup's clear meta; never decrypts anything. */
export function describeBlob(bytes: Uint8Array): BlobKind {
  if (ENVELOPE_MAGIC.every((b, i) => bytes[i] === b)) {
    try {
      return { kind: "envelope", identity: readEnvelopeHeader(bytes).identity };
    } catch (error) {
      return { kind: "other", why: (error as Error).name };
    }
  }
  try {
    return { kind: "key-backup", meta: readKeyBackupMeta(bytes) };
  } catch (error) {
    return { kind: "other", why: (error as Error).name };
  }
}

/**
 * Whether a key backup's bytes are exactly what lib/keys createKeyBackup writes for its fields
 * (2-space JSON in its key order, lowercase hex, checksummed addresses, a `toISOString` date): a
 * backup is clear JSON by design, so any other field, spacing or free text is refused rather than
 * stored as a place to keep clear text.
 */
export function isCanonicalKeyBackup(bytes: Uint8Array): boolean {
  try {
    const f = JSON.parse(fromUtf8(bytes));
    const canonical = {
      format: f.format,
      version: f.version,
      kdf: { name: f.kdf.name, N: f.kdf.N, r: f.kdf.r, p: f.kdf.p, salt: f.kdf.salt },
      cipher: { name: f.cipher.name, iv: f.cipher.iv },
      publicKey: f.publicKey,
      meta: {
        address: getAddress(f.meta.address),
        chainId: f.meta.chainId,
        contract: getAddress(f.meta.contract),
        createdAt: new Date(f.meta.createdAt).toISOString(),
      },
      ciphertext: f.ciphertext,
    };
    const hex = [canonical.kdf.salt, canonical.cipher.iv, canonical.ciphertext, canonical.publicKey];
    if (!hex.every((h) => typeof h === "string" && h === h.toLowerCase())) return false;
    return equalBytes(utf8(`${JSON.stringify(canonical, null, 2)}\n`), bytes);
  } catch {
    return false;
  }
}

/**
 * Why `uploader` may not store an envelope of `identity` now, or undefined when they may: the
 * patient themself once registered and active (EhrCore.addRecord takes records only for an active
 * patient), or an active doctor who may write for that patient and category now (a grant covering
 * it, or a confirmed appointment's write window): exactly who could then add it on-chain.
 */
export async function envelopeUploadRefusal(
  services: Pick<ApiServices, "publicClient" | "core">,
  identity: RecordIdentity,
  uploader: Address,
): Promise<string | undefined> {
  const { publicClient, core } = services;
  const { patient, category } = identity;
  if (sameAddress(patient, uploader)) {
    // One read, not the whole role.
    let status: number;
    try {
      status = (
        await publicClient.readContract({ address: core, abi: ehrCoreAbi, functionName: "patient", args: [uploader] })
      ).status;
    } catch (error) {
      throw toChainError(error, "read the patient");
    }
    if (status === PatientStatus.Active) return undefined;
    if (status === PatientStatus.Pending) {
      return "Your registration is waiting for a hospital's approval: records can be stored once it is approved.";
    }
    return "Only a registered patient can store records: register as a patient first.";
  }
  // `isAuthorized` is true only for an active doctor whose grant covers the category now.
  if (await isAuthorized(publicClient, core, patient, uploader, category)) return undefined;
  if (await hasAppointmentWindow(services, patient, uploader)) return undefined;
  return "You can store records only for yourself or for a patient who granted you access.";
}

/**
 * Why `uploader` may not store a key backup with `meta` now, or undefined when they may: only its
 * owner, and only while the owner can register it next: an address with no role yet
 * (`registerPatient`), or a patient or active doctor (`setEncryptionKey`: a doctor's first key
 * after onboarding, or a rotation). A hospital, the admin or a suspended doctor holds no key.
 */
export async function keyBackupUploadRefusal(
  services: Pick<ApiServices, "publicClient" | "core">,
  meta: KeyBackupMeta,
  uploader: Address,
): Promise<string | undefined> {
  if (!sameAddress(meta.address, uploader)) return "You can store only your own key backup.";
  const role = await roleOf(services.publicClient, services.core, uploader);
  if (role === "none" || role === "patient" || role === "pending-patient" || role === "doctor") return undefined;
  return "This account cannot register an encryption key, so it cannot store a key backup.";
}

/** Whether a blob's chain and EhrCore are this service's. */
export function isOurs(services: Pick<ApiServices, "chainId" | "core">, of: { chainId: number; contract: string }) {
  return of.chainId === services.chainId && sameAddress(of.contract, services.core);
}

/**
 * Whether `doctor` is active and holds an unexpired grant from `patient` (any category): the
 * contract's own `isAuthorized` on the lowest category the grant covers, so expiry and suspension
 * are judged exactly as the chain judges them.
 */
export async function hasCurrentGrant(
  services: Pick<ApiServices, "publicClient" | "core">,
  patient: Address,
  doctor: Address,
): Promise<boolean> {
  let categories: number;
  try {
    const grant = await services.publicClient.readContract({
      address: services.core,
      abi: ehrCoreAbi,
      functionName: "grantOf",
      args: [patient, doctor],
    });
    categories = Number(grant.categories);
  } catch (error) {
    throw toChainError(error, "check a grant");
  }
  if (categories === 0) return false;
  // clz32 reads the mask as unsigned: bit 31 alone is a negative int32, and log2 of it is NaN.
  const lowest = 31 - Math.clz32(categories & -categories);
  return isAuthorized(services.publicClient, services.core, patient, doctor, lowest);
}

/**
 * Why `reader` may not download an envelope now, or undefined when they may: its patient; a doctor
 * whose grant covers its category now; a doctor with an open emergency window, for general details
 * (category 0) and summaries. The reason says which rule failed (./grantRefusal.ts), so the reader
 * knows what to do next and the patient's Activity says why.
 */
export async function envelopeReadRefusal(
  services: Pick<ApiServices, "publicClient" | "core" | "chainId">,
  identity: RecordIdentity,
  reader: Address,
): Promise<ReadRefusal | undefined> {
  const { publicClient, core } = services;
  if (sameAddress(reader, identity.patient)) return undefined;
  if (await isAuthorized(publicClient, core, identity.patient, reader, identity.category)) return undefined;
  if (identity.category === 0 || identity.part === "summary") {
    if (await hasEmergencyAccess(publicClient, core, identity.patient, reader)) return undefined;
  }
  return grantRefusal(services, identity.patient, reader, identity.category);
}
