import {
  parseEventLogs,
  type ContractFunctionArgs,
  type ContractFunctionName,
  type PublicClient,
  type TransactionReceipt,
  type WalletClient,
  zeroHash,
} from "viem";
import { AccessBasisNames, contractConstants, ehrCoreAbi, PatientStatus } from "../../deployments/contracts";
import { toChainError } from "./toChainError";
import { writeContract, type WriteStage } from "./writeContract";
import { ChainError, ContractRevertedError } from "../errors";
import type { Address, Hex } from "viem";

export { toChainError } from "./toChainError";
export type { WriteStage } from "./writeContract";

/** Record flag bits (IRecordRegistry.Record.flags). */
export const RecordFlags = {
  HasSummary: contractConstants.FLAG_HAS_SUMMARY,
  Superseded: contractConstants.FLAG_SUPERSEDED,
  Amendment: contractConstants.FLAG_AMENDMENT,
} as const;

/** IAccessLog.AccessBasis, in declaration order. */
export const ACCESS_BASES = AccessBasisNames;
export type AccessBasisName = (typeof ACCESS_BASES)[number];

/** A record as the chain knows it: the slot plus the pointers of its `RecordAdded` event. */
export interface ChainRecord {
  index: number;
  author: Address;
  category: number;
  flags: number;
  blockNumber: number;
  /** Index of the record this one amends; meaningful only with the Amendment flag. */
  supersedes: number;
  envelopeHash: Hex;
  cid: string;
  summaryHash?: Hex;
  summaryCid?: string;
}

type RecordSlot = { author: Address; category: number; flags: number; blockNumber: number; supersedes: number };

/** Wraps any failure of a read into ChainError (reverts decoded by name). */
async function read<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toChainError(error, what);
  }
}

/** The `RecordAdded` event of one record, found with a one-block log query. */
async function recordEvent(
  publicClient: PublicClient,
  core: Address,
  patient: Address,
  index: number,
  slot: RecordSlot,
) {
  const logs = await read("read the record's pointers", () =>
    publicClient.getContractEvents({
      address: core,
      abi: ehrCoreAbi,
      eventName: "RecordAdded",
      args: { patient, index: BigInt(index) },
      fromBlock: BigInt(slot.blockNumber),
      toBlock: BigInt(slot.blockNumber),
      strict: true,
    }),
  );
  const log = logs[0];
  if (!log) {
    throw new ChainError("The record's details could not be found on the chain.", {
      details: `no RecordAdded event for index ${index} in block ${slot.blockNumber}`,
    });
  }
  return log.args;
}

async function withEvent(
  publicClient: PublicClient,
  core: Address,
  patient: Address,
  index: number,
  slot: RecordSlot,
): Promise<ChainRecord> {
  const event = await recordEvent(publicClient, core, patient, index, slot);
  const record: ChainRecord = {
    index,
    author: slot.author,
    category: Number(slot.category),
    flags: Number(slot.flags),
    blockNumber: Number(slot.blockNumber),
    supersedes: Number(slot.supersedes),
    envelopeHash: event.envelopeHash,
    cid: event.cid,
  };
  if (event.summaryHash !== zeroHash && event.summaryCid !== "") {
    record.summaryHash = event.summaryHash;
    record.summaryCid = event.summaryCid;
  }
  return record;
}

/** The number of records of `patient`. */
export async function recordCount(publicClient: PublicClient, core: Address, patient: Address): Promise<number> {
  const count = await read("count the records", () =>
    publicClient.readContract({ address: core, abi: ehrCoreAbi, functionName: "recordCount", args: [patient] }),
  );
  return Number(count);
}

/** One record with its event data. ChainError (RecordUnknown) past the end. */
export async function readChainRecord(
  publicClient: PublicClient,
  core: Address,
  patient: Address,
  index: number,
): Promise<ChainRecord> {
  const slot = await read("read the record", () =>
    publicClient.readContract({
      address: core,
      abi: ehrCoreAbi,
      functionName: "recordOf",
      args: [patient, BigInt(index)],
    }),
  );
  return withEvent(publicClient, core, patient, index, slot);
}

/**
 * Up to `limit` records from `offset`, oldest first, each resolved from its block's `RecordAdded`
 * event (one log query per record: O(page), whatever the chain's length).
 */
export async function readRecordPage(
  publicClient: PublicClient,
  core: Address,
  patient: Address,
  offset: number,
  limit: number,
): Promise<ChainRecord[]> {
  const page = await read("read the record list", () =>
    publicClient.readContract({
      address: core,
      abi: ehrCoreAbi,
      functionName: "recordsPage",
      args: [patient, BigInt(offset), BigInt(limit)],
    }),
  );
  return Promise.all(page.map((slot, i) => withEvent(publicClient, core, patient, offset + i, slot)));
}

/** The 33-byte compressed encryption key of `account`, or undefined when it has none. */
export async function encryptionKeyOf(
  publicClient: PublicClient,
  core: Address,
  account: Address,
): Promise<Hex | undefined> {
  const [key] = await read("read an encryption key", () =>
    publicClient.readContract({ address: core, abi: ehrCoreAbi, functionName: "encryptionKeyOf", args: [account] }),
  );
  return key === "0x" ? undefined : key;
}

/** The emergency custodian's compressed key, or undefined when not yet published. */
export async function custodianKey(publicClient: PublicClient, core: Address): Promise<Hex | undefined> {
  const [key] = await read("read the custodian key", () =>
    publicClient.readContract({ address: core, abi: ehrCoreAbi, functionName: "custodianKey" }),
  );
  return key === "0x" ? undefined : key;
}

/** What an account is on the chain, for sessions and access checks. */
export type AccountRole = "admin" | "hospital" | "doctor" | "suspended" | "patient" | "pending-patient" | "none";

/**
 * The role of `account` read from the chain now (never cached: a suspension takes effect on the
 * next request). An account holds one status on the core (patient, doctor or hospital); the admin
 * role is separate and reported first.
 */
export async function roleOf(publicClient: PublicClient, core: Address, account: Address): Promise<AccountRole> {
  const contract = { address: core, abi: ehrCoreAbi } as const;
  const [activeDoctor, patient, admin, hospitalId] = await read("read the account's role", () =>
    Promise.all([
      publicClient.readContract({ ...contract, functionName: "isActiveDoctor", args: [account] }),
      publicClient.readContract({ ...contract, functionName: "patient", args: [account] }),
      publicClient.readContract({ ...contract, functionName: "hasRole", args: [zeroHash, account] }),
      publicClient.readContract({ ...contract, functionName: "hospitalIdOf", args: [account] }),
    ]),
  );
  if (admin) return "admin";
  if (activeDoctor) return "doctor";
  if (hospitalId !== 0) return "hospital";
  // IPatientRegistry.PatientStatus: None, Pending, Active.
  if (patient.status === PatientStatus.Active) return "patient";
  if (patient.status === PatientStatus.Pending) return "pending-patient";
  // Neither: a suspended doctor (doctor() answers) or nobody (doctor() reverts DoctorUnknown).
  try {
    await publicClient.readContract({ ...contract, functionName: "doctor", args: [account] });
    return "suspended";
  } catch (error) {
    const mapped = toChainError(error, "read the account's role");
    if (mapped instanceof ContractRevertedError && mapped.errorName === "DoctorUnknown") return "none";
    throw mapped;
  }
}

/** Whether `patient` opted out of emergency access. */
export async function emergencyOptedOut(publicClient: PublicClient, core: Address, patient: Address): Promise<boolean> {
  const view = await read("read the patient", () =>
    publicClient.readContract({ address: core, abi: ehrCoreAbi, functionName: "patient", args: [patient] }),
  );
  return view.emergencyOptOut;
}

/** Whether `doctor`'s current grant from `patient` covers `category`. */
export async function isAuthorized(
  publicClient: PublicClient,
  core: Address,
  patient: Address,
  doctor: Address,
  category: number,
): Promise<boolean> {
  return read("check a grant", () =>
    publicClient.readContract({
      address: core,
      abi: ehrCoreAbi,
      functionName: "isAuthorized",
      args: [patient, doctor, category],
    }),
  );
}

/** Whether `doctor` has an open emergency window on `patient` now (the contract also requires an active doctor). */
export async function hasEmergencyAccess(
  publicClient: PublicClient,
  core: Address,
  patient: Address,
  doctor: Address,
): Promise<boolean> {
  return read("check emergency access", () =>
    publicClient.readContract({
      address: core,
      abi: ehrCoreAbi,
      functionName: "hasEmergencyAccess",
      args: [patient, doctor],
    }),
  );
}

/** What `logAccess` would allow now, without logging. */
export async function accessBasisOf(
  publicClient: PublicClient,
  core: Address,
  patient: Address,
  reader: Address,
  index: number,
  summaryOnly: boolean,
): Promise<AccessBasisName> {
  const basis = await read("check access", () =>
    publicClient.readContract({
      address: core,
      abi: ehrCoreAbi,
      functionName: "accessBasis",
      args: [patient, reader, BigInt(index), summaryOnly],
    }),
  );
  return ACCESS_BASES[basis] ?? "None";
}

type CoreWriteName = ContractFunctionName<typeof ehrCoreAbi, "nonpayable">;

/** `writeContract` on the EhrCore: simulate, sign, wait, decode a refusal through the error catalogue. */
export function writeCore<const name extends CoreWriteName>(
  clients: { publicClient: PublicClient; walletClient: WalletClient; core: Address },
  functionName: name,
  args: ContractFunctionArgs<typeof ehrCoreAbi, "nonpayable", name>,
  action: string,
  onStage?: (stage: WriteStage, detail?: string) => void,
): Promise<{ txHash: Hex; receipt: TransactionReceipt }> {
  return writeContract(clients, { address: clients.core, abi: ehrCoreAbi, functionName, args }, action, onStage);
}

/** The decoded EhrCore events of a receipt. */
export function coreEvents(receipt: TransactionReceipt, core: Address) {
  return parseEventLogs({ abi: ehrCoreAbi, logs: receipt.logs }).filter(
    (log) => log.address.toLowerCase() === core.toLowerCase(),
  );
}
