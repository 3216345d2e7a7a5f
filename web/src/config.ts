import { getAddress, isAddress } from "viem";
import type { EhrDeployment } from "@deployments/contracts";
import type { Address } from "viem";
import { FormatError } from "@lib/errors";

/**
 * What the dApp needs to know about where it runs, from `/config.json`, written by whoever serves
 * the app (`npm start`, the e2e harness). Addresses fall back to the generated deployment module.
 */
export interface RuntimeConfig {
  chainId: number;
  /** The chain's JSON-RPC URL: the dApp reads through it, and offers it to the wallet when adding the chain. */
  rpcUrl: string;
  /** The off-chain service's base URL. */
  apiUrl: string;
  /** The EhrCore address. */
  core: Address;
  /** The AppointmentBook address. */
  book: Address;
  /** The dApp's own origin, as the service expects it in sign-in messages. @default location.origin */
  webOrigin: string;
  /** The network's name as the wallet shows it. @default "EHR local chain" */
  chainName: string;
  /** Minutes without activity before unlocked keys and decrypted data are cleared. @default 15 */
  idleMinutes: number;
  /**
   * The chain's block time in milliseconds, 0 when a block is mined on each transaction: receipts
   * are polled at half of it (lib/chain/pollingInterval.ts, at least 250 ms, at most 4 s).
   * @default 0 on the local chain (chain id 31337, anvil's automine), else 2000 (the QBFT network's)
   */
  blockTimeMs: number;
}

/** The local development chain's id: anvil mines a block on each transaction. */
const LOCAL_CHAIN_ID = 31337;

export const DEFAULT_IDLE_MINUTES = 15;

function bad(details: string): FormatError {
  return new FormatError("The app's settings (config.json) are not valid; ask whoever runs this site.", { details });
}

function address(value: unknown, fallback: string | undefined, field: string): Address {
  const candidate = value ?? fallback;
  if (typeof candidate !== "string" || !isAddress(candidate, { strict: false }))
    throw bad(`${field}: expected an address`);
  return getAddress(candidate);
}

function url(value: unknown, field: string): string {
  try {
    const parsed = new URL(String(value));
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error("not http(s)");
    return parsed.href.replace(/\/+$/, "");
  } catch {
    throw bad(`${field}: expected an http(s) URL`);
  }
}

/**
 * Checks a parsed config.json and fills in defaults; FormatError naming the first bad field.
 * `deployment` is the generated deployment for the chain, the fallback for missing addresses.
 */
export function parseRuntimeConfig(raw: unknown, origin: string, deployment?: EhrDeployment): RuntimeConfig {
  if (typeof raw !== "object" || raw === null) throw bad("expected a JSON object");
  const r = raw as Record<string, unknown>;
  const chainId = Number(r.chainId);
  if (!Number.isSafeInteger(chainId) || chainId <= 0) throw bad("chainId: expected a positive integer");
  const idleMinutes = r.idleMinutes === undefined ? DEFAULT_IDLE_MINUTES : Number(r.idleMinutes);
  if (!(idleMinutes > 0)) throw bad("idleMinutes: expected a positive number");
  const blockTimeMs = r.blockTimeMs === undefined ? (chainId === LOCAL_CHAIN_ID ? 0 : 2000) : Number(r.blockTimeMs);
  if (!Number.isFinite(blockTimeMs) || blockTimeMs < 0) throw bad("blockTimeMs: expected a number of milliseconds");
  return {
    chainId,
    rpcUrl: url(r.rpcUrl, "rpcUrl"),
    apiUrl: url(r.apiUrl, "apiUrl"),
    core: address(r.core, deployment?.core, "core"),
    book: address(r.book, deployment?.appointmentBook, "book"),
    webOrigin: r.webOrigin === undefined ? origin : new URL(url(r.webOrigin, "webOrigin")).origin,
    chainName: typeof r.chainName === "string" && r.chainName.trim() ? r.chainName : "EHR local chain",
    idleMinutes,
    blockTimeMs,
  };
}

/** Loads and checks `/config.json`. */
export async function loadRuntimeConfig(): Promise<RuntimeConfig> {
  let raw: unknown;
  try {
    const response = await fetch("/config.json", { cache: "no-store" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    raw = await response.json();
  } catch (error) {
    throw new FormatError("The app's settings (config.json) could not be loaded; ask whoever runs this site.", {
      cause: error,
    });
  }
  // The generated module (all the ABIs) only when config.json leaves an address out, which `npm
  // start` and the e2e harness never do: it stays off the first screen.
  const fields = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {};
  const deployment =
    fields.core === undefined || fields.book === undefined
      ? (await import("@deployments/contracts")).deploymentFor(Number(fields.chainId))
      : undefined;
  return parseRuntimeConfig(raw, window.location.origin, deployment);
}
