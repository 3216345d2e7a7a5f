import { useId, type ReactNode } from "react";
import { reconcile, type SummarySource } from "@lib/clinical/reconcile";
import type { GeneralDetails } from "@lib/fhir/generalDetails";
import { ageInYears, calendarDate } from "@lib/localTime";
import type { StoredSummary } from "@lib/summary/stored";
import { ReconciledAllergies, ReconciledMedications } from "../features/reconcile/components/ReconciledList";

export interface EmergencyCardProps {
  /** The card's heading. @default "Emergency card" */
  title?: string;
  details?: GeneralDetails;
  /** Every readable summary, with the record it belongs to. */
  summaries: SummarySource[];
  /** Shown at the card's foot (what could not be read, a button to read again). */
  children?: ReactNode;
}

/** The distinct entries of several lists (case-insensitive), first spelling kept, order kept. */
function merge(...lists: string[][]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const text of lists.flat()) {
    const key = text.trim().toLowerCase();
    if (!key || seen.has(key)) continue;
    seen.add(key);
    out.push(text.trim());
  }
  return out;
}

/** "ABO and Rh group [Type] in Blood: O-", as lib/summary writes a blood-group Observation. */
const BLOOD_GROUP_ITEM = /^ABO and Rh group\b.*:\s*(AB|A|B|O)\s*([+-])$/i;

/** The blood group of the newest summary that states one (summaries come oldest first). */
function bloodGroupFromSummaries(summaries: StoredSummary[]): string | undefined {
  for (const s of [...summaries].reverse())
    for (const item of [...s.summary.results].reverse()) {
      const m = item.negated ? null : BLOOD_GROUP_ITEM.exec(item.text.trim());
      if (m) return `${m[1].toUpperCase()}${m[2]}`;
    }
  return undefined;
}

/** " (age 42)", or nothing when the date of birth gives no age. */
function aged(dateOfBirth: string): string {
  const age = ageInYears(dateOfBirth);
  return age === undefined ? "" : ` (age ${age})`;
}

function Facts({ items, none }: { items: string[]; none: string }) {
  return items.length ? (
    <ul>
      {items.map((text) => (
        <li key={text}>{text}</li>
      ))}
    </ul>
  ) : (
    <p>{none}</p>
  );
}

/**
 * What a doctor needs in the first seconds: the reconciled allergies first (confirmed from every
 * source, severe first, then what notes mention unconfirmed), blood group, who to call, the
 * reconciled medications and the conditions, from the patient's general details and every
 * readable summary (negated lines, such as "denies chest pain", are left out; the blood group
 * falls back to the newest summary's ABO/Rh result, e.g. a vital signs form).
 */
export function EmergencyCard({ title = "Emergency card", details, summaries, children }: EmergencyCardProps) {
  const id = useId();
  const stored = summaries.map((s) => s.stored);
  const list = reconcile({ details, summaries });
  const conditions = stored.flatMap((s) => s.summary.conditions.filter((i) => !i.negated).map((i) => i.text));
  const fromResults = details?.bloodGroup ? undefined : bloodGroupFromSummaries(stored);
  const bloodGroup = fromResults ? `${fromResults} (from the latest test result)` : undefined;
  return (
    <section className="card emergency-card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {details ? (
        <p>
          <strong>{details.fullName}</strong>
          {details.dateOfBirth ? `, born ${calendarDate(details.dateOfBirth)}${aged(details.dateOfBirth)}` : ""}
          {details.gender ? `, ${details.gender}` : ""}
        </p>
      ) : (
        <p>No general details could be read for this patient.</p>
      )}
      <div className="emergency-allergies">
        <ReconciledAllergies list={list} />
      </div>
      <section aria-labelledby={`${id}-blood`}>
        <h3 id={`${id}-blood`}>Blood group</h3>
        <p>{details?.bloodGroup ?? bloodGroup ?? "Not recorded."}</p>
      </section>
      <section aria-labelledby={`${id}-contacts`}>
        <h3 id={`${id}-contacts`}>Emergency contacts</h3>
        {details?.emergencyContacts.length ? (
          <ul>
            {details.emergencyContacts.map((c, i) => (
              <li key={i}>
                {c.name}
                {c.relationship ? ` (${c.relationship})` : ""}
                {c.phone ? (
                  <>
                    {": "}
                    <a href={`tel:${c.phone.replace(/[^0-9+]/g, "")}`}>{c.phone}</a>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        ) : (
          <p>None recorded.</p>
        )}
      </section>
      <ReconciledMedications list={list} />
      <section aria-labelledby={`${id}-conditions`}>
        <h3 id={`${id}-conditions`}>Conditions</h3>
        <Facts items={merge(details?.chronicConditions ?? [], conditions)} none="None recorded." />
      </section>
      {children}
    </section>
  );
}
