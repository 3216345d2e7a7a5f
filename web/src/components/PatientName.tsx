import type { Address } from "viem";
import { ageInYears, calendarDate } from "@lib/localTime";
import { usePatientCard } from "../hooks/useIdentityCards";
import { useKnownName } from "../hooks/useKnownName";
import { Details } from "../ui/Disclosure";
import { shortAddress } from "./format";

/**
 * A patient as text, where markup cannot go (an option, a field): "Grace Okonkwo, 46" from the card
 * the patient shared, else "Patient 0x69C6…4d44".
 */
export function patientLabel(address: string, card?: { name: string; dateOfBirth?: string }): string {
  if (!card) return `Patient ${shortAddress(address)}`;
  const age = card.dateOfBirth ? ageInYears(card.dateOfBirth) : undefined;
  return age === undefined ? card.name : `${card.name}, ${age}`;
}

/**
 * A patient as a doctor knows them: the name and age from the card the patient shared (sealed to
 * this doctor), or from their general details the doctor read this session; until then,
 * "Patient 0x69C6…4d44". Where `details` asks for it, the whole
 * address behind a "Details" disclosure.
 */
export function PatientName({ address, details = false }: { address: Address; details?: boolean }) {
  // The card the patient shared, else the name this doctor read in their general details this session.
  const shared = usePatientCard(address);
  const read = useKnownName(address);
  const card = shared ?? read;
  // Without a card, the short address on one line: whole, 42 characters break mid-address on a phone.
  const name = card ? (
    <span title={card.dateOfBirth ? `Born ${calendarDate(card.dateOfBirth)}` : undefined}>
      {patientLabel(address, card)}
    </span>
  ) : (
    <span title={address} className="address-short">
      Patient {shortAddress(address)}
    </span>
  );
  if (!card && !details) return name;
  return (
    <span className="person-name">
      {name}
      {details && (
        <span className="person-details">
          <Details>
            <code>{address}</code>
          </Details>
        </span>
      )}
    </span>
  );
}
