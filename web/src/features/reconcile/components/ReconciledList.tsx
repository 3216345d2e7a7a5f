import type { Mention, ReconciledList as List, StoppedMention } from "@lib/clinical/reconcile";
import { isSevere } from "@lib/clinical/allergyCheck";
import { genericNameOf } from "@lib/summary/drugNames";
import "./reconcile.css";

/** "anaphylaxis, severe" for an allergy, "20 mg, daily" for a medication; "" when nothing is stated. */
const details = (...parts: (string | null)[]) => parts.filter(Boolean).join(", ");

/** Where a stop comes from, in words: "record 3 says “Stop atorvastatin”", "record 2 marks it stopped". */
const stopWords = (stop: StoppedMention) =>
  stop.sentence
    ? `${stop.record ?? "a report"} says “${stop.sentence}”`
    : `${stop.record ?? "a record"} marks it stopped, finished or not taken`;

/** A drug's name, and its generic names when the name does not say them: "Coumadin (warfarin)". */
function DrugName({ name, Tag = "span" }: { name: string; Tag?: "span" | "strong" }) {
  const generic = genericNameOf(name);
  return (
    <>
      <Tag className={Tag === "span" ? "mention-name" : undefined}>{name}</Tag>
      {generic ? <span className="generic-name"> ({generic})</span> : null}
    </>
  );
}

/** Beside a current medication that a report stops: the reader checks before relying on it. */
function StoppedFlag({ stop }: { stop?: StoppedMention }) {
  if (!stop) return null;
  return <span className="reconciled-stopped"> Check: {stopWords(stop)}.</span>;
}

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
            <DrugName name={m.name} />
            {details(m.reaction, m.severity) ? ` (${details(m.reaction, m.severity)})` : ""}
            <span className="mention-source">
              {" "}
              — {m.record ? `${m.record} says` : "the note says"} “{m.sentence}”
            </span>
            <StoppedFlag stop={m.stoppedBy} />
          </li>
        ))}
      </ul>
    </div>
  );
}

type Heading = "h2" | "h3" | "h4";

/** One reconciled entry: its name, what is stated about it, and the records it comes from. */
interface Entry {
  name: string;
  details: string;
  sources: string[];
  severe?: boolean;
  stoppedBy?: StoppedMention;
}

type Title = "Allergies" | "Medications";

/** What a section shows: the confirmed entries (or, when none, the sentence saying so), then the mentions. */
interface Section {
  entries: Entry[];
  empty: string;
  mentions: Mention[];
  mentionsTitle: string;
  /** Medications: what records stop that is listed nowhere above. */
  stops?: StoppedMention[];
}

const SECTIONS: Record<Title, (list: List) => Section> = {
  Allergies: (list) => ({
    entries: list.allergies.map((a) => ({
      name: a.substance,
      details: details(a.reaction, a.severity),
      sources: a.sources,
      severe: isSevere(a),
    })),
    empty: list.noKnownAllergies ? "No known allergies." : "No confirmed allergies recorded.",
    mentions: list.allergyMentions,
    mentionsTitle: "Mentioned in notes, not confirmed",
  }),
  Medications: (list) => ({
    entries: list.medications.map((m) => ({
      name: m.name,
      details: details(m.dose, m.frequency),
      sources: m.sources,
      stoppedBy: m.stoppedBy,
    })),
    empty: list.noMedications ? "Takes no medications." : "No confirmed medications recorded.",
    mentions: list.medicationMentions,
    mentionsTitle: "Medications mentioned in notes, not confirmed",
    stops: list.stoppedMedications ?? [],
  }),
};

interface SectionProps {
  list: List;
  Heading?: Heading;
}

/** A reconciled list under its heading, the confirmed entries first, then the unconfirmed mentions. */
function ReconciledSection({ list, Heading = "h3", title }: SectionProps & { title: Title }) {
  const { entries, empty, mentions, mentionsTitle, stops = [] } = SECTIONS[title](list);
  return (
    <section className={`reconciled reconciled-${title.toLowerCase()}`} aria-label={title}>
      <Heading>{title}</Heading>
      {entries.length ? (
        <ul aria-label={`Confirmed ${title.toLowerCase()}`}>
          {entries.map((e) => (
            <li key={e.name} className={e.severe ? "allergy-severe" : undefined}>
              <DrugName name={e.name} Tag="strong" />
              {e.details ? ` — ${e.details}` : ""}
              <span className="reconciled-source"> ({e.sources.join("; ")})</span>
              <StoppedFlag stop={e.stoppedBy} />
            </li>
          ))}
        </ul>
      ) : (
        <p>{empty}</p>
      )}
      <MentionList mentions={mentions} title={mentionsTitle} />
      {stops.length ? (
        <div className="mentions">
          <p className="mentions-title">
            <strong>Stopped or not taken, as records say</strong>
          </p>
          <ul aria-label="Stopped or not taken, as records say">
            {stops.map((stop) => (
              <li key={stop.name}>
                <DrugName name={stop.name} />
                <span className="mention-source"> — {stopWords(stop)}</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}

/** The reconciled allergies, severe first, reaction and severity beside each; then the unconfirmed mentions. */
export function ReconciledAllergies(props: SectionProps) {
  return <ReconciledSection {...props} title="Allergies" />;
}

/** The reconciled current medications with dose and frequency; then the unconfirmed mentions. */
export function ReconciledMedications(props: SectionProps) {
  return <ReconciledSection {...props} title="Medications" />;
}
