import { Router } from "express";
import type { ApiServices } from "../services";
import { checkReadiness } from "./readiness";

/**
 * GET /healthz: 200 `{status: "ok"}` while the process serves (liveness: restart it otherwise).
 * GET /readyz: 200 `{status: "ready", checks}` when the chain and the store answer, else 503
 * `{status: "not-ready", checks}` (take it out of the load balancer, do not restart it). Neither is
 * rate-limited (http/rateLimit.ts) nor cached.
 */
export function healthRouter(services: Pick<ApiServices, "publicClient" | "blobs" | "logger">): Router {
  const router = Router();

  router.get("/healthz", (_req, res) => {
    res.set("Cache-Control", "no-store").json({ status: "ok" });
  });

  router.get("/readyz", async (req, res) => {
    const checks = await checkReadiness(services);
    const ready = checks.chain === "ok" && checks.storage === "ok";
    if (!ready) services.logger.warn({ requestId: req.id, checks }, "not ready");
    res
      .status(ready ? 200 : 503)
      .set("Cache-Control", "no-store")
      .json({ status: ready ? "ready" : "not-ready", checks });
  });

  return router;
}
