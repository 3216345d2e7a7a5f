import type { Mention, ReconciledList as List } from "@lib/clinical/reconcile";
import { isSevere } from "@lib/clinical/allergyCheck";
import "./reconcile.css";

/** "anaphylaxis, severe" for an allergy, "20 mg, daily" for a medication; "" when nothing is stated. */
const details = (...parts: (string | null)[]) => parts.filter(Boolean).join(", ");

function MentionList({ mentions, title }: { mentions: Mention[]; title: string }) {
  if (mentions.length === 0) return null;
  return (
    <div className="mentions">
      <p className="mentions-title">
        <strong>{title}</strong>
      </p>
      <ul aria-label={title}>
        {mentions.map((m) => (
          <li key={m.name}>
            <span className="mention-name">{m.name}</span>
            {details(m.reaction, m.severity) ? ` (${details(m.reaction, m.severity)})` : ""}
            <span className="mention-source">
              {" "}
              — {m.record ? `${m.record} says` : "the note says"} “{m.sentence}”
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

type Heading = "h2" | "h3" | "h4";

/** The reconciled allergies, severe first, reaction and severity beside each; then the unconfirmed mentions. */
export function ReconciledAllergies({ list, Heading = "h3" }: { list: List; Heading?: Heading }) {
  return (
    <section className="reconciled reconciled-allergies" aria-label="Allergies">
      <Heading>Allergies</Heading>
      {list.allergies.length ? (
        <ul aria-label="Confirmed allergies">
          {list.allergies.map((a) => (
            <li key={a.substance} className={isSevere(a) ? "allergy-severe" : undefined}>
              <strong>{a.substance}</strong>
              {details(a.reaction, a.severity) ? ` — ${details(a.reaction, a.severity)}` : ""}
              <span className="reconciled-source"> ({a.sources.join("; ")})</span>
            </li>
          ))}
        </ul>
      ) : (
        <p>{list.noKnownAllergies ? "No known allergies." : "No confirmed allergies recorded."}</p>
      )}
      <MentionList mentions={list.allergyMentions} title="Mentioned in notes, not confirmed" />
    </section>
  );
}

/** The reconciled current medications with dose and frequency; then the unconfirmed mentions. */
export function ReconciledMedications({ list, Heading = "h3" }: { list: List; Heading?: Heading }) {
  return (
    <section className="reconciled reconciled-medications" aria-label="Medications">
      <Heading>Medications</Heading>
      {list.medications.length ? (
        <ul aria-label="Confirmed medications">
          {list.medications.map((m) => (
            <li key={m.name}>
              <strong>{m.name}</strong>
              {details(m.dose, m.frequency) ? ` — ${details(m.dose, m.frequency)}` : ""}
              <span className="reconciled-source"> ({m.sources.join("; ")})</span>
            </li>
          ))}
        </ul>
      ) : (
        <p>{list.noMedications ? "Takes no medications." : "No confirmed medications recorded."}</p>
      )}
      <MentionList mentions={list.medicationMentions} title="Medications mentioned in notes, not confirmed" />
    </section>
  );
}
