import { getAddress, isAddressEqual, type Address, type Hex } from "viem";
import { rawLeafCid } from "../../lib/api/rawCid";
import { readEnvelopeHeader } from "../../lib/crypto/envelope";
import type { RecordIdentity } from "../../lib/crypto/identity";
import type { HeldKeys, KeysStored, ReleasedKey, ReleaseKeyBody } from "../../lib/api/wire/keys";
import { recordCount, roleOf } from "../../lib/chain/ehr";
import { AccessDeniedError, ConflictError, ContractRevertedError, FormatError, NotFoundError } from "../../lib/errors";
import type { WrappedKeyEntry } from "../../lib/storage/types";
import type { Caller } from "../http/validate";
import type { ApiServices } from "../services";
import { auditRefusal } from "../audit/refuse";
import { hasCurrentGrant, isOurs } from "../blobs/access";
import { hasAppointmentWindow } from "../blobs/appointmentWindow";

/**
 * Stores wrapped keys of this chain and EhrCore, all of a batch or none, each for a record part
 * stored here (its envelope's header names that part: {@link checkEnvelopes}): a registered
 * patient stores (or replaces) any entry of their own records for themself, the custodian or an
 * active doctor; an active doctor with a current grant or appointment
 * window stores new entries of that patient's records only for themself, the patient or the
 * emergency custodian (never replacing one: ConflictError), so no doctor can plant a key another
 * reader would be handed. Wrapped keys are never logged.
 */
export async function storeKeys(
  services: ApiServices,
  caller: Caller,
  entries: WrappedKeyEntry[],
): Promise<KeysStored> {
  const me = caller.me;
  if (entries.some((entry) => !isOurs(services, entry))) {
    throw new FormatError("Every key must be for this chain and this system's contract.");
  }
  const own = (entry: WrappedKeyEntry) => isAddressEqual(entry.patient, me);
  // Entries of one's own records need no grant: only a registered patient has records. Anyone else
  // could sign in with a fresh address and store 64 entries of 4 KB per request, naming itself.
  if (
    entries.some(own) &&
    !["patient", "pending-patient"].includes(await roleOf(services.publicClient, services.core, me))
  ) {
    throw new AccessDeniedError("Only a registered patient can store keys of their own records.");
  }
  const others = [...new Set(entries.filter((e) => !own(e)).map((e) => getAddress(e.patient)))];
  for (const patient of others) {
    const mayWrite =
      (await hasCurrentGrant(services, patient, me)) || (await hasAppointmentWindow(services, patient, me));
    if (!mayWrite) {
      throw new AccessDeniedError("You can store keys only for yourself or for a patient who granted you access.");
    }
  }
  const allowedReader = (entry: WrappedKeyEntry) =>
    [me, entry.patient, services.core].some((reader) => isAddressEqual(reader, entry.reader));
  if (entries.some((entry) => !own(entry) && !allowedReader(entry))) {
    throw new AccessDeniedError(
      "A doctor can store keys only for themself, the patient or the emergency custodian; the patient's app shares with other doctors.",
    );
  }
  // A patient's app wraps keys for the patient, the custodian and active doctors only: any other
  // reader would be a row nobody can ever use.
  const readers = [...new Set(entries.filter(own).map((e) => getAddress(e.reader)))];
  for (const reader of readers) {
    if (isAddressEqual(reader, me) || isAddressEqual(reader, services.core)) continue;
    if ((await roleOf(services.publicClient, services.core, reader)) !== "doctor") {
      throw new AccessDeniedError(
        "A key can be stored only for the patient, the emergency custodian or an active doctor.",
      );
    }
  }
  await checkEnvelopes(services, entries);
  const { conflicts } = await services.keyStore.storeEntries(entries, own);
  if (conflicts > 0) {
    throw new ConflictError("A key for this record is already stored; only the patient can replace it.");
  }
  services.logger.info({ requestId: caller.requestId, count: entries.length }, "wrapped keys stored");
  return { stored: entries.length };
}

/**
 * Every entry names, by its envelope hash, a record part this service stores, whose clear header
 * is that entry's chain, contract, patient, record and part: a key comes after its file (as the
 * app uploads them), and the entries one account can make are bounded by the files it could
 * store (each within the upload quota, or referenced on chain) times the readers above. The file
 * is found under its upload's CID, else under the raw-block CID of its hash (a file of up to
 * 2 MiB, also one stored before the upload ledger or by another instance of the private network),
 * each block checked against its CID. NotFoundError when there is none; FormatError when its
 * header is of another record part.
 */
async function checkEnvelopes(services: ApiServices, entries: WrappedKeyEntry[]): Promise<void> {
  const byHash = new Map<string, WrappedKeyEntry[]>();
  for (const entry of entries) {
    const hash = entry.envelopeHash.toLowerCase();
    byHash.set(hash, [...(byHash.get(hash) ?? []), entry]);
  }
  for (const [hash, named] of byHash) {
    const identity = await storedIdentity(services, hash as Hex);
    if (!identity) {
      throw new NotFoundError("The record file a key is for is not stored here: upload the file before its keys.");
    }
    const matches = (entry: WrappedKeyEntry) =>
      identity !== "not-an-envelope" &&
      identity.chainId === entry.chainId &&
      isAddressEqual(identity.contract, entry.contract) &&
      isAddressEqual(identity.patient, entry.patient) &&
      identity.recordId.toLowerCase() === entry.recordId.toLowerCase() &&
      identity.part === entry.part;
    if (!named.every(matches)) {
      throw new FormatError("A key must be for the record part its envelope hash names.", {
        details: "envelopeHash: the stored file is another record part",
      });
    }
  }
}

/** The identity in the header of the stored file whose SHA-256 is `sha256` (see {@link checkEnvelopes}). */
async function storedIdentity(
  services: ApiServices,
  sha256: Hex,
): Promise<RecordIdentity | "not-an-envelope" | undefined> {
  const cids = new Set([services.uploads.cidOf(sha256), rawLeafCid(sha256)].filter((cid) => cid !== undefined));
  for (const cid of cids) {
    let start;
    try {
      start = await services.blobs.readStart(cid);
    } catch (error) {
      if (error instanceof NotFoundError) continue;
      throw error;
    }
    try {
      return readEnvelopeHeader(start.bytes).identity;
    } catch (error) {
      if (error instanceof FormatError) return "not-an-envelope";
      throw error;
    }
  }
  return undefined;
}

/** Which of the caller's (the patient's) record parts `reader` holds keys of, as envelope hashes. */
export async function heldKeys(services: ApiServices, caller: Caller, reader: Address): Promise<HeldKeys> {
  return { envelopeHashes: await services.keyStore.heldEnvelopeHashes(caller.me, getAddress(reader)) };
}

/**
 * The caller's wrapped key of one record part, under the vault's release rules (the reader is the
 * caller). A refusal is AccessDeniedError, audited when it names a real record of that patient; no
 * key held, or no such record, NotFoundError.
 */
export async function releaseKey(services: ApiServices, caller: Caller, body: ReleaseKeyBody): Promise<ReleasedKey> {
  const reader = caller.me;
  const patient = getAddress(body.patient);
  try {
    return { wrapped: await services.vault.fetchWrappedKey({ ...body, patient, reader }) };
  } catch (error) {
    if (error instanceof AccessDeniedError) {
      const { recordIndex, part } = body;
      // Only a refusal about a record the patient has goes into their Activity: anyone can name
      // any patient, and a request for a record that does not exist touched nothing of theirs.
      if (await isRealRecord(services, patient, recordIndex)) {
        await auditRefusal(
          services,
          { id: caller.requestId },
          { reader, patient, recordIndex, part, reason: error.shortMessage },
        );
      }
    }
    if (error instanceof ContractRevertedError && error.errorName === "RecordUnknown") {
      throw new NotFoundError(error.shortMessage, { cause: error });
    }
    throw error;
  }
}

/** Whether `patient` has a record at `index` on chain now; a chain that cannot be read says no (the answer is 403 anyway). */
async function isRealRecord(services: ApiServices, patient: Address, index: number): Promise<boolean> {
  try {
    return index < (await recordCount(services.publicClient, services.core, patient));
  } catch (error) {
    services.logger.warn({ err: { name: (error as Error).name } }, "record count unreadable: refusal not audited");
    return false;
  }
}
