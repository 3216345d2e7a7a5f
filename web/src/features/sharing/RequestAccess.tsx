import { Send } from "lucide-react";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { isAddress, zeroHash } from "viem";
import { Button } from "../../ui/Button";
import { TextField } from "../../ui/TextField";
import { TaskProgress } from "../../components/Progress";
import { WRITE_STAGES } from "../../components/stages";
import { useCoreRead } from "../../hooks/useCoreRead";
import { useCoreWrite } from "../../hooks/useCoreWrite";
import { useRouteParam } from "../../hooks/useHashRoute";
import { useTaskMutation } from "../../hooks/useTaskMutation";
import { useFocusFirstInvalid } from "../../components/forms/useFocusFirstInvalid";
import { AccessScopeFields } from "./AccessScopeFields";
import { checkAccessScope, initialAccessScope, isScopeProblem, type AccessScopeProblem } from "./accessScope";
import "../../components/care.css";

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
  const [scope, setScope] = useState(() => initialAccessScope("request", Math.floor(Date.now() / 1000)));
  const [invalid, setInvalid] = useState<{ on: "patient"; problem: string } | AccessScopeProblem | undefined>();
  const maxDuration = policy.data ? Number(policy.data.maxGrantDuration) : undefined;
  const now = Math.floor(Date.now() / 1000);
  const form = useRef<HTMLFormElement>(null);
  const [refusals, setRefusals] = useState(0);
  useFocusFirstInvalid(form, refusals);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const address = patient.trim();
    const checked = checkAccessScope("request", scope, now, maxDuration);
    const problem = !isAddress(address, { strict: false })
      ? {
          on: "patient" as const,
          problem: "Enter the patient's account address (0x followed by 40 hexadecimal characters).",
        }
      : isScopeProblem(checked)
        ? checked
        : undefined;
    setInvalid(problem);
    if (problem || isScopeProblem(checked)) {
      setRefusals((n) => n + 1);
      return;
    }
    const { categories, duration } = checked;
    void task.run(async (report) => {
      await write(
        "requestAccess",
        [address as `0x${string}`, categories, duration, 0, zeroHash],
        "send the access request",
        report,
      );
    });
  };

  return (
    <>
      <h1 tabIndex={-1}>Request access</h1>
      <form ref={form} className="card" onSubmit={onSubmit} noValidate>
        <TextField
          label="Patient's account address"
          value={patient}
          onChange={setPatient}
          autoComplete="off"
          spellCheck="false"
          placeholder="0x…"
          errorMessage={invalid?.on === "patient" ? invalid.problem : undefined}
        />
        <AccessScopeFields
          kind="request"
          scope={scope}
          onChange={setScope}
          now={now}
          maxDuration={maxDuration}
          problem={invalid?.on === "patient" ? undefined : invalid}
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
