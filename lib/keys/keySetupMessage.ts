import { getAddress, isAddress } from "viem";
import { FormatError } from "../errors";
import type { Address, Hex, KeyContext } from "./types";

export const DEFAULT_APP_NAME = "Patient EHR";
export const DEFAULT_DOMAIN = "localhost";

/** A {@link KeyContext} checked and in canonical form: checksummed addresses, lowercase domain, defaults filled. */
export interface NormalizedKeyContext {
  chainId: number;
  contract: Address;
  address: Address;
  appName: string;
  domain: string;
}

function invalid(field: string, what: string): FormatError {
  return new FormatError("The key setup details are not valid.", { details: `${field}: ${what}` });
}

/**
 * Checks a key context and puts it in canonical form. Throws FormatError naming the first invalid
 * field. The app name and domain may not contain line breaks or control characters, so that nothing
 * can inject lines into the message the user reads.
 */
export function normalizeKeyContext(ctx: KeyContext): NormalizedKeyContext {
  if (typeof ctx !== "object" || ctx === null) throw invalid("context", "expected an object");
  const { chainId } = ctx;
  if (!Number.isSafeInteger(chainId) || chainId <= 0) throw invalid("chainId", "expected a positive safe integer");
  if (typeof ctx.contract !== "string" || !isAddress(ctx.contract, { strict: false })) {
    throw invalid("contract", "expected an address");
  }
  if (typeof ctx.address !== "string" || !isAddress(ctx.address, { strict: false })) {
    throw invalid("address", "expected an address");
  }
  const appName = ctx.appName ?? DEFAULT_APP_NAME;
  if (
    typeof appName !== "string" ||
    appName.trim() === "" ||
    appName.length > 64 ||
    /[\p{C}\p{Zl}\p{Zp}]/u.test(appName)
  ) {
    throw invalid("appName", "expected 1 to 64 printable characters on one line");
  }
  const domain = (ctx.domain ?? DEFAULT_DOMAIN).toLowerCase();
  if (typeof domain !== "string" || !/^[\x21-\x7e]{1,253}$/.test(domain)) {
    throw invalid("domain", "expected a host name (printable ASCII, no spaces)");
  }
  return { chainId, contract: getAddress(ctx.contract), address: getAddress(ctx.address), appName, domain };
}

/**
 * The message the wallet signs (personal_sign) to lock and unlock the user's encryption key. Users
 * read it in their wallet, so it says in plain words what signing does, that it is free, and where
 * to sign it; the lines below the text bind the signature to the app, domain, chain, contract,
 * account and this key's random salt. The same context and salt always give the same message.
 * Throws FormatError for an invalid context or salt.
 */
export function keySetupMessage(ctx: KeyContext, salt: Hex): string {
  const c = normalizeKeyContext(ctx);
  if (typeof salt !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(salt)) throw invalid("salt", "expected 32 bytes of hex");
  return [
    `${c.appName}: unlock your encryption key`,
    "",
    `Signing this message unlocks the encryption key that protects your health records in ${c.appName}. ` +
      "Your signature works like a password: it is used only on this device and is never sent anywhere.",
    "",
    "Signing is free. It sends no transaction, costs no gas and gives no one access to your funds.",
    "",
    `Only sign this on ${c.domain}. Anyone who gets this signature could unlock your health records key.`,
    "",
    `App: ${c.appName}`,
    `Website: ${c.domain}`,
    `Account: ${c.address}`,
    `Chain ID: ${c.chainId}`,
    `Contract: ${c.contract}`,
    `Key salt: ${salt.toLowerCase()}`,
    "Version: 1",
  ].join("\n");
}
