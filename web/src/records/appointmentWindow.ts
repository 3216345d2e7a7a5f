import type { Address, PublicClient } from "viem";
import { contractConstants, ehrCoreAbi } from "@deployments/contracts";
import { toChainError } from "@lib/chain/toChainError";

const SLOT = contractConstants.SLOT_DURATION;
const WRITE_UP = contractConstants.APPOINTMENT_WRITE_UP;

/**
 * Whether a confirmed appointment starting at `start` takes records at `now` (unix seconds): the
 * chain's rule in addAppointmentRecord, from the slot's start until the write-up time after its end.
 */
export function isWriteWindowOpen(start: number, now: number): boolean {
  return start <= now && now <= start + SLOT + WRITE_UP;
}

/**
 * Asks the chain, before anything is encrypted or uploaded, whether `doctor` may file a record of
 * `category` under the appointment starting at `start`: addAppointmentRecord simulated at the
 * pending block with placeholder pointers. A refusal throws the error catalogue's sentence
 * (toChainError), e.g. that the write-up window is not open.
 */
export async function checkAppointmentWrite(
  clients: { publicClient: PublicClient; core: Address },
  doctor: Address,
  start: number,
  category: number,
): Promise<void> {
  const placeholder = {
    category,
    envelopeHash: `0x${"11".repeat(32)}` as const,
    cid: "bafkreiplaceholder",
    summaryHash: `0x${"00".repeat(32)}` as const,
    summaryCid: "",
  };
  try {
    await clients.publicClient.simulateContract({
      address: clients.core,
      abi: ehrCoreAbi,
      functionName: "addAppointmentRecord",
      args: [start, placeholder],
      account: doctor,
      blockTag: "pending",
    });
  } catch (error) {
    throw toChainError(error, "file the record under this appointment");
  }
}
