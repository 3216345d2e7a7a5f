import type { Request, RequestHandler } from "express";
import { ipKeyGenerator, rateLimit } from "express-rate-limit";
import type { ApiServices } from "../services";
import { bearer } from "../sessions/middleware";
import { HttpError } from "./errors";

/** Probes from the orchestrator come often and from one address; they are never limited. */
const UNLIMITED_PATHS = new Set(["/healthz", "/readyz"]);

/**
 * The bucket a request counts against: its signed-in address when it carries a valid session
 * (checked by the token's HMAC only, no chain call, so the limiter stays cheap), else its IP
 * address (IPv6 by /56 subnet, so one host cannot rotate addresses to escape).
 */
export function rateLimitKey(services: Pick<ApiServices, "sessions">, req: Request): string {
  try {
    return `address:${services.sessions.verify(bearer(req.headers.authorization)).address}`;
  } catch {
    return `ip:${ipKeyGenerator(req.ip ?? "unknown")}`;
  }
}

/**
 * At most `config.rateLimitPerMinute` requests per minute per signed-in address (per IP before
 * sign-in). Beyond it, 429 in the one error shape (code `rate_limited`) with `Retry-After` and the
 * IETF `RateLimit` / `RateLimit-Policy` headers (draft 8) on every answer. Counts are kept in this
 * process's memory: replicas behind a load balancer each count their own share.
 */
export function rateLimiter(services: Pick<ApiServices, "config" | "sessions" | "logger">): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: services.config.rateLimitPerMinute,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    keyGenerator: (req) => rateLimitKey(services, req),
    skip: (req) => UNLIMITED_PATHS.has(req.path),
    handler: (_req, _res, next) =>
      next(new HttpError(429, "rate_limited", "Too many requests in the last minute: wait a moment and try again.")),
    logger: services.logger,
  });
}
