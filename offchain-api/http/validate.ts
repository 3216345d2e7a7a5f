import type { RequestHandler } from "express";
import type { z } from "zod";
import { badRequest } from "./errors";

type Part = "body" | "query" | "params";

/**
 * Checks `req[part]` against `schema`; on failure a 400 naming the fields (never their values). The
 * parsed value replaces the raw one (`res.locals.valid[part]` too, since Express 5's `req.query` is
 * a getter).
 */
export function validate(schema: z.ZodType, part: Part = "body"): RequestHandler {
  return (req, res, next) => {
    const parsed = schema.safeParse(req[part]);
    if (!parsed.success) {
      const fields = [...new Set(parsed.error.issues.map((i) => i.path.join(".") || part))];
      return next(badRequest(`The request is not valid: check ${fields.join(", ")}.`, fields.join(",")));
    }
    res.locals.valid = { ...(res.locals.valid ?? {}), [part]: parsed.data };
    if (part === "body") req.body = parsed.data;
    next();
  };
}

/** The value `validate(schema, part)` parsed. */
export function valid<T>(res: { locals: Record<string, unknown> }, part: Part = "body"): T {
  return (res.locals.valid as Record<Part, T>)[part];
}
