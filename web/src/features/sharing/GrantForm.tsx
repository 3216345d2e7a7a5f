import { Share2 } from "lucide-react";
import { useId, useState, type FormEvent } from "react";
import { FormatError } from "@lib/errors";
import { grantAccessWithRewrap } from "@lib/records/flows";
import { CategoryPicker } from "../../components/CategoryPicker";
import { Button } from "../../ui/Button";
import { SelectField } from "../../ui/SelectField";
import { TextField } from "../../ui/TextField";
import { TaskProgress } from "../../components/Progress";
import { useUserKey } from "../../ehr/useEhr";
import { useCoreRead } from "../../hooks/useCoreRead";
import { useShareIdentityCard } from "../../hooks/useShareIdentityCard";
import type { DirectoryDoctor } from "../../hooks/useDoctors";
import { useTaskMutation } from "../../hooks/useTaskMutation";
import { viewerTimeZone } from "../../components/format";
import { specialtyLabel } from "@lib/specialties";
import { takeGrantPrefill } from "../messages/handoff";

const GRANT_STAGES = ["awaiting-signature", "pending", "confirmed", "rewrap"] as const;
const DAY = 86_400;

/** "YYYY-MM-DDTHH:mm" of a Unix time in the viewer's time zone, for a datetime-local input. */
function localInput(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** The Unix time (seconds) of a datetime-local value, read in the viewer's time zone; NaN if malformed. */
function fromLocalInput(value: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return NaN;
  const [y, mo, d, h, mi, sec] = m.slice(1).map((part) => Number(part ?? 0));
  return Math.floor(new Date(y, mo - 1, d, h, mi, sec).getTime() / 1000);
}

/** The end of the viewer's day `days` from now (23:59 local), as Unix seconds. */
function endOfLocalDay(nowSeconds: number, days: number): number {
  const d = new Date((nowSeconds + days * DAY) * 1000);
  d.setHours(23, 59, 0, 0);
  return Math.floor(d.getTime() / 1000);
}

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
  const [prefill] = useState(takeGrantPrefill);
  const [doctor, setDoctor] = useState<string>(prefill?.doctor ?? "");
  const [categories, setCategories] = useState(prefill?.categories ?? 0);
  const [expiry, setExpiry] = useState(() => localInput(endOfLocalDay(now, 30)));
  const [invalid, setInvalid] = useState<{ on: "doctor" | "categories" | "expiry"; problem: string } | undefined>();
  const shareName = useShareIdentityCard();
  const [nameShared, setNameShared] = useState<boolean>();

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const expiresAt = fromLocalInput(expiry);
    const problem =
      doctor === ""
        ? { on: "doctor" as const, problem: "Choose a doctor." }
        : categories === 0
          ? { on: "categories" as const, problem: "Choose at least one category to share." }
          : !Number.isFinite(expiresAt) || expiresAt <= now
            ? { on: "expiry" as const, problem: "Choose when access ends: a date and time in the future." }
            : maxDuration !== undefined && expiresAt > now + maxDuration
              ? {
                  on: "expiry" as const,
                  problem: `Choose an end within ${Math.floor(maxDuration / DAY)} days from now.`,
                }
              : undefined;
    setInvalid(problem);
    if (problem) return;
    void task.run(async (report) => {
      if (!userKey) throw new FormatError("Unlock your key first.");
      await grantAccessWithRewrap(
        flowContext((p) => report(p.stage)),
        { doctor: doctor as `0x${string}`, categories, expiresAt, patientKey: userKey },
      );
      setCategories(0);
      // The grant stands whatever happens to the card: a doctor can still read what it covers.
      setNameShared(await shareName(doctor as `0x${string}`).catch(() => false));
      await onGranted();
    });
  };

  return (
    <form className="card" onSubmit={onSubmit} noValidate aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Give a doctor access</h2>
      <SelectField
        label="Doctor"
        value={doctor}
        onChange={(e) => setDoctor(e.target.value)}
        errorMessage={invalid?.on === "doctor" ? invalid.problem : undefined}
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
      <CategoryPicker
        value={categories}
        onChange={setCategories}
        legend="What they may read"
        errorMessage={invalid?.on === "categories" ? invalid.problem : undefined}
      />
      <TextField
        label={`Access ends, your time: ${viewerTimeZone()}`}
        description="The date and minute access stops, in your own time zone."
        type="datetime-local"
        value={expiry}
        min={localInput(now)}
        max={maxDuration !== undefined ? localInput(now + maxDuration) : undefined}
        onChange={setExpiry}
        errorMessage={invalid?.on === "expiry" ? invalid.problem : undefined}
      />
      <p className="hint">
        Giving access also shares your name and date of birth (from your general details) with this doctor, encrypted so
        only they can read it, so they know you by name.
      </p>
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
