import { plainObservation } from "@lib/clinical/plainText";
import { summarizeFhirBundle } from "@lib/summary/summarizeFhirBundle";
import type { Item } from "@lib/summary/types";
import type { StoredSummary, SummaryReview } from "@lib/summary/stored";

/** The summary's sections in the order an emergency needs them. */
const SECTIONS = [
  ["allergies", "Allergies"],
  ["medications", "Medications"],
  ["conditions", "Conditions"],
  ["procedures", "Procedures"],
  ["results", "Key results"],
  ["vitals", "Vital signs"],
  ["plan", "Plan"],
] as const;

/** Vital signs and results of FHIR records read as words ("Temperature 36.8 °C"), not as LOINC and UCUM codes. */
const MEASURED = new Set(["vitals", "results"]);

function ItemList({ items, measured, reviewed = [] }: { items: Item[]; measured: boolean; reviewed?: number[] }) {
  return (
    <ul className="summary-items">
      {items.map((item, i) => (
        <li key={i} title={item.section ? `From: ${item.section}` : undefined}>
          {item.negated ? <span className="negated">No: </span> : null}
          {measured ? plainObservation(item.text) : item.text}
          {reviewed.includes(i) ? <span className="summary-reviewed"> (reviewed at upload)</span> : null}
        </li>
      ))}
    </ul>
  );
}

const words = (...parts: (string | null | undefined)[]) => parts.filter(Boolean).join(", ");

/** What the author confirmed when saving, first: it is what the emergency card shows as confirmed. */
function Confirmed({ review, H }: { review: SummaryReview; H: "h3" | "h4" }) {
  const back = summarizeFhirBundle(review.confirmed);
  const lines = [
    ...back.allergies.map(
      (i) => `Allergy: ${i.text}${i.allergy ? ` — ${words(i.allergy.reaction, i.allergy.severity)}` : ""}`,
    ),
    ...back.medications.map(
      (i) => `Medication: ${i.text}${i.medication ? ` — ${words(i.medication.dose, i.medication.frequency)}` : ""}`,
    ),
  ].map((line) => line.replace(/ — $/, ""));
  return (
    <section className="summary-section summary-confirmed">
      <H>Confirmed by the author at upload</H>
      {lines.length ? (
        <ul className="summary-items">
          {lines.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      ) : (
        <p>Nothing confirmed; the items below marked reviewed were removed.</p>
      )}
    </section>
  );
}

/**
 * A clinical summary: each field the report states (allergies first; "No known allergies" when it
 * says so), and the narrative with the engine that wrote it. Empty fields are left out: the
 * summary never says what the report does not.
 */
export function SummaryView({ stored, headingLevel = 3 }: { stored: StoredSummary; headingLevel?: 3 | 4 }) {
  const { summary, narrative } = stored;
  const H = headingLevel === 3 ? "h3" : "h4";
  // Beside the current medications: what the report stops (or marks stopped, finished or not taken)
  // and the discharge list, never mixed into them.
  const fields: { field: string; label: string; items: Item[]; reviewable?: "allergies" | "medications" }[] = [];
  for (const [field, label] of SECTIONS) {
    const reviewable = field === "allergies" || field === "medications" ? field : undefined;
    fields.push({ field, label, items: summary[field], reviewable });
    if (field !== "medications") continue;
    fields.push({ field: "stopped", label: "Not taken now", items: summary.stoppedMedications ?? [] });
    fields.push({ field: "discharge", label: "Discharge medications", items: summary.dischargeMedications ?? [] });
  }
  const shown = fields.filter(({ items }) => items.length > 0);
  return (
    <div className="summary">
      {summary.noKnownAllergies && summary.allergies.length === 0 ? (
        <p className="summary-nka">
          <strong>Allergies:</strong> no known allergies.
        </p>
      ) : null}
      {shown.length === 0 && !summary.noKnownAllergies ? (
        <p>The summarizer found no allergies, medications, conditions, procedures, results or plan in this report.</p>
      ) : null}
      {stored.review ? <Confirmed review={stored.review} H={H} /> : null}
      {shown.map(({ field, label, items, reviewable }) => (
        <section key={field} className={`summary-section summary-${field}`}>
          <H>{label}</H>
          {field === "stopped" ? (
            <p className="summary-note">
              Stopped, finished or not taken, as the report says: not a current medication.
            </p>
          ) : null}
          <ItemList
            items={items}
            measured={stored.source === "fhir" && MEASURED.has(field)}
            reviewed={reviewable ? stored.review?.reviewed[reviewable] : undefined}
          />
        </section>
      ))}
      {narrative ? (
        <section className="summary-section">
          <H>Narrative</H>
          <p>{narrative.text}</p>
        </section>
      ) : null}
      <p className="summary-engine">
        Summary made automatically ({summary.engine}): every line of its lists is taken from the report.
        {narrative
          ? ` The narrative was written by a language model (${narrative.engine}): check it against the report.`
          : ""}
      </p>
    </div>
  );
}
