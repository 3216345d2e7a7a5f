import "../ui/ui.css";
import {
  CalendarDays,
  ClipboardList,
  ClipboardPen,
  Clock,
  Download,
  Ellipsis,
  FileText,
  FileUp,
  History,
  House,
  IdCard,
  Inbox,
  MessageSquare,
  ScrollText,
  Share2,
  ShieldAlert,
  Siren,
  Stethoscope,
  TrendingUp,
  UserPlus,
  Users,
  type LucideIcon,
} from "lucide-react";

/** Each page's icon in the navigation, by the first segment of its path (same icon in both roles). */
const ICONS: Record<string, LucideIcon> = {
  "": House,
  details: IdCard,
  records: FileText,
  upload: FileUp,
  trends: TrendingUp,
  export: Download,
  emergency: ShieldAlert,
  doctors: Stethoscope,
  appointments: CalendarDays,
  sharing: Share2,
  activity: History,
  inbox: Inbox,
  messages: MessageSquare,
  "office-hours": Clock,
  patients: Users,
  "request-access": UserPlus,
  register: UserPlus,
  chart: ClipboardList,
  forms: ClipboardPen,
  "emergency-access": Siren,
  audit: ScrollText,
  more: Ellipsis,
};

/**
 * A navigation icon (decorative: the label beside it names the link). Loaded apart from MainNav so
 * the first screen's code does not carry the icons.
 */
export default function NavIcon({ path }: { path: string }) {
  const Icon = ICONS[path.split("/")[1]?.split(":")[0] ?? ""] ?? FileText;
  return <Icon className="nav-icon" aria-hidden="true" />;
}
