import { equalBytes, fromHex, randomBytes, toHex } from "../bytes";
import { compressPublicKey } from "../crypto/publicKey";
import { FormatError, KeyUnlockError, WalletNotDeterministicError } from "../errors";
import { keySetupMessage, normalizeKeyContext } from "./keySetupMessage";
import { deriveLockingKey, lockedKeyAssociatedData } from "./lockedUserKey";
import type { Eip1193Provider, Hex, KeyContext, LockedUserKey, UserKey } from "./types";
import { keyPairMatches } from "./userKeyPair";
import { requestKeySignature } from "./walletSignature";

export type LockUserKeyStage = "first-signature" | "second-signature" | "encrypting";

export interface LockUserKeyOptions {
  /**
   * Called before each step, so the UI can say what the wallet is asking for. A returned promise is
   * awaited before the step starts (a browser lets the step be painted first).
   */
  onProgress?: (stage: LockUserKeyStage) => unknown;
  /**
   * The public key the key must have: 64 bytes (x || y) or the 33-byte compressed form the chain
   * returns (`encryptionKeyOf`). Set it to the registered key so a restored key that is not the
   * account's is refused before the wallet is asked anything. @default undefined (not checked)
   */
  expectedPublicKey?: Hex;
}

/** `publicKey` in the 33-byte compressed form, lowercase; FormatError for anything else. */
function compressedForm(publicKey: string): string {
  if (/^0x0[23][0-9a-fA-F]{64}$/.test(publicKey)) return publicKey.toLowerCase();
  if (/^0x[0-9a-fA-F]{128}$/.test(publicKey)) return compressPublicKey(publicKey);
  throw new FormatError("The expected public key is not a secp256k1 public key.", {
    details: "expectedPublicKey: expected 64 bytes x || y or 33 bytes compressed",
  });
}

/**
 * Locks an existing key under a wallet signature, in the {@link LockedUserKey} version 1 format that
 * {@link unlockUserKey} opens: asks the wallet to sign the {@link keySetupMessage} twice, refuses a
 * wallet whose two signatures differ (it could never unlock the key again), then encrypts the private
 * key (AES-256-GCM) under a key derived (HKDF-SHA256) from the signature. Used for a new key
 * (createUserKey) and for one restored from its backup file, so that this browser can unlock it with
 * a signature next time.
 *
 * The key is checked before any signature is asked for: its private key must give its public key
 * (else FormatError), and with `expectedPublicKey` it must be that key (else KeyUnlockError). Nothing
 * is returned unless both signatures succeed and match. Errors: UserRejectedError (the user declined
 * either signature), WalletNotDeterministicError, WrongAccountError (the wallet signed with another
 * account), WalletRequestError, FormatError (invalid context or key), KeyUnlockError.
 */
export async function lockUserKey(
  provider: Eip1193Provider,
  key: UserKey,
  ctx: KeyContext,
  options: LockUserKeyOptions = {},
): Promise<LockedUserKey> {
  const c = normalizeKeyContext(ctx);
  if (!keyPairMatches(key)) {
    throw new FormatError("This encryption key is damaged: its private key does not match its public key.", {
      details: "key: the private key does not give the public key",
    });
  }
  const publicKey = key.publicKey.toLowerCase() as Hex;
  if (options.expectedPublicKey !== undefined) {
    if (compressedForm(options.expectedPublicKey) !== compressPublicKey(publicKey)) {
      throw new KeyUnlockError(
        "This key is not the one registered for your account; use the backup file made when you set up your key.",
        { details: "key: the public key differs from the expected one" },
      );
    }
  }

  const salt = randomBytes(32);
  const message = keySetupMessage(c, toHex(salt));
  await options.onProgress?.("first-signature");
  const first = await requestKeySignature(provider, message, c.address, "setup");
  await options.onProgress?.("second-signature");
  const second = await requestKeySignature(provider, message, c.address, "setup");
  if (!equalBytes(first, second)) {
    first.fill(0);
    second.fill(0);
    throw new WalletNotDeterministicError(
      "This wallet cannot protect your encryption key: it signed the same message differently twice, so it could " +
        "never unlock the key again (some hardware and smart-contract wallets work this way). Nothing was saved. " +
        "Please use another wallet, or restore your key from its backup file.",
    );
  }

  await options.onProgress?.("encrypting");
  const iv = randomBytes(12);
  const header = { version: 1 as const, address: c.address, chainId: c.chainId, contract: c.contract, publicKey };
  const lockingKey = await deriveLockingKey(first, salt);
  first.fill(0);
  second.fill(0);
  const privateKeyBytes = fromHex(key.privateKey);
  try {
    const ciphertext = new Uint8Array(
      await crypto.subtle.encrypt(
        { name: "AES-GCM", iv: iv as BufferSource, additionalData: lockedKeyAssociatedData(header) as BufferSource },
        lockingKey,
        privateKeyBytes as BufferSource,
      ),
    );
    return {
      ...header,
      domain: c.domain,
      salt: toHex(salt),
      iv: toHex(iv),
      ciphertext: toHex(ciphertext),
      appName: c.appName,
    };
  } finally {
    privateKeyBytes.fill(0);
  }
}
