import express, { Router } from "express";
import {
  doctorParamsSchema,
  identityCardListSchema,
  MAX_CARD_BODY,
  shareIdentityCardBodySchema,
  sharedIdentityCardSchema,
} from "../../lib/api/wire/identityCards";
import { handle } from "../http/validate";
import type { ApiServices } from "../services";
import { requireSession } from "../sessions/middleware";
import { identityCards, shareIdentityCard, withdrawIdentityCard } from "./service";

/**
 * `/v1/identity-cards` (README, "Name cards"): POST / stores the caller's sealed card for a doctor;
 * GET / lists the cards sealed to the caller and those the caller shared; DELETE /:doctor withdraws
 * one (204). Who may share is decided in ./service.ts.
 */
export function identityCardsRouter(services: ApiServices): Router {
  const router = Router();
  router.use(requireSession(services));
  const share = { body: shareIdentityCardBodySchema, answer: sharedIdentityCardSchema };
  router.post(
    "/",
    express.json({ limit: MAX_CARD_BODY }),
    handle(share, ({ body }, caller) => shareIdentityCard(services, caller, body)),
  );
  router.get(
    "/",
    handle({ answer: identityCardListSchema }, (_input, caller) => identityCards(services, caller)),
  );
  router.delete(
    "/:doctor",
    handle({ params: doctorParamsSchema }, ({ params }, caller) =>
      withdrawIdentityCard(services, caller, params.doctor),
    ),
  );
  return router;
}
