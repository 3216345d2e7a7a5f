import type { ReactNode } from "react";
import { TextField } from "../ui/TextField";

export interface PassphraseFieldProps {
  id: string;
  label: ReactNode;
  value: string;
  onChange(value: string): void;
  /** "new-password" where a passphrase is chosen, "current-password" where one is typed again. */
  autoComplete: "new-password" | "current-password";
  /** The problem in words, shown beside this field (aria-invalid and aria-describedby set); absent: valid. */
  errorMessage?: string;
  required?: boolean;
}

/**
 * A passphrase input on the UI set's TextField (label, problem beside it): key setup's passphrase
 * and its repetition, a backup's on restore. Only the input's type and autocomplete are its own.
 */
export function PassphraseField({
  id,
  label,
  value,
  onChange,
  autoComplete,
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
      isRequired={required}
    />
  );
}
