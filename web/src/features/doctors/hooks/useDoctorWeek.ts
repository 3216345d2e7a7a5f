import { useQuery } from "@tanstack/react-query";
import { appointmentBookAbi } from "@deployments/contracts";
import type { Address } from "viem";
import { useWallet } from "../../../ehr/useEhr";
import { contractConstants } from "@deployments/contracts";

const SLOT = contractConstants.SLOT_DURATION;
const DAY = 24 * 60 * 60;
/** Statuses that hold a slot: Booked (1) and Confirmed (2). */
const HOLDING = new Set([1, 2]);

/** One offered 30-minute slot in the coming week. */
export interface WeekSlot {
  /** Unix seconds, UTC. */
  start: number;
  free: boolean;
}

/**
 * The weekday (0 Monday .. 6 Sunday) of a UTC day, as the book's weekly schedule indexes it
 * (1970-01-01 was a Thursday).
 */
function weekday(dayStart: number): number {
  return (Math.floor(dayStart / DAY) + 3) % 7;
}

/**
 * A doctor's slots for the seven days from today (UTC), from their published weekly availability,
 * each marked free or taken by one calendar page (doctorAppointmentsPage). Past slots are left out.
 */
export function useDoctorWeek(doctor: Address | undefined) {
  const { publicClient, book, onRightChain } = useWallet();
  return useQuery({
    queryKey: ["doctor-week", book, doctor],
    enabled: onRightChain && doctor !== undefined,
    queryFn: async (): Promise<WeekSlot[]> => {
      // The chain's clock decides what is past (it may run ahead of this computer's).
      const block = await publicClient.getBlock({ blockTag: "latest" });
      const now = Math.max(Math.floor(Date.now() / 1000), Number(block.timestamp));
      const today = now - (now % DAY);
      const contract = { address: book, abi: appointmentBookAbi } as const;
      const [schedule, taken] = await Promise.all([
        publicClient.readContract({ ...contract, functionName: "weeklyAvailability", args: [doctor!] }),
        publicClient.readContract({
          ...contract,
          functionName: "doctorAppointmentsPage",
          args: [doctor!, today, BigInt(contractConstants.MAX_CALENDAR_SLOTS)],
        }),
      ]);
      const held = new Set(taken.filter((a) => HOLDING.has(a.status)).map((a) => Number(a.start)));
      const slots: WeekSlot[] = [];
      for (let d = 0; d < 7; d++) {
        const dayStart = today + d * DAY;
        // uint48 decodes as a number in viem; BigInt keeps all 48 bits in the shifts below.
        const bits = BigInt(schedule[weekday(dayStart)] ?? 0);
        for (let s = 0; s < 48; s++) {
          const start = dayStart + s * SLOT;
          if (((bits >> BigInt(s)) & 1n) === 1n && start > now) slots.push({ start, free: !held.has(start) });
        }
      }
      return slots;
    },
  });
}
