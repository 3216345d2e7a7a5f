import { appointmentBookAbi } from "@deployments/contracts";
import { contractReadHook } from "./contractReadHook";

/** A typed read of the AppointmentBook, from the generated ABI. Disabled off the right network. */
export const useBookRead = contractReadHook(appointmentBookAbi, (ehr) => ehr.book);
