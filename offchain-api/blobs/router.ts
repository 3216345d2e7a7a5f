import type { IncomingMessage } from "node:http";
import { Router, type ErrorRequestHandler, type RequestHandler } from "express";
import type { Hex } from "viem";
import { ENVELOPE_HEADER_LENGTH } from "../../lib/crypto/envelope";
import type { ApiServices } from "../services";
import { badRequest, HttpError, tooLarge, unsupportedMedia } from "../http/errors";
import { handleBytes } from "../http/validate";
import { requireSession, sessionOf } from "../sessions/middleware";
import type { BlobKind } from "./access";
import { CiphertextCheck } from "./ciphertextCheck";
import type { UploadTicket } from "./inFlight";
import { closeAfterAnswer, readUpload } from "./uploadBody";
import { cidParamsSchema, contentHashHeaderSchema, type BlobStored } from "../../lib/api/wire/blobs";
import {
  admitUploadHead,
  MAX_KEY_BACKUP_UPLOAD_BYTES,
  NOT_OURS,
  readBlob,
  SMALL_ONLY,
  storeUpload,
  uploadLimit,
  withinQuota,
} from "./service";

const NOT_CIPHERTEXT = "This file is not encrypted: only records encrypted by this app can be stored here.";

/**
 * `/v1/blobs` (README, "Blobs"): POST / stores our ciphertext only (an envelope of this chain and
 * EhrCore from its registered patient or a doctor who may write it now, whose bytes after the
 * header look like AES-GCM output; or the session's own key backup, exactly as the app writes it,
 * before its key is registered), within the uploader's quota of unreferenced bytes, checked against
 * `X-Content-SHA256`, and answers 201 `{cid, size}` once it is stored and pinned. Everything the
 * headers and the envelope's header decide is decided before the rest of the body is read, the
 * ciphertext check runs as the bytes arrive, and a refusal closes the connection (uploadBody.ts);
 * an address has at most `EHR_MAX_UPLOADS_IN_FLIGHT` uploads in flight (429), the process holds at
 * most `EHR_MAX_UPLOAD_BYTES_IN_FLIGHT` bytes of their bodies, counted as they arrive (503), both
 * with Retry-After. GET /:cid reads
 * the first block, decides from its header who may read it now (refusals audited) and only then
 * reads and serves the rest, verified against the CID.
 */
export function blobsRouter(services: ApiServices): Router {
  const router = Router();
  const signedIn = requireSession(services);
  const { config } = services;
  const inFlight = services.uploadsInFlight;

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
  // key backup) and the quota. Room among the bytes in flight is claimed as the body arrives.
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
    const limit = await uploadLimit(services, { me });
    const declared = req.headers["content-length"] === undefined ? undefined : Number(req.headers["content-length"]);
    if (declared !== undefined && declared > limit) throw tooLargeFor(limit);
    await withinQuota(services, () => services.uploads.checkRoom(me, declared ?? 0));
    res.locals.upload = { sha256: hash.data.toLowerCase() as Hex, limit };
    next();
  };

  /** 413 for a body over `limit`: the account's (a key backup's size) or the service's. */
  const tooLargeFor = (limit: number) =>
    tooLarge(limit < config.maxUploadBytes ? SMALL_ONLY : "The file is larger than this service accepts.");

  router.post("/", signedIn, admitted, admissible, async (req, res) => {
    const { sha256, limit } = res.locals.upload as { sha256: Hex; limit: number };
    const caller = { me: sessionOf(res).address, requestId: String(req.id ?? "") };
    let kind: BlobKind | undefined;
    const ticket = res.locals.uploadTicket as UploadTicket;
    const bytes = await readUpload(req, {
      limit,
      tooLarge: () => tooLargeFor(limit),
      // Memory is counted as the body's buffer grows, so an upload held open holds what it sent.
      claim: (more) => ticket.claimBytes(more),
      busy: () => {
        res.set("Retry-After", String(RETRY_AFTER_SECONDS));
        return new HttpError(503, "busy", "The service is receiving too many files right now: try again in a moment.");
      },
      headLength: ENVELOPE_HEAD_LENGTH,
      // Who may store it is decided from its header, before the rest is read: a stranger costs no more.
      decide: async (head) => {
        const judged = await admitUploadHead(services, head, caller);
        // A key backup is judged whole (it is clear JSON), and is small.
        if (judged === "key-backup") {
          return { limit: MAX_KEY_BACKUP_UPLOAD_BYTES, tooLarge: () => unsupportedMedia(NOT_OURS) };
        }
        kind = judged;
        // Bytes this store already holds were judged when they first came (and the body must still
        // hash to them): a retry or a second upload of the same record is not judged again.
        return { check: services.blobs.holds?.(sha256) ? undefined : ciphertextCheckOf(req, limit) };
      },
    });
    const { cid, size, kind: storedAs } = await storeUpload(services, { bytes, sha256, kind }, caller);
    // In the request's own log line (http/logging.ts): one line per upload.
    res.locals.logFields = { blob: { cid, size, kind: storedAs } };
    res.status(201).json({ cid, size } satisfies BlobStored);
  });

  // A refusal before the whole body arrived ends the connection, so the client stops sending it.
  const closeOnRefusal: ErrorRequestHandler = (error, req, res, next) => {
    closeAfterAnswer(req, res);
    next(error);
  };
  router.use(closeOnRefusal);

  router.get(
    "/:cid",
    signedIn,
    handleBytes({ params: cidParamsSchema }, ({ params }, caller) => readBlob(services, params.cid, caller)),
  );

  return router;
}

/** The bytes an envelope's header is read from: the clear header and the tag (readEnvelopeHeader's minimum). */
const ENVELOPE_HEAD_LENGTH = ENVELOPE_HEADER_LENGTH + 16;
/** What a busy answer asks the client to wait, in seconds. */
const RETRY_AFTER_SECONDS = 5;

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
