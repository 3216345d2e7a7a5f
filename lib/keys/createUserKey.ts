import { lockUserKey, type LockUserKeyStage } from "./lockUserKey";
import type { Eip1193Provider, KeyContext, LockedUserKey, UserKey } from "./types";
import { generateUserKey } from "./userKeyPair";

export type CreateUserKeyStage = LockUserKeyStage;

export interface CreateUserKeyOptions {
  /**
   * Called before each step, so the UI can say what the wallet is asking for. A returned promise is
   * awaited before the step starts (a browser lets the step be painted first).
   */
  onProgress?: (stage: CreateUserKeyStage) => unknown;
}

/**
 * Sets up a user's encryption key: generates a random secp256k1 keypair and locks it under the
 * wallet's signature ({@link lockUserKey}: two signatures that must match, AES-256-GCM under
 * HKDF-SHA256 of the signature). Returns the key and its locked form to store; register
 * `key.publicKey` on-chain.
 *
 * Nothing is returned unless both signatures succeed and match; a key generated for a failed setup is
 * dropped. Errors: UserRejectedError (the user declined either signature), WalletNotDeterministicError,
 * WrongAccountError (the wallet signed with another account), WalletRequestError, FormatError
 * (invalid context).
 */
export async function createUserKey(
  provider: Eip1193Provider,
  ctx: KeyContext,
  options: CreateUserKeyOptions = {},
): Promise<{ key: UserKey; locked: LockedUserKey }> {
  const key = generateUserKey();
  const locked = await lockUserKey(provider, key, ctx, { onProgress: options.onProgress });
  return { key, locked };
}
