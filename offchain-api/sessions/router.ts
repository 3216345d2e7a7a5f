import express, { Router } from "express";
import { nonceSchema, sessionInfoSchema, signInAnswerSchema, signInBodySchema } from "../../lib/api/wire/sessions";
import type { ApiServices } from "../services";
import { signInLimiter } from "../http/rateLimit";
import { handle } from "../http/validate";
import { requireSession } from "./middleware";
import { sessionInfo, signIn } from "./service";

/**
 * `/v1/auth`: GET /nonce → `{nonce, expiresAt}`; POST /session `{message, signature}` → 201
 * `{token, address, expiresAt}`; GET /session → `{address, role, expiresAt}` (role read from the
 * chain now); DELETE /session → 204. Sign-in attempts are counted before the body is read.
 */
export function sessionsRouter(services: ApiServices): Router {
  const router = Router();
  const signedIn = requireSession(services);
  const signInAttempts = signInLimiter(services);
  const signInBody = express.json({ limit: "16kb" });

  router.get(
    "/nonce",
    signInAttempts,
    handle({ answer: nonceSchema }, () => services.sessions.issueNonce()),
  );
  router.post(
    "/session",
    signInAttempts,
    signInBody,
    handle(
      { body: signInBodySchema, answer: signInAnswerSchema },
      ({ body }, caller) => signIn(services, caller, body),
      { status: 201 },
    ),
  );
  router.get(
    "/session",
    signedIn,
    handle({ answer: sessionInfoSchema }, (_, caller) => sessionInfo(services, caller)),
  );
  router.delete(
    "/session",
    signedIn,
    handle({}, (_, caller) => services.sessions.revoke(caller.session)),
  );
  return router;
}
