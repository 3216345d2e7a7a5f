/**
 * End-to-end encrypted messages between a patient and a doctor (offchain-api/README.md,
 * "Messages"): seal with {@link sealMessage}, send with `EhrApiClient.sendMessage`, list with
 * `listConversations` / `listMessages`, read with {@link openMessage}. The service stores only
 * ciphertext and who may fetch it.
 */
export type {
  ConversationPage,
  ConversationSummary,
  MessageContent,
  MessagePage,
  OpenedMessage,
  PageOptions,
  RecordRef,
  RequestAnswer,
  SealedMessage,
  SentMessage,
  StoredMessage,
} from "./types";
export { checkContent, MAX_MESSAGE_TEXT } from "./content";
export { MESSAGE_KEY_PREFIX, unwrapMessageKey, wrapMessageKey, type MessageKeyBinding } from "./messageKey";
export {
  conversationId,
  newMessageId,
  openMessage,
  recipientOf,
  sealMessage,
  type MessageScope,
  type OpenInput,
  type SealInput,
} from "./seal";
export { participantKeys } from "./publicKeys";
