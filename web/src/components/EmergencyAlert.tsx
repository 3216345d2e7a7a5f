import "../features/inbox/inbox.css";
import { Siren } from "lucide-react";
import { useBrowserNotifications } from "../hooks/useBrowserNotifications";
import { useFocusOn } from "../hooks/useFocusOn";
import { useInbox } from "../hooks/useInbox";
import { useUnseenEmergencies } from "../hooks/useUnseenEmergencies";
import { formatWhen } from "./clinicalFormat";
import { Button } from "../ui/Button";
import { DoctorName } from "./DoctorName";

/**
 * On every page: a prominent banner, announced at once, while an emergency access opened on the
 * patient is unread (except on a page that shows it itself: the patient's Home, whose emergency card
 * carries the same acknowledgement); and the system notifications for new inbox items once the user
 * allowed them.
 */
export function EmergencyAlert({
  shownByPage = false,
}: {
  /** The page shows unseen emergencies itself: no banner. @default false */
  shownByPage?: boolean;
}) {
  const { enabled, inbox, isLoading } = useInbox();
  useBrowserNotifications(inbox, enabled && !isLoading);
  const { unseen: urgent, markAllSeen } = useUnseenEmergencies();
  const newest = urgent[0]?.id;
  const ref = useFocusOn<HTMLDivElement>(newest, newest !== undefined && !shownByPage);
  if (!urgent.length || shownByPage) return null;
  return (
    <div className="banner banner-urgent" role="alert" tabIndex={-1} ref={ref} data-testid="emergency-banner">
      <Siren className="icon banner-icon" aria-hidden="true" />
      <p>
        <strong>Emergency access to your records was opened</strong> by <DoctorName address={urgent[0].actor} /> on{" "}
        {formatWhen(new Date(urgent[0].at))}.
        {urgent.length > 1 ? ` ${urgent.length - 1} more emergency access${urgent.length > 2 ? "es" : ""} too.` : ""}{" "}
        The administrator reviews every emergency access; see <a href="#/activity">Activity</a> for what was read.
      </p>
      <Button onPress={markAllSeen}>I have seen this</Button>
    </div>
  );
}
