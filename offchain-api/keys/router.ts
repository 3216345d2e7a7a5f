import express, { Router } from "express";
import { getAddress, isAddressEqual } from "viem";
import type { z } from "zod";
import { AccessDeniedError, ContractRevertedError, StorageError } from "../../lib/errors";
import { recordCount } from "../../lib/chain/ehr";
import type { Address, Hex } from "viem";
import type { WrappedKeyEntry } from "../../lib/storage/types";
import type { ApiServices } from "../services";
import { badRequest, conflict, forbidden, notFound } from "../http/errors";
import { valid, validate } from "../http/validate";
import { requireSession, sessionOf } from "../sessions/middleware";
import { auditRefusal } from "../audit/refuse";
import { hasCurrentGrant, isOurs } from "../blobs/access";
import { hasAppointmentWindow } from "../blobs/appointmentWindow";
import { heldKeysQuery, releaseKeyBody, storeKeysBody } from "./schema";

/**
 * `/v1/keys` (README, "Keys"). POST / stores wrapped keys of this chain and EhrCore, all of a batch
 * or none: the patient stores (or replaces) any entry of their own records; an active doctor with a
 * current grant or appointment window stores new entries of that patient's records only for
 * themself, the patient or the emergency custodian (never replacing one: 409), so no doctor can
 * plant a key another reader would be handed. GET /held?reader= tells the patient which of their
 * record parts a reader holds keys of (envelope hashes), for the patient's app to share the rest.
 * POST /release answers `{wrapped}` under the vault's release rules (the reader is the session); a
 * refusal is 403, audited when it names a real record of that patient; no key held 404. Wrapped
 * keys are never logged.
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
    const own = (entry: WrappedKeyEntry) => isAddressEqual(entry.patient, me);
    const others = [...new Set(entries.filter((e) => !own(e)).map((e) => getAddress(e.patient)))];
    for (const patient of others) {
      const mayWrite =
        (await hasCurrentGrant(services, patient, me)) || (await hasAppointmentWindow(services, patient, me));
      if (!mayWrite) {
        throw forbidden("You can store keys only for yourself or for a patient who granted you access.");
      }
    }
    const allowedReader = (entry: WrappedKeyEntry) =>
      [me, entry.patient, services.core].some((reader) => isAddressEqual(reader, entry.reader));
    if (entries.some((entry) => !own(entry) && !allowedReader(entry))) {
      throw forbidden(
        "A doctor can store keys only for themself, the patient or the emergency custodian; the patient's app shares with other doctors.",
      );
    }
    const { conflicts } = await services.keyStore.storeEntries(entries, own);
    if (conflicts > 0) throw conflict("A key for this record is already stored; only the patient can replace it.");
    services.logger.info({ requestId: req.id, count: entries.length }, "wrapped keys stored");
    res.status(201).json({ stored: entries.length });
  });

  router.get("/held", validate(heldKeysQuery, "query"), async (_req, res) => {
    const { reader } = valid<z.infer<typeof heldKeysQuery>>(res, "query");
    const me = sessionOf(res).address;
    const envelopeHashes = await services.keyStore.heldEnvelopeHashes(me, getAddress(reader));
    res.set("Cache-Control", "no-store").json({ envelopeHashes });
  });

  router.post("/release", validate(releaseKeyBody), async (req, res) => {
    const body = req.body as z.infer<typeof releaseKeyBody>;
    const reader = sessionOf(res).address;
    const patient = getAddress(body.patient);
    const request = {
      ...body,
      patient,
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
        // Only a refusal about a record the patient has goes into their Activity: anyone can name
        // any patient, and a request for a record that does not exist touched nothing of theirs.
        if (await isRealRecord(services, patient, recordIndex)) {
          await auditRefusal(services, req, { reader, patient, recordIndex, part, reason });
        }
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

/** Whether `patient` has a record at `index` on chain now; a chain that cannot be read says no (the answer is 403 anyway). */
async function isRealRecord(services: ApiServices, patient: Address, index: number): Promise<boolean> {
  try {
    return index < (await recordCount(services.publicClient, services.core, patient));
  } catch (error) {
    services.logger.warn({ err: { name: (error as Error).name } }, "record count unreadable: refusal not audited");
    return false;
  }
}
