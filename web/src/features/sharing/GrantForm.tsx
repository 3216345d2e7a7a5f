import { Share2 } from "lucide-react";
import { useId, useRef, useState, type FormEvent } from "react";
import { FormatError } from "@lib/errors";
import { grantAccessWithRewrap } from "@lib/records/flows";
import { Button } from "../../ui/Button";
import { SelectField } from "../../ui/SelectField";
import { TaskProgress } from "../../components/Progress";
import { NameSharingHint } from "../../components/NameSharingHint";
import { useUserKey } from "../../ehr/useEhr";
import { useCoreRead } from "../../hooks/useCoreRead";
import { useShareIdentityCard } from "../../hooks/useShareIdentityCard";
import type { DirectoryDoctor } from "../../hooks/useDoctors";
import { useTaskMutation } from "../../hooks/useTaskMutation";
import { useFocusFirstInvalid } from "../../components/forms/useFocusFirstInvalid";
import { specialtyLabel } from "@lib/specialties";
import { readGrantPrefill } from "../messages/handoff";
import { AccessScopeFields } from "./AccessScopeFields";
import { checkAccessScope, initialAccessScope, isScopeProblem, type AccessScopeProblem } from "./accessScope";

const GRANT_STAGES = ["awaiting-signature", "pending", "confirmed", "rewrap"] as const;

/**
 * Grants a doctor access to chosen categories until a chosen minute, entered in the viewer's own
 * time zone (the field says which), then shares the
 * keys of the existing records in those categories with them (grantAccessWithRewrap), and her name
 * card (name and date of birth, sealed to that doctor), as the form says. Needs the unlocked key:
 * the caller renders it inside UnlockGate.
 */
export function GrantForm({ doctors, onGranted }: { doctors: DirectoryDoctor[]; onGranted(): Promise<unknown> }) {
  const { flowContext, userKey } = useUserKey();
  const policy = useCoreRead("policy", []);
  const task = useTaskMutation();
  const id = useId();
  const now = Math.floor(Date.now() / 1000);
  const maxDuration = policy.data ? Number(policy.data.maxGrantDuration) : undefined;
  // Filled from a doctor's data request ("Share access" in Messages), once.
  const [prefill] = useState(readGrantPrefill);
  const [doctor, setDoctor] = useState<string>(prefill?.doctor ?? "");
  const [scope, setScope] = useState(() => initialAccessScope("grant", now, prefill?.categories));
  // Every field's problem at once (a missing doctor and a missing category are said together).
  const [doctorProblem, setDoctorProblem] = useState<string>();
  const [scopeProblem, setScopeProblem] = useState<AccessScopeProblem>();
  const shareName = useShareIdentityCard();
  const [nameShared, setNameShared] = useState<boolean>();
  const form = useRef<HTMLFormElement>(null);
  const [refusals, setRefusals] = useState(0);
  useFocusFirstInvalid(form, refusals);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const checked = checkAccessScope("grant", scope, now, maxDuration);
    const noDoctor = doctor === "" ? "Choose a doctor." : undefined;
    setDoctorProblem(noDoctor);
    setScopeProblem(isScopeProblem(checked) ? checked : undefined);
    if (noDoctor || isScopeProblem(checked)) {
      setRefusals((n) => n + 1);
      return;
    }
    const { categories, expiresAt } = checked;
    void task.run(async (report) => {
      if (!userKey) throw new FormatError("Unlock your key first.");
      await grantAccessWithRewrap(
        flowContext((p) => report(p.stage)),
        { doctor: doctor as `0x${string}`, categories, expiresAt, patientKey: userKey },
      );
      setScope((s) => ({ ...s, categories: 0 }));
      // The grant stands whatever happens to the card: a doctor can still read what it covers.
      setNameShared(await shareName(doctor as `0x${string}`).catch(() => false));
      await onGranted();
    });
  };

  return (
    <form ref={form} className="card" onSubmit={onSubmit} noValidate aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Give a doctor access</h2>
      <SelectField
        label="Doctor"
        value={doctor}
        onChange={(e) => setDoctor(e.target.value)}
        errorMessage={doctorProblem}
      >
        <option value="">Choose a doctor</option>
        {doctors
          .filter((d) => d.active)
          .map((d) => (
            <option key={d.account} value={d.account}>
              {d.name} ({specialtyLabel(d.specialty)}, {d.hospitalName})
            </option>
          ))}
      </SelectField>
      <AccessScopeFields
        kind="grant"
        scope={scope}
        onChange={setScope}
        now={now}
        maxDuration={maxDuration}
        problem={scopeProblem}
      />
      <NameSharingHint action="Giving access also" doctor="this doctor" />
      <div className="actions">
        <Button type="submit" variant="primary" icon={Share2} isPending={task.busy}>
          Give access
        </Button>
      </div>
      <TaskProgress title="Giving access" stages={GRANT_STAGES} task={task} />
      {task.done && nameShared !== undefined ? (
        <p role="status">
          {nameShared
            ? "Access given. The doctor now knows you by name."
            : "Access given. Add your general details so the doctor knows you by name."}
        </p>
      ) : null}
    </form>
  );
}
