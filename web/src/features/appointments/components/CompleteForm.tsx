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
          <label htmlFor={field("medication")}>Medication</label>
          <input
            id={field("medication")}
            value={rx.medication}
            onChange={(e) => setRx({ ...rx, medication: e.target.value })}
          />
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
            <div>
              <label htmlFor={field("dose")}>Dose</label>
              <input
                id={field("dose")}
                type="number"
                inputMode="decimal"
                min="0"
                step="any"
                value={rx.doseValue}
                onChange={(e) => setRx({ ...rx, doseValue: e.target.value })}
              />
            </div>
            <div>
              <label htmlFor={field("unit")}>Dose unit</label>
              <select
                id={field("unit")}
                value={rx.doseUnit}
                onChange={(e) => setRx({ ...rx, doseUnit: e.target.value })}
              >
                {DOSE_UNITS.map((u) => (
                  <option key={u}>{u}</option>
                ))}
              </select>
            </div>
            <div>
              <label htmlFor={field("route")}>Route</label>
              <select id={field("route")} value={rx.route} onChange={(e) => setRx({ ...rx, route: e.target.value })}>
                {Object.keys(ROUTES).map((r) => (
                  <option key={r}>{r}</option>
                ))}
              </select>
            </div>
            <div>
              <label htmlFor={field("times")}>Times a day</label>
              <input
                id={field("times")}
                type="number"
                inputMode="numeric"
                min="1"
                max="24"
                value={rx.timesPerDay}
                onChange={(e) => setRx({ ...rx, timesPerDay: e.target.value })}
              />
            </div>
            <div>
              <label htmlFor={field("days")}>Duration (days)</label>
              <input
                id={field("days")}
                type="number"
                inputMode="numeric"
                min="1"
                max="365"
                value={rx.durationDays}
                onChange={(e) => setRx({ ...rx, durationDays: e.target.value })}
              />
            </div>
          </div>
          <label htmlFor={field("instructions")}>Instructions for the patient (optional)</label>
          <textarea
            id={field("instructions")}
            rows={2}
            value={rx.instructions}
            onChange={(e) => setRx({ ...rx, instructions: e.target.value })}
          />
        </fieldset>
      ) : null}

      {outcome === "test-order" ? (
        <fieldset>
          <legend>Test order</legend>
          <label htmlFor={field("common")}>Common test (LOINC)</label>
          <select id={field("common")} value={test.loinc} onChange={(e) => onPickTest(e.target.value)}>
            <option value="">Other test (name only)</option>
            {Object.entries(COMMON_TESTS).map(([code, name]) => (
              <option key={code} value={code}>
                {name} ({code})
              </option>
            ))}
          </select>
          <label htmlFor={field("test")}>Test name</label>
          <input
            id={field("test")}
            value={test.testName}
            onChange={(e) => setTest({ ...test, testName: e.target.value })}
          />
          <label htmlFor={field("reason")}>Reason</label>
          <input
            id={field("reason")}
            value={test.reason}
            onChange={(e) => setTest({ ...test, reason: e.target.value })}
          />
          <label htmlFor={field("priority")}>Priority</label>
          <select
            id={field("priority")}
            value={test.priority}
            onChange={(e) => setTest({ ...test, priority: e.target.value })}
          >
            {PRIORITIES.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </fieldset>
      ) : null}

      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          Complete the appointment
        </button>
        <button type="button" onClick={onCancel} disabled={busy}>
          Not now
        </button>
      </div>
    </form>
  );
}
