import { UserRoundSearch } from "lucide-react";
import { useId, useMemo, useState, type FormEvent } from "react";
import { isAddress } from "viem";
import type { Address } from "viem";
import { ageOn } from "@lib/identity/card";
import { useConsents } from "../hooks/useConsents";
import { Button } from "../ui/Button";
import { TextField } from "../ui/TextField";
import { useIdentityCards } from "../hooks/useIdentityCards";

interface KnownPatient {
  address: Address;
  name?: string;
  age?: number;
  granted: boolean;
}

export interface PatientPickerProps {
  /** The submit button's text, e.g. "Open chart". */
  action: string;
  onPick(patient: Address): void;
  /** @default undefined (empty field) */
  initial?: Address;
}

/**
 * A patient, found by name among those who shared their name card or granted this doctor access
 * (a searchable list), or typed as an address (an emergency patient the doctor has never met). A
 * malformed address is refused here, before anything reaches the chain.
 */
export function PatientPicker({ action, onPick, initial }: PatientPickerProps) {
  const id = useId();
  const consents = useConsents("doctor");
  const granted = consents.data?.grants.map((g) => g.patient) ?? [];
  const cards = useIdentityCards();
  const [query, setQuery] = useState("");
  const known = useMemo(() => {
    const byAddress = new Map<string, KnownPatient>();
    for (const address of granted) byAddress.set(address.toLowerCase(), { address, granted: true });
    for (const card of cards.data?.values() ?? []) {
      const key = card.patient.toLowerCase();
      byAddress.set(key, {
        address: card.patient,
        name: card.name,
        age: card.dateOfBirth ? ageOn(card.dateOfBirth, new Date()) : undefined,
        granted: byAddress.get(key)?.granted ?? false,
      });
    }
    return [...byAddress.values()].sort((a, b) => (a.name ?? "~").localeCompare(b.name ?? "~"));
  }, [granted, cards.data]);
  const needle = query.trim().toLowerCase();
  const shown = needle
    ? known.filter((p) => p.name?.toLowerCase().includes(needle) || p.address.toLowerCase().startsWith(needle))
    : known;
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
  const list =
    known.length > 0 ? (
      <div className="card patient-search">
        <TextField
          label="Find a patient by name"
          type="search"
          value={query}
          onChange={setQuery}
          autoComplete="off"
          placeholder="Name"
        />
        <ul className="patient-choices" aria-label="Your patients">
          {shown.map((p) => (
            <li key={p.address}>
              <button type="button" onClick={() => onPick(p.address)}>
                <strong>
                  {p.name ?? "Name not shared"}
                  {p.age !== undefined ? `, ${p.age}` : ""}
                </strong>
                <small>
                  {p.granted ? "shares records with you" : "booked with you"} · {p.address.slice(0, 6)}…
                  {p.address.slice(-4)}
                </small>
              </button>
            </li>
          ))}
        </ul>
        {shown.length === 0 ? <p className="hint">No patient matches “{query.trim()}”.</p> : null}
      </div>
    ) : null;
  return (
    <>
      {list}
      <form className="card" onSubmit={onSubmit} noValidate>
        <TextField
          label="Patient address"
          list={`${id}-granted`}
          value={value}
          onChange={setValue}
          autoComplete="off"
          spellCheck="false"
          errorMessage={error}
          placeholder="0x…"
        />
        <datalist id={`${id}-granted`}>
          {granted.map((p) => (
            <option key={p} value={p} />
          ))}
        </datalist>
        {granted.length && known.length === 0 ? (
          <p className="hint">
            {granted.length === 1 ? "1 patient has" : `${granted.length} patients have`} granted you access; pick one
            from the list.
          </p>
        ) : null}
        <Button type="submit" variant="primary" icon={UserRoundSearch}>
          {action}
        </Button>
      </form>
    </>
  );
}
