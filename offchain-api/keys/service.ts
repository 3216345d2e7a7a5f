import { getAddress, isAddressEqual, type Address } from "viem";
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
 * Stores wrapped keys of this chain and EhrCore, all of a batch or none: a registered patient stores
 * (or replaces) any entry of their own records; an active doctor with a current grant or appointment
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
  const { conflicts } = await services.keyStore.storeEntries(entries, own);
  if (conflicts > 0) {
    throw new ConflictError("A key for this record is already stored; only the patient can replace it.");
  }
  services.logger.info({ requestId: caller.requestId, count: entries.length }, "wrapped keys stored");
  return { stored: entries.length };
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
