import express, { Router } from "express";
import { getAddress } from "viem";
import type { z } from "zod";
import { AccessDeniedError, ContractRevertedError, StorageError } from "../../lib/errors";
import type { Address, Hex } from "../../lib/crypto/identity";
import { sameAddress } from "../../lib/records/context";
import type { WrappedKeyEntry } from "../../lib/storage/types";
import type { ApiServices } from "../services";
import { badRequest, conflict, forbidden, notFound } from "../http/errors";
import { validate } from "../http/validate";
import { requireSession, sessionOf } from "../sessions/middleware";
import { auditRefusal } from "../audit/refuse";
import { hasCurrentGrant, isOurs } from "../blobs/access";
import { hasAppointmentWindow } from "../blobs/appointmentWindow";
import { releaseKeyBody, storeKeysBody } from "./schema";

/**
 * `/v1/keys` (README, "Keys"): POST / stores wrapped keys of this chain and EhrCore for the
 * session's own records, or, for an active doctor with a current grant, for that patient's (never
 * replacing an entry: 409); all entries are checked before any is stored. POST /release answers
 * `{wrapped}` under the vault's release rules (the reader is the session); a refusal is 403 and
 * audited, no key held for this reader 404. Wrapped keys are never logged.
 */
export function keysRouter(services: ApiServices): Router {
  const router = Router();
  router.use(requireSession(services), express.json({ limit: "512kb" }));

  router.post("/", validate(storeKeysBody), async (req, res) => {
    const entries = (req.body as z.infer<typeof storeKeysBody>).entries as WrappedKeyEntry[];
    const me = sessionOf(res).address;
    if (entries.some((entry) => !isOurs(services, entry))) {
      throw badRequest("Every key must be for this chain and this system's contract.");
    }
    const others = [...new Set(entries.map((e) => getAddress(e.patient)))].filter((p) => !sameAddress(p, me));
    for (const patient of others) {
      if (!(await hasCurrentGrant(services, patient, me)) && !(await hasAppointmentWindow(services, patient, me))) {
        throw forbidden("You can store keys only for yourself or for a patient who granted you access.");
      }
    }
    for (const entry of entries) {
      if (sameAddress(entry.patient, me)) continue;
      if (await services.keyStore.heldEntry(entry)) {
        throw conflict("A key for this record is already stored; only the patient can replace it.");
      }
    }
    await services.vault.storeWrappedKeys(entries);
    services.logger.info({ requestId: req.id, count: entries.length }, "wrapped keys stored");
    res.status(201).json({ stored: entries.length });
  });

  router.post("/release", validate(releaseKeyBody), async (req, res) => {
    const body = req.body as z.infer<typeof releaseKeyBody>;
    const reader = sessionOf(res).address;
    const request = {
      ...body,
      patient: body.patient as Address,
      recordId: body.recordId as Hex,
      accessTx: body.accessTx as Hex | undefined,
      reader,
    };
    let wrapped: string;
    try {
      wrapped = await services.vault.fetchWrappedKey(request);
    } catch (error) {
      if (error instanceof AccessDeniedError) {
        const { recordIndex, part } = body;
        const reason = error.shortMessage;
        await auditRefusal(services, req, { reader, patient: getAddress(body.patient), recordIndex, part, reason });
        throw forbidden(reason);
      }
      if (error instanceof StorageError && /^No key/.test(error.shortMessage)) throw notFound(error.shortMessage);
      if (error instanceof ContractRevertedError && error.errorName === "RecordUnknown") {
        throw notFound(error.shortMessage);
      }
      throw error;
    }
    res.set("Cache-Control", "no-store").json({ wrapped });
  });

  return router;
}
