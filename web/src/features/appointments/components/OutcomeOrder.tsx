import { useAppointmentOutcome } from "../hooks/useAppointmentOutcome";
import { useQueryErrorBanner } from "../../../hooks/useQueryErrorBanner";

/** The lines a patient reads of a prescription or a test order. */
function orderLines(order: fhir4.MedicationRequest | fhir4.ServiceRequest): [string, string][] {
  if (order.resourceType === "ServiceRequest") {
    const loinc = order.code?.coding?.[0]?.code;
    return [
      ["Test", `${order.code?.text ?? "Test"}${loinc ? ` (LOINC ${loinc})` : ""}`],
      ["Reason", order.reasonCode?.map((r) => r.text).join(", ") ?? ""],
      ["Priority", order.priority ?? "routine"],
    ];
  }
  const dosage = order.dosageInstruction?.[0];
  const lines: [string, string][] = [
    ["Medication", order.medicationCodeableConcept?.text ?? ""],
    ["How to take it", dosage?.text ?? ""],
  ];
  if (dosage?.patientInstruction) lines.push(["Instructions", dosage.patientInstruction]);
  // The prescriber's override of an allergy warning, and the warnings they saw (lib/fhir/orders).
  const notes = order.note?.map((n) => n.text).filter(Boolean) ?? [];
  if (notes.length) lines.push(["Allergy check", notes.join(" ")]);
  return lines;
}

/**
 * A completed appointment's outcome, decrypted for its patient: the prescription or test order.
 * Until the key is unlocked it says so; a failure goes to the error banner.
 */
export function OutcomeOrder({ index, label }: { index: number; label: string }) {
  const outcome = useAppointmentOutcome(index);
  useQueryErrorBanner(outcome.error);
  if (outcome.isError) return <p className="muted">The {label.toLowerCase()} could not be opened.</p>;
  if (!outcome.data) {
    return outcome.fetchStatus === "fetching" ? (
      <p role="status">Opening the {label.toLowerCase()}…</p>
    ) : (
      <p className="muted">Unlock your key on Home to see the {label.toLowerCase()}.</p>
    );
  }
  return (
    <dl className="outcome" aria-label={label}>
      {orderLines(outcome.data).map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
