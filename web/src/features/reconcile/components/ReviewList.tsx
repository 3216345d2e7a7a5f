import { Check, Pencil, Plus, Trash2, Undo2 } from "lucide-react";
import { useId, useState } from "react";
import {
  ALLERGY_SEVERITIES,
  entryProblem,
  newAllergy,
  newMedication,
  type AllergyEntry,
  type MedicationEntry,
  type ReviewDraft,
  type ReviewStatus,
} from "@lib/clinical/review";
import { Button } from "../../../ui/Button";
import { SelectField } from "../../../ui/SelectField";
import { TextField } from "../../../ui/TextField";
import "./reconcile.css";

type Kind = "allergies" | "medications";
type Entry = AllergyEntry | MedicationEntry;

/** The fields of one kind of entry: the first names it; `options` makes a select. */
const FIELDS: Record<Kind, { key: string; label: string; options?: readonly string[] }[]> = {
  allergies: [
    { key: "substance", label: "Substance" },
    { key: "reaction", label: "Reaction" },
    { key: "severity", label: "Severity", options: ["", ...ALLERGY_SEVERITIES] },
  ],
  medications: [
    { key: "name", label: "Medication" },
    { key: "dose", label: "Dose" },
    { key: "frequency", label: "Frequency" },
  ],
};

const STATUS_WORDS: Record<ReviewStatus, string> = { pending: "To review", accepted: "Confirmed", removed: "Removed" };

const fieldOf = (entry: Entry, key: string) => (entry as unknown as Record<string, string>)[key] ?? "";
const nameOf = (kind: Kind, entry: Entry) => fieldOf(entry, FIELDS[kind][0].key).trim();

/** "anaphylaxis · severe", "20 mg · daily": what the entry says besides its name. */
function detailsOf(kind: Kind, entry: Entry): string {
  return FIELDS[kind]
    .slice(1)
    .map((f) => fieldOf(entry, f.key).trim())
    .filter(Boolean)
    .join(" · ");
}

/** One entry: its line and buttons, or its fields while being edited (problems beside them). */
function EntryRow({
  kind,
  entry,
  onChange,
  startEditing,
}: {
  kind: Kind;
  entry: Entry;
  onChange(next: Entry | undefined): void;
  startEditing: boolean;
}) {
  const id = useId();
  const [editing, setEditing] = useState<Entry | undefined>(startEditing ? entry : undefined);
  const [problem, setProblem] = useState<{ field: string; message: string }>();
  const name = nameOf(kind, entry) || "the new entry";
  const added = entry.from === undefined;

  if (editing) {
    const accept = () => {
      const found = entryProblem(editing);
      setProblem(found);
      if (found) {
        document.getElementById(`${id}-${found.field}`)?.focus();
        return;
      }
      setEditing(undefined);
      onChange({ ...editing, status: "accepted" });
    };
    const cancel = () => {
      setEditing(undefined);
      setProblem(undefined);
      if (added && entry.status === "pending") onChange(undefined); // an added entry never accepted goes away
    };
    return (
      <li className="review-entry review-editing">
        <fieldset>
          <legend>
            {added && entry.status === "pending"
              ? `Add ${kind === "allergies" ? "an allergy" : "a medication"}`
              : `Edit ${name}`}
          </legend>
          {entry.sentence ? <p className="review-sentence">From the report: “{entry.sentence}”</p> : null}
          <div className="review-fields">
            {FIELDS[kind].map((f) => {
              const fieldId = `${id}-${f.key}`;
              const error = problem?.field === f.key ? problem.message : undefined;
              const value = fieldOf(editing, f.key);
              const set = (v: string) => {
                setEditing({ ...editing, [f.key]: v } as Entry);
                if (error) setProblem(undefined); // the message goes once the field is being fixed
              };
              return f.options ? (
                <SelectField
                  key={f.key}
                  id={fieldId}
                  label={f.label}
                  value={value}
                  onChange={(e) => set(e.target.value)}
                >
                  {f.options.map((o) => (
                    <option key={o} value={o}>
                      {o || "Not stated"}
                    </option>
                  ))}
                </SelectField>
              ) : (
                <TextField key={f.key} id={fieldId} label={f.label} value={value} onChange={set} errorMessage={error} />
              );
            })}
          </div>
          <div className="actions">
            <Button variant="primary" icon={Check} onPress={accept}>
              Confirm
            </Button>
            <Button variant="quiet" onPress={cancel}>
              Cancel
            </Button>
          </div>
        </fieldset>
      </li>
    );
  }

  const details = detailsOf(kind, entry);
  return (
    <li className={`review-entry review-${entry.status}`}>
      <p className="review-line">
        <span className="review-status">{STATUS_WORDS[entry.status]}</span>{" "}
        <strong className="review-name">{nameOf(kind, entry)}</strong>
        {details ? <span className="review-details"> — {details}</span> : null}
      </p>
      {entry.sentence ? <p className="review-sentence">From the report: “{entry.sentence}”</p> : null}
      <div className="actions">
        {entry.status === "pending" ? (
          <Button
            icon={Check}
            onPress={() => onChange({ ...entry, status: "accepted" })}
            aria-label={`Confirm ${name}`}
          >
            Confirm
          </Button>
        ) : null}
        {entry.status !== "removed" ? (
          <Button icon={Pencil} onPress={() => setEditing(entry)} aria-label={`Edit ${name}`}>
            Edit
          </Button>
        ) : null}
        {entry.status === "pending" ? (
          <Button icon={Trash2} onPress={() => onChange({ ...entry, status: "removed" })} aria-label={`Remove ${name}`}>
            Remove
          </Button>
        ) : (
          <Button
            variant="quiet"
            icon={Undo2}
            onPress={() =>
              added && entry.status === "accepted" ? onChange(undefined) : onChange({ ...entry, status: "pending" })
            }
            aria-label={`Undo ${name}`}
          >
            Undo
          </Button>
        )}
      </div>
    </li>
  );
}

/** One kind's list: its entries, "add", and "confirm the rest as shown". */
function ReviewSection({
  kind,
  entries,
  statedNone,
  onChange,
}: {
  kind: Kind;
  entries: Entry[];
  /** The report says there are none ("No known allergies", "takes no medications"): said so, not "none found". */
  statedNone: boolean;
  onChange(next: Entry[]): void;
}) {
  const id = useId();
  const title = kind === "allergies" ? "Allergies" : "Medications";
  const [addedKeys, setAddedKeys] = useState(new Set<Entry>());
  const pending = entries.filter((e) => e.status === "pending" && e.from !== undefined);
  const add = () => {
    const entry = kind === "allergies" ? newAllergy() : newMedication();
    setAddedKeys((s) => new Set(s).add(entry));
    onChange([...entries, entry]);
  };
  return (
    <section className={`review-section review-${kind}`} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{title}</h3>
      {entries.length === 0 ? (
        <p className="hint">
          {statedNone
            ? `The report says: ${kind === "allergies" ? "no known allergies" : "takes no medications"}. It goes on the emergency card as such; add one if you know otherwise.`
            : "None found in the report."}
        </p>
      ) : null}
      <ul className="review-entries" aria-label={`${title} to review`}>
        {entries.map((entry, i) => (
          <EntryRow
            key={entry.from ?? `added-${i}`}
            kind={kind}
            entry={entry}
            startEditing={addedKeys.has(entry)}
            onChange={(next) =>
              onChange(next ? entries.map((e, j) => (j === i ? next : e)) : entries.filter((_, j) => j !== i))
            }
          />
        ))}
      </ul>
      <div className="actions">
        <Button icon={Plus} onPress={add}>
          Add {kind === "allergies" ? "an allergy" : "a medication"}
        </Button>
        {pending.length > 1 ? (
          <Button
            icon={Check}
            onPress={() =>
              onChange(
                entries.map((e) => (e.status === "pending" && e.from !== undefined ? { ...e, status: "accepted" } : e)),
              )
            }
          >
            Confirm the {pending.length} {title.toLowerCase()} to review as shown
          </Button>
        ) : null}
      </div>
    </section>
  );
}

/**
 * The extracted allergies and medications before saving, as an editable list: confirm, edit,
 * remove, add. Only what the author confirms is stored as confirmed; the rest stays a mention.
 */
export function ReviewList({
  draft,
  stated = { allergies: false, medications: false },
  onChange,
}: {
  draft: ReviewDraft;
  /** What the report states there is none of (its summary's noKnownAllergies and noMedications). */
  stated?: { allergies: boolean; medications: boolean };
  onChange(next: ReviewDraft): void;
}) {
  const id = useId();
  const left = [...draft.allergies, ...draft.medications].filter(
    (e) => e.status === "pending" && e.from !== undefined,
  ).length;
  return (
    <section className="review-list" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Review allergies and medications</h3>
      <p className="hint">
        Confirm what is right, edit what is not, remove what is not an allergy or a current medication, and add what is
        missing. Only confirmed items go on the emergency card as confirmed.
      </p>
      <ReviewSection
        kind="allergies"
        entries={draft.allergies}
        statedNone={stated.allergies}
        onChange={(allergies) => onChange({ ...draft, allergies: allergies as AllergyEntry[] })}
      />
      <ReviewSection
        kind="medications"
        entries={draft.medications}
        statedNone={stated.medications}
        onChange={(medications) => onChange({ ...draft, medications: medications as MedicationEntry[] })}
      />
      <p role="status" className={left ? "review-left" : "hint"}>
        {left
          ? `${left} item${left === 1 ? "" : "s"} not reviewed: saved as mentioned in the report, not confirmed.`
          : "Every extracted item is reviewed."}
      </p>
    </section>
  );
}
