import { getAddress, isAddress } from "viem";
import type { EhrDeployment } from "@deployments/contracts";
import type { Address } from "viem";
import { FormatError } from "../../lib/errors";

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
  /** The network's name as the wallet shows it (at most 100 characters, MetaMask cuts longer ones). @default "EHR local chain" */
  chainName: string;
  /** The symbol of the chain's native currency, offered to the wallet with the network (2-6 characters). @default "ETH" */
  currencySymbol: string;
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

/**
 * A chain setting a wallet would refuse when the dApp offers the network (wallet_addEthereumChain):
 * refused here, at start, naming the setting, rather than by MetaMask with -32602 at the moment a
 * user tries to switch.
 */
function badChainSetting(field: string, rule: string, value: unknown): FormatError {
  return new FormatError(
    `The app's network setting ${field} (config.json) is ${JSON.stringify(value)}, which wallets refuse: ${rule}. Ask whoever runs this site to correct it.`,
    { details: `${field}: ${rule}` },
  );
}

/**
 * The chain settings checked as MetaMask checks wallet_addEthereumChain (EIP-3085; docs.metamask.io
 * wallet_addEthereumChain; metamask-extension ethereum-chain-utils.js validateAddEthereumChainParams):
 * a chain id it can write as 0x-prefixed unpadded non-zero hex (a positive safe integer: viem's
 * numberToHex writes no leading zeros), a symbol of 2-6 characters, a name, and an RPC URL that is
 * https or on localhost/127.0.0.1. Whether the RPC answers this chain id is checked before the
 * wallet is asked to add it ({@link checkRpcChainId}).
 */
function checkChainSettings(config: Pick<RuntimeConfig, "currencySymbol" | "chainName" | "rpcUrl">): void {
  if (config.currencySymbol.length < 2 || config.currencySymbol.length > 6)
    throw badChainSetting("currencySymbol", "a currency symbol has 2 to 6 characters", config.currencySymbol);
  if (config.chainName.length > 100)
    throw badChainSetting("chainName", "a network name has at most 100 characters", config.chainName);
  const rpc = new URL(config.rpcUrl);
  if (rpc.protocol !== "https:" && rpc.hostname !== "localhost" && rpc.hostname !== "127.0.0.1")
    throw badChainSetting(
      "rpcUrl",
      "a network's RPC URL is https, or http only on localhost or 127.0.0.1",
      config.rpcUrl,
    );
}

/**
 * Asks the configured RPC URL for its chain id and throws a FormatError naming rpcUrl when it is not
 * the configured chainId: the wallet would refuse the network (-32602 "Chain ID returned by RPC URL
 * … does not match …"), and the dApp would be reading another chain. Called before the wallet is
 * asked to switch or add the network.
 */
export async function checkRpcChainId(runtime: RuntimeConfig, answered: () => Promise<number>): Promise<void> {
  let chainId: number;
  try {
    chainId = await answered();
  } catch (error) {
    throw new FormatError(
      `The app's network setting rpcUrl (config.json) does not answer, so a wallet cannot add the network. Ask whoever runs this site.`,
      { cause: error, details: `eth_chainId on ${runtime.rpcUrl} failed` },
    );
  }
  if (chainId !== runtime.chainId)
    throw new FormatError(
      `The app's network settings (config.json) disagree: rpcUrl serves chain id ${chainId}, not the chainId ${runtime.chainId} it names, so wallets refuse the network. Ask whoever runs this site to correct them.`,
      { details: `rpcUrl ${runtime.rpcUrl} eth_chainId ${chainId} != chainId ${runtime.chainId}` },
    );
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
  if (!Number.isSafeInteger(chainId) || chainId <= 0)
    throw badChainSetting("chainId", "a chain id is a positive whole number", r.chainId);
  const idleMinutes = r.idleMinutes === undefined ? DEFAULT_IDLE_MINUTES : Number(r.idleMinutes);
  if (!(idleMinutes > 0)) throw bad("idleMinutes: expected a positive number");
  const blockTimeMs = r.blockTimeMs === undefined ? (chainId === LOCAL_CHAIN_ID ? 0 : 2000) : Number(r.blockTimeMs);
  if (!Number.isFinite(blockTimeMs) || blockTimeMs < 0) throw bad("blockTimeMs: expected a number of milliseconds");
  const config = {
    chainId,
    rpcUrl: url(r.rpcUrl, "rpcUrl"),
    apiUrl: url(r.apiUrl, "apiUrl"),
    core: address(r.core, deployment?.core, "core"),
    book: address(r.book, deployment?.appointmentBook, "book"),
    webOrigin: r.webOrigin === undefined ? origin : new URL(url(r.webOrigin, "webOrigin")).origin,
    chainName: typeof r.chainName === "string" && r.chainName.trim() ? r.chainName : "EHR local chain",
    currencySymbol: r.currencySymbol === undefined ? "ETH" : String(r.currencySymbol),
    idleMinutes,
    blockTimeMs,
  };
  checkChainSettings(config);
  return config;
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
