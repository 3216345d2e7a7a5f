import type { Request, RequestHandler, Response } from "express";
import type { Address } from "viem";
import type { z } from "zod";
import type { Session } from "../sessions/service";
import { badRequest } from "./errors";

type Part = "body" | "query" | "params";

/** `schema`'s parse of `value`, or the 400 naming the fields that failed (never their values). */
function parsePart(schema: z.ZodType, value: unknown, part: Part): { data: unknown } | { error: Error } {
  const parsed = schema.safeParse(value);
  if (parsed.success) return { data: parsed.data };
  const fields = [...new Set(parsed.error.issues.map((i) => i.path.join(".") || part))];
  return { error: badRequest(`The request is not valid: check ${fields.join(", ")}.`, fields.join(",")) };
}

/**
 * Checks `req[part]` against `schema`; on failure a 400 naming the fields (never their values). The
 * parsed value replaces the raw one (`res.locals.valid[part]` too, since Express 5's `req.query` is
 * a getter). For routes that read a part before the body is read (blobs); others use {@link handle}.
 */
export function validate(schema: z.ZodType, part: Part = "body"): RequestHandler {
  return (req, res, next) => {
    const parsed = parsePart(schema, req[part], part);
    if ("error" in parsed) return next(parsed.error);
    res.locals.valid = { ...(res.locals.valid ?? {}), [part]: parsed.data };
    if (part === "body") req.body = parsed.data;
    next();
  };
}

/** The value `validate(schema, part)` parsed. */
export function valid<T>(res: { locals: Record<string, unknown> }, part: Part = "body"): T {
  return (res.locals.valid as Record<Part, T>)[part];
}

/** A route's wire schemas (lib/api/wire): the parts it reads, and its answer. */
export interface RouteSchemas {
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Types what the route answers (checked when compiled, not again at run time). */
  answer?: z.ZodType;
}

/** The parsed parts a route reads. */
export type RouteInput<S extends RouteSchemas> = {
  [K in Exclude<keyof S, "answer">]: S[K] extends z.ZodType ? z.output<S[K]> : never;
};

/** What a route returns: its answer's shape, or nothing (204). */
export type RouteAnswer<S extends RouteSchemas> = S["answer"] extends z.ZodType ? z.input<S["answer"]> : void;

/** Who asks: what a service function needs of the request, and nothing of Express. */
export interface Caller {
  /** The signed-in session (`requireSession` must run before the route). */
  readonly session: Session;
  /** The session's address. */
  readonly me: Address;
  /** For log lines. */
  readonly requestId: string;
}

export interface AnswerOptions<A> {
  /** @default 200 with an answer, 204 without */
  status?: number | ((answer: A) => number);
}

/**
 * One route in one line: parses params, query and body (in that order; the first that fails is a
 * 400 naming its fields) with their wire schemas, runs `run` (a service function, which holds the
 * access policy and throws typed errors for the one error middleware), and answers its result as
 * JSON, never cached (every answer is about one signed-in person or the service's state now).
 */
export function handle<S extends RouteSchemas>(
  schemas: S,
  run: (input: RouteInput<S>, caller: Caller) => RouteAnswer<S> | Promise<RouteAnswer<S>>,
  options: AnswerOptions<RouteAnswer<S>> = {},
): RequestHandler {
  return async (req: Request, res: Response) => {
    const answer = await run(parseParts(schemas, req) as RouteInput<S>, callerOf(req, res));
    const status = typeof options.status === "function" ? options.status(answer) : options.status;
    res.set("Cache-Control", "no-store");
    if (answer === undefined) res.status(status ?? 204).end();
    else res.status(status ?? 200).json(answer);
  };
}

/** What a bytes route answers: the bytes, sent as `application/octet-stream`. */
export type BytesAnswer = Uint8Array;

/**
 * {@link handle} for a route that answers bytes rather than JSON (GET /v1/blobs/:cid): the same
 * parsing, caller and typed errors; `run` returns the bytes, answered 200 as
 * `application/octet-stream`, `private, no-store` (a HEAD gets the headers only).
 */
export function handleBytes<S extends Omit<RouteSchemas, "answer">>(
  schemas: S,
  run: (input: RouteInput<S>, caller: Caller) => Promise<BytesAnswer>,
): RequestHandler {
  return async (req: Request, res: Response) => {
    const bytes = await run(parseParts(schemas, req) as RouteInput<S>, callerOf(req, res));
    res
      .status(200)
      .set({ "Content-Type": "application/octet-stream", "Cache-Control": "private, no-store" })
      .end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  };
}

/** `req`'s params, query and body parsed in that order; the first that fails throws its 400. */
function parseParts(schemas: RouteSchemas, req: Request): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const part of ["params", "query", "body"] as const) {
    const schema = schemas[part];
    if (!schema) continue;
    const parsed = parsePart(schema, req[part], part);
    if ("error" in parsed) throw parsed.error;
    input[part] = parsed.data;
  }
  return input;
}

/** The Caller of a request: its session (read when first asked for) and id. */
function callerOf(req: Request, res: Response): Caller {
  return {
    get session() {
      const session = res.locals.session;
      if (!session) throw new Error("requireSession must run before this route.");
      return session;
    },
    get me() {
      return this.session.address;
    },
    requestId: String(req.id ?? ""),
  };
}
