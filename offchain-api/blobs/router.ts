import type { IncomingMessage } from "node:http";
import { Router, type ErrorRequestHandler, type RequestHandler } from "express";
import { getAddress, type Address, type Hex } from "viem";
import { IntegrityError, NotFoundError } from "../../lib/errors";
import { ENVELOPE_HEADER_LENGTH } from "../../lib/crypto/envelope";
import { sameAddress } from "../../lib/records/context";
import type { BlobStart } from "../../lib/storage/types";
import type { ApiServices } from "../services";
import { badRequest, forbidden, HttpError, notFound, tooLarge, unsupportedMedia } from "../http/errors";
import { valid, validate } from "../http/validate";
import { requireSession, sessionOf } from "../sessions/middleware";
import { auditRefusal } from "../audit/refuse";
import {
  type BlobKind,
  describeBlob,
  envelopeReadRefusal,
  envelopeUploadRefusal,
  isCanonicalKeyBackup,
  isOurs,
  keyBackupUploadRefusal,
} from "./access";
import { CiphertextCheck } from "./ciphertextCheck";
import { UploadsInFlight, type UploadTicket } from "./inFlight";
import { closeAfterAnswer, readUpload } from "./uploadBody";
import { cidParamsSchema, contentHashHeaderSchema, type BlobStored } from "../../lib/api/wire/blobs";
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
 * `X-Content-SHA256`, and answers 201 `{cid, size}` once it is stored and pinned. Everything the
 * headers and the envelope's header decide is decided before the rest of the body is read, the
 * ciphertext check runs as the bytes arrive, and a refusal closes the connection (uploadBody.ts);
 * an address has at most `EHR_MAX_UPLOADS_IN_FLIGHT` uploads in flight (429), the process at most
 * `EHR_MAX_UPLOAD_BYTES_IN_FLIGHT` bytes of them (503), both with Retry-After. GET /:cid reads
 * the first block, decides from its header who may read it now (refusals audited) and only then
 * reads and serves the rest, verified against the CID.
 */
export function blobsRouter(services: ApiServices): Router {
  const router = Router();
  const signedIn = requireSession(services);
  const { config } = services;
  const inFlight = new UploadsInFlight(config.maxUploadsInFlightPerAddress, config.maxUploadBytesInFlight);

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

  // An upload is a place among those in flight, taken before anything else and given back when its
  // answer is done or its client gone.
  const admitted: RequestHandler = (_req, res, next) => {
    const ticket = inFlight.begin(sessionOf(res).address);
    if (!ticket) {
      res.set("Retry-After", String(RETRY_AFTER_SECONDS));
      throw new HttpError(
        429,
        "too_many_uploads",
        `You are sending ${config.maxUploadsInFlightPerAddress} files already: wait for one to finish, then try again.`,
      );
    }
    res.once("close", () => ticket.release());
    res.locals.uploadTicket = ticket;
    next();
  };

  // What the headers decide, before a byte of the body is read: the type, the declared hash, the
  // size the account may send (an active patient or doctor may store records; anyone else at most a
  // key backup), the quota, and room among the bytes in flight.
  const admissible: RequestHandler = async (req, res, next) => {
    if (!req.is("application/octet-stream")) throw unsupportedMedia("Send the file as application/octet-stream.");
    if ((req.headers["content-encoding"] ?? "identity") !== "identity") {
      throw unsupportedMedia("Send the file as it is, without a Content-Encoding.");
    }
    const hash = contentHashHeaderSchema.safeParse(req.headers["x-content-sha256"]);
    if (!hash.success) {
      throw badRequest("The X-Content-SHA256 header must be the file's SHA-256 (0x and 64 hex digits).");
    }
    const me = sessionOf(res).address;
    const limit = (await mayStoreRecords(services, me)) ? config.maxUploadBytes : MAX_KEY_BACKUP_UPLOAD_BYTES;
    const declared = req.headers["content-length"] === undefined ? undefined : Number(req.headers["content-length"]);
    if (declared !== undefined && declared > limit) throw tooLargeFor(limit);
    await withinQuota(() => services.uploads.checkRoom(me, declared ?? 0));
    if (!(res.locals.uploadTicket as UploadTicket).claimBytes(declared ?? limit)) {
      res.set("Retry-After", String(RETRY_AFTER_SECONDS));
      throw new HttpError(503, "busy", "The service is receiving too many files right now: try again in a moment.");
    }
    res.locals.upload = { sha256: hash.data.toLowerCase() as Hex, limit };
    next();
  };

  /** 413 for a body over `limit`: the account's (a key backup's size) or the service's. */
  const tooLargeFor = (limit: number) =>
    tooLarge(limit < config.maxUploadBytes ? SMALL_ONLY : "The file is larger than this service accepts.");

  router.post("/", signedIn, admitted, admissible, async (req, res) => {
    const { sha256, limit } = res.locals.upload as { sha256: Hex; limit: number };
    const me = sessionOf(res).address;
    let kind: BlobKind | undefined;
    const bytes = await readUpload(req, {
      limit,
      tooLarge: () => tooLargeFor(limit),
      headLength: ENVELOPE_HEAD_LENGTH,
      // Who may store it is decided from its header, before the rest is read: a stranger costs no more.
      decide: async (head) => {
        if (head[0] === KEY_BACKUP_FIRST_BYTE) {
          // A key backup is judged whole (it is clear JSON), and is small.
          return { limit: MAX_KEY_BACKUP_UPLOAD_BYTES, tooLarge: () => unsupportedMedia(NOT_OURS) };
        }
        kind = describeBlob(head);
        if (kind.kind !== "envelope") throw unsupportedMedia(NOT_OURS);
        if (!isOurs(services, kind.identity)) {
          throw unsupportedMedia("This encrypted record is for another chain or contract.");
        }
        const refusal = await envelopeUploadRefusal(services, kind.identity, me);
        if (refusal) throw forbidden(refusal);
        return { check: ciphertextCheckOf(req, limit) };
      },
    });
    const blob = kind ?? describeBlob(bytes);
    if (blob.kind === "other") throw unsupportedMedia(NOT_OURS);
    let subject: string;
    if (blob.kind === "key-backup") {
      if (!isOurs(services, blob.meta)) throw unsupportedMedia("This key backup is for another chain or contract.");
      const refusal = await keyBackupUploadRefusal(services, blob.meta, me);
      if (refusal) throw forbidden(refusal);
      if (!isCanonicalKeyBackup(bytes)) throw unsupportedMedia("This key backup is not in the form this app writes.");
      subject = blob.meta.address;
    } else {
      subject = getAddress(blob.identity.patient);
    }
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
    res.status(201).json({ cid, size: bytes.length } satisfies BlobStored);
  });

  // A refusal before the whole body arrived ends the connection, so the client stops sending it.
  const closeOnRefusal: ErrorRequestHandler = (error, req, res, next) => {
    closeAfterAnswer(req, res);
    next(error);
  };
  router.use(closeOnRefusal);

  router.get("/:cid", signedIn, validate(cidParamsSchema, "params"), async (req, res) => {
    const { cid } = valid<{ cid: string }>(res, "params");
    const me = sessionOf(res).address;
    // Not stored here, or a part of it lost (a block missing mid-stream): nothing can be served.
    const notStored = (error: unknown) =>
      error instanceof NotFoundError ? notFound("No file is stored under this address.") : error;
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

/** The bytes an envelope's header is read from: the clear header and the tag (readEnvelopeHeader's minimum). */
const ENVELOPE_HEAD_LENGTH = ENVELOPE_HEADER_LENGTH + 16;
/** A key backup is JSON as lib/keys writes it: `{` first. */
const KEY_BACKUP_FIRST_BYTE = 0x7b;
/** What a busy answer asks the client to wait, in seconds. */
const RETRY_AFTER_SECONDS = 5;

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

/**
 * The ciphertext check (ciphertextCheck.ts) over an envelope's bytes after its header as they arrive:
 * clear text is refused (415) at the window where it starts. Its thresholds are those of the declared
 * length, or of the limit for a chunked body.
 */
function ciphertextCheckOf(req: IncomingMessage, limit: number) {
  const declared = req.headers["content-length"];
  const check = new CiphertextCheck((declared === undefined ? limit : Number(declared)) - ENVELOPE_HEADER_LENGTH);
  const refused = (reason: string | undefined) => (reason ? unsupportedMedia(NOT_CIPHERTEXT) : undefined);
  return {
    advance: (body: Uint8Array, available: number) =>
      refused(check.advance(body.subarray(ENVELOPE_HEADER_LENGTH), available - ENVELOPE_HEADER_LENGTH)),
    finish: (body: Uint8Array) => refused(check.finish(body.subarray(ENVELOPE_HEADER_LENGTH))),
  };
}
