import { useId, useState, type FormEvent } from "react";
import { checkPrescription } from "@lib/clinical/allergyCheck";
import { allergiesToCheck } from "@lib/clinical/reconcile";
import type { Address } from "viem";
import {
  COMMON_TESTS,
  DOSE_UNITS,
  PRIORITIES,
  ROUTES,
  validateOrder,
  type CommonTestCode,
  type Order,
} from "@lib/fhir/orders";
import { CircleCheckBig } from "lucide-react";
import { Button } from "../../../ui/Button";
import { SelectField } from "../../../ui/SelectField";
import { TextField } from "../../../ui/TextField";
import { PrescribingCheck, type PrescribingCheckProps } from "../../reconcile/components/PrescribingCheck";
import { useReadableAllergies } from "../../reconcile/hooks/useReadableAllergies";

type Outcome = "none" | "prescription" | "test-order";

const OUTCOMES: { value: Outcome; label: string }[] = [
  { value: "none", label: "No outcome" },
  { value: "prescription", label: "Prescription" },
  { value: "test-order", label: "Test order" },
];

/** A number field's value for the validator: empty stays empty (refused as "must be a number"). */
const numberOf = (value: string) => (value.trim() === "" ? undefined : Number(value));

/**
 * The doctor's "Complete" form of one appointment: no outcome, a prescription or a test order.
 * `onSubmit` receives a thunk that checks the values (lib/fhir/orders), so a bad value fails inside
 * the caller's task, through showError, before any transaction. A prescription is first checked
 * against the patient's allergies (lib/clinical/allergyCheck); a warning needs a reason, which
 * the prescription carries.
 */
export function CompleteForm({
  when,
  patient,
  busy,
  onSubmit,
  onCancel,
}: {
  when: string;
  patient: Address;
  busy: boolean;
  onSubmit: (order: () => Order | undefined) => void;
  onCancel: () => void;
}) {
  const id = useId();
  const [outcome, setOutcome] = useState<Outcome>("none");
  const [rx, setRx] = useState({
    medication: "",
    doseValue: "",
    doseUnit: "mg",
    route: "oral",
    timesPerDay: "1",
    durationDays: "7",
    instructions: "",
  });
  const [test, setTest] = useState({ loinc: "", testName: "", reason: "", priority: "routine" });
  const allergies = useReadableAllergies(patient);
  const [overrideReason, setOverrideReason] = useState("");
  const [problem, setProblem] = useState<PrescribingCheckProps["problem"]>();
  const alerts = allergies.result ? checkPrescription(rx.medication, allergiesToCheck(allergies.result.list)) : [];

  /** The allergy check's problem, if the prescription cannot be saved yet: shown beside its field, focused. */
  const checkProblem = (): PrescribingCheckProps["problem"] => {
    if (!allergies.result) return { field: "check", message: "Check the patient's allergies before prescribing." };
    if (alerts.length > 0 && !overrideReason.trim())
      return {
        field: "reason",
        message: "Give the reason for prescribing despite the warning, or change the medication.",
      };
    return undefined;
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (outcome === "prescription") {
      const found = checkProblem();
      setProblem(found);
      if (found) {
        document.getElementById(field(found.field === "reason" ? "check-override" : "check-button"))?.focus();
        return;
      }
    }
    onSubmit(() => {
      if (outcome === "none") return undefined;
      if (outcome === "prescription") {
        return validateOrder({
          kind: "prescription",
          ...rx,
          doseValue: numberOf(rx.doseValue),
          timesPerDay: numberOf(rx.timesPerDay),
          durationDays: numberOf(rx.durationDays),
          allergyOverride: alerts.length
            ? { reason: overrideReason, warnings: alerts.map((a) => a.message) }
            : undefined,
        });
      }
      return validateOrder({ kind: "test-order", ...test });
    });
  };

  const field = (name: string) => `${id}-${name}`;
  const onPickTest = (code: string) =>
    setTest((t) => ({
      ...t,
      loinc: code,
      testName: code ? COMMON_TESTS[code as CommonTestCode] : t.testName,
    }));

  return (
    <form className="complete-form" onSubmit={submit} noValidate aria-label={`Complete the appointment of ${when}`}>
      <fieldset>
        <legend>Outcome</legend>
        {OUTCOMES.map((o) => (
          <label key={o.value} className="check">
            <input
              type="radio"
              name={field("outcome")}
              value={o.value}
              checked={outcome === o.value}
              onChange={() => setOutcome(o.value)}
            />
            {o.label}
          </label>
        ))}
      </fieldset>

      {outcome === "prescription" ? (
        <fieldset>
          <legend>Prescription</legend>
          <TextField label="Medication" value={rx.medication} onChange={(medication) => setRx({ ...rx, medication })} />
          <PrescribingCheck
            id={field("check")}
            checked={allergies.result}
            alerts={alerts}
            reading={allergies.task}
            onRead={() => {
              setProblem(undefined);
              void allergies.read();
            }}
            reason={overrideReason}
            onReason={setOverrideReason}
            problem={problem}
          />
          <div className="filters">
            <TextField
              label="Dose"
              inputMode="decimal"
              value={rx.doseValue}
              onChange={(doseValue) => setRx({ ...rx, doseValue })}
            />
            <SelectField
              label="Dose unit"
              value={rx.doseUnit}
              onChange={(e) => setRx({ ...rx, doseUnit: e.target.value })}
            >
              {DOSE_UNITS.map((u) => (
                <option key={u}>{u}</option>
              ))}
            </SelectField>
            <SelectField label="Route" value={rx.route} onChange={(e) => setRx({ ...rx, route: e.target.value })}>
              {Object.keys(ROUTES).map((r) => (
                <option key={r}>{r}</option>
              ))}
            </SelectField>
            <TextField
              label="Times a day"
              type="number"
              inputMode="numeric"
              min="1"
              max="24"
              value={rx.timesPerDay}
              onChange={(timesPerDay) => setRx({ ...rx, timesPerDay })}
            />
            <TextField
              label="Duration (days)"
              type="number"
              inputMode="numeric"
              min="1"
              max="365"
              value={rx.durationDays}
              onChange={(durationDays) => setRx({ ...rx, durationDays })}
            />
          </div>
          <TextField
            label="Instructions for the patient (optional)"
            rows={2}
            value={rx.instructions}
            onChange={(instructions) => setRx({ ...rx, instructions })}
          />
        </fieldset>
      ) : null}

      {outcome === "test-order" ? (
        <fieldset>
          <legend>Test order</legend>
          <SelectField label="Common test (LOINC)" value={test.loinc} onChange={(e) => onPickTest(e.target.value)}>
            <option value="">Other test (name only)</option>
            {Object.entries(COMMON_TESTS).map(([code, name]) => (
              <option key={code} value={code}>
                {name} ({code})
              </option>
            ))}
          </SelectField>
          <TextField label="Test name" value={test.testName} onChange={(testName) => setTest({ ...test, testName })} />
          <TextField label="Reason" value={test.reason} onChange={(reason) => setTest({ ...test, reason })} />
          <SelectField
            label="Priority"
            value={test.priority}
            onChange={(e) => setTest({ ...test, priority: e.target.value })}
          >
            {PRIORITIES.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </SelectField>
        </fieldset>
      ) : null}

      <div className="actions">
        <Button type="submit" variant="primary" icon={CircleCheckBig} isPending={busy}>
          Complete the appointment
        </Button>
        <Button variant="quiet" onPress={onCancel} isDisabled={busy}>
          Not now
        </Button>
      </div>
    </form>
  );
}
