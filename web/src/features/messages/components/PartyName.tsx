import type { Address } from "viem";
import { DoctorName } from "../../../components/DoctorName";
import { PatientName } from "../../../components/PatientName";

/**
 * The other party of a conversation: a doctor's public name for a patient (DoctorName), and for a
 * doctor the name the patient shared on her sealed card (PatientName; patients have no public name).
 */
export function PartyName({ address, isDoctor }: { address: Address; isDoctor: boolean }) {
  return isDoctor ? <DoctorName address={address} /> : <PatientName address={address} />;
}
