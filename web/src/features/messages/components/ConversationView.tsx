import { useEffect, useState } from "react";
import type { Address, Hex } from "viem";
import type { RecordRef } from "@lib/messages";
import { useWallet } from "../../../ehr/useEhr";
import { itemMeta, useConversation } from "../hooks/useConversation";
import type { MessagingPartner } from "../hooks/useMessagingPartners";
import { useQueryErrorBanner } from "../../../hooks/useQueryErrorBanner";
import { Composer } from "./Composer";
import { MessageItem } from "./MessageItem";
import { PartyName } from "./PartyName";

/** Shown instead of the composer once no grant or appointment joins the two any more, to the patient and to the doctor. */
export const CLOSED_SENTENCE = {
  patient:
    "You can no longer write here: this doctor has no access to your records now and no appointment with you. The messages stay readable. To write again, share access or book an appointment.",
  doctor:
    "You can no longer write here: this patient is not sharing records with you now and you have no appointment together. The messages stay readable.",
} as const;

export interface ConversationViewProps {
  threadId: Hex;
  patient: Address;
  doctor: Address;
  /** The service's latest message id for this thread: a change means something new to read. */
  lastMessageId?: Hex;
  /** The open relationship, when the chain shows one; undefined once it is gone. */
  partner: MessagingPartner | undefined;
  /** The chain reads behind `partner` have answered. */
  partnerKnown: boolean;
  /** The service refused a send here with 403 during this visit. */
  refused: boolean;
  /** The service refused a send with 403: the relationship is gone. */
  onRefused(threadId: Hex): void;
  /** The record a new message starts about (from a chart or a record page). */
  initialRecord?: RecordRef;
  onRead(threadId: Hex, sentAt: string): void;
  onSent(): void;
  onBack(): void;
}

/**
 * One conversation: its messages decrypted in memory, oldest first, older ones on demand, and the
 * composer; when the service refuses a send with 403, or the chain shows no grant or open
 * appointment, one sentence replaces the composer and the history stays.
 */
export function ConversationView(props: ConversationViewProps) {
  const { threadId, patient, doctor, lastMessageId, partner, partnerKnown } = props;
  const { address, role } = useWallet();
  const viewerIsPatient = role === "patient";
  const conversation = useConversation(threadId);
  useQueryErrorBanner(conversation.error);
  const { items, refetch, isSuccess } = conversation;
  const [record, setRecord] = useState<RecordRef | undefined>(props.initialRecord);
  const [replyTo, setReplyTo] = useState<Hex>();
  const newest = items.length ? itemMeta(items[items.length - 1]) : undefined;
  const { onRead } = props;

  // A new message in the listing: read the newest page again (opened ones come from the cache).
  useEffect(() => {
    if (isSuccess && lastMessageId && newest && lastMessageId.toLowerCase() !== newest.id.toLowerCase()) {
      void refetch();
    }
  }, [isSuccess, lastMessageId, newest, refetch]);
  useEffect(() => {
    if (newest?.sentAt) onRead(threadId, newest.sentAt);
  }, [newest?.sentAt, threadId, onRead]);

  const other = viewerIsPatient ? doctor : patient;
  const closed = props.refused || (partnerKnown && partner === undefined) || role === "suspended";
  return (
    <section aria-labelledby="conversation-title">
      <p>
        <button type="button" onClick={props.onBack}>
          Back to conversations
        </button>
      </p>
      <h2 id="conversation-title" className="conversation-title">
        Conversation with <PartyName address={other} isDoctor={viewerIsPatient} />
      </h2>
      {conversation.isPending ? <p role="status">Reading and decrypting the messages…</p> : null}
      {conversation.hasNextPage ? (
        <button
          type="button"
          onClick={() => void conversation.fetchNextPage()}
          disabled={conversation.isFetchingNextPage}
        >
          {conversation.isFetchingNextPage ? "Reading older messages…" : "Show older messages"}
        </button>
      ) : null}
      {conversation.isSuccess && items.length === 0 ? <p>No messages yet.</p> : null}
      {items.length ? (
        <ol className="message-list" aria-label="Messages, oldest first">
          {items.map((item) => (
            <MessageItem
              key={itemMeta(item).id}
              item={item}
              me={address!}
              viewerIsPatient={viewerIsPatient}
              onReply={closed ? undefined : setReplyTo}
            />
          ))}
        </ol>
      ) : null}
      {closed ? (
        <div className="conversation-closed" role="status">
          <p>{viewerIsPatient ? CLOSED_SENTENCE.patient : CLOSED_SENTENCE.doctor}</p>
          {viewerIsPatient ? (
            <p className="actions">
              <a className="button" href="#/sharing">
                Share access
              </a>
              <a className="button" href="#/doctors">
                Book an appointment
              </a>
            </p>
          ) : null}
        </div>
      ) : (
        <Composer
          patient={patient}
          doctor={doctor}
          appointmentStart={partner?.appointmentStart}
          record={record}
          onClearRecord={() => setRecord(undefined)}
          replyTo={replyTo}
          onClearReply={() => setReplyTo(undefined)}
          onSent={() => {
            void refetch();
            props.onSent();
          }}
          onClosed={() => props.onRefused(threadId)}
        />
      )}
    </section>
  );
}
