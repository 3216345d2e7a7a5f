import { useId, useState, type FormEvent } from "react";
import type { Address } from "viem";
import { conversationId, type ConversationSummary } from "@lib/messages";
import { sameAddress } from "@lib/records/context";
import { UnlockGate } from "../../components/UnlockGate";
import { useWallet } from "../../ehr/useEhr";
import { useConversations } from "../../hooks/useConversations";
import { useDoctors } from "../../hooks/useDoctors";
import { useIdentityCards } from "../../hooks/useIdentityCards";
import { shortAddress } from "../../components/format";
import { patientLabel } from "../../components/PatientName";
import { useMessagingPartners } from "./hooks/useMessagingPartners";
import { useQueryErrorBanner } from "../../hooks/useQueryErrorBanner";
import { useReadMarks } from "../../hooks/useReadMarks";
import { ConversationList } from "./components/ConversationList";
import { ConversationView } from "./components/ConversationView";
import { readMessageIntent, type MessageIntent } from "./handoff";
import { recordName } from "../../records/recordNumber";
import "./messages.css";

/**
 * Messages between a patient and their doctors: the conversations (latest first, unread dot), one
 * conversation decrypted in this browser, and a new conversation with anyone the user may write to
 * now (a live grant or an open appointment). Opened from "Message about this record" it starts a
 * message about that record.
 */
export function Messages() {
  const { address, role, core, runtime } = useWallet();
  const viewerIsPatient = role === "patient";
  const conversations = useConversations();
  useQueryErrorBanner(conversations.error);
  const partners = useMessagingPartners();
  const { isUnread, markRead } = useReadMarks();
  const [intent] = useState<MessageIntent | undefined>(readMessageIntent);
  const [other, setOther] = useState<Address | undefined>(intent?.counterpart);
  const [refused, setRefused] = useState<ReadonlySet<string>>(new Set());

  const list = conversations.data ?? [];
  const open = (account: Address) => setOther(account);
  if (other && address) {
    const [patient, doctor] = viewerIsPatient ? [address, other] : [other, address];
    const threadId = conversationId({ chainId: runtime.chainId, contract: core }, patient, doctor);
    const summary = list.find((c) => c.threadId.toLowerCase() === threadId.toLowerCase());
    return (
      <>
        <h1 tabIndex={-1}>Messages</h1>
        <UnlockGate>
          <ConversationView
            key={threadId}
            threadId={threadId}
            patient={patient}
            doctor={doctor}
            lastMessageId={summary?.lastMessageId}
            partner={partners.find(other)}
            partnerKnown={partners.isSuccess}
            refused={refused.has(threadId)}
            onRefused={(id) => {
              setRefused((old) => new Set([...old, id]));
              void partners.refetch();
            }}
            initialRecord={
              intent?.record && (!intent.counterpart || sameAddress(intent.counterpart, other))
                ? intent.record
                : undefined
            }
            onRead={markRead}
            onSent={() => void conversations.refetch()}
            onBack={() => setOther(undefined)}
          />
        </UnlockGate>
      </>
    );
  }

  return (
    <>
      <h1 tabIndex={-1}>Messages</h1>
      <p>
        Messages are private: only you and the other person in the conversation can read them, not even this service.
        You can write to each other while records are shared or an appointment is booked; old messages stay here.
      </p>
      {intent?.record ? (
        <p className="card" role="status">
          Choose whom to write to about {recordName(intent.record.index)}.
        </p>
      ) : null}
      {conversations.isPending ? <p role="status">Reading your conversations…</p> : null}
      {conversations.isSuccess ? (
        <ConversationList
          conversations={list}
          viewerIsPatient={viewerIsPatient}
          isUnread={isUnread}
          onOpen={(c: ConversationSummary) => open(viewerIsPatient ? c.doctor : c.patient)}
        />
      ) : null}
      {role !== "suspended" ? (
        <NewConversation
          accounts={partners.partners.map((p) => p.account)}
          viewerIsPatient={viewerIsPatient}
          onStart={open}
        />
      ) : null}
    </>
  );
}

/** Starts (or reopens) the conversation with someone the user may write to now. */
function NewConversation({
  accounts,
  viewerIsPatient,
  onStart,
}: {
  accounts: Address[];
  viewerIsPatient: boolean;
  onStart(account: Address): void;
}) {
  const id = useId();
  const doctors = useDoctors();
  const cards = useIdentityCards();
  const [chosen, setChosen] = useState("");
  // Text only (an option holds no markup): a doctor by name, a patient by the name she shared, else the short address.
  const label = (a: Address) => {
    if (viewerIsPatient) return doctors.data?.find((d) => sameAddress(d.account, a))?.name ?? shortAddress(a);
    return patientLabel(a, cards.data?.get(a.toLowerCase()));
  };
  if (accounts.length === 0) {
    return (
      <p className="hint">
        {viewerIsPatient
          ? "To write to a doctor, give them access or book an appointment first."
          : "To write to a patient, you need their access grant or an appointment with them."}
      </p>
    );
  }
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (chosen) onStart(chosen as Address);
  };
  return (
    <form className="card" onSubmit={onSubmit} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Write to {viewerIsPatient ? "a doctor" : "a patient"}</h2>
      <label htmlFor={`${id}-who`}>{viewerIsPatient ? "Doctor" : "Patient"}</label>
      <select id={`${id}-who`} value={chosen} onChange={(e) => setChosen(e.target.value)}>
        <option value="">{viewerIsPatient ? "Choose a doctor" : "Choose a patient"}</option>
        {accounts.map((a) => (
          <option key={a} value={a}>
            {label(a)}
          </option>
        ))}
      </select>
      <button type="submit" disabled={!chosen}>
        Open the conversation
      </button>
    </form>
  );
}
