import { appointmentBookAbi } from "@deployments/contracts";
import { contractWriteHook } from "./contractWriteHook";

/** A typed AppointmentBook write: simulated, signed, mined, with its stages reported. */
export const useBookWrite = contractWriteHook(appointmentBookAbi, (ehr) => ehr.book);
