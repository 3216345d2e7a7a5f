import { appointmentBookAbi, AppointmentStatus, contractConstants, ehrCoreAbi } from "../../deployments/contracts";
import { toChainError } from "../../lib/chain/ehr";
import type { Address } from "viem";
import { sameAddress } from "../../lib/records/context";
import type { ApiServices } from "../services";

const SLOT = contractConstants.SLOT_DURATION;
/** How long after the slot ends its doctor may still add records. */
const WRITE_UP = contractConstants.APPOINTMENT_WRITE_UP;

/**
 * Whether `doctor` is active and has a confirmed appointment with `patient` whose write window is
 * open (from the slot's start to 24 hours after its end): the window in which
 * `addAppointmentRecord` lets the doctor add a record without a grant, so the service stores that
 * record's envelopes and keys too. One calendar-page read covers the whole window.
 *
 * The window is judged as the chain will judge the record: at the block it will be mined in, whose
 * time is at least this service's clock (anvil and Besu stamp a new block with the wall clock) and
 * at least the latest block's. The latest block's time alone is from before an idle chain's last
 * block: an upload filed just after a slot started would be refused while the chain takes the record.
 */
export async function hasAppointmentWindow(
  services: Pick<ApiServices, "publicClient" | "core">,
  patient: Address,
  doctor: Address,
  /** This service's clock, in milliseconds since the epoch. */
  clock: () => number = Date.now,
): Promise<boolean> {
  const { publicClient, core } = services;
  try {
    const [active, book, block] = await Promise.all([
      // The chain's addAppointmentRecord takes a record only from an active doctor: a suspended one has no window.
      publicClient.readContract({ address: core, abi: ehrCoreAbi, functionName: "isActiveDoctor", args: [doctor] }),
      publicClient.readContract({ address: core, abi: ehrCoreAbi, functionName: "appointmentBook" }),
      publicClient.getBlock({ blockTag: "latest" }),
    ]);
    if (!active) return false;
    const now = Math.max(Number(block.timestamp), Math.floor(clock() / 1000));
    const from = now - WRITE_UP - SLOT;
    const fromStart = from - (from % SLOT);
    const page = await publicClient.readContract({
      address: book,
      abi: appointmentBookAbi,
      functionName: "doctorAppointmentsPage",
      args: [doctor, fromStart, BigInt(Math.floor((now - fromStart) / SLOT) + 1)],
    });
    return page.some(
      (a) =>
        a.status === AppointmentStatus.Confirmed &&
        sameAddress(a.patient, patient) &&
        a.start <= now &&
        now <= a.start + SLOT + WRITE_UP,
    );
  } catch (error) {
    throw toChainError(error, "check an appointment");
  }
}
