import { ENVELOPE_MAGIC, readEnvelopeHeader } from "../../lib/crypto/envelope";
import type { Address, RecordIdentity } from "../../lib/crypto/identity";
import { readKeyBackupMeta } from "../../lib/keys/keyBackup";
import type { KeyBackupMeta } from "../../lib/keys/types";
import { hasEmergencyAccess, isAuthorized, toChainError } from "../../lib/chain/ehr";
import { ehrCoreAbi } from "../../deployments/contracts";
import { sameAddress } from "../../lib/records/context";
import type { ApiServices } from "../services";

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
 * (category 0) and summaries.
 */
export async function envelopeReadRefusal(
  services: Pick<ApiServices, "publicClient" | "core">,
  identity: RecordIdentity,
  reader: Address,
): Promise<string | undefined> {
  const { publicClient, core } = services;
  if (sameAddress(reader, identity.patient)) return undefined;
  if (await isAuthorized(publicClient, core, identity.patient, reader, identity.category)) return undefined;
  if (identity.category === 0 || identity.part === "summary") {
    if (await hasEmergencyAccess(publicClient, core, identity.patient, reader)) return undefined;
  }
  return "You are not allowed to read this file now.";
}
