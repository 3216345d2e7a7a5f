import { randomUUID } from "node:crypto";
import type { RequestHandler } from "express";
import type { Logger } from "pino";

declare module "node:http" {
  interface IncomingMessage {
    /** The request's id (requestLogger): echoed as X-Request-Id, in every log line and error answer. */
    id?: string;
  }
}

const INCOMING_ID = /^[A-Za-z0-9_-]{8,64}$/;

/**
 * Path parameters never logged, whoever asks and whatever the answer: a conversation's id is an
 * unkeyed hash of its patient and doctor (lib/messages/seal.ts), so anyone can tell from it who
 * writes to whom by trying the accounts on chain.
 */
const UNLOGGED_PARAMS: readonly [RegExp, string][] = [
  [/^\/v1\/messages\/conversations\/[^/]+/, "/v1/messages/conversations/:threadId"],
  // Withdrawing a name card names the doctor it was shared with.
  [/^\/v1\/identity-cards\/[^/]+/, "/v1/identity-cards/:doctor"],
];

/**
 * The orchestrator's probes: they come often and from one address, so they pass no rate limit
 * (rateLimit.ts), and answered in full they are logged at debug, not info, where anyone could
 * otherwise fill the log with them. A failing probe (503) is logged as any 5xx.
 */
export const PROBE_PATHS: ReadonlySet<string> = new Set(["/healthz", "/readyz"]);

/** The path as logged: without its query string, and with {@link UNLOGGED_PARAMS} in place of their values. */
export function loggedPath(url: string): string {
  const query = url.indexOf("?");
  let path = query < 0 ? url : url.slice(0, query);
  for (const [pattern, placeholder] of UNLOGGED_PARAMS) path = path.replace(pattern, placeholder);
  return path;
}

/**
 * One structured log line per request when its answer is done (or its client gone): `reqId`,
 * `req: {id, method, path}` (no query string, no conversation id: {@link loggedPath}), `res: {status}`, `responseTime` in ms, and what the
 * handler put in `res.locals.logFields` (an upload's CID, size and kind); "request
 * completed" at info (a probe answered in full at debug), at warn for a 4xx, and "request errored" at error for a 5xx. Never headers
 * (the session token), bodies, or query values. A well-formed incoming `X-Request-Id` is kept so a
 * request can be followed from the dApp; the id is echoed back in the response.
 *
 * The same lines pino-http wrote, without its two child loggers per request (their bindings were
 * serialized on every request, most of which log nothing else: 9% of a 1 KB download's time).
 */
export function requestLogger(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.headers["x-request-id"];
    const id = typeof incoming === "string" && INCOMING_ID.test(incoming) ? incoming : randomUUID();
    req.id = id;
    res.setHeader("X-Request-Id", id);
    const startedAt = Date.now();
    const request = { id, method: req.method, path: loggedPath(req.url ?? "") };
    const done = () => {
      res.off("finish", done);
      res.off("close", done);
      const status = res.statusCode;
      const line = {
        reqId: id,
        req: request,
        res: { status },
        responseTime: Date.now() - startedAt,
        ...(res.locals.logFields as Record<string, unknown> | undefined),
      };
      // The error itself is logged by the error middleware (name and details only).
      if (status >= 500) {
        logger.error(
          { ...line, failure: { type: "Error", message: `failed with status code ${status}` } },
          "request errored",
        );
      } else {
        logger[status >= 400 ? "warn" : PROBE_PATHS.has(request.path) ? "debug" : "info"](line, "request completed");
      }
    };
    res.on("finish", done);
    res.on("close", done);
    next();
  };
}
