import express, { Router, type RequestHandler } from "express";
import { getAddress } from "viem";
import { IntegrityError, StorageError } from "../../lib/errors";
import { ENVELOPE_HEADER_LENGTH } from "../../lib/crypto/envelope";
import { sameAddress } from "../../lib/records/context";
import type { BlobStart } from "../../lib/storage/types";
import type { ApiServices } from "../services";
import { badRequest, forbidden, HttpError, notFound, tooLarge, unsupportedMedia } from "../http/errors";
import { valid, validate } from "../http/validate";
import { requireSession, sessionOf } from "../sessions/middleware";
import { auditRefusal } from "../audit/refuse";
import {
  describeBlob,
  envelopeReadRefusal,
  envelopeUploadRefusal,
  isCanonicalKeyBackup,
  isOurs,
  keyBackupUploadRefusal,
} from "./access";
import { ciphertextRefusal } from "./ciphertextCheck";
import { cidParams, contentHashHeader } from "./schema";
import { ehrCoreAbi, PatientStatus } from "../../deployments/contracts";
import { toChainError } from "../../lib/chain/ehr";

/**
 * The largest body an address that can store no record may send: its own key backup is all it may
 * store (under 2 KB as lib/keys writes it), so a throwaway address cannot make the service read
 * 50 MB bodies it will refuse anyway.
 */
export const MAX_KEY_BACKUP_UPLOAD_BYTES = 16 * 1024;

const NOT_OURS = "Only encrypted records and key backups of this system can be stored here.";
const SMALL_ONLY =
  "Only a registered patient or an active doctor can store records; other accounts can store only their key backup (at most 16 KB).";
const NOT_CIPHERTEXT = "This file is not encrypted: only records encrypted by this app can be stored here.";

/**
 * `/v1/blobs` (README, "Blobs"): POST / stores our ciphertext only (an envelope of this chain and
 * EhrCore from its registered patient or a doctor who may write it now, whose bytes after the
 * header look like AES-GCM output; or the session's own key backup, exactly as the app writes it,
 * before its key is registered), within the uploader's quota of unreferenced bytes, checked against
 * `X-Content-SHA256`, and answers 201 `{cid, size}` once it is stored and pinned; GET /:cid reads
 * the first block, decides from its header who may read it now (refusals audited) and only then
 * reads and serves the rest, verified against the CID.
 */
export function blobsRouter(services: ApiServices): Router {
  const router = Router();
  const signedIn = requireSession(services);

  // Only an active patient or an active doctor can store a record envelope; anyone else may send at
  // most a key backup's size. Decided before a byte of the body is read (one chain read each).
  const bodyLimit: RequestHandler = async (_req, res, next) => {
    const me = sessionOf(res).address;
    let mayStoreRecords: boolean;
    try {
      const [activeDoctor, patient] = await Promise.all([
        services.publicClient.readContract({
          address: services.core,
          abi: ehrCoreAbi,
          functionName: "isActiveDoctor",
          args: [me],
        }),
        services.publicClient.readContract({
          address: services.core,
          abi: ehrCoreAbi,
          functionName: "patient",
          args: [me],
        }),
      ]);
      mayStoreRecords = activeDoctor || patient.status === PatientStatus.Active;
    } catch (error) {
      throw toChainError(error, "read the account's role");
    }
    res.locals.uploadLimit = mayStoreRecords ? services.config.maxUploadBytes : MAX_KEY_BACKUP_UPLOAD_BYTES;
    next();
  };
  const readSmall = express.raw({ type: "application/octet-stream", limit: MAX_KEY_BACKUP_UPLOAD_BYTES });
  const readLarge = express.raw({ type: "application/octet-stream", limit: services.config.maxUploadBytes });
  const readBody: RequestHandler = (req, res, next) => {
    const limit = res.locals.uploadLimit as number;
    if (limit < services.config.maxUploadBytes) {
      // Refused from its Content-Length, or (chunked) once the bytes read pass the limit.
      if ((Number(req.headers["content-length"]) || 0) > limit) throw tooLarge(SMALL_ONLY);
      readSmall(req, res, (error?: unknown) => {
        if ((error as { type?: string } | undefined)?.type === "entity.too.large") return next(tooLarge(SMALL_ONLY));
        next(error);
      });
      return;
    }
    readLarge(req, res, next);
  };

  // Over the quota already: refused before a byte of the body is read.
  const hasRoom: RequestHandler = async (req, res, next) => {
    const me = sessionOf(res).address;
    const size = Number(req.headers["content-length"]) || 0;
    await withinQuota(() => services.uploads.checkRoom(me, size));
    next();
  };
  /** `check`, and once more after reading the chain's new references when it finds the quota reached. */
  const withinQuota = async <T>(check: () => T): Promise<T> => {
    try {
      return check();
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      await services.sweeper.catchUp();
      return check();
    }
  };

  router.post("/", signedIn, bodyLimit, hasRoom, readBody, async (req, res) => {
    if (!Buffer.isBuffer(req.body)) throw unsupportedMedia("Send the file as application/octet-stream.");
    const header = contentHashHeader.safeParse(req.headers["x-content-sha256"]);
    if (!header.success) {
      throw badRequest("The X-Content-SHA256 header must be the file's SHA-256 (0x and 64 hex digits).");
    }
    const bytes = new Uint8Array(req.body.buffer, req.body.byteOffset, req.body.byteLength);
    const me = sessionOf(res).address;
    const blob = describeBlob(bytes);
    if (blob.kind === "other") throw unsupportedMedia(NOT_OURS);
    let subject: string;
    if (blob.kind === "key-backup") {
      if (!isOurs(services, blob.meta)) throw unsupportedMedia("This key backup is for another chain or contract.");
      const refusal = await keyBackupUploadRefusal(services, blob.meta, me);
      if (refusal) throw forbidden(refusal);
      if (!isCanonicalKeyBackup(bytes)) throw unsupportedMedia("This key backup is not in the form this app writes.");
      subject = blob.meta.address;
    } else {
      if (!isOurs(services, blob.identity)) {
        throw unsupportedMedia("This encrypted record is for another chain or contract.");
      }
      // Who may store it is decided before its bytes are examined: a stranger costs no CPU.
      const refusal = await envelopeUploadRefusal(services, blob.identity, me);
      if (refusal) throw forbidden(refusal);
      if (await ciphertextRefusal(bytes.subarray(ENVELOPE_HEADER_LENGTH))) throw unsupportedMedia(NOT_CIPHERTEXT);
      subject = getAddress(blob.identity.patient);
    }
    const sha256 = header.data;
    const upload = { sha256, uploader: me, kind: blob.kind, subject: getAddress(subject), size: bytes.length };
    const reserved = await withinQuota(() => services.uploads.reserve(upload));
    let cid: string;
    try {
      const stored = await services.uploads.exclusive(sha256, () => services.blobs.put(bytes, sha256));
      cid = stored.cid;
      // Already here with no tracked upload of it: a blob from before the ledger, never swept.
      services.uploads.stored(sha256, me, cid, stored.alreadyStored && !reserved.known);
    } catch (error) {
      services.uploads.release(sha256, me);
      if (error instanceof IntegrityError) throw badRequest(error.shortMessage);
      throw error;
    }
    services.logger.info({ requestId: req.id, cid, size: bytes.length, kind: blob.kind }, "blob stored");
    res.status(201).json({ cid, size: bytes.length });
  });

  router.get("/:cid", signedIn, validate(cidParams, "params"), async (req, res) => {
    const { cid } = valid<{ cid: string }>(res, "params");
    const me = sessionOf(res).address;
    // Not stored here, or a part of it lost (a block missing mid-stream): nothing can be served.
    const notStored = (error: unknown) =>
      error instanceof StorageError && /not found|missing/.test(error.shortMessage)
        ? notFound("No file is stored under this address.")
        : error;
    // The first block only: a refused read costs the same for 1 KB and 50 MB.
    let start: BlobStart;
    try {
      start = await services.blobs.readStart(cid);
    } catch (error) {
      throw notStored(error);
    }
    const blob = describeBlob(start.bytes);
    const refuse = async (patient: string | undefined, reason: string, part?: "report" | "summary") => {
      if (patient) await auditRefusal(services, req, { reader: me, patient: getAddress(patient), cid, part, reason });
      return forbidden(reason);
    };
    if (blob.kind === "other") throw await refuse(undefined, "This file cannot be served.");
    if (blob.kind === "key-backup") {
      if (!sameAddress(blob.meta.address, me)) throw await refuse(blob.meta.address, "This key backup is not yours.");
    } else {
      const reason = await envelopeReadRefusal(services, blob.identity, me);
      if (reason) throw await refuse(blob.identity.patient, reason, blob.identity.part);
    }
    let bytes = start.bytes;
    if (!start.whole) {
      try {
        bytes = await services.blobs.get(cid);
      } catch (error) {
        throw notStored(error);
      }
    }
    res
      .status(200)
      .set({ "Content-Type": "application/octet-stream", "Cache-Control": "private, no-store" })
      .end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  });

  return router;
}
