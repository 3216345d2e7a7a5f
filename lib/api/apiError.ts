import {
  AccessDeniedError,
  ChainError,
  FormatError,
  IntegrityError,
  NotFoundError,
  SessionError,
  StorageError,
  type EhrError,
} from "../errors";
import { localMinute } from "../localTime";

/** What the service says went wrong (offchain-api/README.md: `{error: {code, message, requestId, details?}}`). */
export interface ApiErrorBody {
  code?: string;
  message?: string;
  requestId?: string;
  /** Facts a refusal carries for the client to present: `grantEndedAt` (ISO 8601) when a grant ended. */
  details?: Record<string, unknown>;
}

/**
 * The service's sentence with its UTC time said in the reader's zone, where `details` carries the
 * time: a grant that ended (offchain-api/blobs/grantRefusal.ts writes the same sentence in UTC).
 */
function localized(message: string | undefined, details: Record<string, unknown> | undefined): string | undefined {
  const endedAt = typeof details?.grantEndedAt === "string" ? new Date(details.grantEndedAt) : undefined;
  if (endedAt && !Number.isNaN(endedAt.getTime()))
    return `This doctor's access grant ended on ${localMinute(endedAt)}.`;
  return message;
}

export const UNREACHABLE = "The storage service could not be reached.";

/**
 * The library error for a refused request, so that callers of a BlobStore or KeyVault handle the
 * HTTP service exactly like the in-process stores: 401 SessionError, 403 AccessDeniedError, 404
 * NotFoundError (a StorageError), other 4xx FormatError, 502 `corrupt_content` IntegrityError, `chain_unavailable`
 * ChainError, any other 5xx StorageError. The service's sentence is the short message (it is
 * written for people); status, code and request id go to `details` for support. A refusal for being
 * busy (429 `rate_limited`/`too_many_uploads`, 503 `busy`/`summarizer_busy`) keeps the service's
 * reason and says when to try again, from `Retry-After` when it is readable.
 */
export function apiError(status: number, body: ApiErrorBody | undefined, retryAfter?: string | null): EhrError {
  let message = typeof body?.message === "string" && body.message.trim() !== "" ? body.message : undefined;
  const details = [`HTTP ${status}`, body?.code, body?.requestId && `request ${body.requestId}`]
    .filter(Boolean)
    .join(", ");
  const options = { details };
  const busyReason = body?.code ? BUSY_CODES[status]?.[body.code] : undefined;
  if (busyReason) message = `${reasonOf(message) ?? busyReason}: try again ${whenToRetry(retryAfter)}.`;
  if (body?.code === "corrupt_content") {
    return new IntegrityError(message ?? "The stored file is corrupt.", options);
  }
  if (body?.code === "chain_unavailable") {
    return new ChainError(message ?? "The chain could not be reached.", options);
  }
  switch (status) {
    case 401:
      return new SessionError(message ?? "Sign in again: the storage service does not accept this session.", options);
    case 403:
      return new AccessDeniedError(
        localized(message, body?.details) ?? "The storage service refused this request.",
        options,
      );
    case 404:
      return new NotFoundError(message ?? "The file or key was not found in storage.", options);
    case 429:
      return new StorageError(message ?? "The storage service is busy: try again shortly.", options);
  }
  if (status >= 400 && status < 500) {
    return new FormatError(message ?? "The storage service could not accept this request.", options);
  }
  return new StorageError(message ?? UNREACHABLE, options);
}

/** The busy refusals, by status and code, with the reason said when the service gave none. */
const BUSY_CODES: Record<number, Record<string, string>> = {
  429: {
    rate_limited: "The storage service has had too many requests from this app",
    too_many_uploads: "Too many files are being sent at once",
  },
  503: {
    busy: "The storage service is receiving too many files right now",
    summarizer_busy: "The summarizer is busy with other documents",
  },
};

/** The service's reason: its sentence up to the colon before its own "try again …" (or all of it, without a full stop). */
function reasonOf(message: string | undefined): string | undefined {
  if (!message) return undefined;
  const reason = message
    .split(/:\s/)[0]
    .trim()
    .replace(/[.!]+$/, "");
  return reason === "" ? undefined : reason;
}

/**
 * When to try again, from a `Retry-After` header (RFC 9110: whole seconds, or an HTTP date): "in
 * 5 seconds", "in about 2 minutes"; "in a moment" when the header is missing or unreadable.
 */
export function whenToRetry(retryAfter: string | null | undefined, now: number = Date.now()): string {
  const value = retryAfter?.trim() ?? "";
  let seconds: number | undefined;
  if (/^\d+$/.test(value)) seconds = Number(value);
  else if (value !== "") {
    const at = Date.parse(value);
    if (Number.isFinite(at)) seconds = Math.max(0, Math.ceil((at - now) / 1000));
  }
  if (seconds === undefined || !Number.isSafeInteger(seconds)) return "in a moment";
  if (seconds <= 1) return "in a second";
  if (seconds < 90) return `in ${seconds} seconds`;
  if (seconds < 90 * 60) return `in about ${Math.round(seconds / 60)} minutes`;
  return `in about ${Math.round(seconds / 3600)} hours`;
}
