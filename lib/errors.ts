/**
 * One error base class for the library, after viem's: a short message a person can read, the
 * cause it came from, and details for developers. Messages never contain key material, plaintext
 * or patient data: they name what failed, not what was in it.
 */
export class EhrError extends Error {
  override name = "EhrError";
  /** One plain sentence for a person. */
  readonly shortMessage: string;
  /** For developers and logs: never patient data or keys. */
  readonly details?: string;

  constructor(shortMessage: string, options: { cause?: unknown; details?: string } = {}) {
    super(options.details ? `${shortMessage}\n\nDetails: ${options.details}` : shortMessage, { cause: options.cause });
    this.shortMessage = shortMessage;
    this.details = options.details;
  }
}

/** The input is not a well-formed envelope, wrapped key or file of a version we understand. */
export class FormatError extends EhrError {
  override name = "FormatError";
}

/** Content does not match the hash recorded for it, or authenticated decryption failed. */
export class IntegrityError extends EhrError {
  override name = "IntegrityError";
}

/** A wrapped key or envelope belongs to another record, reader, chain or contract. */
export class BindingError extends EhrError {
  override name = "BindingError";
}

/** The user's encryption key cannot be unlocked (wrong signature, wrong passphrase, other wallet). */
export class KeyUnlockError extends EhrError {
  override name = "KeyUnlockError";
}

/** The wallet signs the same message differently each time, so it cannot protect a key. */
export class WalletNotDeterministicError extends EhrError {
  override name = "WalletNotDeterministicError";
}

/** The user declined a request in their wallet (EIP-1193 code 4001). */
export class UserRejectedError extends EhrError {
  override name = "UserRejectedError";
}

/** The chain refused or could not be reached. */
export class ChainError extends EhrError {
  override name = "ChainError";
}

/** The storage service refused or could not be reached. */
export class StorageError extends EhrError {
  override name = "StorageError";
}

/**
 * What was asked for is not stored: no key held for this reader, no such conversation. A
 * StorageError, so callers of a BlobStore or KeyVault need not tell it apart unless they care; the
 * service answers it 404, and the client (lib/api) turns a 404 back into it.
 */
export class NotFoundError extends StorageError {
  override name = "NotFoundError";
}

/** A write collides with what is already stored (a key only its patient may replace, a message id): 409. */
export class ConflictError extends StorageError {
  override name = "ConflictError";
}

/** The storage service refused the session (none, expired, signed out, another account): sign in again (lib/api). */
export class SessionError extends EhrError {
  override name = "SessionError";
}

/** Whether `error` is an EIP-1193 "user rejected the request" (code 4001), anywhere in its cause chain. */
export function isUserRejection(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 8; depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === 4001 || code === "ACTION_REJECTED") return true;
    if (e instanceof UserRejectedError) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * One plain sentence for a person, walked from the cause chain: the first EhrError's short
 * message, a wallet rejection, or a generic sentence. Never a stack trace.
 */
export function toUserMessage(error: unknown): string {
  if (isUserRejection(error)) return "You declined the request in your wallet; nothing was changed.";
  for (let e: unknown = error, depth = 0; e && depth < 8; depth++) {
    if (e instanceof EhrError) return e.shortMessage;
    e = (e as { cause?: unknown }).cause;
  }
  for (let e: unknown = error, depth = 0; e && depth < 8; depth++) {
    if (isNetworkFailure(e)) return NETWORK_DOWN;
    e = (e as { cause?: unknown }).cause;
  }
  return "Something went wrong; nothing was changed. Please try again.";
}

const NETWORK_DOWN = "The network cannot be reached; nothing was changed. Check your connection and try again.";

/** viem's transport errors (by name, so no viem import here) and fetch's TypeError for a refused connection. */
function isNetworkFailure(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  if (["HttpRequestError", "TimeoutError", "WebSocketRequestError", "SocketClosedError"].includes(e.name)) return true;
  return e instanceof TypeError && /fetch|network/i.test(e.message);
}

/** The wallet signed with another account than the one whose key this is (lib/keys). */
export class WrongAccountError extends KeyUnlockError {
  override name = "WrongAccountError";
}

/** The wallet failed a request for a reason other than the user declining it (lib/keys). */
export class WalletRequestError extends EhrError {
  override name = "WalletRequestError";
}

/** A passphrase too short to protect a key backup (lib/keys). */
export class WeakPassphraseError extends EhrError {
  override name = "WeakPassphraseError";
}

/** The chain or the storage service refused to release a record's key to this reader (lib/storage). */
export class AccessDeniedError extends EhrError {
  override name = "AccessDeniedError";
}

/** A contract call reverted with a custom error, named in `errorName` (lib/chain). */
export class ContractRevertedError extends ChainError {
  override name = "ContractRevertedError";
  /** The Solidity custom error's name, e.g. "AccessUnauthorized"; "unknown" when it could not be decoded. */
  readonly errorName: string;

  constructor(shortMessage: string, errorName: string, options: { cause?: unknown; details?: string } = {}) {
    super(shortMessage, options);
    this.errorName = errorName;
  }
}
