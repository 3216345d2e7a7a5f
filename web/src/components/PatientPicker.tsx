import { useId, useState, type FormEvent } from "react";
import { isAddress } from "viem";
import type { Address } from "viem";
import { useConsents } from "../hooks/useConsents";

export interface PatientPickerProps {
  /** The submit button's text, e.g. "Open chart". */
  action: string;
  onPick(patient: Address): void;
  /** @default undefined (empty field) */
  initial?: Address;
}

/**
 * The patient's address: typed, or chosen from the patients who granted this doctor access.
 * A malformed address is refused here, before anything reaches the chain.
 */
export function PatientPicker({ action, onPick, initial }: PatientPickerProps) {
  const id = useId();
  const consents = useConsents("doctor");
  const granted = consents.data?.grants.map((g) => g.patient) ?? [];
  const [value, setValue] = useState<string>(initial ?? "");
  const [error, setError] = useState<string>();
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const address = value.trim();
    if (!isAddress(address, { strict: false })) {
      setError("Enter the patient's address: 0x followed by 40 hexadecimal characters.");
      return;
    }
    setError(undefined);
    onPick(address as Address);
  };
  return (
    <form className="card" onSubmit={onSubmit} noValidate>
      <label htmlFor={`${id}-patient`}>Patient address</label>
      <input
        id={`${id}-patient`}
        list={`${id}-granted`}
        value={value}
        onChange={(e) => setValue(e.target.value)}
        autoComplete="off"
        spellCheck={false}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        placeholder="0x…"
      />
      <datalist id={`${id}-granted`}>
        {granted.map((p) => (
          <option key={p} value={p} />
        ))}
      </datalist>
      {granted.length ? (
        <p className="hint">{granted.length} patient(s) have granted you access; pick one from the list.</p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      <button type="submit" className="primary">
        {action}
      </button>
    </form>
  );
}
