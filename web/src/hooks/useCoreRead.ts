import { ehrCoreAbi } from "@deployments/contracts";
import { contractReadHook } from "./contractReadHook";

/** A typed read of the EhrCore, from the generated ABI. Disabled off the right network. */
export const useCoreRead = contractReadHook(ehrCoreAbi, (ehr) => ehr.core);
