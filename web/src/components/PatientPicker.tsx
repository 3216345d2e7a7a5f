import { UserRoundSearch } from "lucide-react";
import { useEffect, useMemo, useState, type FormEvent } from "react";
import { getAddress, isAddress, isAddressEqual } from "viem";
import type { Address } from "viem";
import { patientLabel } from "./PatientName";
import { useConsents } from "../hooks/useConsents";
import { Button } from "../ui/Button";
import { ComboBox, ComboBoxItem } from "../ui/ComboBox";
import { useIdentityCards } from "../hooks/useIdentityCards";
import { shortAddress } from "./format";

interface KnownPatient {
  address: Address;
  name?: string;
  /** As the field and the list show it: "Grace Okonkwo, 46" (patientLabel). */
  label: string;
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
 * "Name, age" as the doctor reads it; "Patient 0x7aae…1129" when the patient has not shared a name
 * card (as PatientName says it everywhere else).
 */
const nameOf = (p: KnownPatient) => p.label;

/** The address in a pasted text, if it is one: 0x and 40 hexadecimal characters, spaces around allowed. */
const addressIn = (text: string): Address | undefined => {
  const trimmed = text.trim();
  return isAddress(trimmed, { strict: false }) ? getAddress(trimmed) : undefined;
};

/**
 * A patient, found by name among those who shared their name card or granted this doctor access
 * (type part of the name, pick "Name, age"), or pasted as an address (an emergency patient the
 * doctor has never met). A malformed address is refused here, before anything reaches the chain.
 */
export function PatientPicker({ action, onPick, initial }: PatientPickerProps) {
  const consents = useConsents("doctor");
  const cards = useIdentityCards();
  const known = useMemo(() => {
    const byAddress = new Map<string, KnownPatient>();
    for (const { patient } of consents.data?.grants ?? []) {
      byAddress.set(patient.toLowerCase(), { address: patient, label: patientLabel(patient), granted: true });
    }
    for (const card of cards.data?.values() ?? []) {
      const key = card.patient.toLowerCase();
      byAddress.set(key, {
        address: getAddress(card.patient),
        name: card.name,
        label: patientLabel(card.patient, card),
        granted: byAddress.get(key)?.granted ?? false,
      });
    }
    return [...byAddress.values()].sort((a, b) => (a.name ?? "~").localeCompare(b.name ?? "~"));
  }, [consents.data, cards.data]);
  const [text, setText] = useState<string>(initial ?? "");
  const [picked, setPicked] = useState<KnownPatient>();
  // A patient given by address (a link, "Open chart") whose name is known reads by name, as if picked.
  useEffect(() => {
    if (!initial || text !== initial) return;
    const named = known.find((p) => p.name && isAddressEqual(p.address, initial));
    if (!named) return;
    setPicked(named);
    setText(nameOf(named));
  }, [initial, known, text]);
  const [error, setError] = useState<string>();
  const pasted = addressIn(text);
  const needle = text.trim().toLowerCase();
  // After a pick the field reads "Name, age": the list offers everyone again, not that one name.
  const showsPick = picked !== undefined && text === nameOf(picked);
  // A whole address needs no list: the form takes it as it is (Enter or the button).
  const shown = pasted
    ? []
    : needle && !showsPick
      ? known.filter((p) => p.name?.toLowerCase().includes(needle) || p.address.toLowerCase().startsWith(needle))
      : known;
  const addressLike = /^0x/i.test(text.trim());
  const pastedName = pasted ? known.find((p) => p.name && isAddressEqual(p.address, pasted)) : undefined;

  const pick = (address: Address) => {
    setError(undefined);
    onPick(address);
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const chosen =
      pasted ??
      (showsPick ? picked.address : undefined) ??
      (needle && shown.length === 1 ? shown[0].address : undefined);
    if (!chosen) {
      setError(
        known.length && !addressLike
          ? `No patient matches “${text.trim()}”: pick one from the list, or paste their address (0x…).`
          : "Enter the patient's address: 0x followed by 40 hexadecimal characters.",
      );
      return;
    }
    pick(chosen);
  };
  return (
    <form className="card patient-picker" onSubmit={onSubmit} noValidate>
      <ComboBox<KnownPatient>
        label="Find a patient"
        description={
          pastedName
            ? `${nameOf(pastedName)}.`
            : known.length
              ? "Type part of their name, or paste their address (0x…)."
              : "Paste the patient's address (0x…). Patients who share their name with you are listed here by name."
        }
        placeholder={known.length ? "Name or 0x…" : "0x…"}
        items={shown}
        inputValue={text}
        onInputChange={(value) => {
          setText(value);
          setError(undefined);
        }}
        onSelectionChange={(key) => {
          const patient = known.find((p) => p.address === key);
          if (!patient) return;
          setPicked(patient);
          pick(patient.address);
        }}
        allowsCustomValue
        menuTrigger="focus"
        errorMessage={error}
        // An address being typed or pasted is not a search: no "no match" over the button.
        emptyState={needle && !addressLike ? `No patient matches “${text.trim()}”.` : undefined}
      >
        {(p) => (
          <ComboBoxItem
            id={p.address}
            textValue={nameOf(p)}
            // The address tells two patients of one name apart; a patient without a name is named by it already.
            detail={`${p.granted ? "shares records with you" : "booked with you"}${p.name ? ` · ${shortAddress(p.address)}` : ""}`}
          >
            {nameOf(p)}
          </ComboBoxItem>
        )}
      </ComboBox>
      <Button type="submit" variant="primary" icon={UserRoundSearch}>
        {action}
      </Button>
    </form>
  );
}
