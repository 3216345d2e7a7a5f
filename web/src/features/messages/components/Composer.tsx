import { Send } from "lucide-react";
import { useState, type FormEvent } from "react";
import { categoriesOf } from "@lib/categories";
import type { Address, Hex } from "viem";
import { AccessDeniedError } from "@lib/errors";
import { MAX_MESSAGE_TEXT, participantKeys, sealMessage, type MessageContent, type RecordRef } from "@lib/messages";
import { CategoryPicker } from "../../../components/CategoryPicker";
import { useWallet, useApiSession } from "../../../ehr/useEhr";
import { useTaskMutation } from "../../../hooks/useTaskMutation";
import { Button } from "../../../ui/Button";
import { RadioGroup } from "../../../ui/RadioGroup";
import { TextField } from "../../../ui/TextField";
import { recordName } from "../../../records/recordNumber";

export interface ComposerProps {
  patient: Address;
  doctor: Address;
  /** An open appointment's start, for the service's check when there is no grant. */
  appointmentStart?: number;
  /** The record a new message is about, until the user removes it. */
  record?: RecordRef;
  onClearRecord(): void;
  /** The request the patient is answering. */
  replyTo?: Hex;
  onClearReply(): void;
  onSent(): void;
  /** The service refused with 403: no grant or appointment between them any more. */
  onClosed(): void;
}

const KINDS = [
  { value: "text", label: "Plain message" },
  { value: "request", label: "Request data" },
] as const;

/**
 * Writes a message: sealed in the browser to both participants' registered keys (sealMessage),
 * then sent. A doctor may instead send a data request with the categories wanted. A 403 from the
 * service closes the conversation (onClosed) instead of showing an error; the text is kept.
 */
export function Composer(props: ComposerProps) {
  const { patient, doctor, appointmentStart, record, replyTo } = props;
  const { publicClient, core, address, role, runtime } = useWallet();
  const { api } = useApiSession();
  const task = useTaskMutation();
  const isDoctor = role === "doctor";
  const [text, setText] = useState("");
  const [kind, setKind] = useState<"text" | "request">("text");
  const [categories, setCategories] = useState(0);
  const [invalid, setInvalid] = useState<string>();

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const problem =
      text.trim() === ""
        ? "Write a message first."
        : text.length > MAX_MESSAGE_TEXT
          ? `Keep the message under ${MAX_MESSAGE_TEXT} characters.`
          : undefined;
    setInvalid(problem);
    if (problem) return;
    void task.run(async () => {
      const content: MessageContent =
        kind === "request"
          ? { kind, text, ...(record && { record }), ...(categories !== 0 && { categories: categoriesOf(categories) }) }
          : { kind, text, ...(record && { record }), ...(replyTo && { inReplyTo: replyTo }) };
      const sealed = await sealMessage({
        chainId: runtime.chainId,
        contract: core,
        patient,
        doctor,
        sender: address!,
        content,
        publicKeys: await participantKeys(publicClient, core, patient, doctor),
      });
      try {
        await api.sendMessage(sealed, { appointmentStart });
      } catch (error) {
        if (error instanceof AccessDeniedError) return props.onClosed();
        throw error;
      }
      setText("");
      setKind("text");
      setCategories(0);
      props.onClearRecord();
      props.onClearReply();
      props.onSent();
    });
  };

  return (
    <form className="card composer" onSubmit={onSubmit} noValidate aria-label="Write a message">
      {isDoctor ? (
        <RadioGroup label="Kind" options={KINDS} value={kind} onChange={(picked) => setKind(picked)} />
      ) : null}
      {record ? (
        <p className="composer-context">
          About {recordName(record.index)}{" "}
          <Button variant="quiet" onPress={props.onClearRecord}>
            Remove<span className="visually-hidden"> the record from this message</span>
          </Button>
        </p>
      ) : null}
      {replyTo && kind === "text" ? (
        <p className="composer-context">
          Replying to the data request{" "}
          <Button variant="quiet" onPress={props.onClearReply}>
            Cancel<span className="visually-hidden"> the reply</span>
          </Button>
        </p>
      ) : null}
      {kind === "request" ? (
        <CategoryPicker value={categories} onChange={setCategories} legend="Categories wanted (optional)" />
      ) : null}
      <TextField
        label={kind === "request" ? "What you need, and why" : "Message"}
        rows={3}
        value={text}
        maxLength={MAX_MESSAGE_TEXT}
        onChange={setText}
        description="Encrypted in your browser: only you and the other person can read it."
        errorMessage={invalid}
      />
      <div className="actions">
        <Button type="submit" variant="primary" icon={Send} isPending={task.busy}>
          {task.busy ? "Sending…" : kind === "request" ? "Send the request" : "Send"}
        </Button>
      </div>
    </form>
  );
}
