import "./ui.css";
import { Ban, CalendarCheck, Circle, CircleCheckBig, CircleX, Hourglass, type LucideIcon } from "lucide-react";

/** The five states of an appointment, as the contract names them. */
export type AppointmentStatus = "Booked" | "Confirmed" | "Completed" | "Cancelled" | "Declined";

const ICONS: Record<AppointmentStatus, LucideIcon> = {
  Booked: Hourglass,
  Confirmed: CalendarCheck,
  Completed: CircleCheckBig,
  Cancelled: Ban,
  Declined: CircleX,
};

/**
 * An appointment's status: its own icon, colour and word (text contrast >= 7:1 on each). Any other
 * word (the contract's "None") shows grey with a plain circle.
 */
export function StatusChip({ status, label }: { status: AppointmentStatus | (string & {}); label?: string }) {
  const Icon = ICONS[status as AppointmentStatus] ?? Circle;
  return (
    <span className="status" data-status={status}>
      <Icon className="icon" aria-hidden="true" />
      {label ?? status}
    </span>
  );
}
