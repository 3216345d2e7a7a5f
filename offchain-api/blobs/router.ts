import express, { Router } from "express";
import { getAddress } from "viem";
import { IntegrityError, StorageError } from "../../lib/errors";
import { isAuthorized } from "../../lib/chain/ehr";
import { sameAddress } from "../../lib/records/context";
import type { ApiServices } from "../services";
import { hasAppointmentWindow } from "./appointmentWindow";
import { badRequest, forbidden, notFound, unsupportedMedia } from "../http/errors";
import { valid, validate } from "../http/validate";
import { requireSession, sessionOf } from "../sessions/middleware";
import { auditRefusal } from "../audit/refuse";
import { describeBlob, envelopeReadRefusal, isOurs } from "./access";
import { cidParams, contentHashHeader } from "./schema";

const NOT_OURS = "Only encrypted records and key backups of this system can be stored here.";

/**
 * `/v1/blobs` (README, "Blobs"): POST / stores our ciphertext only (an envelope of this chain and
 * EhrCore from its patient or a granted doctor, or the session's own key backup), checked against
 * `X-Content-SHA256`, and answers 201 `{cid, size}` once it is stored and pinned; GET /:cid serves
 * the bytes, verified against the CID, to whoever may read them now (refusals audited).
 */
export function blobsRouter(services: ApiServices): Router {
  const router = Router();
  const signedIn = requireSession(services);

  router.post(
    "/",
    signedIn,
    express.raw({ type: "application/octet-stream", limit: services.config.maxUploadBytes }),
    async (req, res) => {
      if (!Buffer.isBuffer(req.body)) throw unsupportedMedia("Send the file as application/octet-stream.");
      const header = contentHashHeader.safeParse(req.headers["x-content-sha256"]);
      if (!header.success) {
        throw badRequest("The X-Content-SHA256 header must be the file's SHA-256 (0x and 64 hex digits).");
      }
      const bytes = new Uint8Array(req.body.buffer, req.body.byteOffset, req.body.byteLength);
      const me = sessionOf(res).address;
      const blob = describeBlob(bytes);
      if (blob.kind === "other") throw unsupportedMedia(NOT_OURS);
      if (blob.kind === "key-backup") {
        if (!isOurs(services, blob.meta)) throw unsupportedMedia("This key backup is for another chain or contract.");
        if (!sameAddress(blob.meta.address, me)) throw forbidden("You can store only your own key backup.");
      } else {
        if (!isOurs(services, blob.identity)) {
          throw unsupportedMedia("This encrypted record is for another chain or contract.");
        }
        const { patient, category } = blob.identity;
        // A doctor: `isAuthorized` is true only for an active doctor whose grant covers the category now.
        if (
          !sameAddress(patient, me) &&
          !(await isAuthorized(services.publicClient, services.core, patient, me, category)) &&
          !(await hasAppointmentWindow(services, patient, me))
        ) {
          throw forbidden("You can store records only for yourself or for a patient who granted you access.");
        }
      }
      let cid: string;
      try {
        ({ cid } = await services.blobs.put(bytes, header.data));
      } catch (error) {
        if (error instanceof IntegrityError) throw badRequest(error.shortMessage);
        throw error;
      }
      services.logger.info({ requestId: req.id, cid, size: bytes.length, kind: blob.kind }, "blob stored");
      res.status(201).json({ cid, size: bytes.length });
    },
  );

  router.get("/:cid", signedIn, validate(cidParams, "params"), async (req, res) => {
    const { cid } = valid<{ cid: string }>(res, "params");
    const me = sessionOf(res).address;
    let bytes: Uint8Array;
    try {
      bytes = await services.blobs.get(cid);
    } catch (error) {
      // Not stored here, or a part of it lost (a block missing mid-stream): nothing can be served.
      if (error instanceof StorageError && /not found|missing/.test(error.shortMessage)) {
        throw notFound("No file is stored under this address.");
      }
      throw error;
    }
    const blob = describeBlob(bytes);
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
    res
      .status(200)
      .set({ "Content-Type": "application/octet-stream", "Cache-Control": "private, no-store" })
      .end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  });

  return router;
}
