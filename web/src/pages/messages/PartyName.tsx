import type { Address } from "viem";
import { DoctorName } from "../../components/DoctorName";

/**
 * The other party of a conversation: a doctor's public name for a patient (DoctorName), the
 * patient's account for a doctor (patients have no public name: that is the point).
 */
export function PartyName({ address, isDoctor }: { address: Address; isDoctor: boolean }) {
  return isDoctor ? <DoctorName address={address} /> : <code title={address}>{address}</code>;
}
