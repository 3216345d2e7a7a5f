import { useMemo } from "react";
import type { Address } from "viem";
import { useConsents } from "../../../hooks/useConsents";
import { useDoctorAppointments } from "../../../hooks/useDoctorAppointments";
import { usePatientAppointments } from "../../../hooks/usePatientAppointments";
import { useWallet } from "../../../ehr/useEhr";
import { AppointmentStatus } from "@deployments/contracts";

/** IAppointmentBook.AppointmentStatus values the service accepts for messaging: Booked, Confirmed, Completed. */
const OPEN_STATUSES = new Set<number>([
  AppointmentStatus.Booked,
  AppointmentStatus.Confirmed,
  AppointmentStatus.Completed,
]);

/** Someone the connected user may write to now, and how the service will check it. */
export interface MessagingPartner {
  account: Address;
  /** A current grant from the patient to the doctor. */
  granted: boolean;
  /** Unix seconds of an open appointment between them: sent along, so the service can check it. */
  appointmentStart?: number;
}

/**
 * The accounts the connected patient or doctor may message now (offchain-api/messages/
 * relationship.ts): a live grant, or a booked, confirmed or completed appointment, whose start the
 * service needs. Read from the same chain hooks as the care pages; the service decides on each send.
 */
export function useMessagingPartners() {
  const { role } = useWallet();
  const side = role === "patient" ? "patient" : "doctor";
  const consents = useConsents(side);
  const patientAppointments = usePatientAppointments();
  const doctorAppointments = useDoctorAppointments();
  const appointments = side === "patient" ? patientAppointments : doctorAppointments;

  const partners = useMemo(() => {
    const byAccount = new Map<string, MessagingPartner>();
    const entry = (account: Address) => {
      const key = account.toLowerCase();
      if (!byAccount.has(key)) byAccount.set(key, { account, granted: false });
      return byAccount.get(key)!;
    };
    for (const g of consents.data?.grants ?? []) entry(side === "patient" ? g.doctor : g.patient).granted = true;
    const rows =
      side === "patient"
        ? (patientAppointments.data ?? []).map((a) => ({ account: a.doctor, start: a.start, status: a.status }))
        : (doctorAppointments.data ?? []).map((a) => ({ account: a.patient, start: a.start, status: a.status }));
    for (const a of rows) {
      if (!OPEN_STATUSES.has(Number(a.status))) continue;
      const p = entry(a.account);
      // The latest open appointment: the one most likely to stay open.
      if (p.appointmentStart === undefined || a.start > p.appointmentStart) p.appointmentStart = a.start;
    }
    return [...byAccount.values()];
  }, [consents.data, patientAppointments.data, doctorAppointments.data, side]);

  return {
    partners,
    /** The partner entry of `account`, if they may be written to now. */
    find: (account: Address) => partners.find((p) => p.account.toLowerCase() === account.toLowerCase()),
    isSuccess: consents.isSuccess && appointments.isSuccess,
    refetch: () => Promise.all([consents.refetch(), appointments.refetch()]),
  };
}
