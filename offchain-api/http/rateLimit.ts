import type { Request, RequestHandler } from "express";
import { ipKeyGenerator, rateLimit } from "express-rate-limit";
import type { ApiServices } from "../services";
import { sessionOfRequest } from "../sessions/middleware";
import { HttpError } from "./errors";
import { PROBE_PATHS } from "./logging";

type LimiterServices = Pick<ApiServices, "config" | "sessions" | "logger">;

/**
 * The client's IP bucket: `req.ip`, which is the socket's peer unless `trust proxy` is configured
 * (`EHR_TRUST_PROXY`: only then is X-Forwarded-For read, so a client cannot pick its own bucket);
 * IPv6 by /56 subnet, so one host cannot rotate addresses to escape.
 */
export function ipBucket(req: Request): string {
  return `ip:${ipKeyGenerator(req.ip ?? "unknown")}`;
}

/**
 * The signed-in address of a request, or undefined (checked by the token's HMAC only, no chain
 * call, so the limiter stays cheap).
 */
export function rateLimitKey(services: Pick<ApiServices, "sessions">, req: Request): string | undefined {
  try {
    return `address:${sessionOfRequest(services, req).address}`;
  } catch {
    return undefined;
  }
}

const limited = (message: string) => (_req: unknown, _res: unknown, next: (error: HttpError) => void) =>
  next(new HttpError(429, "rate_limited", message));

const TOO_MANY = "Too many requests in the last minute: wait a moment and try again.";

/**
 * Two limits on every request, both applying: at most `config.ipRateLimitPerMinute` per client IP
 * (so fresh throwaway identities from one machine share one budget), and at most
 * `config.rateLimitPerMinute` per signed-in address (so one account cannot use up a shared IP's
 * budget alone, e.g. behind a hospital's NAT). Beyond either, 429 in the one error shape (code
 * `rate_limited`) with `Retry-After` and the IETF `RateLimit` / `RateLimit-Policy` headers (draft 8,
 * one entry per limit: "ip" and "address"). Counts are kept in this process's memory: replicas
 * behind a load balancer each count their own share.
 */
export function rateLimiter(services: LimiterServices): RequestHandler[] {
  const { config, logger } = services;
  return [
    rateLimit({
      windowMs: 60_000,
      limit: config.ipRateLimitPerMinute,
      standardHeaders: "draft-8",
      identifier: "ip",
      legacyHeaders: false,
      keyGenerator: ipBucket,
      // X-Forwarded-For from a client is ignored on purpose unless EHR_TRUST_PROXY says otherwise:
      // no warning per request that sends one.
      validate: { xForwardedForHeader: false },
      skip: (req) => PROBE_PATHS.has(req.path),
      handler: limited(TOO_MANY),
      logger,
    }),
    rateLimit({
      windowMs: 60_000,
      limit: config.rateLimitPerMinute,
      standardHeaders: "draft-8",
      identifier: "address",
      legacyHeaders: false,
      // A request without a valid session has no address: the IP limit above is its limit.
      keyGenerator: (req) => rateLimitKey(services, req) ?? "",
      skip: (req) => PROBE_PATHS.has(req.path) || rateLimitKey(services, req) === undefined,
      handler: limited(TOO_MANY),
      logger,
    }),
  ];
}

/**
 * Sign-in (GET /nonce, POST /session) per client IP: at most `config.signInRateLimitPerMinute`
 * requests a minute, on top of the limits every request has. Signing in costs two requests and
 * gives a fresh per-address budget, so without this a client could mint identities to escape the
 * per-address limit.
 */
export function signInLimiter(services: LimiterServices): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: services.config.signInRateLimitPerMinute,
    standardHeaders: "draft-8",
    identifier: "sign-in",
    legacyHeaders: false,
    keyGenerator: ipBucket,
    validate: { xForwardedForHeader: false },
    handler: limited("Too many sign-in attempts from your network in the last minute: wait a moment and try again."),
    logger: services.logger,
  });
}
