import { useQuery } from "@tanstack/react-query";
import { ehrCoreAbi } from "@deployments/contracts";
import { readPatientAppointments } from "@lib/chain/appointmentEvents";
import { useWallet } from "../ehr/useEhr";
import { floorBlockFor } from "./useAccessEvents";

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

/**
 * The connected patient's appointments in date order, soonest first (a slot booked again after a
 * decline or cancellation after its earlier booking), from the book's events indexed by patient
 * (lib/chain/appointmentEvents.ts: the book keeps no per-patient list on-chain), each with its
 * current status; a completed one's outcome record (a prescription or test order) is looked up
 * with recordOf for its category. Public chain data only; the record's content stays encrypted.
 */
export function usePatientAppointments() {
  const { publicClient, book, core, address, onRightChain, runtime } = useWallet();
  return useQuery({
    queryKey: ["patient-appointments", book, address],
    enabled: onRightChain && address !== undefined,
    queryFn: async (): Promise<PatientAppointment[]> => {
      const floorBlock = floorBlockFor(runtime.chainId, core);
      const entries = (await readPatientAppointments(publicClient, book, address!, { floorBlock })).sort(
        (a, b) => a.start - b.start || a.seq - b.seq,
      );
      return Promise.all(
        entries.map(async (a): Promise<PatientAppointment> => {
          const row: PatientAppointment = { doctor: a.doctor, start: a.start, seq: a.seq, status: a.status };
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
          return row;
        }),
      );
    },
  });
}
