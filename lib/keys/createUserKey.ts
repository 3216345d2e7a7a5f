import { equalBytes, fromHex, randomBytes, toHex } from "../bytes";
import { WalletNotDeterministicError } from "../errors";
import { keySetupMessage, normalizeKeyContext } from "./keySetupMessage";
import { deriveLockingKey, lockedKeyAssociatedData } from "./lockedUserKey";
import type { Eip1193Provider, KeyContext, LockedUserKey, UserKey } from "./types";
import { generateUserKey } from "./userKeyPair";
import { requestKeySignature } from "./walletSignature";

export type CreateUserKeyStage = "first-signature" | "second-signature" | "encrypting";

export interface CreateUserKeyOptions {
  /** Called before each step, so the UI can say what the wallet is asking for. */
  onProgress?: (stage: CreateUserKeyStage) => void;
}

/**
 * Sets up a user's encryption key: asks the wallet to sign the {@link keySetupMessage} twice, refuses
 * a wallet whose two signatures differ (it could never unlock the key again), then generates a random
 * secp256k1 keypair and encrypts the private key (AES-256-GCM) under a key derived (HKDF-SHA256) from
 * the signature. Returns the key and its locked form to store; register `key.publicKey` on-chain.
 *
 * Nothing is created unless both signatures succeed and match. Errors: UserRejectedError (the user
 * declined either signature), WalletNotDeterministicError, WrongAccountError (the wallet signed with
 * another account), WalletRequestError, FormatError (invalid context).
 */
export async function createUserKey(
  provider: Eip1193Provider,
  ctx: KeyContext,
  options: CreateUserKeyOptions = {},
): Promise<{ key: UserKey; locked: LockedUserKey }> {
  const c = normalizeKeyContext(ctx);
  const salt = randomBytes(32);
  const message = keySetupMessage(c, toHex(salt));

  options.onProgress?.("first-signature");
  const first = await requestKeySignature(provider, message, c.address, "setup");
  options.onProgress?.("second-signature");
  const second = await requestKeySignature(provider, message, c.address, "setup");
  if (!equalBytes(first, second)) {
    throw new WalletNotDeterministicError(
      "This wallet cannot protect your encryption key: it signed the same message differently twice, so it could " +
        "never unlock the key again (some hardware and smart-contract wallets work this way). Nothing was created. " +
        "Please use another wallet, or restore your key from its backup file.",
    );
  }

  options.onProgress?.("encrypting");
  const key = generateUserKey();
  const iv = randomBytes(12);
  const header = {
    version: 1 as const,
    address: c.address,
    chainId: c.chainId,
    contract: c.contract,
    publicKey: key.publicKey,
  };
  const lockingKey = await deriveLockingKey(first, salt);
  first.fill(0);
  second.fill(0);
  const privateKeyBytes = fromHex(key.privateKey);
  const ciphertext = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: "AES-GCM", iv: iv as BufferSource, additionalData: lockedKeyAssociatedData(header) as BufferSource },
      lockingKey,
      privateKeyBytes as BufferSource,
    ),
  );
  privateKeyBytes.fill(0);

  const locked: LockedUserKey = {
    ...header,
    domain: c.domain,
    salt: toHex(salt),
    iv: toHex(iv),
    ciphertext: toHex(ciphertext),
    appName: c.appName,
  };
  return { key, locked };
}
