import { appointmentBookAbi, ehrCoreAbi } from "../../deployments/contracts";
import { roleOf, toChainError } from "../../lib/chain/ehr";
import type { Address } from "viem";
import type { ApiServices } from "../services";
import { hasCurrentGrant } from "../blobs/access";
import { AppointmentStatus } from "../../deployments/contracts";

type ChainServices = Pick<ApiServices, "publicClient" | "core">;

/** IAppointmentBook.AppointmentStatus values that keep a conversation open: Booked, Confirmed, Completed. */
const OPEN_STATUSES = new Set<number>([
  AppointmentStatus.Booked,
  AppointmentStatus.Confirmed,
  AppointmentStatus.Completed,
]);

/** The AppointmentBook the core names (fixed at deployment), read once per service. */
const books = new WeakMap<object, Promise<Address>>();
function appointmentBookOf(services: ChainServices): Promise<Address> {
  let book = books.get(services);
  if (!book) {
    book = services.publicClient
      .readContract({ address: services.core, abi: ehrCoreAbi, functionName: "appointmentBook" })
      .catch((error: unknown) => {
        books.delete(services);
        throw toChainError(error, "find the appointment book");
      }) as Promise<Address>;
    books.set(services, book);
  }
  return book;
}

/** Whether `doctor` has a booked, confirmed or completed appointment with `patient` at `start`. */
async function hasAppointment(services: ChainServices, patient: Address, doctor: Address, start: number) {
  const book = await appointmentBookOf(services);
  try {
    const appointment = await services.publicClient.readContract({
      address: book,
      abi: appointmentBookAbi,
      functionName: "appointmentOf",
      args: [doctor, start],
    });
    return appointment.patient.toLowerCase() === patient.toLowerCase() && OPEN_STATUSES.has(Number(appointment.status));
  } catch (error) {
    throw toChainError(error, "check the appointment");
  }
}

async function isActive(services: ChainServices, functionName: "isActivePatient" | "isActiveDoctor", account: Address) {
  try {
    return await services.publicClient.readContract({
      address: services.core,
      abi: ehrCoreAbi,
      functionName,
      args: [account],
    });
  } catch (error) {
    throw toChainError(error, "check the account");
  }
}

/**
 * Why `patient` and `doctor` may not exchange a new message now, or undefined when they may: both
 * active (a suspended doctor is refused), and a current grant from the patient (whichever side
 * asked for it) or, when the sender names its start, an appointment between them that is booked,
 * confirmed or completed (not cancelled or declined). Read from the chain on every send: O(1) calls
 * (at most six), whatever the number of appointments.
 */
export async function messagingRefusal(
  services: ChainServices,
  patient: Address,
  doctor: Address,
  appointmentStart?: number,
): Promise<string | undefined> {
  const [patientActive, doctorActive] = await Promise.all([
    isActive(services, "isActivePatient", patient),
    isActive(services, "isActiveDoctor", doctor),
  ]);
  if (!patientActive) return "The patient of this conversation is not a registered patient.";
  if (!doctorActive) {
    return (await roleOf(services.publicClient, services.core, doctor)) === "suspended"
      ? "This doctor's account is suspended, so no new messages can be sent."
      : "The doctor of this conversation is not an active doctor.";
  }
  if (await hasCurrentGrant(services, patient, doctor)) return undefined;
  if (appointmentStart !== undefined && (await hasAppointment(services, patient, doctor, appointmentStart))) {
    return undefined;
  }
  return appointmentStart === undefined
    ? "There is no current access grant between you, so no new messages can be sent (name your appointment if you have one)."
    : "There is no current access grant or open appointment between you, so no new messages can be sent.";
}
