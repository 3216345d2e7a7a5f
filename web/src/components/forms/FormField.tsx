import type { FieldSpec } from "./formSpecs";

export interface FormFieldProps {
  /** The input's id; its problem's id is `${id}-problem`. */
  id: string;
  field: FieldSpec;
  value: string;
  /** The problem shown beside the input, if any. */
  problem?: string;
  onChange(value: string): void;
}

/** One labelled input (unit in the label), with its problem beside it, tied by aria-describedby. */
export function FormField({ id, field, value, problem, onChange }: FormFieldProps) {
  const problemId = `${id}-problem`;
  const a11y = { id, "aria-invalid": problem ? true : undefined, "aria-describedby": problem ? problemId : undefined };
  return (
    <div className="form-field">
      <label htmlFor={id}>
        {field.label}
        {field.unit ? ` (${field.unit})` : ""}
      </label>
      {field.kind === "select" ? (
        <select {...a11y} value={value} onChange={(e) => onChange(e.target.value)}>
          {field.blank !== undefined ? <option value="">{field.blank}</option> : null}
          {field.options!.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      ) : (
        <input
          {...a11y}
          type="text"
          inputMode={field.kind === "number" ? "decimal" : undefined}
          autoComplete="off"
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
      {problem ? (
        <p id={problemId} className="field-error">
          {problem}
        </p>
      ) : null}
    </div>
  );
}
