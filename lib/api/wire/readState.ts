/**
 * `/v1/read-state` (offchain-api/README.md, "Read state"): how far the signed-in user has read their
 * inbox and each conversation, kept by the service so every browser of that user agrees. Times and
 * ids only: no message content, no notification text.
 */
import { z } from "zod";

/** The most conversation marks the service keeps per user; the oldest marks make room for new ones. */
export const MAX_CONVERSATION_MARKS = 1000;
/** The most conversation marks one `POST /v1/read-state` carries (413 beyond). */
export const MAX_MARKS_PER_REQUEST = 200;
/** The most notification ids the inbox marker holds (those seen at its exact time; 413 beyond). */
export const MAX_SEEN_IDS = 64;
/** Largest `POST /v1/read-state` body (413 beyond): 200 marks are about 16 KB. */
export const MAX_READ_STATE_BODY = "32kb";

/** A time in milliseconds since 1970, as the inbox and the message listing give it. */
const millisField = z.number().int().min(0).max(8_640_000_000_000_000);

/**
 * A notification's id (lib/notifications): `<transaction hash>:<log index>` for a chain event,
 * `message:<message id>` for a message.
 */
const notificationIdField = z
  .string()
  .max(100)
  .regex(/^(0x[0-9a-fA-F]{64}:\d{1,6}|message:0x[0-9a-f]{32})$/, "must be a notification id");

/** A conversation's id (lib/messages `conversationId`), lower case. */
const THREAD_ID = /^0x[0-9a-f]{64}$/;

/**
 * The inbox's "last seen" marker (lib/notifications `SeenMarker`): the time of the newest
 * notification seen, and the ids seen at exactly that time.
 */
export const seenMarkerSchema = z.strictObject({
  at: millisField,
  ids: z.array(notificationIdField).max(MAX_SEEN_IDS),
});

/**
 * Per conversation id, the time (`sentAt` in ms) of the newest message read. Checked as a whole, so
 * that a refusal names `conversations`, never a conversation id (the service logs the fields that
 * failed, and who wrote to whom is metadata about a patient).
 */
export const conversationMarksSchema = z
  .record(z.string(), z.unknown())
  .refine(
    (marks): marks is Record<string, number> =>
      Object.entries(marks).every(([thread, at]) => THREAD_ID.test(thread) && millisField.safeParse(at).success),
    "must map conversation ids (0x and 32 bytes of lowercase hex) to times in milliseconds",
  );

/**
 * `POST /v1/read-state` body: marks to merge into the stored state. Each only moves forward (the
 * later marker, the later time per conversation), so a browser that is behind cannot make read
 * things unread again.
 */
export const readMarksBodySchema = z.strictObject({
  inboxSeen: seenMarkerSchema.optional(),
  conversations: conversationMarksSchema.optional(),
});
export type ReadMarks = z.infer<typeof readMarksBodySchema>;

/** `GET /v1/read-state` and the `POST` answer: the user's read state after the merge. */
export const readStateSchema = z.object({
  inboxSeen: seenMarkerSchema.optional(),
  conversations: conversationMarksSchema,
});
export type ReadState = z.infer<typeof readStateSchema>;
