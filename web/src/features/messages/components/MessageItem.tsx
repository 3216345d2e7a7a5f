import { getAddress } from "viem";
import { categoryMask, type CategoryId } from "@lib/categories";
import type { Address, Hex } from "viem";
import type { MessageContent } from "@lib/messages";
import { sameAddress } from "@lib/records/context";
import { categoryName, formatSent } from "../../../components/clinicalFormat";
import { ROLE_ROUTES } from "../../../routes";
import type { ConversationItem } from "../hooks/useConversation";
import { setGrantPrefill } from "../handoff";
import { recordName } from "../../../records/recordNumber";
import { Details } from "../../../ui/Disclosure";
import { DoctorName } from "../../../components/DoctorName";
import { PatientName } from "../../../components/PatientName";
import { RecordRef } from "../../../components/RecordRef";

export interface MessageItemProps {
  item: ConversationItem;
  me: Address;
  viewerIsPatient: boolean;
  /** The patient chose to reply to this request; absent when no reply can be sent (a closed conversation). */
  onReply?(id: Hex): void;
}

/** Whether the patient's pages include an upload page (another feature may add it). */
function patientUploadPath(): string | undefined {
  return ROLE_ROUTES.patient.find((r) => r.path === "/upload")?.path;
}

function When({ at }: { at: string | undefined }) {
  return at ? <time dateTime={at}>{formatSent(new Date(at))}</time> : null;
}

/** The answers a patient has to a doctor's data request: share access, upload (when possible), reply. */
function RequestAnswers({
  id,
  doctor,
  content,
  onReply,
}: {
  id: Hex;
  doctor: Address;
  content: MessageContent;
  onReply?(id: Hex): void;
}) {
  const categories = content.kind === "request" ? (content.categories ?? []) : [];
  const upload = patientUploadPath();
  return (
    <div className="actions">
      <a
        className="button"
        href="#/sharing"
        onClick={() =>
          setGrantPrefill({ doctor: getAddress(doctor), categories: categoryMask(categories as CategoryId[]) })
        }
      >
        Share access
      </a>
      {upload ? (
        <a className="button" href={`#${upload}`}>
          Upload a record
        </a>
      ) : null}
      {onReply ? (
        <button type="button" onClick={() => onReply(id)}>
          Reply<span className="visually-hidden"> to this request</span>
        </button>
      ) : null}
    </div>
  );
}

/** One message of a conversation: who, when, the text, what it is about, and a request's answers. */
export function MessageItem({ item, me, viewerIsPatient, onReply }: MessageItemProps) {
  if (!item.ok) {
    const mine = sameAddress(item.sender, me);
    return (
      <li className={`message${mine ? " mine" : ""}`}>
        <p className="message-meta">
          {mine ? "You" : "They"} · <When at={item.sentAt} />
        </p>
        <p role="note">This message could not be opened: it was altered or is not sealed to your key.</p>
      </li>
    );
  }
  const { message } = item;
  const { content } = message;
  const mine = sameAddress(message.sender, me);
  const request = content.kind === "request";
  return (
    <li className={`message${mine ? " mine" : ""}${request ? " request" : ""}`}>
      <p className="message-meta">
        {/* Named as everywhere else: the doctor by name, the patient by the name she shared (or her short address). */}
        {mine ? (
          "You"
        ) : viewerIsPatient ? (
          <DoctorName address={message.sender} />
        ) : (
          <PatientName address={message.sender} />
        )}{" "}
        · <When at={message.sentAt} />
        {request ? <strong className="message-tag"> Data request</strong> : null}
      </p>
      {content.record ? (
        <p className="message-about">
          About <RecordRef patient={content.record.patient} index={content.record.index} />
        </p>
      ) : null}
      {content.kind === "request" && content.categories?.length ? (
        <p className="message-about">Asks for: {content.categories.map(categoryName).join(", ")}</p>
      ) : null}
      {content.kind === "text" && content.inReplyTo ? (
        <p className="message-about">In reply to a data request</p>
      ) : null}
      {content.kind === "text" && content.answer?.recordIndex !== undefined ? (
        <p className="message-about">Answered with {recordName(content.answer.recordIndex)}</p>
      ) : null}
      {content.kind === "text" && content.answer?.grantTx ? (
        <p className="message-about">
          Answered with an access grant{" "}
          <Details>
            Transaction <code>{content.answer.grantTx}</code>
          </Details>
        </p>
      ) : null}
      <p className="message-text">{content.text}</p>
      {request && viewerIsPatient && !mine ? (
        <RequestAnswers id={message.id} doctor={message.sender} content={content} onReply={onReply} />
      ) : null}
    </li>
  );
}
