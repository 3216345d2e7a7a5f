import type { Address } from "viem";
import { DoctorName } from "../../components/DoctorName";

/**
 * The other party of a conversation: a doctor's public name for a patient (DoctorName), the
 * patient's account for a doctor (patients have no public name: that is the point).
 */
export function PartyName({ address, isDoctor }: { address: Address; isDoctor: boolean }) {
  return isDoctor ? <DoctorName address={address} /> : <code title={address}>{address}</code>;
}

/** "record 3" for the patient (their list counts from 1), "record #2" for the doctor's chart. */
export function recordLabel(index: number, viewerIsPatient: boolean): string {
  return viewerIsPatient ? `record ${index + 1}` : `record #${index}`;
}
