import type { ErrorRequestHandler, RequestHandler } from "express";
import type { Logger } from "pino";
import {
  AccessDeniedError,
  BindingError,
  ChainError,
  ConflictError,
  EhrError,
  FormatError,
  IntegrityError,
  NotFoundError,
  StorageError,
} from "../../lib/errors";

/**
 * The one error body every endpoint returns: `{ error: { code, message, requestId } }`, and
 * `details` where a refusal has facts a client may present its own way (a grant's end time, ISO 8601).
 */
export interface ErrorBody {
  error: { code: string; message: string; requestId?: string; details?: Record<string, string> };
}

/**
 * An error a handler throws to answer with `status`: `message` is one plain sentence for a person
 * and goes into the body; it never holds report text, keys or stack traces.
 */
export class HttpError extends EhrError {
  override name = "HttpError";
  /** Facts for the body's `details` (never secrets, never patient data): what a client may format itself. */
  readonly fields?: Record<string, string>;
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    options: { cause?: unknown; details?: string; fields?: Record<string, string> } = {},
  ) {
    super(message, options);
    this.fields = options.fields;
  }
}

export const badRequest = (message: string, details?: string) =>
  new HttpError(400, "bad_request", message, { details });
export const unauthorized = (message: string) => new HttpError(401, "unauthorized", message);
export const forbidden = (message: string, fields?: Record<string, string>) =>
  new HttpError(403, "forbidden", message, { fields });
export const notFound = (message: string) => new HttpError(404, "not_found", message);
export const conflict = (message: string) => new HttpError(409, "conflict", message);
export const tooLarge = (message: string) => new HttpError(413, "payload_too_large", message);
export const unsupportedMedia = (message: string) => new HttpError(415, "unsupported_media_type", message);
export const unprocessable = (message: string) => new HttpError(422, "unprocessable", message);

const STORAGE_FULL = "The storage is full: the file was not stored. Try again later.";
const STORAGE_READ_ONLY = "The storage cannot be written at the moment: the file was not stored. Try again later.";
/** Errno codes of a disk that has no room (a full disk, a quota, a file-size limit). */
const FULL = new Set(["ENOSPC", "EDQUOT", "EFBIG"]);
/** Errno codes of a folder that cannot be written (a read-only mount, permissions). */
const READ_ONLY = new Set(["EROFS", "EACCES", "EPERM"]);

/**
 * Whether a storage failure came from a full or a read-only file system, from the errno code
 * anywhere in its cause chain. blockstore-fs and datastore-fs rethrow a write error as
 * `PutFailedError(String(error))`, which keeps the code only in its message ("Error: ENOSPC: ...").
 */
export function fileSystemFault(error: unknown): "full" | "read-only" | undefined {
  for (let e = error, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    for (const errno of [code, /\b(E[A-Z]{3,}):/.exec(String(message ?? ""))?.[1]]) {
      if (typeof errno !== "string") continue;
      if (FULL.has(errno)) return "full";
      if (READ_ONLY.has(errno)) return "read-only";
    }
  }
  return undefined;
}

/**
 * The status and code for an error from the library or from Express's body parsers. Service
 * functions throw the library's typed errors (AccessDeniedError 403, NotFoundError 404,
 * ConflictError 409, FormatError 400) or an HttpError for a status the library has no word for.
 */
export function classify(error: unknown): { status: number; code: string; message: string } {
  if (error instanceof HttpError) return { status: error.status, code: error.code, message: error.shortMessage };
  if (error instanceof AccessDeniedError) return { status: 403, code: "forbidden", message: error.shortMessage };
  if (error instanceof NotFoundError) return { status: 404, code: "not_found", message: error.shortMessage };
  if (error instanceof ConflictError) return { status: 409, code: "conflict", message: error.shortMessage };
  if (error instanceof IntegrityError) {
    // Content that does not match its hash: the uploader's declared hash (400 from the route) or
    // a corrupt block on our disk (502-ish: we cannot serve it).
    return { status: 502, code: "corrupt_content", message: error.shortMessage };
  }
  if (error instanceof FormatError || error instanceof BindingError) {
    return { status: 400, code: "bad_request", message: error.shortMessage };
  }
  if (error instanceof StorageError) {
    const fault = fileSystemFault(error);
    if (fault === "full") return { status: 507, code: "insufficient_storage", message: STORAGE_FULL };
    if (fault === "read-only") return { status: 503, code: "storage_unavailable", message: STORAGE_READ_ONLY };
    return { status: 503, code: "storage_unavailable", message: error.shortMessage };
  }
  if (error instanceof ChainError) return { status: 503, code: "chain_unavailable", message: error.shortMessage };
  const e = error as { type?: string; status?: number; statusCode?: number };
  // Express's body parsers (body-parser / raw-body) tag their errors with `type`.
  if (e?.type === "entity.too.large") {
    return { status: 413, code: "payload_too_large", message: "The request body is larger than this service accepts." };
  }
  if (e?.type === "entity.parse.failed") {
    return { status: 400, code: "bad_request", message: "The request body is not valid JSON." };
  }
  if (e?.type === "request.aborted") return { status: 400, code: "bad_request", message: "The request was aborted." };
  const status = e?.status ?? e?.statusCode;
  if (typeof status === "number" && status >= 400 && status < 500) {
    return { status, code: "bad_request", message: "The request could not be understood." };
  }
  return { status: 500, code: "internal", message: "The service failed to handle this request; nothing was changed." };
}

/**
 * The one error middleware: maps the error to its status and body, logs the error's name and
 * details (never a body, never patient data) at warn for 4xx and error for 5xx.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) return next(error);
    const { status, code, message } = classify(error);
    const requestId = String(req.id ?? "");
    const entry = {
      requestId,
      status,
      code,
      err: { name: (error as Error)?.name, details: (error as EhrError)?.details },
    };
    if (status >= 500) logger.error(entry, "request failed");
    else logger.warn(entry, "request refused");
    const fields = error instanceof HttpError ? error.fields : undefined;
    const body: ErrorBody = { error: { code, message, requestId, ...(fields && { details: fields }) } };
    res.status(status).json(body);
  };
}

/** 404 for every route no router answered. */
export const notFoundHandler: RequestHandler = (_req, _res, next) => next(notFound("There is no such endpoint."));
