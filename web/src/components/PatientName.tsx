import type { Address } from "viem";
import { ageOn } from "@lib/identity/card";
import { usePatientCard } from "../hooks/useIdentityCards";
import { Details } from "../ui/Disclosure";

/**
 * A patient as a doctor knows them: the name and age from the card the patient shared (sealed to
 * this doctor); until a card exists, "Patient 0x69C6…4d44". Where `details` asks for it, the whole
 * address behind a "Details" disclosure.
 */
export function PatientName({ address, details = false }: { address: Address; details?: boolean }) {
  const card = usePatientCard(address);
  const short = `${address.slice(0, 6)}…${address.slice(-4)}`;
  if (!card) {
    // Whole, 42 characters break mid-address on a phone: short, kept on one line, the rest under Details.
    const name = (
      <span title={address} className="address-short">
        Patient {short}
      </span>
    );
    if (!details) return name;
    return (
      <span className="person-name">
        {name}
        <span className="person-details">
          <Details>
            <code>{address}</code>
          </Details>
        </span>
      </span>
    );
  }
  const age = card.dateOfBirth ? `, ${ageOn(card.dateOfBirth, new Date())}` : "";
  return (
    <span className="person-name">
      <span title={card.dateOfBirth ? `Born ${card.dateOfBirth}` : undefined}>
        {card.name}
        {age}
      </span>
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
