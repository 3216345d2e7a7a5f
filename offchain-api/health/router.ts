import { Router } from "express";
import { livenessSchema, readinessSchema } from "../../lib/api/wire/health";
import type { ApiServices } from "../services";
import { handle } from "../http/validate";
import { readiness } from "./readiness";

/**
 * GET /healthz: 200 `{status: "ok"}` while the process serves (liveness: restart it otherwise).
 * GET /readyz: 200 `{status: "ready", checks}` when the chain and the store answer, else 503
 * `{status: "not-ready", checks}`. Neither is rate-limited (http/rateLimit.ts); one readiness check
 * answers every probe for a second (./readiness.ts). Neither is cached by HTTP caches.
 */
export function healthRouter(services: Pick<ApiServices, "publicClient" | "blobs" | "logger">): Router {
  const router = Router();
  const ready = { status: (answer: { status: string }) => (answer.status === "ready" ? 200 : 503) };
  const readyNow = readiness(services);
  router.get(
    "/healthz",
    handle({ answer: livenessSchema }, () => ({ status: "ok" as const })),
  );
  router.get(
    "/readyz",
    handle({ answer: readinessSchema }, (_, caller) => readyNow(caller), ready),
  );
  return router;
}
