import type { LucideIcon } from "lucide-react";
import { useId, useRef, useState, type ReactNode } from "react";
import { MAX_MESSAGE_TEXT } from "@lib/messages";
import { useFocusOn } from "../hooks/useFocusOn";
import { Button } from "../ui/Button";
import { TextField } from "../ui/TextField";

export interface ConfirmButtonProps {
  /** The button's text, e.g. "Revoke". */
  label: string;
  /** The button's accessible name, e.g. "Revoke Dr Lee's access". @default label */
  ariaLabel?: string;
  /** What will happen, in a sentence or two (the consequence, and what cannot be undone). */
  question: ReactNode;
  /** The confirming button's text, e.g. "Yes, revoke access". */
  confirmLabel: string;
  /** The button that keeps things as they are. @default "Keep it" */
  keepLabel?: string;
  /** The optional reason's label; absent: no reason is asked. */
  reasonLabel?: string;
  disabled?: boolean;
  /** An icon for the first button, e.g. lucide's Ban for "Cancel". */
  icon?: LucideIcon;
  onConfirm(reason: string): void;
}

/**
 * A button for an action that ends something (revoke, cancel, decline): the first click asks, in
 * place, what will happen and an optional reason; only "Yes, …" acts. The question takes the focus,
 * and "Keep" puts it back on the button.
 */
export function ConfirmButton(props: ConfirmButtonProps) {
  const id = useId();
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState("");
  const panel = useFocusOn<HTMLDivElement>(asking, asking);
  const button = useRef<HTMLButtonElement>(null);

  if (!asking) {
    return (
      <Button
        ref={button}
        icon={props.icon}
        aria-label={props.ariaLabel}
        isDisabled={props.disabled}
        onPress={() => setAsking(true)}
      >
        {props.label}
      </Button>
    );
  }
  const keep = () => {
    setAsking(false);
    setReason("");
    requestAnimationFrame(() => button.current?.focus());
  };
  return (
    <div ref={panel} className="confirm-panel" role="group" aria-labelledby={`${id}-question`} tabIndex={-1}>
      <p id={`${id}-question`}>{props.question}</p>
      {props.reasonLabel ? (
        <TextField
          label={props.reasonLabel}
          rows={2}
          maxLength={MAX_MESSAGE_TEXT}
          value={reason}
          onChange={setReason}
        />
      ) : null}
      <div className="actions">
        <Button
          variant="danger"
          isDisabled={props.disabled}
          onPress={() => {
            setAsking(false);
            props.onConfirm(reason.trim());
          }}
        >
          {props.confirmLabel}
        </Button>
        <Button onPress={keep}>{props.keepLabel ?? "Keep it"}</Button>
      </div>
    </div>
  );
}
