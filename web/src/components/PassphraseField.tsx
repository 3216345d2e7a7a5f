import type { ReactNode } from "react";
import { TextField } from "../ui/TextField";

export interface PassphraseFieldProps {
  id: string;
  label: ReactNode;
  value: string;
  onChange(value: string): void;
  /** "new-password" where a passphrase is chosen, "current-password" where one is typed again. */
  autoComplete: "new-password" | "current-password";
  /** Set when the form found a problem (aria-invalid); left out, the attribute is not written. */
  invalid?: boolean;
  /** The id of the problem's sentence (FieldError), while there is one, when it is shown elsewhere. */
  describedBy?: string;
  /** The problem in words, shown beside this field (instead of `invalid` and `describedBy`). */
  errorMessage?: string;
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
  errorMessage,
  required,
}: PassphraseFieldProps) {
  return (
    <TextField
      id={id}
      type="password"
      label={label}
      autoComplete={autoComplete}
      value={value}
      onChange={onChange}
      errorMessage={errorMessage}
      isInvalid={errorMessage ? true : invalid}
      aria-describedby={describedBy}
      isRequired={required}
    />
  );
}
