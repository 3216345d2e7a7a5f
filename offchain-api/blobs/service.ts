import { getAddress, type Address, type Hex } from "viem";
import { ehrCoreAbi, PatientStatus } from "../../deployments/contracts";
import { toChainError, type AccountRole } from "../../lib/chain/ehr";
import { IntegrityError, NotFoundError } from "../../lib/errors";
import { sameAddress } from "../../lib/records/context";
import type { ApiServices } from "../services";
import { auditRefusal } from "../audit/refuse";
import { badRequest, forbidden, HttpError, unsupportedMedia } from "../http/errors";
import type { Caller } from "../http/validate";
import { onRecentChainView } from "../http/requestClock";
import type { UploadRow } from "./quota";
import {
  type BlobKind,
  describeBlob,
  envelopeReadRefusal,
  envelopeUploadRefusal,
  isCanonicalKeyBackup,
  isOurs,
  keyBackupUploadRefusal,
} from "./access";

/**
 * The access policy of `/v1/blobs` (router.ts holds only HTTP: headers, the streamed body, the
 * answer): who may send how much, which first bytes may be stored by whom, and who may read a blob.
 * Refusals are the library's typed errors or HttpErrors, mapped by the one error middleware.
 */

/**
 * The largest body an address that can store no record may send: its own key backup is all it may
 * store (under 2 KB as lib/keys writes it), so a throwaway address cannot make the service read
 * 50 MB bodies it will refuse anyway.
 */
export const MAX_KEY_BACKUP_UPLOAD_BYTES = 16 * 1024;

export const NOT_OURS = "Only encrypted records and key backups of this system can be stored here.";
export const SMALL_ONLY =
  "Only a registered patient or an active doctor can store records; other accounts can store only their key backup (at most 16 KB).";

/**
 * How old a view of the chain an upload may be admitted on, in ms (its refusals are judged at the
 * latest block): under a stream of uploads, one `eth_blockNumber` call a second instead of one per
 * wave of requests (about one per two uploads, with the HTTP client's work 12% of the main thread's
 * time per new 1 KB upload, and the chain node's work besides). Admitting an upload lets an uploader store
 * ciphertext, nothing more: it joins a patient's record only through a transaction the contract
 * checks itself (consent, suspension, registration), and until then it counts against the
 * uploader's quota and is swept. So a doctor revoked or suspended in the last second may store one
 * more file that can never be attached; downloads, keys and every other read stay judged at the
 * latest block.
 */
export const UPLOAD_CHAIN_VIEW_MAX_AGE_MS = 1000;

/** An upload's refusal reason (undefined: none), judged on a chain view up to UPLOAD_CHAIN_VIEW_MAX_AGE_MS old unless it refuses. */
const uploadRefusal = (judge: () => Promise<string | undefined>) =>
  onRecentChainView(UPLOAD_CHAIN_VIEW_MAX_AGE_MS, judge, (reason) => reason === undefined);

/** The most `caller` may send: the service's limit for an active patient or doctor, a key backup's otherwise. */
export async function uploadLimit(services: ApiServices, caller: Pick<Caller, "me">): Promise<number> {
  const mayStore = await onRecentChainView(
    UPLOAD_CHAIN_VIEW_MAX_AGE_MS,
    () => mayStoreRecords(services, caller.me),
    (may) => may,
  );
  return mayStore ? services.config.maxUploadBytes : MAX_KEY_BACKUP_UPLOAD_BYTES;
}

/**
 * Judges an upload from its first bytes (an envelope's header and tag), before the rest is read:
 * "key-backup" when it starts like one (judged whole later), or the envelope's description when the
 * caller may store it now; a stranger's or another system's envelope is refused here.
 */
export async function admitUploadHead(
  services: ApiServices,
  head: Uint8Array,
  caller: Pick<Caller, "me">,
): Promise<"key-backup" | Extract<BlobKind, { kind: "envelope" }>> {
  if (head[0] === KEY_BACKUP_FIRST_BYTE) return "key-backup";
  const kind = describeBlob(head);
  if (kind.kind !== "envelope") throw unsupportedMedia(NOT_OURS);
  if (!isOurs(services, kind.identity))
    throw unsupportedMedia("This encrypted record is for another chain or contract.");
  const refusal = await uploadRefusal(() => envelopeUploadRefusal(services, kind.identity, caller.me));
  if (refusal) throw forbidden(refusal);
  return kind;
}

/**
 * Stores an upload read whole (`kind`: what its head was judged to be, if it was), within the
 * caller's quota, and answers where it is and what it was judged to be. A key backup is judged
 * here: the caller's own, of this system, exactly as the app writes it.
 */
export async function storeUpload(
  services: ApiServices,
  upload: { bytes: Uint8Array; sha256: Hex; kind?: BlobKind },
  caller: Pick<Caller, "me">,
): Promise<{ cid: string; size: number; kind: "envelope" | "key-backup" }> {
  const { bytes, sha256 } = upload;
  const me = caller.me;
  const blob = upload.kind ?? describeBlob(bytes);
  if (blob.kind === "other") throw unsupportedMedia(NOT_OURS);
  let subject: string;
  let envelope: UploadRow["envelope"];
  if (blob.kind === "key-backup") {
    if (!isOurs(services, blob.meta)) throw unsupportedMedia("This key backup is for another chain or contract.");
    const refusal = await uploadRefusal(() => keyBackupUploadRefusal(services, blob.meta, me));
    if (refusal) throw forbidden(refusal);
    if (!isCanonicalKeyBackup(bytes)) throw unsupportedMedia("This key backup is not in the form this app writes.");
    subject = blob.meta.address;
  } else {
    subject = getAddress(blob.identity.patient);
    envelope = { recordId: blob.identity.recordId, part: blob.identity.part };
  }
  const record = { sha256, uploader: me, kind: blob.kind, subject: getAddress(subject), size: bytes.length, envelope };
  const reservation = await withinQuota(services, () => services.uploads.reserve(record));
  let cid: string;
  try {
    // The row is written while the blob is held, so a removal of the same bytes cannot come between.
    cid = await services.uploads.shared(sha256, async () => {
      const stored = await services.blobs.put(bytes, sha256);
      await reservation.stored(stored.cid, stored.alreadyStored);
      return stored.cid;
    });
  } catch (error) {
    if (error instanceof IntegrityError) throw badRequest(error.shortMessage);
    throw error;
  } finally {
    reservation.release();
  }
  return { cid, size: bytes.length, kind: blob.kind };
}

/** `check`, and once more after reading the chain's new references when it finds the quota reached. */
export async function withinQuota<T>(services: Pick<ApiServices, "sweeper">, check: () => T): Promise<T> {
  try {
    return check();
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    await services.sweeper.catchUp();
    return check();
  }
}

/**
 * The blob `cid` for `caller`: the first block is read and its header decides who may read it now
 * (refusals audited, 403) before the rest is read; a blob not stored here, or a part of it lost, is
 * a NotFoundError (404). The bytes are verified against the CID by the store.
 */
export async function readBlob(services: ApiServices, cid: string, caller: Caller): Promise<Uint8Array> {
  const me = caller.me;
  // Not stored here, or a part of it lost (a block missing mid-stream): nothing can be served.
  const notStored = (error: unknown) =>
    error instanceof NotFoundError
      ? new NotFoundError("No file is stored under this address.", { cause: error, details: cid })
      : error;
  // The first block only: a refused read costs the same for 1 KB and 50 MB.
  const start = await services.blobs.readStart(cid).catch((error: unknown) => Promise.reject(notStored(error)));
  const blob = describeBlob(start.bytes);
  const refuse = async (
    patient: string | undefined,
    reason: string,
    part?: "report" | "summary",
    details?: Record<string, string>,
    readerRole?: AccountRole,
  ) => {
    if (patient) {
      await auditRefusal(
        services,
        { id: caller.requestId },
        { reader: me, patient: getAddress(patient), cid, part, reason },
        { readerRole },
      );
    }
    return forbidden(reason, details);
  };
  if (blob.kind === "other") throw await refuse(undefined, "This file cannot be served.");
  if (blob.kind === "key-backup") {
    if (!sameAddress(blob.meta.address, me)) throw await refuse(blob.meta.address, "This key backup is not yours.");
  } else {
    const refusal = await envelopeReadRefusal(services, blob.identity, me);
    if (refusal) {
      throw await refuse(
        blob.identity.patient,
        refusal.reason,
        blob.identity.part,
        refusal.details,
        refusal.readerRole,
      );
    }
  }
  if (start.whole) return start.bytes;
  return services.blobs.get(cid).catch((error: unknown) => Promise.reject(notStored(error)));
}

/** A key backup is JSON as lib/keys writes it: `{` first. */
const KEY_BACKUP_FIRST_BYTE = 0x7b;

/** Whether `address` may store records: an active doctor, or an active patient (one chain read each). */
async function mayStoreRecords(services: ApiServices, address: Address): Promise<boolean> {
  try {
    const [activeDoctor, patient] = await Promise.all([
      services.publicClient.readContract({
        address: services.core,
        abi: ehrCoreAbi,
        functionName: "isActiveDoctor",
        args: [address],
      }),
      services.publicClient.readContract({
        address: services.core,
        abi: ehrCoreAbi,
        functionName: "patient",
        args: [address],
      }),
    ]);
    return activeDoctor || patient.status === PatientStatus.Active;
  } catch (error) {
    throw toChainError(error, "read the account's role");
  }
}
