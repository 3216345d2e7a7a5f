import { zeroHash, type PublicClient, type Address } from "viem";
import { ehrCoreAbi, PatientStatus } from "../../deployments/contracts";
import { toChainError } from "./toChainError";
import { ContractRevertedError } from "../errors";
import { readOrFail } from "./readOrFail";

/** What an account is on the chain, for sessions and access checks. */
export type AccountRole = "admin" | "hospital" | "doctor" | "suspended" | "patient" | "pending-patient" | "none";

/**
 * The role of `account` read from the chain as of its latest block (the service answers a read at
 * most once per block, lib/chain/perBlockReads.ts: a suspension takes effect on the first request
 * after the block that mines it). An account holds one status on the core (patient, doctor or hospital); the admin
 * role is separate and reported first.
 */
export async function roleOf(publicClient: PublicClient, core: Address, account: Address): Promise<AccountRole> {
  const contract = { address: core, abi: ehrCoreAbi } as const;
  const [activeDoctor, patient, admin, hospitalId] = await readOrFail("read the account's role", () =>
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

/** Whether `account` is registered as a patient now, active or pending (one read, whatever else it is). */
export async function isRegisteredPatient(
  publicClient: PublicClient,
  core: Address,
  account: Address,
): Promise<boolean> {
  const patient = await readOrFail("read the patient's registration", () =>
    publicClient.readContract({ address: core, abi: ehrCoreAbi, functionName: "patient", args: [account] }),
  );
  return patient.status !== PatientStatus.None;
}

/** Whether `account` is an active doctor now (one read; an admin who is also a doctor is one too). */
export async function isActiveDoctor(publicClient: PublicClient, core: Address, account: Address): Promise<boolean> {
  return readOrFail("read the doctor's status", () =>
    publicClient.readContract({ address: core, abi: ehrCoreAbi, functionName: "isActiveDoctor", args: [account] }),
  );
}
