import { useQuery } from "@tanstack/react-query";
import { appointmentBookAbi } from "@deployments/contracts";
import { useWallet } from "../ehr/useEhr";

const DAY = 86_400;
/** Calendar pages read: one week back (to complete recent ones) and four weeks ahead. */
const WEEKS_BACK = 1;
const WEEKS_AHEAD = 4;

/** One booking in the doctor's calendar. */
export interface DoctorAppointment {
  start: number;
  patient: `0x${string}`;
  seq: number;
  /** IAppointmentBook.AppointmentStatus. */
  status: number;
  outcomeRecord: number;
}

/**
 * The connected doctor's bookings from a week ago to four weeks ahead, oldest first, from
 * doctorAppointmentsPage (one read per week, the contract's MAX_CALENDAR_SLOTS).
 */
export function useDoctorAppointments() {
  const { publicClient, book, address, onRightChain } = useWallet();
  return useQuery({
    queryKey: ["doctor-appointments", book, address],
    enabled: onRightChain && address !== undefined,
    queryFn: async (): Promise<DoctorAppointment[]> => {
      const now = Math.floor(Date.now() / 1000);
      const from = now - (now % DAY) - WEEKS_BACK * 7 * DAY;
      const weeks = Array.from({ length: WEEKS_BACK + WEEKS_AHEAD }, (_, i) => from + i * 7 * DAY);
      const pages = await Promise.all(
        weeks.map((start) =>
          publicClient.readContract({
            address: book,
            abi: appointmentBookAbi,
            functionName: "doctorAppointmentsPage",
            args: [address!, start, 7n * 48n],
          }),
        ),
      );
      return pages.flat().map((a) => ({
        start: Number(a.start),
        patient: a.patient,
        seq: a.seq,
        status: a.status,
        outcomeRecord: a.outcomeRecord,
      }));
    },
  });
}
