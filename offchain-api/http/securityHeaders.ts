import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestHandler } from "express";
import helmet from "helmet";

/**
 * helmet's default security headers (Content-Security-Policy, Strict-Transport-Security,
 * X-Content-Type-Options...), worked out once at start: with helmet's defaults every value is a
 * constant, so one loop sets them (and removes X-Powered-By) where helmet runs a dozen middleware
 * on every request.
 */
export function securityHeaders(): RequestHandler {
  const headers: [string, string][] = [];
  const removed: string[] = [];
  let finished = false;
  const recorder = {
    setHeader: (name: string, value: string | number) => headers.push([name, String(value)]),
    removeHeader: (name: string) => removed.push(name),
  };
  helmet()({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
    finished = true;
  });
  // helmet's defaults never depend on the request; a version whose do would not finish here.
  if (!finished || headers.length === 0) throw new Error("helmet's headers could not be worked out at start.");
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    for (const name of removed) res.removeHeader(name);
    next();
  };
}
