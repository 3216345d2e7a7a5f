import type { PublicClient } from "viem";
import { encryptionKeyOf } from "../chain/ehr";
import type { Address, Hex } from "viem";
import { FormatError } from "../errors";

/**
 * The two participants' registered encryption keys, read from the chain (KeyDirectory; a patient's
 * is set by PatientRegistry at registration), for `sealMessage`'s `publicKeys`.
 * FormatError when either has no key yet: nobody could read the message.
 */
export async function participantKeys(
  publicClient: PublicClient,
  core: Address,
  patient: Address,
  doctor: Address,
): Promise<{ patient: Hex; doctor: Hex }> {
  const [patientKey, doctorKey] = await Promise.all([
    encryptionKeyOf(publicClient, core, patient),
    encryptionKeyOf(publicClient, core, doctor),
  ]);
  if (!patientKey || !doctorKey) {
    throw new FormatError(`The ${patientKey ? "doctor" : "patient"} has no registered encryption key yet.`);
  }
  return { patient: patientKey, doctor: doctorKey };
}
