import { Router } from "express";
import { refusalPageSchema, refusalsQuerySchema } from "../../lib/api/wire/audit";
import type { ApiServices } from "../services";
import { handle } from "../http/validate";
import { requireSession } from "../sessions/middleware";
import { refusals } from "./service";

/** `/v1/audit`: GET /refusals?patient=&offset=&limit= → `{refusals, total}` newest first (./service.ts says who may). */
export function auditRouter(services: ApiServices): Router {
  const router = Router();
  const list = { query: refusalsQuerySchema, answer: refusalPageSchema };
  router.get(
    "/refusals",
    requireSession(services),
    handle(list, ({ query }, caller) => refusals(services, caller, query)),
  );
  return router;
}
