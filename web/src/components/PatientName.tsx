import type { Address } from "viem";
import { ageOn } from "@lib/identity/card";
import { usePatientCard } from "../hooks/useIdentityCards";
import { Details } from "../ui/Disclosure";

/**
 * A patient as a doctor knows them: the name and age from the card the patient shared (sealed to
 * this doctor), the address behind a "Details" disclosure; until a card exists, the address (whole
 * where `details` asks for it, else short).
 */
export function PatientName({ address, details = false }: { address: Address; details?: boolean }) {
  const card = usePatientCard(address);
  const short = `${address.slice(0, 6)}…${address.slice(-4)}`;
  if (!card) return details ? <code>{address}</code> : <span title={address}>Patient {short}</span>;
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
