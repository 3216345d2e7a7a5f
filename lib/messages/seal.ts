import { keccak256, toBytes } from "viem";
import { concatBytes, fromBase64, fromUtf8, randomBytes, toBase64, toHex, utf8 } from "../bytes";
import { AES_GCM_TAG_LENGTH, getAesGcmBackend } from "../crypto/aesGcm";
import type { Address, Hex } from "viem";
import { BindingError, FormatError } from "../errors";
import { sameAddress } from "../records/context";
import { checkContent } from "./content";
import { unwrapMessageKey, wrapMessageKey, type MessageKeyBinding } from "./messageKey";
import type { MessageContent, OpenedMessage, SealedMessage, StoredMessage } from "./types";
import { isAddress } from "viem";

const IV_LENGTH = 12;

/** Where messages live: the chain and EhrCore whose registered keys they are sealed to. */
export interface MessageScope {
  chainId: number;
  /** The EhrCore address. */
  contract: Address;
}

/** A fresh random message id: 16 bytes, 0x-prefixed lowercase hex. */
export function newMessageId(): Hex {
  return toHex(randomBytes(16));
}

/**
 * The conversation of one patient and one doctor on one chain and EhrCore: keccak256 of
 * "ehr-messages-v1:chainId:contract:patient:doctor" (lowercase). Derived, never chosen, so nobody
 * can open a thread in someone else's name and both sides and the service agree on it.
 */
export function conversationId(scope: MessageScope, patient: Address, doctor: Address): Hex {
  for (const [field, value] of [
    ["contract", scope.contract],
    ["patient", patient],
    ["doctor", doctor],
  ] as const) {
    if (typeof value !== "string" || !isAddress(value, { strict: false })) {
      throw new FormatError("The message is not valid.", { details: `${field}: expected an address` });
    }
  }
  const text = ["ehr-messages-v1", scope.chainId, scope.contract, patient, doctor].join(":").toLowerCase();
  return keccak256(toBytes(text));
}

/** The other participant. */
export function recipientOf(message: Pick<SealedMessage, "patient" | "doctor" | "sender">): Address {
  return sameAddress(message.sender, message.patient) ? message.doctor : message.patient;
}

/**
 * What a sealed envelope carries: a message (no purpose, the original layout) or another kind of
 * content between the same two people (lib/identity: "identity-card"). The purpose is bound into
 * the associated data, so one kind can never be opened as the other.
 */
export type SealPurpose = "identity-card";

/** The associated data of a message's AES-GCM: chain, core, sender, recipient, thread and id (lowercase JSON). */
function associatedData(
  m: Pick<SealedMessage, "chainId" | "contract" | "sender" | "threadId" | "id" | "patient" | "doctor">,
  purpose?: SealPurpose,
) {
  const fields = {
    v: 1,
    chainId: m.chainId,
    contract: m.contract,
    sender: m.sender,
    recipient: recipientOf(m),
    threadId: m.threadId,
    messageId: m.id,
    ...(purpose && { purpose }),
  };
  return utf8(JSON.stringify(fields).toLowerCase());
}

export interface SealInput extends MessageScope {
  patient: Address;
  doctor: Address;
  /** The patient or the doctor. */
  sender: Address;
  content: MessageContent;
  /** The registered encryption keys (compressed or x||y): KeyDirectory `encryptionKeyOf`. */
  publicKeys: { patient: Hex; doctor: Hex };
  /** @default a fresh {@link newMessageId} */
  id?: Hex;
}

/**
 * Encrypts a message for its two participants: a random AES-256-GCM content key (the content as
 * JSON, the associated data binding chain, core, sender, recipient, thread and id), wrapped with
 * ECIES to the patient's and the doctor's registered keys, so the sender can read it back too.
 */
export async function sealMessage(input: SealInput): Promise<SealedMessage> {
  return sealEnvelope({ ...input, content: checkContent(input.content) });
}

/** {@link sealMessage} for any checked JSON content, under `purpose` (absent: a message). */
export async function sealEnvelope(
  input: Omit<SealInput, "content"> & { content: unknown },
  purpose?: SealPurpose,
): Promise<SealedMessage> {
  const content = input.content;
  if (sameAddress(input.patient, input.doctor)) {
    throw new FormatError("The message is not valid.", { details: "patient and doctor are the same account" });
  }
  if (!sameAddress(input.sender, input.patient) && !sameAddress(input.sender, input.doctor)) {
    throw new FormatError("The message is not valid.", { details: "sender: must be the patient or the doctor" });
  }
  const header = {
    v: 1 as const,
    id: (input.id ?? newMessageId()).toLowerCase() as Hex,
    threadId: conversationId(input, input.patient, input.doctor),
    chainId: input.chainId,
    contract: input.contract,
    patient: input.patient,
    doctor: input.doctor,
    sender: input.sender,
  };
  if (!/^0x[0-9a-f]{32}$/.test(header.id)) throw new FormatError("The message is not valid.", { details: "id" });
  const key = randomBytes(32);
  const iv = randomBytes(IV_LENGTH);
  const plaintext = utf8(JSON.stringify(content));
  const sealed = new Uint8Array(plaintext.length + AES_GCM_TAG_LENGTH);
  await getAesGcmBackend().seal(key, iv, associatedData(header, purpose), [plaintext], sealed);
  const binding = (reader: Address): MessageKeyBinding => ({
    chainId: header.chainId,
    contract: header.contract,
    threadId: header.threadId,
    messageId: header.id,
    reader,
  });
  const [patientKey, doctorKey] = await Promise.all([
    wrapMessageKey(key, input.publicKeys.patient, binding(input.patient)),
    wrapMessageKey(key, input.publicKeys.doctor, binding(input.doctor)),
  ]);
  key.fill(0);
  return { ...header, ciphertext: toBase64(concatBytes(iv, sealed)), keys: { patient: patientKey, doctor: doctorKey } };
}

export interface OpenInput extends MessageScope {
  /** The participant reading: the patient or the doctor of the message. */
  reader: Address;
  /** The reader's private encryption key (lib/keys: unlockUserKey). */
  privateKey: Hex;
}

/**
 * Decrypts a message for one of its participants, checking that it belongs to this chain and core,
 * to the conversation of its patient and doctor, and that its content is well formed.
 * BindingError: another chain, core or conversation, or a reader who is not a participant;
 * IntegrityError: altered, or not sealed to this key; FormatError: malformed.
 */
export async function openMessage(message: SealedMessage | StoredMessage, input: OpenInput): Promise<OpenedMessage> {
  const content = await openEnvelope(message, input);
  return {
    id: message.id,
    threadId: message.threadId,
    sender: message.sender,
    recipient: recipientOf(message),
    ...("sentAt" in message && { sentAt: message.sentAt }),
    content: checkContent(content),
  };
}

/** {@link openMessage}'s checks and decryption, for an envelope sealed under `purpose`: its parsed JSON, unchecked. */
export async function openEnvelope(
  message: SealedMessage | StoredMessage,
  input: OpenInput,
  purpose?: SealPurpose,
): Promise<unknown> {
  if (message?.v !== 1 || typeof message.ciphertext !== "string") {
    throw new FormatError("This message is malformed.", { details: "not a version 1 sealed message" });
  }
  if (message.chainId !== input.chainId || !sameAddress(message.contract, input.contract)) {
    throw new BindingError("This message belongs to another chain or system.");
  }
  if (conversationId(input, message.patient, message.doctor) !== message.threadId.toLowerCase()) {
    throw new BindingError("This message does not belong to its conversation.");
  }
  const role = sameAddress(input.reader, message.patient)
    ? "patient"
    : sameAddress(input.reader, message.doctor)
      ? "doctor"
      : undefined;
  if (!role) throw new BindingError("This message is between two other people.");
  const key = await unwrapMessageKey(message.keys?.[role], input.privateKey, {
    chainId: message.chainId,
    contract: message.contract,
    threadId: message.threadId,
    messageId: message.id,
    reader: input.reader,
  });
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(message.ciphertext);
  } catch (error) {
    throw new FormatError("This message is malformed.", { cause: error, details: "ciphertext is not base64" });
  }
  if (bytes.length < IV_LENGTH + AES_GCM_TAG_LENGTH) {
    throw new FormatError("This message is malformed.", { details: "ciphertext too short" });
  }
  const plaintext = await getAesGcmBackend().open(
    key,
    bytes.subarray(0, IV_LENGTH),
    associatedData(message, purpose),
    bytes.subarray(IV_LENGTH),
  );
  try {
    return JSON.parse(fromUtf8(plaintext)) as unknown;
  } catch (error) {
    throw new FormatError("This message is malformed.", { cause: error, details: "content is not JSON" });
  }
}
