/**
 * `/v1/messages` (offchain-api/README.md, "Messages"): sealed messages between a patient and a
 * doctor. lib/messages seals and opens them; these are their shapes on the wire, and the types
 * lib/messages exports are derived from them.
 */
import { z } from "zod";
import { MESSAGE_KEY_PREFIX } from "../../messages/messageKey";
import { addressField, appointmentStartField, hash32Field, isoTimeField, lowerHexField } from "../wireFields";

/** Largest sealed message (its base64 `ciphertext`, in characters): 413 beyond. Fits MAX_MESSAGE_TEXT (lib/messages). */
export const MAX_CIPHERTEXT_CHARS = 64 * 1024;
/** Largest `POST /v1/messages` body: the ciphertext, two wrapped keys and the header. */
export const MAX_MESSAGE_BODY = "96kb";

const wrappedMessageKey = z
  .string()
  .startsWith(MESSAGE_KEY_PREFIX)
  .max(2048)
  .regex(/^ehrmk1:[0-9a-f]+$/, "must be a wrapped message key");

const sealedFields = {
  v: z.literal(1),
  /** 16 random bytes, chosen by the sender (lib/messages `newMessageId`). */
  id: lowerHexField(16),
  /** The conversation of `patient` and `doctor` (lib/messages `conversationId`). */
  threadId: lowerHexField(32),
  chainId: z.number().int().positive(),
  /** The EhrCore address. */
  contract: addressField,
  patient: addressField,
  doctor: addressField,
  /** The patient or the doctor; the other one is the recipient. */
  sender: addressField,
  /**
   * base64 of iv (12) || AES-256-GCM ciphertext || tag (16). Longer than MAX_CIPHERTEXT_CHARS
   * passes here and is answered 413 by the service.
   */
  ciphertext: z
    .string()
    .min(40)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, "must be base64"),
  /** The content key wrapped to each participant's registered key ("ehrmk1:…"). */
  keys: z.strictObject({ patient: wrappedMessageKey, doctor: wrappedMessageKey }),
};

/**
 * A sealed message as sent to and stored by the service: everything but `ciphertext` and the
 * wrapped keys is in the clear (the service needs it to decide who may send and fetch). Strict: a
 * field the service does not know is refused, not stored.
 */
export const sealedMessageSchema = z.strictObject(sealedFields);
export type SealedMessage = z.infer<typeof sealedMessageSchema>;

/** A message as the service returns it: the sealed message and when the service stored it (ISO 8601). */
export const storedMessageSchema = z.object({ ...sealedFields, sentAt: isoTimeField });
export type StoredMessage = z.infer<typeof storedMessageSchema>;

/** `POST /v1/messages`: the sealed message and, to send on an appointment rather than a grant, its start. */
export const sendMessageBodySchema = z.strictObject({
  message: sealedMessageSchema,
  /** The start (unix seconds) of an appointment between the two (AppointmentBook.appointmentOf). */
  appointmentStart: appointmentStartField.optional(),
});
export type SendMessageBody = z.infer<typeof sendMessageBodySchema>;

/** `POST /v1/messages` answer (201). */
export const sentMessageSchema = z.object({ id: lowerHexField(16), threadId: lowerHexField(32), sentAt: isoTimeField });
export type SentMessage = z.infer<typeof sentMessageSchema>;

/** `?cursor=&limit=` of both listings: `cursor` from the previous page's `nextCursor`. */
export const pageQuerySchema = z.object({
  /** @default the newest */
  cursor: z
    .string()
    .regex(/^\d{1,15}$/, "must be a cursor from a previous page")
    .optional(),
  /** @default 50 (at most 200) */
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type PageQuery = z.infer<typeof pageQuerySchema>;
/** What a caller passes for a page (both optional). */
export type PageOptions = Partial<PageQuery>;

/** `/v1/messages/conversations/:threadId`. */
export const threadParamsSchema = z.object({ threadId: hash32Field });
export type ThreadParams = z.infer<typeof threadParamsSchema>;

/** One conversation in a user's list, newest activity first. */
export const conversationSummarySchema = z.object({
  threadId: lowerHexField(32),
  patient: addressField,
  doctor: addressField,
  messageCount: z.number().int().min(1),
  lastMessageId: lowerHexField(16),
  lastSender: addressField,
  lastMessageAt: isoTimeField,
});
export type ConversationSummary = z.infer<typeof conversationSummarySchema>;

const nextCursor = z.string().optional();

/** `GET /v1/messages/conversations`. `nextCursor` is absent on the last page. */
export const conversationPageSchema = z.object({ conversations: z.array(conversationSummarySchema), nextCursor });
export type ConversationPage = z.infer<typeof conversationPageSchema>;

/** `GET /v1/messages/conversations/:threadId`, newest first. `nextCursor` is absent on the last page. */
export const messagePageSchema = z.object({ messages: z.array(storedMessageSchema), nextCursor });
export type MessagePage = z.infer<typeof messagePageSchema>;
