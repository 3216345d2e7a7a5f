import "./ui.css";
import { useId, type ReactNode, type SelectHTMLAttributes } from "react";
import { CircleAlert } from "lucide-react";

export interface SelectFieldProps extends Omit<SelectHTMLAttributes<HTMLSelectElement>, "id"> {
  label: ReactNode;
  description?: ReactNode;
  /** The problem in words, shown beside the field; absent: valid. */
  errorMessage?: string;
  id?: string;
  children: ReactNode;
}

/**
 * A labelled choice with its description and problem beside it, in the same look as TextField. A
 * native <select> on purpose: phones show their own picker, and it needs no script to open.
 */
export function SelectField({ label, description, errorMessage, id, children, className, ...rest }: SelectFieldProps) {
  const own = useId();
  const selectId = id ?? own;
  const describedBy =
    [description ? `${selectId}-description` : "", errorMessage ? `${selectId}-error` : ""].filter(Boolean).join(" ") ||
    undefined;
  return (
    <div className={["ui-field", className ?? ""].filter(Boolean).join(" ")}>
      <label htmlFor={selectId}>{label}</label>
      <select {...rest} id={selectId} aria-invalid={errorMessage ? true : undefined} aria-describedby={describedBy}>
        {children}
      </select>
      {description ? (
        <span id={`${selectId}-description`} className="ui-description">
          {description}
        </span>
      ) : null}
      {errorMessage ? (
        <p id={`${selectId}-error`} className="ui-field-error">
          <CircleAlert className="icon" aria-hidden="true" />
          <span role="alert">{errorMessage}</span>
        </p>
      ) : null}
    </div>
  );
}
