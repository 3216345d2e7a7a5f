import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { contractConstants } from "@deployments/contracts";
import { ALL_CATEGORIES_MASK } from "@lib/categories";
import { MAX_MESSAGE_TEXT } from "@lib/messages";
import { specialtyLabel } from "@lib/specialties";
import { CategoryPicker } from "../../components/CategoryPicker";
import { NameSharingHint } from "../../components/NameSharingHint";
import type { DirectoryDoctor } from "../../hooks/useDoctors";
import { formatSlot } from "../../components/format";
import { Button } from "../../ui/Button";
import { Checkbox } from "../../ui/Checkbox";
import { TextField } from "../../ui/TextField";
import { CalendarCheck } from "lucide-react";

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
  const [problem, setProblem] = useState<{ on: "reason" | "categories"; text: string }>();
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
        ? { on: "reason" as const, text: `Keep the reason under ${MAX_MESSAGE_TEXT} characters.` }
        : share && categories === 0
          ? { on: "categories" as const, text: "Choose what to share, or untick sharing." }
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
      <TextField
        label="Reason for the visit (optional)"
        value={reason}
        onChange={setReason}
        rows={3}
        description={`Sent to ${doctor.name} only, encrypted, once the booking is made.`}
        errorMessage={problem?.on === "reason" ? problem.text : undefined}
      />
      <Checkbox isSelected={share} onChange={setShare}>
        Share my records with {doctor.name} until the visit ends ({formatSlot(shareUntil)})
      </Checkbox>
      {share ? (
        <CategoryPicker
          value={categories}
          onChange={setCategories}
          legend="What to share"
          errorMessage={problem?.on === "categories" ? problem.text : undefined}
        />
      ) : null}
      <NameSharingHint action="Booking" doctor={doctor.name} />
      <div className="actions">
        <Button type="submit" variant="primary" icon={CalendarCheck} isPending={props.busy}>
          Confirm booking
        </Button>
        <Button variant="quiet" onPress={props.onCancel} isDisabled={props.busy}>
          Choose another time
        </Button>
      </div>
    </form>
  );
}
