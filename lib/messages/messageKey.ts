import { fromBase64, toBase64 } from "../bytes";
import { BindingError, FormatError, IntegrityError } from "../errors";
import type { Address, Hex } from "viem";
import { loadEthCrypto } from "../crypto/ethCrypto";
import { uncompressedPublicKey } from "../crypto/keyWrap";

/**
 * A message's content key wrapped to one participant's registered key with eth-crypto's ECIES, as
 * lib/crypto/keyWrap.ts wraps record keys, under its own prefix so a message key can never pass
 * for a record key. ECIES binds nothing, so the payload carries the binding and
 * {@link unwrapMessageKey} checks every field:
 *
 *   "ehrmk1:" + eth-crypto cipher.stringify(...)
 *   payload: {"v":1,"key":"<base64 32 bytes>","chainId":n,"contract","threadId","messageId","reader"} (lowercase hex)
 */
export interface MessageKeyBinding {
  chainId: number;
  contract: Address;
  threadId: Hex;
  messageId: Hex;
  reader: Address;
}

export const MESSAGE_KEY_PREFIX = "ehrmk1:";

const FIELDS = ["chainId", "contract", "threadId", "messageId", "reader"] as const;

function canonical(binding: MessageKeyBinding): MessageKeyBinding {
  const hex = (value: unknown, bytes: number, field: string) => {
    if (typeof value !== "string" || !new RegExp(`^0x[0-9a-fA-F]{${bytes * 2}}$`).test(value)) {
      throw new FormatError("The message key binding is not valid.", { details: `${field}: expected ${bytes} bytes` });
    }
    return value.toLowerCase() as Hex;
  };
  if (!Number.isSafeInteger(binding?.chainId) || binding.chainId <= 0) {
    throw new FormatError("The message key binding is not valid.", { details: "chainId" });
  }
  return {
    chainId: binding.chainId,
    contract: hex(binding.contract, 20, "contract"),
    threadId: hex(binding.threadId, 32, "threadId"),
    messageId: hex(binding.messageId, 16, "messageId"),
    reader: hex(binding.reader, 20, "reader"),
  };
}

/** Wraps a 32-byte content key to `readerPublicKey` (compressed or x||y), bound to `binding`. */
export async function wrapMessageKey(
  key: Uint8Array,
  readerPublicKey: Hex,
  binding: MessageKeyBinding,
): Promise<string> {
  if (!(key instanceof Uint8Array) || key.length !== 32) {
    throw new FormatError("The content key is not valid.", { details: "expected 32 bytes" });
  }
  const payload = JSON.stringify({ v: 1, key: toBase64(key), ...canonical(binding) });
  const { cipher, encryptWithPublicKey } = await loadEthCrypto();
  const encrypted = await encryptWithPublicKey(await uncompressedPublicKey(readerPublicKey), payload);
  return MESSAGE_KEY_PREFIX + cipher.stringify(encrypted);
}

/**
 * Opens a wrapped content key with the reader's private key. FormatError: malformed;
 * IntegrityError: another key holder's, or altered; BindingError: wrapped for another message,
 * conversation, reader, chain or contract.
 */
export async function unwrapMessageKey(
  wrapped: string,
  readerPrivateKey: Hex,
  expected: MessageKeyBinding,
): Promise<Uint8Array> {
  const wanted = canonical(expected);
  const malformed = (details: string, cause?: unknown) =>
    new FormatError("This message key is malformed.", { details, cause });
  if (typeof wrapped !== "string" || !wrapped.startsWith(MESSAGE_KEY_PREFIX)) {
    throw malformed(`expected a string starting with "${MESSAGE_KEY_PREFIX}"`);
  }
  const body = wrapped.slice(MESSAGE_KEY_PREFIX.length);
  // iv 16 + ephemeral key 33 + mac 32, then whole AES-CBC blocks.
  if (!/^[0-9a-f]*$/.test(body) || body.length % 2 !== 0 || body.length / 2 < 97 || (body.length / 2 - 81) % 16 !== 0) {
    throw malformed("not an ECIES payload of the expected length");
  }
  const { cipher, decryptWithPrivateKey } = await loadEthCrypto();
  let text: string;
  try {
    text = await decryptWithPrivateKey(readerPrivateKey.replace(/^0x/, ""), cipher.parse(body));
  } catch (error) {
    throw new IntegrityError("This message cannot be opened: it was altered or is meant for someone else.", {
      cause: error,
    });
  }
  let payload: Record<string, unknown>;
  let key: Uint8Array;
  try {
    payload = JSON.parse(text);
    key = fromBase64(String(payload.key));
  } catch (error) {
    throw malformed("payload is not JSON with a base64 key", error);
  }
  if (payload.v !== 1 || key.length !== 32) throw malformed("unsupported payload");
  const differences = FIELDS.filter((field) => payload[field] !== wanted[field]);
  if (differences.length > 0) {
    throw new BindingError("This message key was issued for another message or reader.", {
      details: `binding differs in: ${differences.join(", ")}`,
    });
  }
  return key;
}
