import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Logger } from "pino";
import { pinoHttp } from "pino-http";

const INCOMING_ID = /^[A-Za-z0-9_-]{8,64}$/;

/**
 * One structured log line per request: id, method, path (no query string), status, time. Never
 * headers (the session token), bodies, or query values. A well-formed incoming `X-Request-Id` is
 * kept so a request can be followed from the dApp; the id is echoed back in the response.
 */
export function requestLogger(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: (req, res) => {
      const incoming = req.headers["x-request-id"];
      const id = typeof incoming === "string" && INCOMING_ID.test(incoming) ? incoming : randomUUID();
      res.setHeader("X-Request-Id", id);
      return id;
    },
    serializers: {
      req: (req: IncomingMessage & { id?: unknown }) => ({
        id: req.id,
        method: req.method,
        path: (req.url ?? "").split("?")[0],
      }),
      res: (res: { statusCode: number }) => ({ status: res.statusCode }),
      // The error of a failed request by name and message only (the error middleware logs its
      // details): no stack trace.
      err: (error: Error) => ({ type: error?.name, message: error?.message }),
    },
    customLogLevel: (_req, res, error) =>
      error || res.statusCode >= 500 ? "error" : res.statusCode >= 400 ? "warn" : "info",
    // The error middleware logs the error itself (name and details only).
    customAttributeKeys: { err: "failure" },
    quietReqLogger: true,
  });
}
