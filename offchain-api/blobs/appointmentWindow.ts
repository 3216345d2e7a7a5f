import { appointmentBookAbi, AppointmentStatus, contractConstants, ehrCoreAbi } from "../../deployments/contracts";
import { toChainError } from "../../lib/chain/ehr";
import type { Address } from "viem";
import { sameAddress } from "../../lib/records/context";
import type { ApiServices } from "../services";

const SLOT = contractConstants.SLOT_DURATION;
/** How long after the slot ends its doctor may still add records. */
const WRITE_UP = contractConstants.APPOINTMENT_WRITE_UP;

/**
 * Whether `doctor` is active and has a confirmed appointment with `patient` whose write window is open now (from
 * the slot's start to 24 hours after its end, judged by the latest block's time): the window in
 * which `addAppointmentRecord` lets the doctor add a record without a grant, so the service stores
 * that record's envelopes and keys too. One calendar-page read covers the whole window.
 */
export async function hasAppointmentWindow(
  services: Pick<ApiServices, "publicClient" | "core">,
  patient: Address,
  doctor: Address,
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
    const now = Number(block.timestamp);
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
