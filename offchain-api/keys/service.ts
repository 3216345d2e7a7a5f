import { getAddress, isAddressEqual, type Address, type Hex } from "viem";
import { deploymentFor, ehrCoreAbi } from "../../deployments/contracts";
import { readEnvelopeHeader } from "../../lib/crypto/envelope";
import type { StoredEnvelope } from "../blobs/quota";
import type { HeldKeys, KeysStored, ReleasedKey, ReleaseKeyBody } from "../../lib/api/wire/keys";
import { recordCount, roleOf, toChainError } from "../../lib/chain/ehr";
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
    if (!(await hasAccessFrom(services, patient, me))) {
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
  // A patient's app wraps keys for the patient, the custodian and the doctors the patient gave
  // access to (a grant, or a confirmed appointment's window): any other reader is a row nobody
  // could be handed, and the readers of one file are bounded by the patient's own consents.
  const readers = [...new Set(entries.filter(own).map((e) => getAddress(e.reader)))].filter(
    (reader) => !isAddressEqual(reader, me) && !isAddressEqual(reader, services.core),
  );
  const mayRead = await Promise.all(readers.map((reader) => hasAccessFrom(services, me, reader)));
  if (mayRead.includes(false)) {
    throw new AccessDeniedError(
      "A key can be stored only for you, the emergency custodian or a doctor you gave access to.",
    );
  }
  // Each file is held (as an upload holds it) from its check to the store, so the sweeper cannot
  // remove it, and its keys, in between.
  const hashes = [...new Set(entries.map((e) => e.envelopeHash.toLowerCase() as Hex))].sort();
  const store = async () => {
    await checkEnvelopes(services, entries);
    return services.keyStore.storeEntries(entries, own);
  };
  const { conflicts } = await hashes.reduceRight<() => Promise<{ conflicts: number }>>(
    (inner, hash) => () => services.uploads.shared(hash, inner),
    store,
  )();
  if (conflicts > 0) {
    throw new ConflictError("A key for this record is already stored; only the patient can replace it.");
  }
  services.logger.info({ requestId: caller.requestId, count: entries.length }, "wrapped keys stored");
  return { stored: entries.length };
}

/**
 * Every entry names, by its envelope hash, a record part of its patient that this service knows,
 * and is for that part's record id and part: a key comes after its file (as the app uploads them),
 * so the entries one account can make are bounded by the files it could store (the upload quota,
 * or records on chain) times the readers above. The part is the upload ledger's (from the header,
 * at upload), else the chain's: a `RecordAdded` of that patient naming the hash, with the header
 * of the file its CID names (read once per process). A hash of no file here, of another patient's,
 * or of what is no envelope: NotFoundError, the same for each (no way to tell another patient's
 * file from none). Another record or part of the patient's: FormatError.
 */
async function checkEnvelopes(services: ApiServices, entries: WrappedKeyEntry[]): Promise<void> {
  const onChain = new Map<string, Promise<RecordLog[]>>();
  // A record part's entries (one per reader) share one lookup.
  const parts = new Map<string, Promise<StoredEnvelope | undefined>>();
  const partOf = async (hash: Hex, patient: Address) =>
    services.uploads.envelopeOf(hash) ?? (await envelopeOnChain(services, hash, patient, onChain));
  for (const entry of entries) {
    const hash = entry.envelopeHash.toLowerCase() as Hex;
    const patient = getAddress(entry.patient);
    const key = `${hash}:${patient}`;
    if (!parts.has(key)) parts.set(key, partOf(hash, patient));
    const part = await parts.get(key)!;
    if (!part || !isAddressEqual(part.patient, entry.patient)) {
      throw new NotFoundError("The record file a key is for is not stored here: upload the file before its keys.");
    }
    if (part.recordId.toLowerCase() !== entry.recordId.toLowerCase() || part.part !== entry.part) {
      throw new FormatError("A key must be for the record part its envelope hash names.", {
        details: "envelopeHash: the file is another record part",
      });
    }
  }
}

type RecordLog = { envelopeHash: Hex; cid: string; summaryHash: Hex; summaryCid: string };

/** Record parts learned from the chain, by EhrCore and hash: a file's header never changes. */
const learned = new Map<string, StoredEnvelope | null>();
const LEARNED_MAX = 50_000;

/**
 * The record part `hash` is as `patient`'s records on chain name it (see {@link checkEnvelopes}):
 * their `RecordAdded` events (read once per request, shared through `logs`), then the header of the
 * file the naming record's CID points to. Undefined when no record of theirs names it.
 */
async function envelopeOnChain(
  services: ApiServices,
  hash: Hex,
  patient: Address,
  logs: Map<string, Promise<RecordLog[]>>,
): Promise<StoredEnvelope | undefined> {
  const key = `${services.core.toLowerCase()}:${hash}`;
  const known = learned.get(key);
  if (known !== undefined) return known ?? undefined;
  if (!logs.has(patient)) logs.set(patient, recordLogs(services, patient));
  const named = (await logs.get(patient)!).flatMap((log) => [
    { hash: log.envelopeHash, cid: log.cid },
    { hash: log.summaryHash, cid: log.summaryCid },
  ]);
  const found = named.find((n) => n.hash.toLowerCase() === hash);
  if (!found) return undefined;
  let part: StoredEnvelope | null = null;
  try {
    const { identity } = readEnvelopeHeader((await services.blobs.readStart(found.cid)).bytes);
    if (isOurs(services, identity))
      part = { patient: identity.patient, recordId: identity.recordId, part: identity.part };
  } catch (error) {
    // Not stored (yet) here: asked again next time. Not an envelope: never one.
    if (error instanceof NotFoundError) return undefined;
    if (!(error instanceof FormatError)) throw error;
  }
  if (learned.size >= LEARNED_MAX) learned.clear();
  learned.set(key, part);
  return part ?? undefined;
}

/** `patient`'s `RecordAdded` events since EhrCore's deployment. */
async function recordLogs(services: ApiServices, patient: Address): Promise<RecordLog[]> {
  const { publicClient, core, chainId } = services;
  const deployment = deploymentFor(chainId);
  const fromBlock = deployment && isAddressEqual(deployment.core, core) ? BigInt(deployment.deployBlock) : 0n;
  try {
    const logs = await publicClient.getContractEvents({
      address: core,
      abi: ehrCoreAbi,
      eventName: "RecordAdded",
      args: { patient },
      fromBlock,
      toBlock: "latest",
      strict: true,
    });
    return logs.map((log) => log.args as RecordLog);
  } catch (error) {
    throw toChainError(error, "read the patient's records");
  }
}

/** Whether `doctor` holds a current grant from `patient` or is inside a confirmed appointment's write window. */
async function hasAccessFrom(services: ApiServices, patient: Address, doctor: Address): Promise<boolean> {
  return (await hasCurrentGrant(services, patient, doctor)) || (await hasAppointmentWindow(services, patient, doctor));
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
