import { Save } from "lucide-react";
import { useId, useMemo, useState, type FormEvent } from "react";
import { utf8 } from "@lib/bytes";
import { isAuthorized } from "@lib/chain/ehr";
import type { Address } from "viem";
import { AccessDeniedError } from "@lib/errors";
import { checkForm, FORM_KINDS, FORMS, formToBundle, type FormKind } from "@lib/forms";
import { createRecord, type CreatedRecord } from "@lib/records/flows";
import { summarizeFhirBundle } from "@lib/summary/summarizeFhirBundle";
import { SaveProgress } from "../../components/SaveProgress";
import { useFocusOn } from "../../hooks/useFocusOn";
import { categoryName } from "../../components/clinicalFormat";
import { FormEditor, inputId } from "../../components/forms/FormEditor";
import { FORM_SPECS } from "../../components/forms/formSpecs";
import { ErrorSummary } from "../../components/forms/ErrorSummary";
import {
  draftKeys,
  draftToInput,
  emptyDraft,
  placeProblems,
  screenOrder,
  type FormDraft,
} from "../../components/forms/formValues";
import { encodeStoredSummary } from "@lib/summary/stored";
import type { TaskStage } from "../../components/stages";
import { useWallet, useUserKey } from "../../ehr/useEhr";
import { useChainNow } from "../../hooks/useChainNow";
import { useDoctorAppointments } from "../../hooks/useDoctorAppointments";
import { checkAppointmentWrite, isWriteWindowOpen } from "../../records/appointmentWindow";
import { useTaskMutation } from "../../hooks/useTaskMutation";
import "../../components/clinical.css";
import "../../components/forms/forms.css";
import { AppointmentStatus } from "@deployments/contracts";
import { recordName } from "../../records/recordNumber";
import { PatientWork } from "../../components/PatientWork";
import { PatientName } from "../../components/PatientName";
import { localMinute } from "@lib/localTime";
import { Button } from "../../ui/Button";
import { SelectField } from "../../ui/SelectField";

const SAVE_STAGES: TaskStage[] = ["summarize", "encrypt", "upload", "awaiting-signature", "pending", "confirmed"];

/**
 * One form for one patient: checked as typed (after the first save), saved as an encrypted FHIR
 * record. A refused save sends nothing: each problem stands beside its field, and a summary at the
 * top (which takes the focus) links to each of them.
 */
function FormFiller({ patient }: { patient: Address }) {
  const id = useId();
  const { publicClient, core, address } = useWallet();
  const { flowContext, userKey } = useUserKey();
  const saving = useTaskMutation();
  const appointments = useDoctorAppointments();
  const { now } = useChainNow();
  const [kind, setKind] = useState<FormKind>("vitals");
  const [draft, setDraft] = useState<FormDraft>(() => emptyDraft(FORM_SPECS.vitals));
  const [attempted, setAttempted] = useState(false);
  const [appointment, setAppointment] = useState("");
  const [saved, setSaved] = useState<CreatedRecord & { kind: FormKind }>();
  // Bumped by each refused save: the summary is focused once it is on the screen.
  const [refusals, setRefusals] = useState(0);
  const summary = useFocusOn<HTMLDivElement>(refusals, refusals > 0);
  const spec = FORM_SPECS[kind];
  const form = FORMS[kind];

  const input = useMemo(() => draftToInput(spec, draft), [spec, draft]);
  const check = useMemo(() => checkForm(kind, input), [kind, input]);
  const keys = draftKeys(spec, draft);
  const problems =
    attempted && !check.ok
      ? placeProblems(
          check.problems,
          keys,
          spec.lists.map((l) => l.key),
        )
      : {};
  const listed = screenOrder(spec, draft)
    .filter((key) => problems[key] !== undefined)
    .map((key) => ({ message: problems[key], target: key === "" ? undefined : inputId(id, key) }));
  // Only appointments whose write-up window is open now, the chain's rule for addAppointmentRecord.
  const writable = (appointments.data ?? []).filter(
    (a) =>
      a.status === AppointmentStatus.Confirmed &&
      a.patient.toLowerCase() === patient.toLowerCase() &&
      isWriteWindowOpen(a.start, now),
  );
  const fileUnder = writable.some((a) => String(a.start) === appointment) ? appointment : "";

  const choose = (next: FormKind) => {
    setKind(next);
    setDraft(emptyDraft(FORM_SPECS[next]));
    setAttempted(false);
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setAttempted(true);
    setSaved(undefined);
    if (!check.ok) {
      // Nothing is sent: the summary takes the focus, each message is beside its field.
      setRefusals((n) => n + 1);
      return;
    }
    const appointmentStart = fileUnder ? Number(fileUnder) : undefined;
    void saving.run(async (report) => {
      const { bundle, category, mediaType } = formToBundle(kind, input as never, {
        patient: `Patient/${patient.toLowerCase()}`,
      });
      if (appointmentStart === undefined && !(await isAuthorized(publicClient, core, patient, address!, category))) {
        throw new AccessDeniedError(
          `Your access grant from this patient does not cover ${categoryName(category)}: ask the patient for access to it, or file the form under a confirmed appointment.`,
        );
      }
      // The chain has the last word (the appointment may have been cancelled meanwhile): asked
      // before anything is encrypted or uploaded, so a refusal is its sentence and nothing is sent.
      if (appointmentStart !== undefined)
        await checkAppointmentWrite({ publicClient, core }, address!, appointmentStart, category);
      report("summarize");
      const summary = encodeStoredSummary({ summary: summarizeFhirBundle(bundle), narrative: null, source: "fhir" });
      const created = await createRecord(
        flowContext((p) => report(p.stage)),
        {
          patient,
          category,
          content: utf8(JSON.stringify(bundle)),
          mediaType,
          fileName: `${kind}-form.json`,
          summary,
          authorKey: userKey!,
          appointmentStart,
        },
      );
      setSaved({ ...created, kind });
      setDraft(emptyDraft(spec));
      setAttempted(false);
    });
  };

  return (
    <>
      <form className="card clinical-form" onSubmit={onSubmit} noValidate aria-labelledby={`${id}-title`}>
        <h2 id={`${id}-title`}>
          Form for <PatientName address={patient} />
        </h2>
        <ErrorSummary id={id} problems={listed} ref={summary} />
        <SelectField label="Form" value={kind} onChange={(e) => choose(e.target.value as FormKind)}>
          {FORM_KINDS.map((k) => (
            <option key={k} value={k}>
              {FORMS[k].title}
            </option>
          ))}
        </SelectField>
        <p>
          Filed as {categoryName(form.category)}: you need this patient&apos;s permission for it, or a confirmed
          appointment with them that has started (you can file under it until 24 hours after it ends).
        </p>
        <FormEditor id={id} spec={spec} draft={draft} problems={problems} onChange={setDraft} />
        <SelectField label="File under" value={fileUnder} onChange={(e) => setAppointment(e.target.value)}>
          <option value="">The patient&apos;s permission</option>
          {writable.map((a) => (
            <option key={a.start} value={a.start}>
              The appointment of {localMinute(a.start * 1000)}
            </option>
          ))}
        </SelectField>
        <div className="actions">
          <Button type="submit" variant="primary" icon={Save} isPending={saving.busy}>
            Save the form
          </Button>
        </div>
      </form>
      <SaveProgress title="Saving the form" stages={SAVE_STAGES} from="summarize" task={saving} saved={saved}>
        {saved ? `${FORMS[saved.kind].title} saved as ${recordName(saved.index)} of this patient` : null}
      </SaveProgress>
    </>
  );
}

/** Structured forms (vital signs, cardiology, dermatology, dentistry) for a patient who granted access. */
export function FillForm() {
  return <PatientWork title="Fill a form">{(patient) => <FormFiller patient={patient} />}</PatientWork>;
}
