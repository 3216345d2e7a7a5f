import express, { Router } from "express";
import {
  heldKeysQuerySchema,
  keysStoredSchema,
  releasedKeySchema,
  releaseKeyBodySchema,
  heldKeysSchema,
  storeKeysBodySchema,
} from "../../lib/api/wire/keys";
import type { ApiServices } from "../services";
import { handle } from "../http/validate";
import { requireSession } from "../sessions/middleware";
import { heldKeys, releaseKey, storeKeys } from "./service";

/**
 * `/v1/keys` (README, "Keys"): POST / stores wrapped keys (201 `{stored}`); GET /held?reader= tells
 * the patient which of their record parts a reader holds keys of (`{envelopeHashes}`), for the
 * patient's app to share the rest; POST /release answers `{wrapped}` to the session's reader. The
 * rules are in ./service.ts.
 */
export function keysRouter(services: ApiServices): Router {
  const router = Router();
  router.use(requireSession(services), express.json({ limit: "512kb" }));
  const store = { body: storeKeysBodySchema, answer: keysStoredSchema };
  const held = { query: heldKeysQuerySchema, answer: heldKeysSchema };
  const release = { body: releaseKeyBodySchema, answer: releasedKeySchema };

  router.post(
    "/",
    handle(store, ({ body }, caller) => storeKeys(services, caller, body.entries), { status: 201 }),
  );
  router.get(
    "/held",
    handle(held, ({ query }, caller) => heldKeys(services, caller, query.reader)),
  );
  router.post(
    "/release",
    handle(release, ({ body }, caller) => releaseKey(services, caller, body)),
  );
  return router;
}
