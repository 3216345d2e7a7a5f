import { ehrCoreAbi } from "@deployments/contracts";
import { contractWriteHook } from "./contractWriteHook";

/** A typed EhrCore write: simulated, signed, mined, with its stages reported. */
export const useCoreWrite = contractWriteHook(ehrCoreAbi, (ehr) => ehr.core);
