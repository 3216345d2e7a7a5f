import { WRAPPED_KEY_PREFIX } from "../../lib/crypto/keyWrap";

/**
 * For tests: a string of a wrapped key's form (iv, compressed ephemeral key, MAC, 20 AES blocks)
 * that no private key opens; `fill` (two hex digits) tells entries apart.
 */
export function fakeWrapped(fill: string): string {
  return `${WRAPPED_KEY_PREFIX}${"00".repeat(16)}02${"11".repeat(32)}${"22".repeat(32)}${fill.repeat(320)}`;
}
