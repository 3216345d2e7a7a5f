import { getAddress, type Hex } from "viem";
import type {
  ConversationPage,
  MessagePage,
  PageQuery,
  SendMessageBody,
  SentMessage,
} from "../../lib/api/wire/messages";
import { MAX_CIPHERTEXT_CHARS } from "../../lib/api/wire/messages";
import { encryptionKeyOf } from "../../lib/chain/ehr";
import { AccessDeniedError, FormatError, NotFoundError } from "../../lib/errors";
import { conversationId, recipientOf } from "../../lib/messages/seal";
import { sameAddress } from "../../lib/records/context";
import { HttpError, tooLarge, unprocessable } from "../http/errors";
import type { Caller } from "../http/validate";
import type { ApiServices } from "../services";
import { auditRefusal } from "../audit/refuse";
import { isOurs } from "../blobs/access";
import { messagingRefusal } from "./relationship";
import { SendLimitReached } from "./store";

/**
 * Stores a sealed message from the caller to the other participant while a grant or an appointment
 * links them (refusals AccessDeniedError, audited). The service sees ciphertext and addresses only;
 * bodies are never logged. A message id already stored is a ConflictError (from the store).
 */
export async function sendMessage(
  services: ApiServices,
  caller: Caller,
  { message, appointmentStart }: SendMessageBody,
): Promise<SentMessage> {
  const me = caller.me;
  if (message.ciphertext.length > MAX_CIPHERTEXT_CHARS)
    throw tooLarge("This message is longer than the service accepts.");
  if (!isOurs(services, message)) throw new FormatError("This message is for another chain or system.");
  if (sameAddress(message.patient, message.doctor))
    throw new FormatError("A conversation needs a patient and a doctor.");
  if (!sameAddress(message.sender, message.patient) && !sameAddress(message.sender, message.doctor)) {
    throw new FormatError("The sender must be the patient or the doctor of the conversation.");
  }
  const scope = { chainId: services.chainId, contract: services.core };
  if (message.threadId !== conversationId(scope, message.patient, message.doctor)) {
    throw new FormatError("The conversation id does not match its patient and doctor.");
  }
  if (!sameAddress(message.sender, me)) throw new AccessDeniedError("You can send messages only as yourself.");
  const patient = getAddress(message.patient);
  const doctor = getAddress(message.doctor);
  const reason = await messagingRefusal(services, patient, doctor, appointmentStart);
  if (reason) {
    // Audited when the sender is accountable (the patient, a doctor): audit/refuse.ts.
    await auditRefusal(services, { id: caller.requestId }, { reader: me, patient, reason });
    throw new AccessDeniedError(reason);
  }
  if (!(await encryptionKeyOf(services.publicClient, services.core, recipientOf(message)))) {
    throw unprocessable("The recipient has no registered encryption key yet.");
  }
  let stored;
  try {
    stored = await services.messages.append(
      { ...message, patient, doctor, sender: getAddress(message.sender) },
      { perSenderPerDay: MAX_MESSAGES_PER_DAY, bytesPerSenderPerDay: MAX_MESSAGE_BYTES_PER_SENDER_PER_DAY },
    );
  } catch (error) {
    if (!(error instanceof SendLimitReached)) throw error;
    if (error.per === "sender") {
      throw new HttpError(
        429,
        "too_many_messages",
        "You have sent as much as this service takes from one account in 24 hours: write again tomorrow, or call.",
      );
    }
    throw new HttpError(
      429,
      "too_many_messages",
      `You have sent ${error.limit} messages in this conversation in the last 24 hours: write again tomorrow, or call.`,
    );
  }
  services.logger.info({ requestId: caller.requestId, messageId: stored.id, sender: me }, "message stored");
  return { id: stored.id, threadId: stored.threadId, sentAt: stored.sentAt };
}

/**
 * The most messages one sender stores in one conversation in 24 hours (429 beyond): far above what a
 * patient and a doctor write, and what bounds the disk one booking or grant can make the service fill.
 */
export const MAX_MESSAGES_PER_DAY = 200;

/**
 * The most bytes of sealed messages one sender stores in all conversations in 24 hours (429 beyond):
 * thousands of ordinary messages (a few hundred bytes to a few KB sealed), 60 of the largest. A
 * patient can link to every active doctor with grants of their own, so the per-conversation limit
 * alone let one address store 14 MB a day per doctor, for good.
 */
export const MAX_MESSAGE_BYTES_PER_SENDER_PER_DAY = 4 * 1024 * 1024;

/** The caller's conversations, latest message first. */
export function conversations(services: ApiServices, caller: Caller, page: PageQuery): ConversationPage {
  return services.messages.conversations(caller.me, page);
}

/**
 * One conversation's messages, newest first, to its two participants only (the history stays
 * readable after the link ends): NotFoundError when there is none and for anyone else alike.
 */
export async function conversation(
  services: ApiServices,
  caller: Caller,
  threadId: Hex,
  page: PageQuery,
): Promise<MessagePage> {
  const thread = threadId.toLowerCase() as Hex;
  // Someone else's conversation is answered as one that does not exist (the id is computable from the two).
  if (!services.messages.participantsFor(thread, caller.me)) {
    throw new NotFoundError("There is no such conversation of yours.");
  }
  return services.messages.messages(thread, page);
}
