import { Send } from "lucide-react";
import { useEffect, useState, type FormEvent } from "react";
import { isAddress, zeroHash } from "viem";
import { CategoryPicker } from "../../components/CategoryPicker";
import { Button } from "../../ui/Button";
import { TextField } from "../../ui/TextField";
import { TaskProgress } from "../../components/Progress";
import { WRITE_STAGES } from "../../components/stages";
import { useCoreRead } from "../../hooks/useCoreRead";
import { useCoreWrite } from "../../hooks/useCoreWrite";
import { useRouteParam } from "../../hooks/useHashRoute";
import { useTaskMutation } from "../../hooks/useTaskMutation";
import "../../components/care.css";

const DAY = 86_400;

/**
 * A doctor asks a patient (by account address) for chosen categories for some days; the patient
 * approves or denies on their Sharing page. No free-text reason goes on-chain (reason code 0).
 * The patient may come in the URL (`#/request-access/0x…`, the chart's "Ask for access"): the
 * field is filled with it.
 */
export function RequestAccess() {
  const write = useCoreWrite();
  const policy = useCoreRead("policy", []);
  const task = useTaskMutation();
  const [param] = useRouteParam("patient");
  const [patient, setPatient] = useState(param ?? "");
  // Another link to this page (the navigation, a chart) brings its own patient, or none.
  useEffect(() => setPatient(param ?? ""), [param]);
  const [categories, setCategories] = useState(0);
  const [days, setDays] = useState("30");
  const [invalid, setInvalid] = useState<{ on: "patient" | "categories" | "days"; problem: string } | undefined>();
  const maxDays = policy.data ? Math.floor(Number(policy.data.maxGrantDuration) / DAY) : undefined;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const address = patient.trim();
    const n = Number(days);
    const problem = !isAddress(address, { strict: false })
      ? {
          on: "patient" as const,
          problem: "Enter the patient's account address (0x followed by 40 hexadecimal characters).",
        }
      : categories === 0
        ? { on: "categories" as const, problem: "Choose at least one category to ask for." }
        : !Number.isInteger(n) || n < 1 || (maxDays !== undefined && n > maxDays)
          ? {
              on: "days" as const,
              problem: `Enter a whole number of days from 1${maxDays !== undefined ? ` to ${maxDays}` : ""}.`,
            }
          : undefined;
    setInvalid(problem);
    if (problem) return;
    void task.run(async (report) => {
      await write(
        "requestAccess",
        [address as `0x${string}`, categories, n * DAY, 0, zeroHash],
        "send the access request",
        report,
      );
    });
  };

  return (
    <>
      <h1 tabIndex={-1}>Request access</h1>
      <form className="card" onSubmit={onSubmit} noValidate>
        <TextField
          label="Patient's account address"
          value={patient}
          onChange={setPatient}
          autoComplete="off"
          spellCheck="false"
          placeholder="0x…"
          errorMessage={invalid?.on === "patient" ? invalid.problem : undefined}
        />
        <CategoryPicker
          value={categories}
          onChange={setCategories}
          legend="What you ask to read"
          errorMessage={invalid?.on === "categories" ? invalid.problem : undefined}
        />
        <TextField
          label="For how many days"
          type="number"
          inputMode="numeric"
          min={1}
          max={maxDays}
          value={days}
          onChange={setDays}
          errorMessage={invalid?.on === "days" ? invalid.problem : undefined}
        />
        <div className="actions">
          <Button type="submit" variant="primary" icon={Send} isPending={task.busy}>
            Send request
          </Button>
        </div>
        <TaskProgress title="Sending the request" stages={WRITE_STAGES} task={task} />
        {task.done ? <p role="status">Request sent. The patient sees it on their Sharing page.</p> : null}
      </form>
    </>
  );
}
