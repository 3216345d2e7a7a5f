import { CircleAlert, Plus, Trash2 } from "lucide-react";
import { bmi } from "@lib/fhir/generalDetails";
import { Button } from "../../ui/Button";
import { TextField } from "../../ui/TextField";
import { FormField } from "./FormField";
import type { FormSpec } from "./formSpecs";
import { removeEntry, type FormDraft } from "./formValues";

export interface FormEditorProps {
  /** Prefix of every input id (unique on the page). */
  id: string;
  spec: FormSpec;
  draft: FormDraft;
  /** Problems by key (formValues.placeProblems); "" is about the whole form. */
  problems: Record<string, string>;
  onChange(draft: FormDraft): void;
}

/** An input id from a dotted key: ids with dots are awkward in CSS selectors. */
export const inputId = (prefix: string, key: string) => `${prefix}-${key.replace(/\./g, "-")}`;

/** The inputs of one form: time of recording, the form's fields, its lists (add and remove entries), the BMI. */
export function FormEditor({ id, spec, draft, problems, onChange }: FormEditorProps) {
  const set = (key: string, value: string) => onChange({ ...draft, values: { ...draft.values, [key]: value } });
  const field = (key: string, f: FormSpec["fields"][number]) => (
    <FormField
      key={key}
      id={inputId(id, key)}
      field={f}
      value={draft.values[key] ?? ""}
      problem={problems[key]}
      onChange={(v) => set(key, v)}
    />
  );
  const index = spec.showsBmi
    ? bmi({ heightCm: Number(draft.values.heightCm), weightKg: Number(draft.values.weightKg) })
    : undefined;
  return (
    <>
      <TextField
        id={inputId(id, "recordedAt")}
        className="form-field"
        label="Time of the measurements"
        type="datetime-local"
        value={draft.values.recordedAt ?? ""}
        onChange={(v) => set("recordedAt", v)}
        errorMessage={problems.recordedAt}
      />
      <div className="form-grid">{spec.fields.map((f) => field(f.key, f))}</div>
      {spec.showsBmi ? (
        <p>
          <output htmlFor={`${inputId(id, "heightCm")} ${inputId(id, "weightKg")}`} aria-live="polite">
            BMI:{" "}
            {index !== undefined
              ? `${index} kg/m²`
              : draft.values.heightCm && draft.values.weightKg
                ? "check height and weight"
                : "enter height and weight"}
          </output>
        </p>
      ) : null}
      {spec.lists.map((list) => {
        const count = draft.counts[list.key] ?? 0;
        const listProblem = problems[list.key];
        return (
          <fieldset
            key={list.key}
            className="form-list"
            aria-describedby={listProblem ? inputId(id, list.key) : undefined}
          >
            <legend>{list.label}</legend>
            {listProblem ? (
              <p id={inputId(id, list.key)} className="field-error">
                <CircleAlert className="icon" aria-hidden="true" />
                <span>{listProblem}</span>
              </p>
            ) : null}
            {count === 0 ? <p>None entered.</p> : null}
            {Array.from({ length: count }, (_, i) => (
              <div key={i} className="form-entry" role="group" aria-label={`${list.itemLabel} ${i + 1}`}>
                {list.fields.map((f) => field(`${list.key}.${i}.${f.key}`, f))}
                <Button icon={Trash2} onPress={() => onChange(removeEntry(spec, draft, list.key, i))}>
                  Remove {list.itemLabel} {i + 1}
                </Button>
              </div>
            ))}
            <Button
              icon={Plus}
              className="add-entry"
              onPress={() => onChange({ ...draft, counts: { ...draft.counts, [list.key]: count + 1 } })}
            >
              Add {count > 0 ? "another" : /^[aeiou]/.test(list.itemLabel) ? "an" : "a"} {list.itemLabel}
            </Button>
          </fieldset>
        );
      })}
    </>
  );
}
