import { useQuery } from "@tanstack/react-query";
import { appointmentBookAbi, ehrCoreAbi } from "@deployments/contracts";
import { useEhr } from "../ehr/useEhr";

/** One of the patient's bookings, with its outcome record's category when the doctor attached one. */
export interface PatientAppointment {
  doctor: `0x${string}`;
  start: number;
  seq: number;
  /** IAppointmentBook.AppointmentStatus. */
  status: number;
  /** The outcome record's index (0-based), when there is one. */
  outcomeIndex?: number;
  outcomeCategory?: number;
}

const PAGE = 100n;

/**
 * The connected patient's appointments, newest first (patientAppointmentsPage), each with its
 * current status; a completed one's outcome record (a prescription or test order) is looked up
 * with recordOf for its category. Public chain data only; the record's content stays encrypted.
 */
export function usePatientAppointments() {
  const { publicClient, book, core, address, onRightChain } = useEhr();
  return useQuery({
    queryKey: ["patient-appointments", book, address],
    enabled: onRightChain && address !== undefined,
    queryFn: async (): Promise<PatientAppointment[]> => {
      const count = (await publicClient.readContract({
        address: book,
        abi: appointmentBookAbi,
        functionName: "patientAppointmentCount",
        args: [address!],
      })) as bigint;
      const rows: PatientAppointment[] = [];
      for (let offset = 0n; offset < count; offset += PAGE) {
        const page = await publicClient.readContract({
          address: book,
          abi: appointmentBookAbi,
          functionName: "patientAppointmentsPage",
          args: [address!, offset, PAGE],
        });
        for (const a of page) {
          const row: PatientAppointment = { doctor: a.doctor, start: Number(a.start), seq: a.seq, status: a.status };
          if (a.outcomeRecord > 0) {
            const record = await publicClient.readContract({
              address: core,
              abi: ehrCoreAbi,
              functionName: "recordOf",
              args: [address!, BigInt(a.outcomeRecord - 1)],
            });
            row.outcomeIndex = a.outcomeRecord - 1;
            row.outcomeCategory = record.category;
          }
          rows.push(row);
        }
      }
      return rows.reverse();
    },
  });
}
