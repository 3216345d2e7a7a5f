import type { Address, Hex } from "viem";

/** A record a message is about: the patient's record at `index` (IRecordRegistry order). */
export interface RecordRef {
  patient: Address;
  index: number;
}

/**
 * How a patient answered a data request: a record they uploaded (its index) and/or the grant
 * transaction they sent.
 */
export interface RequestAnswer {
  recordIndex?: number;
  grantTx?: Hex;
}

/**
 * What a message says: only the two participants ever see it (it travels encrypted).
 * - "text": a plain message, optionally answering a request (`inReplyTo` its id, `answer`).
 * - "request": a doctor asks the patient for more data (`categories`: the record categories wanted).
 */
export type MessageContent =
  | {
      kind: "text";
      text: string;
      record?: RecordRef;
      inReplyTo?: Hex;
      answer?: RequestAnswer;
    }
  | {
      kind: "request";
      text: string;
      record?: RecordRef;
      categories?: number[];
    };

/**
 * A sealed message as sent to and stored by the service: everything but `ciphertext` and the
 * wrapped keys is in the clear (the service needs it to decide who may send and fetch).
 */
export interface SealedMessage {
  v: 1;
  /** 16 random bytes, chosen by the sender ({@link newMessageId}). */
  id: Hex;
  /** The conversation of `patient` and `doctor` ({@link conversationId}). */
  threadId: Hex;
  chainId: number;
  /** The EhrCore address. */
  contract: Address;
  patient: Address;
  doctor: Address;
  /** The patient or the doctor; the other one is the recipient. */
  sender: Address;
  /** base64 of iv (12) || AES-256-GCM ciphertext || tag (16). */
  ciphertext: string;
  /** The content key wrapped to each participant's registered key ("ehrmk1:…"). */
  keys: { patient: string; doctor: string };
}

/** A message as the service returns it: the sealed message and when the service stored it. */
export interface StoredMessage extends SealedMessage {
  /** ISO 8601, set by the service. */
  sentAt: string;
}

/** A decrypted message. */
export interface OpenedMessage {
  id: Hex;
  threadId: Hex;
  sender: Address;
  recipient: Address;
  sentAt?: string;
  content: MessageContent;
}

/** One conversation in a user's list, newest activity first. */
export interface ConversationSummary {
  threadId: Hex;
  patient: Address;
  doctor: Address;
  messageCount: number;
  lastMessageId: Hex;
  lastSender: Address;
  lastMessageAt: string;
}

/** `GET /v1/messages/conversations`. `nextCursor` is absent on the last page. */
export interface ConversationPage {
  conversations: ConversationSummary[];
  nextCursor?: string;
}

/** `GET /v1/messages/conversations/:threadId`, newest first. `nextCursor` is absent on the last page. */
export interface MessagePage {
  messages: StoredMessage[];
  nextCursor?: string;
}

/** `POST /v1/messages` answer. */
export interface SentMessage {
  id: Hex;
  threadId: Hex;
  sentAt: string;
}

/** A page of a listing: `cursor` from the previous page's `nextCursor`. */
export interface PageOptions {
  /** @default the newest */
  cursor?: string;
  /** @default 50 (at most 200) */
  limit?: number;
}
