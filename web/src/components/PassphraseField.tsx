import type { ReactNode } from "react";

export interface PassphraseFieldProps {
  id: string;
  label: ReactNode;
  value: string;
  onChange(value: string): void;
  /** "new-password" where a passphrase is chosen, "current-password" where one is typed again. */
  autoComplete: "new-password" | "current-password";
  /** Set when the form found a problem (aria-invalid); left out, the attribute is not written. */
  invalid?: boolean;
  /** The id of the problem's sentence (FieldError), while there is one. */
  describedBy?: string;
  required?: boolean;
}

/** A labelled passphrase input: key setup's passphrase and its repetition, a backup's on restore. */
export function PassphraseField({
  id,
  label,
  value,
  onChange,
  autoComplete,
  invalid,
  describedBy,
  required,
}: PassphraseFieldProps) {
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="password"
        autoComplete={autoComplete}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        required={required}
      />
    </>
  );
}
