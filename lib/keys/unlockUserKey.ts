import { fromHex, toHex } from "../bytes";
import { KeyUnlockError } from "../errors";
import { keySetupMessage } from "./keySetupMessage";
import { deriveLockingKey, lockedKeyAssociatedData, parseLockedUserKey } from "./lockedUserKey";
import type { Eip1193Provider, LockedUserKey, UserKey } from "./types";
import { isValidPrivateKey, publicKeyOf } from "./userKeyPair";
import { requestKeySignature } from "./walletSignature";

const CANNOT_UNLOCK =
  "Cannot unlock your encryption key with this wallet's signature. Make sure you use the same wallet and account " +
  "you set the key up with, or restore the key from its backup file.";

/**
 * Unlocks a key made by {@link createUserKey}: asks the wallet to sign the same message again and
 * decrypts the private key with the key derived from that signature. It never creates a new key.
 *
 * The account is checked through the signature itself, not `eth_accounts`: the signature must recover
 * to `locked.address` (else WrongAccountError, a KeyUnlockError naming the account to switch to). The
 * decrypted private key must match `locked.publicKey`.
 *
 * Errors: FormatError (malformed or unknown version), UserRejectedError (declined), KeyUnlockError
 * (another wallet, a changed stored key, a signature that does not decrypt), WalletRequestError.
 */
export async function unlockUserKey(provider: Eip1193Provider, locked: LockedUserKey): Promise<UserKey> {
  const l = parseLockedUserKey(locked);
  const message = keySetupMessage(
    { chainId: l.chainId, contract: l.contract, address: l.address, domain: l.domain, appName: l.appName },
    l.salt,
  );
  const signatureKeyMaterial = await requestKeySignature(provider, message, l.address, "unlock");
  const lockingKey = await deriveLockingKey(signatureKeyMaterial, fromHex(l.salt));
  signatureKeyMaterial.fill(0);

  let privateKeyBytes: Uint8Array;
  try {
    privateKeyBytes = new Uint8Array(
      await crypto.subtle.decrypt(
        {
          name: "AES-GCM",
          iv: fromHex(l.iv) as BufferSource,
          additionalData: lockedKeyAssociatedData(l) as BufferSource,
        },
        lockingKey,
        fromHex(l.ciphertext) as BufferSource,
      ),
    );
  } catch (error) {
    throw new KeyUnlockError(CANNOT_UNLOCK, { cause: error, details: "AES-GCM authentication failed" });
  }
  try {
    if (!isValidPrivateKey(privateKeyBytes)) {
      throw new KeyUnlockError(CANNOT_UNLOCK, { details: "the decrypted private key is out of range" });
    }
    const privateKey = toHex(privateKeyBytes);
    if (publicKeyOf(privateKey) !== l.publicKey) {
      throw new KeyUnlockError(CANNOT_UNLOCK, { details: "the decrypted private key does not match the public key" });
    }
    return { privateKey, publicKey: l.publicKey };
  } finally {
    privateKeyBytes.fill(0);
  }
}
