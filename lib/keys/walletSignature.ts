import { recoverMessageAddress } from "viem";
import { concatBytes, fromHex, toHex, utf8 } from "../bytes";
import {
  KeyUnlockError,
  UserRejectedError,
  WalletNotDeterministicError,
  WalletRequestError,
  WrongAccountError,
  isUserRejection,
} from "../errors";
import { SECP256K1_N } from "./userKeyPair";
import type { Address, Eip1193Provider } from "./types";

/** Why the signature is asked for: it decides which error an unusable signature becomes. */
export type SignaturePurpose = "setup" | "unlock";

const UNUSABLE_SIGNATURE_AT_SETUP =
  "This wallet cannot protect your encryption key: its signatures are not the kind this app can use " +
  "(some hardware and smart-contract wallets work this way). Please use another wallet, or restore your key from its backup file.";

/**
 * Asks the wallet to sign `message` (personal_sign, params [hexMessage, address]) and returns the
 * signature's key material: r || s with s in its low half (64 bytes), so that the same ECDSA signature
 * in any of its encodings (v as 0/1 or 27/28, high or low s) gives the same key.
 *
 * The signature must recover to `address`: a wallet signing with another account gets a plain
 * WrongAccountError (a KeyUnlockError) naming the expected account, instead of a key locked to the
 * wrong account or a bare "cannot unlock". This also refuses smart-contract wallets (ERC-1271), whose
 * signatures do not recover to their address.
 *
 * Errors: UserRejectedError (code 4001 anywhere in the cause chain), WalletRequestError (any other
 * wallet failure), WrongAccountError, and for a signature that is not a 65-byte ECDSA signature
 * WalletNotDeterministicError at setup or KeyUnlockError at unlock.
 */
export async function requestKeySignature(
  provider: Eip1193Provider,
  message: string,
  address: Address,
  purpose: SignaturePurpose,
): Promise<Uint8Array> {
  let signature: unknown;
  try {
    signature = await provider.request({ method: "personal_sign", params: [toHex(utf8(message)), address] });
  } catch (error) {
    if (isUserRejection(error)) {
      throw new UserRejectedError("You declined the signature in your wallet; nothing was changed.", { cause: error });
    }
    throw new WalletRequestError("Your wallet could not sign the message; nothing was changed. Please try again.", {
      cause: error,
      details: "personal_sign failed",
    });
  }

  const unusable = (details: string) =>
    purpose === "setup"
      ? new WalletNotDeterministicError(UNUSABLE_SIGNATURE_AT_SETUP, { details })
      : new KeyUnlockError("Cannot unlock your encryption key with this wallet's signature.", { details });

  if (typeof signature !== "string" || !/^0x[0-9a-fA-F]{130}$/.test(signature)) {
    throw unusable("the wallet did not return a 65-byte signature");
  }
  let signer: Address;
  try {
    signer = await recoverMessageAddress({ message, signature: signature as `0x${string}` });
  } catch (error) {
    throw unusable(`the signature does not recover: ${(error as Error).name}`);
  }
  if (signer.toLowerCase() !== address.toLowerCase()) {
    throw new WrongAccountError(
      `Your wallet signed with another account. Switch to account ${address} in your wallet and try again.`,
      { details: `signed by ${signer}` },
    );
  }

  const bytes = fromHex(signature);
  const r = bytes.subarray(0, 32);
  let s = BigInt(toHex(bytes.subarray(32, 64)));
  if (s > SECP256K1_N / 2n) s = SECP256K1_N - s;
  return concatBytes(r, fromHex(s.toString(16).padStart(64, "0")));
}
