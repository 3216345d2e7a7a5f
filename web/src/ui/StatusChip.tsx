import "./ui.css";
import { Ban, CalendarCheck, CircleCheckBig, CircleX, Hourglass, type LucideIcon } from "lucide-react";

/** The five states of an appointment, as the contract names them. */
export type AppointmentStatus = "Booked" | "Confirmed" | "Completed" | "Cancelled" | "Declined";

const ICONS: Record<AppointmentStatus, LucideIcon> = {
  Booked: Hourglass,
  Confirmed: CalendarCheck,
  Completed: CircleCheckBig,
  Cancelled: Ban,
  Declined: CircleX,
};

/** An appointment's status: its own icon, colour and word (text contrast >= 7:1 on each). */
export function StatusChip({ status, label }: { status: AppointmentStatus; label?: string }) {
  const Icon = ICONS[status];
  return (
    <span className="status" data-status={status}>
      <Icon className="icon" aria-hidden="true" />
      {label ?? status}
    </span>
  );
}
