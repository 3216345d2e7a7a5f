import { emergencyReasonLabel } from "../../components/emergencyReasons";
import { formatWhen } from "../../components/clinicalFormat";
import { RecordRef } from "../../components/RecordRef";
import { useWallet } from "../../ehr/useEhr";
import { OlderEntries } from "../../components/OlderEntries";
import { useAccessEvents } from "../../hooks/useAccessEvents";
import "../../components/clinical.css";
import { PatientName } from "../../components/PatientName";
import { AccessTable } from "../../components/AccessTable";

/** The doctor's own trail from the chain: every logged read and every emergency window opened. */
export function AuditTrail() {
  const { address } = useWallet();
  const events = useAccessEvents(address ? { doctor: address } : undefined);
  return (
    <>
      <h1 tabIndex={-1}>My audit trail</h1>
      <p>
        Every record you read and every emergency access you opened, as it was recorded for good. Patients see the same
        entries.
      </p>
      {events.isPending ? (
        <p role="status">Reading your trail from the chain…</p>
      ) : events.isError ? (
        <p role="alert">Your audit trail could not be read from the chain.</p>
      ) : !events.data?.length ? (
        <p>
          {events.since === undefined
            ? "You have not read any patient's records yet."
            : "You have not read any patient's records lately."}
        </p>
      ) : (
        <AccessTable
          caption="Your accesses, newest first"
          rows={events.data}
          rowKey={(e) => e.key}
          columns={[
            { header: "When", cell: (e) => formatWhen(e.at) },
            { header: "Patient", cell: (e) => <PatientName address={e.patient} /> },
            {
              header: "What",
              cell: (e) =>
                e.kind === "read" ? (
                  <>
                    Read {e.summaryOnly ? "the summary of " : ""}
                    <RecordRef patient={e.patient} index={e.index} />
                  </>
                ) : (
                  `Opened emergency access (${emergencyReasonLabel(e.reasonCode)}) until ${formatWhen(e.expiresAt)}`
                ),
            },
            { header: "Under", cell: (e) => (e.kind === "read" && e.basis === "Grant" ? "Grant" : "Emergency") },
          ]}
        />
      )}
      <OlderEntries events={events} />
    </>
  );
}
