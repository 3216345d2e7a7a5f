import type { ReactNode } from "react";
import type { AccountRole } from "@lib/chain/ehr";
import { DoctorHome } from "./pages/DoctorHome";
import { InfoPage } from "./pages/InfoPage";
import { PatientHome } from "./pages/PatientHome";
import { PatientOnboarding } from "./pages/PatientOnboarding";
import { EmergencySettingsPage } from "./pages/patient/EmergencySettingsPage";
import { ExportPage } from "./pages/patient/ExportPage";
import { GeneralDetailsPage } from "./pages/patient/GeneralDetailsPage";
import { RecordsPage } from "./pages/patient/RecordsPage";
import { DoctorAppointments } from "./pages/care/DoctorAppointments";
import { FindDoctors } from "./pages/care/FindDoctors";
import { MyPatients } from "./pages/care/MyPatients";
import { OfficeHours } from "./pages/care/OfficeHours";
import { PatientAppointments } from "./pages/care/PatientAppointments";
import { RequestAccess } from "./pages/care/RequestAccess";
import { Sharing } from "./pages/care/Sharing";
import { Welcome } from "./pages/Welcome";
import { AuditTrail } from "./pages/doctor/AuditTrail";
import { EmergencyAccess } from "./pages/doctor/EmergencyAccess";
import { PatientChart } from "./pages/doctor/PatientChart";
import { UploadReport } from "./pages/doctor/UploadReport";
import { UploadRecord } from "./pages/patient/UploadRecord";
import { Activity } from "./pages/patient/Activity";
import { Inbox } from "./pages/inbox/Inbox";
import { Messages } from "./pages/messages/Messages";
import { FillForm } from "./pages/doctor/FillForm";
import { TrendsPage } from "./pages/patient/TrendsPage";

/** One page of a role's home: its path (after `#`), its name in the navigation, and its content. */
export interface RouteDef {
  path: string;
  label: string;
  render(navigate: (path: string) => void): ReactNode;
  /** Reachable at its path but not listed in the navigation. @default false */
  hidden?: boolean;
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

/** The pages each role sees, in navigation order; the first is the role's home. */
export const ROLE_ROUTES: Record<AccountRole, RouteDef[]> = {
  none: [
    { path: "/", label: "Welcome", render: (navigate) => <Welcome onRegister={() => navigate("/register")} /> },
    REGISTER,
  ],
  patient: [
    { path: "/", label: "Home", render: () => <PatientHome /> },
    { path: "/details", label: "General details", render: () => <GeneralDetailsPage /> },
    { path: "/records", label: "Records", render: () => <RecordsPage /> },
    { path: "/upload", label: "Upload a record", render: () => <UploadRecord /> },
    { path: "/trends", label: "Trends", render: () => <TrendsPage /> },
    { path: "/export", label: "Export", render: () => <ExportPage /> },
    { path: "/emergency", label: "Emergency access", render: () => <EmergencySettingsPage /> },
    { path: "/doctors", label: "Doctors", render: () => <FindDoctors /> },
    { path: "/appointments", label: "Appointments", render: () => <PatientAppointments /> },
    { path: "/sharing", label: "Sharing", render: () => <Sharing /> },
    { path: "/activity", label: "Activity", render: () => <Activity /> },
    { path: "/inbox", label: "Inbox", render: () => <Inbox /> },
    { path: "/messages", label: "Messages", render: () => <Messages /> },
    AFTER_REGISTER,
  ],
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
  doctor: [
    { path: "/", label: "Home", render: () => <DoctorHome /> },
    { path: "/appointments", label: "Appointments", render: () => <DoctorAppointments /> },
    { path: "/office-hours", label: "Office hours", render: () => <OfficeHours /> },
    { path: "/patients", label: "My patients", render: () => <MyPatients /> },
    { path: "/request-access", label: "Request access", render: () => <RequestAccess /> },
    { path: "/chart", label: "Patient chart", render: () => <PatientChart /> },
    { path: "/upload", label: "Upload a report", render: () => <UploadReport /> },
    { path: "/forms", label: "Fill a form", render: () => <FillForm /> },
    { path: "/emergency-access", label: "Emergency access", render: () => <EmergencyAccess /> },
    { path: "/audit", label: "My audit trail", render: () => <AuditTrail /> },
    { path: "/inbox", label: "Inbox", render: () => <Inbox /> },
    { path: "/messages", label: "Messages", render: () => <Messages /> },
  ],
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
