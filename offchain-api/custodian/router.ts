import { Router } from "express";
import { custodianInfoSchema } from "../../lib/api/wire/custodian";
import type { ApiServices } from "../services";
import { handle } from "../http/validate";
import { custodianInfo } from "./service";

/** `/v1/custodian`: GET / → `{publicKey, published}` (./service.ts). Public. */
export function custodianRouter(services: ApiServices): Router {
  const router = Router();
  router.get(
    "/",
    handle({ answer: custodianInfoSchema }, () => custodianInfo(services)),
  );
  return router;
}
