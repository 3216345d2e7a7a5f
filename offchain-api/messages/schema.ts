import { z } from "zod";
import { MESSAGE_KEY_PREFIX } from "../../lib/messages/messageKey";
import { addressField, hash32Field } from "../../lib/api/wireFields";

/** Largest sealed message (its base64 `ciphertext`, in characters): 413 beyond. Fits MAX_MESSAGE_TEXT (lib/messages). */
export const MAX_CIPHERTEXT_CHARS = 64 * 1024;
/** Largest `POST /v1/messages` body: the ciphertext, two wrapped keys and the header. */
export const MAX_MESSAGE_BODY = "96kb";

const address = addressField;
const wrappedKey = z
  .string()
  .startsWith(MESSAGE_KEY_PREFIX)
  .max(2048)
  .regex(/^ehrmk1:[0-9a-f]+$/, "must be a wrapped message key");

/** A sealed message (lib/messages/types.ts SealedMessage). */
export const sealedMessage = z.strictObject({
  v: z.literal(1),
  id: z.string().regex(/^0x[0-9a-f]{32}$/, "must be 0x and 16 bytes of lowercase hex"),
  threadId: z.string().regex(/^0x[0-9a-f]{64}$/, "must be 0x and 32 bytes of lowercase hex"),
  chainId: z.number().int().positive(),
  contract: address,
  patient: address,
  doctor: address,
  sender: address,
  // Longer than MAX_CIPHERTEXT_CHARS passes here and is answered 413 by the route.
  ciphertext: z
    .string()
    .min(40)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, "must be base64"),
  keys: z.strictObject({ patient: wrappedKey, doctor: wrappedKey }),
});

/** `POST /v1/messages`: the sealed message and, to send on an appointment rather than a grant, its start. */
export const sendMessageBody = z.strictObject({
  message: sealedMessage,
  /** The start (unix seconds) of an appointment between the two (AppointmentBook.appointmentOf). */
  appointmentStart: z
    .number()
    .int()
    .min(0)
    .max(2 ** 40 - 1)
    .optional(),
});
export type SendMessageBody = z.infer<typeof sendMessageBody>;

/** `?cursor=&limit=` of both listings. */
export const pageQuery = z.object({
  cursor: z
    .string()
    .regex(/^\d{1,15}$/, "must be a cursor from a previous page")
    .optional(),
  /** @default 50 */
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type PageQuery = z.infer<typeof pageQuery>;

export const threadParams = z.object({
  threadId: hash32Field,
});
