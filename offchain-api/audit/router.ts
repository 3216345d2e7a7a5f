import { Router } from "express";
import { roleOf } from "../../lib/chain/ehr";
import type { Address } from "viem";
import { sameAddress } from "../../lib/records/context";
import type { ApiServices } from "../services";
import { forbidden } from "../http/errors";
import { valid, validate } from "../http/validate";
import { requireSession, sessionOf } from "../sessions/middleware";
import { refusalsQuery, type RefusalsQuery } from "./schema";

/**
 * `/v1/audit`: GET /refusals?patient=&offset=&limit= → `{refusals, total}` newest first: the reads
 * the service refused on this patient's records. Only the patient, or an admin (role read from the
 * chain now), may list them.
 */
export function auditRouter(services: ApiServices): Router {
  const router = Router();
  router.get("/refusals", requireSession(services), validate(refusalsQuery, "query"), async (_req, res) => {
    const { patient, offset, limit } = valid<RefusalsQuery>(res, "query");
    const me = sessionOf(res).address;
    if (!sameAddress(me, patient) && (await roleOf(services.publicClient, services.core, me)) !== "admin") {
      throw forbidden("Only the patient or an admin can see who was refused.");
    }
    res.set("Cache-Control", "no-store").json(services.audit.refusalsFor(patient as Address, { offset, limit }));
  });
  return router;
}
