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

/** What the service says went wrong (offchain-api/README.md: `{error: {code, message, requestId}}`). */
export interface ApiErrorBody {
  code?: string;
  message?: string;
  requestId?: string;
}

export const UNREACHABLE = "The storage service could not be reached.";

/**
 * The library error for a refused request, so that callers of a BlobStore or KeyVault handle the
 * HTTP service exactly like the in-process stores: 401 SessionError, 403 AccessDeniedError, 404
 * NotFoundError (a StorageError), other 4xx FormatError, 502 `corrupt_content` IntegrityError, `chain_unavailable`
 * ChainError, any other 5xx StorageError. The service's sentence is the short message (it is
 * written for people); status, code and request id go to `details` for support.
 */
export function apiError(status: number, body: ApiErrorBody | undefined): EhrError {
  const message = typeof body?.message === "string" && body.message.trim() !== "" ? body.message : undefined;
  const details = [`HTTP ${status}`, body?.code, body?.requestId && `request ${body.requestId}`]
    .filter(Boolean)
    .join(", ");
  const options = { details };
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
      return new AccessDeniedError(message ?? "The storage service refused this request.", options);
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
