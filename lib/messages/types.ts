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

/** The wire shapes (sealed, stored, listed) are defined once, as zod schemas, in lib/api/wire/messages.ts. */
export type {
  ConversationPage,
  ConversationSummary,
  MessagePage,
  PageOptions,
  SealedMessage,
  SentMessage,
  StoredMessage,
} from "../api/wire/messages";

/** A decrypted message. */
export interface OpenedMessage {
  id: Hex;
  threadId: Hex;
  sender: Address;
  recipient: Address;
  sentAt?: string;
  content: MessageContent;
}
