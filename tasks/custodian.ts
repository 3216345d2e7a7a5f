import { task } from "hardhat/config";
import { compressPublicKey } from "../lib/crypto/publicKey";
import { fail, read, say, send, systemFor } from "./common";

/** Where the storage service listens by default (offchain-api/config.ts). */
export const DEFAULT_API_URL = "http://127.0.0.1:8787";
const PUBLIC_KEY = /^0x[0-9a-fA-F]{128}$/;

export interface PublishCustodianOutcome {
  changed: boolean;
  /** 64 bytes x || y, as published. */
  publicKey: string;
}

/** The custodian's public key from the storage service's `GET /v1/custodian`, or a clear failure. */
async function fetchCustodianKey(apiUrl: string): Promise<string> {
  let url: URL;
  try {
    url = new URL("/v1/custodian", apiUrl);
  } catch {
    fail(`--api-url "${apiUrl}" is not a valid URL.`);
  }
  let response: Response;
  try {
    response = await fetch(url, { headers: { Accept: "application/json" }, signal: AbortSignal.timeout(15_000) });
  } catch {
    fail(`The storage service at ${url.origin} could not be reached; is it running? (or pass --public-key)`);
  }
  if (!response.ok) fail(`The storage service at ${url.origin} answered HTTP ${response.status} for /v1/custodian.`);
  const body = (await response.json().catch(() => undefined)) as { publicKey?: unknown } | undefined;
  if (typeof body?.publicKey !== "string" || !PUBLIC_KEY.test(body.publicKey)) {
    fail(`The storage service at ${url.origin} did not answer with a custodian public key.`);
  }
  return body.publicKey;
}

task(
  "ehr:publish-custodian",
  "Publishes the storage service's emergency custodian key on the chain (setCustodianKey); does nothing if it is already there",
)
  .addOptionalParam("apiUrl", `The storage service to fetch the key from (default: ${DEFAULT_API_URL})`)
  .addOptionalParam("publicKey", "The custodian public key itself (0x and 64 bytes x || y), instead of --api-url")
  .addOptionalParam("from", "The admin account (default: the first account)")
  .setAction(
    async (args: { apiUrl?: string; publicKey?: string; from?: string }, hre): Promise<PublishCustodianOutcome> => {
      if (args.apiUrl !== undefined && args.publicKey !== undefined) {
        fail("Pass either --api-url or --public-key, not both.");
      }
      if (args.publicKey !== undefined && !PUBLIC_KEY.test(args.publicKey)) {
        fail("--public-key must be 0x followed by 128 hex digits (the 64-byte x || y public key).");
      }
      const system = await systemFor(hre, args.from, { admin: true });
      const publicKey = (args.publicKey ?? (await fetchCustodianKey(args.apiUrl ?? DEFAULT_API_URL))).toLowerCase();
      const current = await read(system, "the custodian key", () => system.core.custodianKey());
      const onChain = current.publicKey.toLowerCase();
      if (onChain === compressPublicKey(publicKey)) {
        say("The custodian key is already published.");
        return { changed: false, publicKey };
      }
      await send(system, "publish the custodian key", system.core.setCustodianKey, publicKey);
      say(
        onChain === "0x"
          ? "The custodian key is published: emergency access can now re-wrap summary and general-details keys."
          : "The custodian key is replaced: records written from now on are wrapped to the new key; earlier ones stay wrapped to the old one.",
      );
      return { changed: true, publicKey };
    },
  );
