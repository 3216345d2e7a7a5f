import express, { Router } from "express";
import { roleOf } from "../../lib/chain/ehr";
import type { Hex } from "viem";
import type { ApiServices } from "../services";
import { signInLimiter } from "../http/rateLimit";
import { validate } from "../http/validate";
import { requireSession, sessionOf } from "./middleware";
import { signInSchema } from "./schema";

/**
 * `/v1/auth`: GET /nonce → `{nonce, expiresAt}`; POST /session `{message, signature}` → 201
 * `{token, address, expiresAt}`; GET /session → `{address, role, expiresAt}` (role read from the
 * chain now); DELETE /session → 204.
 */
export function sessionsRouter(services: ApiServices): Router {
  const router = Router();
  const signedIn = requireSession(services);
  const signInAttempts = signInLimiter(services);

  router.get("/nonce", signInAttempts, (_req, res) => {
    res.set("Cache-Control", "no-store").json(services.sessions.issueNonce());
  });

  // Counted before the body is read: a refused attempt costs no parsing.
  router.post("/session", signInAttempts, express.json({ limit: "16kb" }), validate(signInSchema), async (req, res) => {
    const { message, signature } = req.body as { message: string; signature: Hex };
    const { token, session } = await services.sessions.signIn(message, signature);
    services.logger.info({ requestId: req.id, address: session.address }, "signed in");
    res
      .status(201)
      .json({ token, address: session.address, expiresAt: new Date(session.expiresAt * 1000).toISOString() });
  });

  router.get("/session", signedIn, async (_req, res) => {
    const session = sessionOf(res);
    const role = await roleOf(services.publicClient, services.core, session.address);
    res.json({ address: session.address, role, expiresAt: new Date(session.expiresAt * 1000).toISOString() });
  });

  router.delete("/session", signedIn, (_req, res) => {
    services.sessions.revoke(sessionOf(res));
    res.status(204).end();
  });

  return router;
}
