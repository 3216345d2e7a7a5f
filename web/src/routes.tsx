import {
  Component,
  lazy,
  Suspense,
  useEffect,
  useLayoutEffect,
  useRef,
  type ComponentType,
  type FunctionComponent,
  type ReactNode,
} from "react";
import type { AccountRole } from "@lib/chain/ehr";
import { InfoPage } from "./features/home/InfoPage";

/**
 * Pages are loaded when first shown (route-level code splitting): the first screen (connect, sign
 * in) downloads none of them. Once a role's page is shown, the role's other pages are fetched when
 * the browser is idle, so moving between them does not wait on the network.
 */
interface Preloadable {
  /** Starts loading the page's code (once); resolves when it is in. */
  preload(): Promise<unknown>;
}
type LazyPage<Props> = FunctionComponent<Props> & Preloadable;

function lazyPage<Props extends object>(load: () => Promise<ComponentType<Props>>): LazyPage<Props> {
  let loading: Promise<{ default: ComponentType<Props> }> | undefined;
  const preload = () => {
    loading ??= load().then(
      (page) => ({ default: page }),
      (error: unknown) => {
        loading = undefined; // a later visit tries again
        throw error;
      },
    );
    return loading;
  };
  const Page = lazy(preload) as unknown as ComponentType<Props>;
  const Loaded: FunctionComponent<Props> = (props) => (
    <PageLoadError>
      <Suspense fallback={<PageLoading />}>
        <Page {...props} />
      </Suspense>
    </PageLoadError>
  );
  return Object.assign(Loaded, { preload });
}

/**
 * Shown while a page's code loads. Its heading takes the focus the shell gives a new page (App.tsx
 * focuses the page's h1); when the page arrives, the focus moves on to the page's own heading.
 */
function PageLoading() {
  const heading = useRef<HTMLHeadingElement>(null);
  useLayoutEffect(() => {
    const placeholder = heading.current;
    const main = placeholder?.closest("main");
    return () => {
      if (placeholder && document.activeElement === placeholder)
        queueMicrotask(() => main?.querySelector<HTMLElement>("h1")?.focus());
    };
  }, []);
  return (
    <div className="card">
      <h1 ref={heading} tabIndex={-1} className="visually-hidden">
        Loading the page
      </h1>
      <p role="status">Loading…</p>
    </div>
  );
}

/** A page whose code could not be fetched (offline, or the site was updated since it loaded). */
class PageLoadError extends Component<{ children: ReactNode }, { failed: boolean }> {
  state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  render() {
    if (!this.state.failed) return this.props.children;
    return (
      <div className="card">
        <h1 tabIndex={-1}>This page could not be loaded</h1>
        <p role="alert">Check your connection, then reload the page.</p>
        <button type="button" onClick={() => location.reload()}>
          Reload
        </button>
      </div>
    );
  }
}

/** Fetches the pages' code when the browser is idle, after the page showing has rendered. */
function PreloadPages({ pages, children }: { pages: Preloadable[]; children: ReactNode }) {
  useEffect(() => {
    const preload = () => pages.forEach((page) => void page.preload().catch(() => undefined));
    if (typeof requestIdleCallback !== "function") {
      const timer = setTimeout(preload, 1_000);
      return () => clearTimeout(timer);
    }
    const idle = requestIdleCallback(preload, { timeout: 5_000 });
    return () => cancelIdleCallback(idle);
  }, [pages]);
  return children;
}

const DoctorHome = lazyPage(() => import("./features/home/DoctorHome").then((m) => m.DoctorHome));
const PatientHome = lazyPage(() => import("./features/home/PatientHome").then((m) => m.PatientHome));
const PatientOnboarding = lazyPage(() =>
  import("./features/onboarding/PatientOnboarding").then((m) => m.PatientOnboarding),
);
const EmergencySettingsPage = lazyPage(() =>
  import("./features/emergency/EmergencySettingsPage").then((m) => m.EmergencySettingsPage),
);
const ExportPage = lazyPage(() => import("./features/records/ExportPage").then((m) => m.ExportPage));
const GeneralDetailsPage = lazyPage(() =>
  import("./features/records/GeneralDetailsPage").then((m) => m.GeneralDetailsPage),
);
const RecordsPage = lazyPage(() => import("./features/records/RecordsPage").then((m) => m.RecordsPage));
const DoctorAppointments = lazyPage(() =>
  import("./features/appointments/DoctorAppointments").then((m) => m.DoctorAppointments),
);
const FindDoctors = lazyPage(() => import("./features/doctors/FindDoctors").then((m) => m.FindDoctors));
const MyPatients = lazyPage(() => import("./features/chart/MyPatients").then((m) => m.MyPatients));
const OfficeHours = lazyPage(() => import("./features/appointments/OfficeHours").then((m) => m.OfficeHours));
const PatientAppointments = lazyPage(() =>
  import("./features/appointments/PatientAppointments").then((m) => m.PatientAppointments),
);
const RequestAccess = lazyPage(() => import("./features/sharing/RequestAccess").then((m) => m.RequestAccess));
const Sharing = lazyPage(() => import("./features/sharing/Sharing").then((m) => m.Sharing));
const Welcome = lazyPage(() => import("./features/onboarding/Welcome").then((m) => m.Welcome));
const AuditTrail = lazyPage(() => import("./features/activity/AuditTrail").then((m) => m.AuditTrail));
const EmergencyAccess = lazyPage(() => import("./features/emergency/EmergencyAccess").then((m) => m.EmergencyAccess));
const PatientChart = lazyPage(() => import("./features/chart/PatientChart").then((m) => m.PatientChart));
const UploadReport = lazyPage(() => import("./features/records/UploadReport").then((m) => m.UploadReport));
const UploadRecord = lazyPage(() => import("./features/records/UploadRecord").then((m) => m.UploadRecord));
const Activity = lazyPage(() => import("./features/activity/Activity").then((m) => m.Activity));
const Inbox = lazyPage(() => import("./features/inbox/Inbox").then((m) => m.Inbox));
const Messages = lazyPage(() => import("./features/messages/Messages").then((m) => m.Messages));
const FillForm = lazyPage(() => import("./features/forms/FillForm").then((m) => m.FillForm));
const TrendsPage = lazyPage(() => import("./features/trends/TrendsPage").then((m) => m.TrendsPage));

/** One page of a role's home: its path (after `#`), its name in the navigation, and its content. */
export interface RouteDef {
  /**
   * The path after `#`, with parameters: `/chart/:patient?` is `#/chart` and `#/chart/0xabc…`; the
   * page reads them with useRouteParam (hooks/useHashRoute.ts), so a reload or a shared link
   * lands on the same page with the same patient or record.
   */
  path: string;
  label: string;
  render(navigate: (path: string) => void): ReactNode;
  /** Reachable at its path but not listed in the navigation. @default false */
  hidden?: boolean;
  /** The navigation group it is listed under (a heading in the sidebar and the "More" panel). @default none: listed first */
  group?: string;
  /** Also on the phone's bottom bar (at most four per role; the rest are under "More"). @default false */
  primary?: boolean;
}

/** Registration. Its last screen (the key backup) stays put once the role is re-read from the chain. */
const REGISTER: RouteDef = {
  path: "/register",
  label: "Register as a patient",
  render: (navigate) => <PatientOnboarding onRegistered={() => navigate("/")} />,
};
/** The same page in a newly registered account's routes: the screen after the receipt, not in the navigation. */
const AFTER_REGISTER: RouteDef = { ...REGISTER, hidden: true };

const ADMIN_HINT = (
  <p>
    The admin works with the Hardhat tasks, e.g. <code>npx hardhat ehr:status --network localhost</code>; see the
    README.
  </p>
);

/** The routes, each of which, once shown, fetches the code of `pages` when the browser is idle. */
function preloading(pages: Preloadable[], routes: RouteDef[]): RouteDef[] {
  return routes.map((route) => ({
    ...route,
    render: (navigate) => <PreloadPages pages={pages}>{route.render(navigate)}</PreloadPages>,
  }));
}

const PATIENT_PAGES = [
  PatientHome,
  GeneralDetailsPage,
  RecordsPage,
  UploadRecord,
  TrendsPage,
  ExportPage,
  EmergencySettingsPage,
  FindDoctors,
  PatientAppointments,
  Sharing,
  Activity,
  Inbox,
  Messages,
];
const DOCTOR_PAGES = [
  DoctorHome,
  DoctorAppointments,
  OfficeHours,
  MyPatients,
  RequestAccess,
  PatientChart,
  UploadReport,
  FillForm,
  EmergencyAccess,
  AuditTrail,
  Inbox,
  Messages,
];

/** The pages each role sees, in navigation order; the first is the role's home. */
export const ROLE_ROUTES: Record<AccountRole, RouteDef[]> = {
  none: preloading(
    [PatientOnboarding],
    [
      { path: "/", label: "Welcome", render: (navigate) => <Welcome onRegister={() => navigate("/register")} /> },
      REGISTER,
    ],
  ),
  patient: preloading(PATIENT_PAGES, [
    { path: "/", label: "Home", primary: true, render: () => <PatientHome /> },
    { path: "/details", label: "General details", group: "Your record", render: () => <GeneralDetailsPage /> },
    { path: "/records/:record?", label: "Records", group: "Your record", primary: true, render: () => <RecordsPage /> },
    { path: "/upload", label: "Upload a record", group: "Your record", render: () => <UploadRecord /> },
    { path: "/trends", label: "Trends", group: "Your record", render: () => <TrendsPage /> },
    { path: "/export", label: "Export", group: "Your record", render: () => <ExportPage /> },
    { path: "/emergency", label: "Emergency access", group: "Privacy", render: () => <EmergencySettingsPage /> },
    { path: "/doctors", label: "Find a doctor", group: "Care", render: () => <FindDoctors /> },
    {
      path: "/appointments",
      label: "Appointments",
      group: "Care",
      primary: true,
      render: () => <PatientAppointments />,
    },
    { path: "/sharing", label: "Sharing", group: "Privacy", render: () => <Sharing /> },
    { path: "/activity", label: "Activity", group: "Privacy", render: () => <Activity /> },
    { path: "/inbox", label: "Inbox", group: "Care", render: () => <Inbox /> },
    { path: "/messages", label: "Messages", group: "Care", primary: true, render: () => <Messages /> },
    AFTER_REGISTER,
  ]),
  "pending-patient": [
    {
      path: "/",
      label: "Home",
      render: () => (
        <InfoPage title="Registration pending">
          <p>Your registration is waiting for a hospital&apos;s approval. This page updates once it is approved.</p>
        </InfoPage>
      ),
    },
    AFTER_REGISTER,
  ],
  doctor: preloading(DOCTOR_PAGES, [
    { path: "/", label: "Home", primary: true, render: () => <DoctorHome /> },
    {
      path: "/appointments",
      label: "Appointments",
      group: "Schedule",
      primary: true,
      render: () => <DoctorAppointments />,
    },
    { path: "/office-hours", label: "Office hours", group: "Schedule", render: () => <OfficeHours /> },
    { path: "/patients", label: "My patients", group: "Patients", primary: true, render: () => <MyPatients /> },
    { path: "/request-access/:patient?", label: "Request access", group: "Patients", render: () => <RequestAccess /> },
    { path: "/chart/:patient?", label: "Patient chart", group: "Patients", render: () => <PatientChart /> },
    { path: "/upload", label: "Upload a report", group: "Records", render: () => <UploadReport /> },
    { path: "/forms", label: "Fill a form", group: "Records", render: () => <FillForm /> },
    {
      path: "/emergency-access/:patient?",
      label: "Emergency access",
      group: "Patients",
      render: () => <EmergencyAccess />,
    },
    { path: "/audit", label: "My audit trail", group: "Records", render: () => <AuditTrail /> },
    { path: "/inbox", label: "Inbox", group: "Messages", render: () => <Inbox /> },
    { path: "/messages", label: "Messages", group: "Messages", primary: true, render: () => <Messages /> },
  ]),
  suspended: [
    {
      path: "/",
      label: "Home",
      render: () => (
        <InfoPage title="Account suspended">
          <p>
            Your doctor account is suspended: all access to patient records has ended. Contact the system&apos;s
            administrator.
          </p>
        </InfoPage>
      ),
    },
  ],
  hospital: [
    {
      path: "/",
      label: "Home",
      render: () => (
        <InfoPage title="Hospital operator">
          <p>This account operates a hospital. Hospitals approve patient registrations when the policy asks for it.</p>
          {ADMIN_HINT}
        </InfoPage>
      ),
    },
  ],
  admin: [
    {
      path: "/",
      label: "Home",
      render: () => <InfoPage title="Administrator">{ADMIN_HINT}</InfoPage>,
    },
  ],
};
