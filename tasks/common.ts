/**
 * What every admin task shares: errors, addresses, the signer, the recorded deployment and the
 * transactions. Everything here takes a network name and a signer rather than the Hardhat runtime,
 * so scripts and tests can use it against any provider. Nothing here imports the typechain output
 * at load time: hardhat.config.ts imports the tasks before the first compile has generated it.
 */
import { HardhatPluginError } from "hardhat/plugins";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import {
  getAddress,
  isAddress,
  ZeroAddress,
  type ContractTransactionReceipt,
  type ContractTransactionResponse,
  type Interface,
  type Provider,
  type Signer,
} from "ethers";
import type { AppointmentBook, EhrCore } from "../typechain-types";
import { deploymentPath, deploymentsDir, readDeployment, type DeploymentRecord } from "../scripts/lib/deployments";

/** Every task error is a HardhatPluginError of this plugin: Hardhat prints it as one line. */
export const PLUGIN = "ehr";

export function fail(message: string): never {
  throw new HardhatPluginError(PLUGIN, message);
}

/** Tasks print plain sentences, one per line. */
export function say(line = ""): void {
  console.log(line);
}

/** A checksummed address, or a clear error naming the option. */
export function parseAddress(value: string | undefined, option: string): string {
  if (value === undefined || value === "")
    fail(`${option} is required: pass an address (0x followed by 40 hex digits).`);
  const lower = value.toLowerCase();
  if (!isAddress(value)) {
    if (isAddress(lower)) {
      fail(
        `${option} "${value}" has a wrong checksum (its upper and lower case letters); check it, or pass it in lower case.`,
      );
    }
    fail(`${option} "${value}" is not a valid address.`);
  }
  const address = getAddress(value);
  if (address === ZeroAddress) fail(`${option} cannot be the zero address.`);
  return address;
}

/** A whole number within bounds, or a clear error naming the option. */
export function parseInteger(value: number | undefined, option: string, min: number, max: number): number {
  if (value === undefined || !Number.isInteger(value) || value < min || value > max) {
    fail(`${option} must be a whole number from ${min} to ${max}.`);
  }
  return value;
}

/** ISO time of a unix timestamp in seconds. */
export function isoTime(seconds: number | bigint): string {
  return new Date(Number(seconds) * 1000).toISOString().replace(".000Z", "Z");
}

/** The account given by `--from`, or the network's first account. */
export async function resolveSigner(hre: HardhatRuntimeEnvironment, from?: string): Promise<Signer> {
  const signers = await hre.ethers.getSigners();
  if (signers.length === 0) {
    fail(`Network ${hre.network.name} has no accounts; configure one (for the "ehr" network, set EHR_ADMIN_KEY).`);
  }
  if (from === undefined) return signers[0];
  const address = parseAddress(from, "--from");
  const signer = signers.find((s) => s.address === address);
  if (!signer) fail(`--from ${address} is not one of the accounts of network ${hre.network.name}.`);
  return signer;
}

/** The deployed system as the tasks use it. */
export interface EhrSystem {
  network: string;
  chainId: number;
  record: DeploymentRecord;
  core: EhrCore;
  book: AppointmentBook;
  signer: Signer;
  signerAddress: string;
  provider: Provider;
}

/** Why a recorded deployment cannot be used on this chain, or undefined when it can. */
export async function deploymentProblem(
  record: DeploymentRecord,
  network: string,
  provider: Provider,
): Promise<string | undefined> {
  const chainId = Number((await provider.getNetwork()).chainId);
  if (record.chainId !== chainId) {
    return `it is for chain id ${record.chainId}, but network ${network} is chain id ${chainId}`;
  }
  if ((await provider.getCode(record.core.address)) === "0x") {
    return `there is no contract code at its EhrCore address ${record.core.address} on network ${network} (was the chain reset?)`;
  }
  if ((await provider.getCode(record.appointmentBook.address)) === "0x") {
    return `there is no contract code at its AppointmentBook address ${record.appointmentBook.address} on network ${network} (was the chain reset?)`;
  }
  const { AppointmentBook__factory } = await import("../typechain-types");
  const book = AppointmentBook__factory.connect(record.appointmentBook.address, provider);
  const bookCore = await book.core().catch(() => undefined);
  if (bookCore === undefined || getAddress(bookCore) !== getAddress(record.core.address)) {
    return `the contract at ${record.appointmentBook.address} is not the AppointmentBook of the EhrCore at ${record.core.address}`;
  }
  return undefined;
}

/** The recorded deployment of `network`, checked against the chain, bound to `signer`. */
export async function openSystem(network: string, signer: Signer, dir = deploymentsDir()): Promise<EhrSystem> {
  const provider = signer.provider;
  if (!provider) fail("The signer has no provider.");
  let record: DeploymentRecord | undefined;
  try {
    record = readDeployment(network, dir);
  } catch (error) {
    fail((error as Error).message);
  }
  const file = deploymentPath(network, dir);
  if (!record) fail(`No deployment for network ${network}: ${file} does not exist; run ehr:deploy first.`);
  const problem = await deploymentProblem(record, network, provider);
  if (problem) fail(`The deployment recorded in ${file} cannot be used: ${problem}.`);
  const { AppointmentBook__factory, EhrCore__factory } = await import("../typechain-types");
  return {
    network,
    chainId: record.chainId,
    record,
    core: EhrCore__factory.connect(record.core.address, signer),
    book: AppointmentBook__factory.connect(record.appointmentBook.address, signer),
    signer,
    signerAddress: getAddress(await signer.getAddress()),
    provider,
  };
}

/** Fails unless the system's signer holds the admin role. */
export async function requireAdmin(system: EhrSystem): Promise<void> {
  const { core, signerAddress } = system;
  if (await core.hasRole(await core.DEFAULT_ADMIN_ROLE(), signerAddress)) return;
  const admin = await core.defaultAdmin();
  fail(
    `${signerAddress} is not the admin of the EhrCore at ${system.record.core.address} (the admin is ${admin}); pass --from with the admin's address.`,
  );
}

/** The deployment bound to `--from` (or the first account); with `admin`, checks the role too. */
export async function systemFor(
  hre: HardhatRuntimeEnvironment,
  from: string | undefined,
  { admin }: { admin: boolean },
): Promise<EhrSystem> {
  const signer = await resolveSigner(hre, from);
  const system = await openSystem(hre.network.name, signer);
  if (admin) await requireAdmin(system);
  return system;
}

/** "Name(arg, ...)" for a custom error from one of `interfaces`, else the error's own short message. */
export function describeError(error: unknown, interfaces: Interface[]): string {
  for (const data of revertData(error)) {
    for (const iface of interfaces) {
      let parsed;
      try {
        parsed = iface.parseError(data);
      } catch {
        continue;
      }
      if (!parsed) continue;
      const args = parsed.fragment.inputs.map((input, i) => formatValue(parsed.args[i], input.baseType));
      return `${parsed.name}(${args.join(", ")})`;
    }
  }
  const e = error as { shortMessage?: string; reason?: string; message?: string } | undefined;
  return e?.reason ?? e?.shortMessage ?? e?.message ?? String(error);
}

/**
 * `describeError`, then the catalogue's plain sentence for a decoded custom error (what happened,
 * what to do next), as one line for the admin: "DoctorUnknown(0x…). This account is not an onboarded doctor: …"
 */
export function explainError(error: unknown, interfaces: Interface[]): string {
  const described = describeError(error, interfaces);
  const sentenceFor = catalogue();
  const sentence = sentenceFor(/^(\w+)\(/.exec(described)?.[1] ?? "");
  return sentence ? `${described}. ${sentence.replace(/\.$/, "")}` : described;
}

/**
 * The catalogue's lookup, loaded when a refusal is explained rather than with the tasks: the
 * catalogue reads the generated deployments/contracts.ts, which a fresh clone has only after
 * `ehr:codegen`, itself a task (hardhat.config.ts loads every task before it can run one).
 */
function catalogue(): (errorName: string) => string | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require("../lib/chain/errorCatalogue") as typeof import("../lib/chain/errorCatalogue")).sentenceFor;
  } catch {
    return () => undefined;
  }
}

function formatValue(value: unknown, baseType: string): string {
  if (baseType === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => formatValue(v, "")).join(", ")}]`;
  return String(value);
}

/** Every hex `data` string inside an error from ethers or a provider (nested causes included). */
function revertData(error: unknown): string[] {
  const found: string[] = [];
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number) => {
    if (value === null || typeof value !== "object" || seen.has(value) || depth > 6) return;
    seen.add(value);
    const record = value as Record<string, unknown>;
    const data = record.data;
    if (typeof data === "string" && /^0x[0-9a-fA-F]{8,}$/.test(data)) found.push(data);
    for (const key of ["data", "error", "info", "cause", "revert", "payload"]) visit(record[key], depth + 1);
  };
  visit(error, 0);
  return found;
}

/** A contract method as typechain types it: callable, and simulated with `staticCall`. */
export interface WriteMethod<A extends unknown[]> {
  (...args: A): Promise<ContractTransactionResponse>;
  staticCall(...args: A): Promise<unknown>;
}

/**
 * Simulates, then sends one transaction and waits for it. A refusal becomes a sentence naming the
 * decoded custom error ("The contract refused to suspend the doctor: DoctorUnknown(0x…)."). The
 * simulation matters: on a failed gas estimate Hardhat sends anyway with the block gas limit, and
 * a mined revert carries no reason.
 */
export async function send<A extends unknown[]>(
  system: EhrSystem,
  what: string,
  method: WriteMethod<A>,
  ...args: A
): Promise<ContractTransactionReceipt> {
  const interfaces = [system.core.interface, system.book.interface];
  let tx: ContractTransactionResponse;
  try {
    await method.staticCall(...args);
    tx = await method(...args);
  } catch (error) {
    fail(`The contract refused to ${what}: ${explainError(error, interfaces)}.`);
  }
  say(`Transaction ${tx.hash} sent to ${what}; waiting for it to be mined...`);
  let receipt: ContractTransactionReceipt | null;
  try {
    receipt = await tx.wait();
  } catch (error) {
    fail(`The transaction ${tx.hash} to ${what} failed: ${explainError(error, interfaces)}.`);
  }
  if (!receipt || receipt.status !== 1) fail(`The transaction ${tx.hash} to ${what} was reverted.`);
  return receipt;
}

/** A read-only call, with a decoded custom error as a sentence. */
export async function read<T>(system: EhrSystem, what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    fail(`Could not read ${what}: ${describeError(error, [system.core.interface, system.book.interface])}.`);
  }
}

/**
 * Logs of `filter` from `fromBlock` to the latest block. Tries the whole range at once and
 * halves it when the node refuses (some nodes, e.g. Besu, cap the block range of a query).
 */
export async function queryAll<T>(
  query: (from: number, to: number) => Promise<T[]>,
  fromBlock: number,
  toBlock: number,
): Promise<T[]> {
  if (fromBlock > toBlock) return [];
  try {
    return await query(fromBlock, toBlock);
  } catch (error) {
    if (toBlock - fromBlock < 1000) throw error;
    const middle = Math.floor((fromBlock + toBlock) / 2);
    return [...(await queryAll(query, fromBlock, middle)), ...(await queryAll(query, middle + 1, toBlock))];
  }
}

/** A policy as the admin reads it. */
export function describePolicy(policy: {
  maxGrantDuration: number | bigint;
  emergencyWindow: number | bigint;
  requireHospitalApproval: boolean;
}): string {
  const days = Number(policy.maxGrantDuration) / 86400;
  const hours = Number(policy.emergencyWindow) / 3600;
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;
  return (
    `consents last at most ${plural(days, "day")}, emergency windows last ${plural(hours, "hour")}, ` +
    `and patients ${policy.requireHospitalApproval ? "need" : "do not need"} a hospital's approval`
  );
}
