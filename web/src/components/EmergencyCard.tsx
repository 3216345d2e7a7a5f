import type { GeneralDetails } from "@lib/fhir/generalDetails";
import type { StoredSummary } from "./storedSummary";

export interface EmergencyCardProps {
  details?: GeneralDetails;
  summaries: StoredSummary[];
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
 * What a doctor needs in the first seconds: allergies first, then blood group, who to call,
 * medications and conditions, from the patient's general details and every readable summary
 * (negated lines, such as "denies chest pain", are left out; the blood group falls back to the
 * newest summary's ABO/Rh result, e.g. a vital signs form). Says plainly when nothing is known.
 */
export function EmergencyCard({ details, summaries }: EmergencyCardProps) {
  const positive = (field: "allergies" | "medications" | "conditions") =>
    summaries.flatMap((s) => s.summary[field].filter((i) => !i.negated).map((i) => i.text));
  const allergies = merge(details?.allergies ?? [], positive("allergies"));
  const fromResults = details?.bloodGroup ? undefined : bloodGroupFromSummaries(summaries);
  const bloodGroup = fromResults ? `${fromResults} (from the latest test result)` : undefined;
  const noKnown = allergies.length === 0 && summaries.some((s) => s.summary.noKnownAllergies);
  return (
    <section className="card emergency-card" aria-labelledby="emergency-card-title">
      <h2 id="emergency-card-title">Emergency card</h2>
      {details ? (
        <p>
          <strong>{details.fullName}</strong>
          {details.dateOfBirth ? `, born ${details.dateOfBirth}` : ""}
          {details.gender ? `, ${details.gender}` : ""}
        </p>
      ) : (
        <p>No general details could be read for this patient.</p>
      )}
      <section className="emergency-allergies" aria-labelledby="ec-allergies">
        <h3 id="ec-allergies">Allergies</h3>
        <Facts items={allergies} none={noKnown ? "No known allergies." : "None recorded."} />
      </section>
      <section aria-labelledby="ec-blood">
        <h3 id="ec-blood">Blood group</h3>
        <p>{details?.bloodGroup ?? bloodGroup ?? "Not recorded."}</p>
      </section>
      <section aria-labelledby="ec-contacts">
        <h3 id="ec-contacts">Emergency contacts</h3>
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
      <section aria-labelledby="ec-meds">
        <h3 id="ec-meds">Medications</h3>
        <Facts items={merge(details?.currentMedications ?? [], positive("medications"))} none="None recorded." />
      </section>
      <section aria-labelledby="ec-conditions">
        <h3 id="ec-conditions">Conditions</h3>
        <Facts items={merge(details?.chronicConditions ?? [], positive("conditions"))} none="None recorded." />
      </section>
    </section>
  );
}
