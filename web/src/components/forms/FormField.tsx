import { SelectField } from "../../ui/SelectField";
import { TextField } from "../../ui/TextField";
import type { FieldSpec } from "./formSpecs";

export interface FormFieldProps {
  /** The input's id. */
  id: string;
  field: FieldSpec;
  value: string;
  /** The problem shown beside the input, if any. */
  problem?: string;
  onChange(value: string): void;
}

/** One labelled input (unit in the label), with its problem beside it, tied by aria-describedby. */
export function FormField({ id, field, value, problem, onChange }: FormFieldProps) {
  const label = `${field.label}${field.unit ? ` (${field.unit})` : ""}`;
  if (field.kind === "select") {
    return (
      <SelectField
        id={id}
        className="form-field"
        label={label}
        errorMessage={problem}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      >
        {field.blank !== undefined ? <option value="">{field.blank}</option> : null}
        {field.options!.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </SelectField>
    );
  }
  return (
    <TextField
      id={id}
      className="form-field"
      label={label}
      errorMessage={problem}
      inputMode={field.kind === "number" ? "decimal" : undefined}
      autoComplete="off"
      value={value}
      onChange={onChange}
    />
  );
}
