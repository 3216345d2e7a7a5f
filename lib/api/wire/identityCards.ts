/**
 * `/v1/identity-cards` (offchain-api/README.md, "Name cards"): a patient's name and date of birth,
 * sealed to one doctor by lib/identity. The envelope is a sealed message's (lib/api/wire/messages)
 * under its own purpose; these are the request and answer shapes.
 */
import { z } from "zod";
import { addressField, appointmentStartField, isoTimeField } from "../wireFields";
import { sealedMessageSchema, storedMessageSchema } from "./messages";

/** Largest sealed card (its base64 `ciphertext`, in characters): a name and a date, with room to spare. 413 beyond. */
export const MAX_CARD_CIPHERTEXT_CHARS = 2048;
/** Largest `POST /v1/identity-cards` body. */
export const MAX_CARD_BODY = "8kb";

/** `POST /v1/identity-cards`: the card, and the start of the appointment it is shared for when no grant links the two. */
export const shareIdentityCardBodySchema = z.strictObject({
  card: sealedMessageSchema,
  appointmentStart: appointmentStartField.optional(),
});
export type ShareIdentityCardBody = z.infer<typeof shareIdentityCardBodySchema>;

/** The answer to a share: which pair, and when the service stored it. */
export const sharedIdentityCardSchema = z.object({
  patient: addressField,
  doctor: addressField,
  sharedAt: isoTimeField,
});
export type SharedIdentityCard = z.infer<typeof sharedIdentityCardSchema>;

/** `GET /v1/identity-cards`: the cards sealed to the caller as a doctor, and those the caller shared as a patient. */
export const identityCardListSchema = z.object({
  received: z.array(storedMessageSchema),
  shared: z.array(storedMessageSchema),
});
export type IdentityCardList = z.infer<typeof identityCardListSchema>;

/** `DELETE /v1/identity-cards/:doctor`: the patient withdraws the card she shared with that doctor. */
export const doctorParamsSchema = z.object({ doctor: addressField });
