import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { contractConstants } from "@deployments/contracts";
import { ALL_CATEGORIES_MASK } from "@lib/categories";
import { MAX_MESSAGE_TEXT } from "@lib/messages";
import { specialtyLabel } from "@lib/specialties";
import { CategoryPicker } from "../../components/CategoryPicker";
import type { DirectoryDoctor } from "../../hooks/useDoctors";
import { formatSlot } from "../../components/format";

/** What the patient chose in the review: why she comes, and what she shares until the visit ends. */
export interface BookingChoice {
  start: number;
  /** Sent sealed to the doctor once booked; empty: none. */
  reason: string;
  /** Record categories granted until the visit ends (bookWithConsent); 0: none. */
  shareCategories: number;
  /** When the grant ends: the end of the visit. */
  shareUntil: number;
}

/**
 * The review step before a booking transaction: the slot, an optional reason for the visit, an
 * optional grant of records until the visit ends (the contract books and grants in one
 * transaction), and what is shared by booking at all (the patient's name and date of birth, sealed
 * to this doctor). Nothing is sent until "Confirm booking".
 */
export function BookingReview(props: {
  doctor: DirectoryDoctor;
  start: number;
  busy: boolean;
  onConfirm(choice: BookingChoice): void;
  onCancel(): void;
}) {
  const { doctor, start } = props;
  const id = useId();
  const [reason, setReason] = useState("");
  const [share, setShare] = useState(false);
  const [categories, setCategories] = useState(ALL_CATEGORIES_MASK);
  const [problem, setProblem] = useState<string>();
  const shareUntil = start + contractConstants.SLOT_DURATION;
  const heading = useRef<HTMLHeadingElement>(null);
  // The review opens under the chosen day: bring it into view and give it the focus, so a keyboard
  // or screen-reader user lands on it too.
  useEffect(() => {
    heading.current?.focus();
    heading.current?.scrollIntoView({ block: "nearest" });
  }, []);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const issue =
      reason.length > MAX_MESSAGE_TEXT
        ? `Keep the reason under ${MAX_MESSAGE_TEXT} characters.`
        : share && categories === 0
          ? "Choose what to share, or untick sharing."
          : undefined;
    setProblem(issue);
    if (issue) return;
    props.onConfirm({ start, reason: reason.trim(), shareCategories: share ? categories : 0, shareUntil });
  };

  return (
    <form className="card booking-review" onSubmit={onSubmit} aria-labelledby={`${id}-title`} noValidate>
      <h3 id={`${id}-title`} ref={heading} tabIndex={-1}>
        Review your booking
      </h3>
      <p>
        <strong>{doctor.name}</strong>, {specialtyLabel(doctor.specialty)} · {doctor.hospitalName}
        <br />
        {formatSlot(start)}, 30 minutes
      </p>
      <label htmlFor={`${id}-reason`}>Reason for the visit (optional)</label>
      <textarea
        id={`${id}-reason`}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        rows={3}
        aria-describedby={`${id}-reason-hint`}
        aria-invalid={problem?.startsWith("Keep") ? true : undefined}
      />
      <p id={`${id}-reason-hint`} className="hint">
        Sent to {doctor.name} only, encrypted, once the booking is made.
      </p>
      <label className="check">
        <input type="checkbox" checked={share} onChange={(e) => setShare(e.target.checked)} /> Share my records with{" "}
        {doctor.name} until the visit ends ({formatSlot(shareUntil)})
      </label>
      {share ? <CategoryPicker value={categories} onChange={setCategories} legend="What to share" /> : null}
      <p className="hint">
        Booking shares your name and date of birth (from your general details) with {doctor.name}, encrypted so only
        they can read it, so they know you by name.
      </p>
      {problem ? (
        <p className="field-error" role="alert">
          {problem}
        </p>
      ) : null}
      <div className="actions">
        <button type="submit" className="primary" disabled={props.busy}>
          Confirm booking
        </button>
        <button type="button" onClick={props.onCancel} disabled={props.busy}>
          Choose another time
        </button>
      </div>
    </form>
  );
}
