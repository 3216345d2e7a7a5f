/**
 * A patient's identity card: the name and date of birth a doctor needs to know a patient as a
 * person, never as an address. The patient seals it to one doctor (and to herself) when she books
 * or grants, with the same envelope as a message (lib/messages: AES-256-GCM, the key wrapped with
 * ECIES to both registered keys) under its own purpose, so a card never opens as a message nor a
 * message as a card. The service stores ciphertext and the two addresses only; nothing about the
 * patient is readable on-chain or by the service.
 */
import { z } from "zod";
import type { Address, Hex } from "viem";
import { FormatError } from "../errors";
import type { SealedMessage, StoredMessage } from "../api/wire/messages";
import { openEnvelope, sealEnvelope, type MessageScope } from "../messages/seal";

/** Longest name on a card, in characters. */
export const MAX_CARD_NAME = 120;

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD")
  .refine((value) => {
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value) && value >= "1900-01-01";
  }, "must be a real date after 1900");

/** What a card says. Strict: a field the card does not define is refused, not carried along. */
export const identityCardSchema = z.strictObject({
  name: z.string().trim().min(1, "must not be empty").max(MAX_CARD_NAME),
  /** YYYY-MM-DD; absent when the patient has not given it. */
  dateOfBirth: isoDate.optional(),
});
export type IdentityCard = z.infer<typeof identityCardSchema>;

/** A card as a doctor (or the patient) reads it: who it is about, and when it was shared. */
export interface OpenedIdentityCard extends IdentityCard {
  patient: Address;
  doctor: Address;
  sharedAt?: string;
}

function checkCard(card: unknown): IdentityCard {
  const parsed = identityCardSchema.safeParse(card);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FormatError("The name card is not valid.", { details: `${issue.path.join(".")}: ${issue.message}` });
  }
  return parsed.data;
}

export interface SealCardInput extends MessageScope {
  patient: Address;
  doctor: Address;
  card: IdentityCard;
  /** The registered encryption keys (KeyDirectory `encryptionKeyOf`), as lib/messages `participantKeys` reads them. */
  publicKeys: { patient: Hex; doctor: Hex };
}

/** Seals the patient's card to `doctor` and to the patient. FormatError: a bad name or date (the field, never its value). */
export async function sealIdentityCard(input: SealCardInput): Promise<SealedMessage> {
  const { card, ...scope } = input;
  return sealEnvelope({ ...scope, sender: input.patient, content: checkCard(card) }, "identity-card");
}

/**
 * Opens a card for its doctor or its patient, checking chain, core, pair and content.
 * BindingError, IntegrityError, FormatError as lib/messages `openMessage`.
 */
export async function openIdentityCard(
  sealed: SealedMessage | StoredMessage,
  input: MessageScope & { reader: Address; privateKey: Hex },
): Promise<OpenedIdentityCard> {
  const card = checkCard(await openEnvelope(sealed, input, "identity-card"));
  return {
    ...card,
    patient: sealed.patient,
    doctor: sealed.doctor,
    ...("sentAt" in sealed && { sharedAt: sealed.sentAt }),
  };
}
