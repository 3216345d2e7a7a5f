import express, { Router } from "express";
import { MAX_READ_STATE_BODY, readMarksBodySchema, readStateSchema } from "../../lib/api/wire/readState";
import type { ApiServices } from "../services";
import { handle } from "../http/validate";
import { requireRole, requireSession } from "../sessions/middleware";
import { mergeReadMarks, readState } from "./service";
import { ReadStateStore } from "./store";

/**
 * `/v1/read-state` (README, "Read state"): GET answers the session's read state, POST merges marks
 * into it (forward only) and answers the result. Each user reads and writes only their own. Only an
 * account with a role on chain (a patient, registered or pending, a doctor, suspended or not, a
 * hospital or the admin) writes one: any fresh address can sign in, and its row would be kept for good.
 */
export function readStateRouter(services: ApiServices): Router {
  const deps = { store: new ReadStateStore(services.state), messages: services.messages };
  const router = Router();
  router.use(requireSession(services));
  router.get(
    "/",
    handle({ answer: readStateSchema }, (_input, caller) => readState(deps, caller)),
  );
  router.post(
    "/",
    requireRole(services, "patient", "pending-patient", "doctor", "suspended", "hospital", "admin"),
    express.json({ limit: MAX_READ_STATE_BODY }),
    handle({ body: readMarksBodySchema, answer: readStateSchema }, ({ body }, caller) =>
      mergeReadMarks(deps, caller, body),
    ),
  );
  return router;
}
