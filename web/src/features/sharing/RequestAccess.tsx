import { Send } from "lucide-react";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { getAddress, isAddress, zeroHash, type Address } from "viem";
import { Button } from "../../ui/Button";
import { TaskProgress } from "../../components/Progress";
import { PatientName } from "../../components/PatientName";
import { PatientPicker } from "../../components/PatientPicker";
import { WRITE_STAGES } from "../../components/stages";
import { useCoreRead } from "../../hooks/useCoreRead";
import { useCoreWrite } from "../../hooks/useCoreWrite";
import { useRouteParam } from "../../hooks/useHashRoute";
import { useTaskMutation } from "../../hooks/useTaskMutation";
import { useFocusFirstInvalid } from "../../components/forms/useFocusFirstInvalid";
import { AccessScopeFields } from "./AccessScopeFields";
import { checkAccessScope, initialAccessScope, isScopeProblem, type AccessScopeProblem } from "./accessScope";
import "../../components/care.css";

/** The patient a link names (`#/request-access/0x…`), if it names one. */
const patientIn = (param: string | undefined): Address | undefined =>
  param && isAddress(param, { strict: false }) ? getAddress(param) : undefined;

/**
 * A doctor asks a patient for chosen categories for some days; the patient approves or denies on
 * their Home or Sharing page. The patient is found by name among those the doctor knows (a booking,
 * a shared name card, a grant) or pasted as an address, with the chart's picker; a link may bring
 * them (`#/request-access/0x…`, the chart's "Ask for access"). No free-text reason goes on-chain
 * (reason code 0).
 */
export function RequestAccess() {
  const [param] = useRouteParam("patient");
  const [patient, setPatient] = useState(() => patientIn(param));
  // Another link to this page (the navigation, a chart) brings its own patient, or none.
  useEffect(() => setPatient(patientIn(param)), [param]);
  return (
    <>
      <h1 tabIndex={-1}>Request access</h1>
      <PatientPicker key={param} action="Choose patient" onPick={setPatient} initial={patient} />
      {patient ? (
        <RequestForm key={patient} patient={patient} />
      ) : (
        <p className="muted">Choose the patient to ask; they answer on their Home or Sharing page.</p>
      )}
    </>
  );
}

/** The request to one patient: what to read and for how long, then one transaction. */
function RequestForm({ patient }: { patient: Address }) {
  const write = useCoreWrite();
  const policy = useCoreRead("policy", []);
  const task = useTaskMutation();
  const [scope, setScope] = useState(() => initialAccessScope("request", Math.floor(Date.now() / 1000)));
  const [invalid, setInvalid] = useState<AccessScopeProblem | undefined>();
  const maxDuration = policy.data ? Number(policy.data.maxGrantDuration) : undefined;
  const now = Math.floor(Date.now() / 1000);
  const form = useRef<HTMLFormElement>(null);
  const [refusals, setRefusals] = useState(0);
  useFocusFirstInvalid(form, refusals);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const checked = checkAccessScope("request", scope, now, maxDuration);
    if (isScopeProblem(checked)) {
      setInvalid(checked);
      setRefusals((n) => n + 1);
      return;
    }
    setInvalid(undefined);
    const { categories, duration } = checked;
    void task.run(async (report) => {
      await write("requestAccess", [patient, categories, duration, 0, zeroHash], "send the access request", report);
    });
  };

  return (
    <form ref={form} className="card" onSubmit={onSubmit} noValidate aria-labelledby="request-to">
      <h2 id="request-to">
        Ask <PatientName address={patient} /> for access
      </h2>
      <AccessScopeFields
        kind="request"
        scope={scope}
        onChange={setScope}
        now={now}
        maxDuration={maxDuration}
        problem={invalid}
      />
      <div className="actions">
        <Button type="submit" variant="primary" icon={Send} isPending={task.busy}>
          Send request
        </Button>
      </div>
      <TaskProgress
        title="Sending the request"
        stages={WRITE_STAGES}
        task={task}
        doneText="Request sent. The patient sees it on their Home and Sharing pages."
      />
    </form>
  );
}
