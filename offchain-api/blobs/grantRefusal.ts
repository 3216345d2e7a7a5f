import type { Address } from "viem";
import { CATEGORY_LABELS, isCategoryId } from "../../lib/categories";
import { scanLogsBackward } from "../../lib/chain/logWindows";
import { roleOf, toChainError, type AccountRole } from "../../lib/chain/ehr";
import { deploymentFor, ehrCoreAbi } from "../../deployments/contracts";
import { sameAddress } from "../../lib/records/context";
import type { ApiServices } from "../services";

/** The sentences of a refused read by someone other than the patient (the reader sees one, and the patient in Activity). */
export const READ_REFUSALS = {
  notADoctor: "Only the patient and doctors the patient granted access can read this record.",
  suspended: "This doctor account is suspended or its hospital is inactive, so it cannot read patients' records.",
  noGrant: "The patient has not granted this doctor access.",
  revoked: "The patient revoked this doctor's access.",
  ended: (at: Date) => `This doctor's access grant ended on ${utcMinute(at)}.`,
  notCovered: (category: number) =>
    `The patient's grant to this doctor does not cover ${
      isCategoryId(category) ? CATEGORY_LABELS[category].toLowerCase() : `category ${category}`
    } records.`,
} as const;

/**
 * A refused read: the sentence (for the reader's answer and the patient's Activity) and, for a
 * grant that ended, when it ended as an ISO 8601 time, so that a client can say it in its reader's
 * own time zone (lib/api/apiError.ts) while the sentence says it in UTC for any other client.
 */
export interface ReadRefusal {
  reason: string;
  details?: { grantEndedAt: string };
  /** The reader's role as read for this refusal, so that deciding whether to audit it reads it no second time. */
  readerRole?: AccountRole;
}

/**
 * Why `reader`'s current grant from `patient` does not let them read a record of `category`, once
 * the contract's `isAuthorized` said no: not an active doctor (suspended, or no doctor at all: the
 * admin reads a record only through an emergency review, a hospital never), no
 * grant, a revoked one (the grant is deleted on revoke, so the pair's ConsentRevoked event tells it
 * from none), one that ended, or one that does not cover the category. Each is read from the chain
 * now: the same facts `logAccess` would revert on.
 */
export async function grantRefusal(
  services: Pick<ApiServices, "publicClient" | "core" | "chainId">,
  patient: Address,
  reader: Address,
  category: number,
): Promise<ReadRefusal> {
  const role = await roleOf(services.publicClient, services.core, reader);
  if (role === "suspended") return { reason: READ_REFUSALS.suspended, readerRole: role };
  if (role !== "doctor") return { reason: READ_REFUSALS.notADoctor, readerRole: role };
  return { ...(await doctorRefusal(services, patient, reader, category)), readerRole: role };
}

/** {@link grantRefusal} for an active doctor: no grant, a revoked or ended one, or one not covering the category. */
async function doctorRefusal(
  services: Pick<ApiServices, "publicClient" | "core" | "chainId">,
  patient: Address,
  reader: Address,
  category: number,
): Promise<ReadRefusal> {
  const { publicClient, core } = services;
  const contract = { address: core, abi: ehrCoreAbi } as const;
  let grant: { categories: number; expiresAt: number };
  let now: bigint;
  try {
    [grant, { timestamp: now }] = await Promise.all([
      publicClient.readContract({ ...contract, functionName: "grantOf", args: [patient, reader] }),
      publicClient.getBlock(),
    ]);
  } catch (error) {
    throw toChainError(error, "check a grant");
  }
  if (grant.categories === 0) {
    return { reason: (await wasRevoked(services, patient, reader)) ? READ_REFUSALS.revoked : READ_REFUSALS.noGrant };
  }
  if (BigInt(grant.expiresAt) <= now) {
    const endedAt = new Date(grant.expiresAt * 1000);
    return { reason: READ_REFUSALS.ended(endedAt), details: { grantEndedAt: endedAt.toISOString() } };
  }
  return { reason: READ_REFUSALS.notCovered(category) };
}

/**
 * Per chain client, per pair (`patient:doctor`): whether a revocation was seen, and up to which
 * block the pair's history was read. At most {@link MAX_PAIRS_REMEMBERED} pairs, the oldest dropped.
 */
const revocations = new WeakMap<object, Map<string, { revoked: boolean; through: bigint }>>();
const MAX_PAIRS_REMEMBERED = 10_000;

/**
 * Whether `patient` ever revoked `doctor`'s grant: with no grant now, any revocation means the last
 * grant was revoked (a later grant would be in force or ended, not deleted). Read newest first in
 * growing windows (lib/chain/logWindows.ts), stopping at the first, never below the deployment's
 * block; a pair read before is read again only from the block after the last read (a revocation,
 * once seen, stays), so a doctor refused over and over costs one window a refusal, not a scan of the
 * chain's whole history (about 20 `eth_getLogs` calls on a chain of a million blocks).
 */
async function wasRevoked(
  services: Pick<ApiServices, "publicClient" | "core" | "chainId">,
  patient: Address,
  doctor: Address,
): Promise<boolean> {
  const { publicClient, core } = services;
  let pairs = revocations.get(publicClient);
  if (!pairs) revocations.set(publicClient, (pairs = new Map()));
  const key = `${patient}:${doctor}`.toLowerCase();
  const known = pairs.get(key);
  if (known?.revoked) return true;
  try {
    // Not viem's cached block number (up to its polling interval old): a revoke just mined counts.
    const head = await publicClient.getBlockNumber({ cacheTime: 0 });
    const deployment = deploymentFor(services.chainId);
    const deployed = deployment && sameAddress(deployment.core, core) ? BigInt(deployment.deployBlock) : 0n;
    const floorBlock = known ? known.through + 1n : deployed;
    const page =
      floorBlock > head
        ? { items: [] }
        : await scanLogsBackward(
            head,
            { limit: 1, floorBlock },
            (fromBlock, toBlock) =>
              publicClient.getContractEvents({
                address: core,
                abi: ehrCoreAbi,
                eventName: "ConsentRevoked",
                args: { patient, doctor },
                fromBlock,
                toBlock,
                strict: true,
              }) as Promise<{ blockNumber: bigint }[]>,
          );
    const revoked = page.items.length > 0;
    pairs.delete(key);
    // A chain restarted below what was read keeps the higher mark: those blocks were read.
    pairs.set(key, { revoked, through: known && known.through > head ? known.through : head });
    if (pairs.size > MAX_PAIRS_REMEMBERED) pairs.delete(pairs.keys().next().value!);
    return revoked;
  } catch (error) {
    throw toChainError(error, "read the grant's history");
  }
}

/** "2026-12-03 04:10 UTC": the service's sentence speaks UTC; the dApp says the time in its reader's zone from `details`. */
function utcMinute(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
