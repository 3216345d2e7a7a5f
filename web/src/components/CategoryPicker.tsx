import { CircleAlert } from "lucide-react";
import { useId } from "react";
import { Checkbox } from "../ui/Checkbox";
import { ALL_CATEGORIES_MASK, CATEGORY_LABELS, categoriesOf, categoryMask, type CategoryId } from "@lib/categories";

const IDS = Object.keys(CATEGORY_LABELS).map(Number) as CategoryId[];

export interface CategoryPickerProps {
  /** The grant bitmask chosen so far (0: none). */
  value: number;
  onChange(mask: number): void;
  /** The fieldset's legend. @default "Record categories" */
  legend?: string;
  /** The form's problem with the choice, shown under the legend; absent: none. */
  errorMessage?: string;
}

/**
 * Chooses the record categories of a grant or request: "All records" (every bit, including
 * categories added later) or any set of named categories. Checkboxes with a 24 px box (ui/Checkbox).
 */
export function CategoryPicker({ value, onChange, legend = "Record categories", errorMessage }: CategoryPickerProps) {
  const id = useId();
  const all = value >>> 0 === ALL_CATEGORIES_MASK;
  const chosen = new Set(categoriesOf(value));
  const toggle = (c: CategoryId, on: boolean) => {
    const next = new Set(chosen);
    if (on) next.add(c);
    else next.delete(c);
    onChange(categoryMask([...next]));
  };
  return (
    <fieldset
      className="category-picker"
      data-invalid={errorMessage ? true : undefined}
      aria-describedby={errorMessage ? `${id}-error` : undefined}
    >
      <legend>{legend}</legend>
      {errorMessage ? (
        <p id={`${id}-error`} className="field-error">
          <CircleAlert className="icon" aria-hidden="true" />
          <span role="alert">{errorMessage}</span>
        </p>
      ) : null}
      <Checkbox isSelected={all} onChange={(on) => onChange(on ? ALL_CATEGORIES_MASK : 0)}>
        All records
      </Checkbox>
      {IDS.map((c) => (
        <Checkbox key={c} isSelected={all || chosen.has(c)} isDisabled={all} onChange={(on) => toggle(c, on)}>
          {CATEGORY_LABELS[c]}
        </Checkbox>
      ))}
    </fieldset>
  );
}

/** The categories a mask covers, in words: "All records" or "Allergies, Medications". */
export function describeCategories(mask: number): string {
  if (mask >>> 0 === ALL_CATEGORIES_MASK) return "All records";
  const names = categoriesOf(mask).map((c) => CATEGORY_LABELS[c]);
  return names.length > 0 ? names.join(", ") : "No categories";
}
