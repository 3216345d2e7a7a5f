import { useEffect, useId, useRef, useState, type Dispatch, type FormEvent, type SetStateAction } from "react";
import { checkPrescription } from "@lib/clinical/allergyCheck";
import { allergiesToCheck } from "@lib/clinical/reconcile";
import type { Address } from "viem";
import {
  COMMON_TESTS,
  DOSE_UNITS,
  orderProblems,
  PRIORITIES,
  ROUTES,
  validateOrder,
  type CommonTestCode,
  type Order,
} from "@lib/fhir/orders";
import { CircleCheckBig } from "lucide-react";
import { Button } from "../../../ui/Button";
import { RadioGroup } from "../../../ui/RadioGroup";
import { SelectField } from "../../../ui/SelectField";
import { TextField } from "../../../ui/TextField";
import { PrescribingCheck, type PrescribingCheckProps } from "../../reconcile/components/PrescribingCheck";
import { useReadableAllergies } from "../../reconcile/hooks/useReadableAllergies";

type Outcome = "none" | "prescription" | "test-order";

const OUTCOMES = [
  { value: "none", label: "No outcome" },
  { value: "prescription", label: "Prescription" },
  { value: "test-order", label: "Test order" },
] as const satisfies readonly { value: Outcome; label: string }[];

/** A number field's value for the validator: empty stays empty (refused as "must be a number"). */
const numberOf = (value: string) => (value.trim() === "" ? undefined : Number(value));

/** A choice among a fixed list of words (dose unit, route, priority), its problem beside it. */
function ListField<V extends string>(props: {
  label: string;
  options: readonly V[];
  value: string;
  onChange(value: V): void;
  errorMessage?: string;
}) {
  return (
    <SelectField
      label={props.label}
      value={props.value}
      onChange={(e) => props.onChange(e.target.value as V)}
      errorMessage={props.errorMessage}
    >
      {props.options.map((o) => (
        <option key={o}>{o}</option>
      ))}
    </SelectField>
  );
}

/**
 * The doctor's "Complete" form of one appointment: no outcome, a prescription or a test order.
 * Each value is checked here first (lib/fhir/orders orderProblems): a problem shows beside its field
 * and the first such field takes the focus; nothing is sent. `onSubmit` then receives a thunk that
 * checks the values again (validateOrder) inside the caller's task. A prescription is first checked
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
  /** The order's problems by field, shown beside each once the doctor tried to complete. */
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [tried, setTried] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);
  // After a refused try, the first field with a problem takes the focus (after the render that marks it).
  useEffect(() => {
    if (tried) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [tried]);
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

  /** The values of the chosen outcome, as the validator takes them; undefined for no outcome. */
  const orderInput = () => {
    if (outcome === "prescription") {
      return {
        kind: "prescription",
        ...rx,
        doseValue: numberOf(rx.doseValue),
        timesPerDay: numberOf(rx.timesPerDay),
        durationDays: numberOf(rx.durationDays),
        allergyOverride: alerts.length ? { reason: overrideReason, warnings: alerts.map((a) => a.message) } : undefined,
      };
    }
    return outcome === "test-order" ? { kind: "test-order", ...test } : undefined;
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
    const input = orderInput();
    // A problem of the whole ("kind") has no field: validateOrder says it in the banner.
    const { kind: _whole, allergyOverride, ...found } = input ? orderProblems(input) : {};
    setProblems(found);
    if (allergyOverride) setProblem({ field: "reason", message: allergyOverride });
    if (Object.keys(found).length > 0 || allergyOverride) {
      setTried((n) => n + 1);
      return;
    }
    onSubmit(() => (input ? validateOrder(input) : undefined));
  };

  /** A field edited: its problem goes until the next try. */
  const edited = (name: string) => {
    if (problems[name]) setProblems(({ [name]: _fixed, ...rest }) => rest);
  };
  /**
   * The props every order field takes: its value in `values`, its change (which clears its problem)
   * and its problem. One binder for the prescription and one for the test order.
   */
  const binder =
    <T extends Record<string, string>>(values: T, setValues: Dispatch<SetStateAction<T>>) =>
    (name: keyof T & string) => ({
      value: values[name],
      onChange: (value: string) => {
        edited(name);
        setValues((current) => ({ ...current, [name]: value }));
      },
      errorMessage: problems[name],
    });
  const rxField = binder(rx, setRx);
  const testField = binder(test, setTest);

  const field = (name: string) => `${id}-${name}`;
  const onPickTest = (code: string) => {
    edited("loinc");
    if (code) edited("testName");
    setTest((t) => ({
      ...t,
      loinc: code,
      testName: code ? COMMON_TESTS[code as CommonTestCode] : t.testName,
    }));
  };

  return (
    <form
      ref={formRef}
      className="complete-form"
      onSubmit={submit}
      noValidate
      aria-label={`Complete the appointment of ${when}`}
    >
      <RadioGroup
        label="Outcome"
        options={OUTCOMES}
        value={outcome}
        onChange={(picked) => {
          setOutcome(picked);
          setProblems({});
        }}
      />

      {outcome === "prescription" ? (
        <fieldset>
          <legend>Prescription</legend>
          <TextField label="Medication" {...rxField("medication")} />
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
            <TextField label="Dose" inputMode="decimal" {...rxField("doseValue")} />
            <ListField label="Dose unit" options={DOSE_UNITS} {...rxField("doseUnit")} />
            <ListField label="Route" options={Object.keys(ROUTES)} {...rxField("route")} />
            <TextField
              label="Times a day"
              type="number"
              inputMode="numeric"
              min="1"
              max="24"
              {...rxField("timesPerDay")}
            />
            <TextField
              label="Duration (days)"
              type="number"
              inputMode="numeric"
              min="1"
              max="365"
              {...rxField("durationDays")}
            />
          </div>
          <TextField label="Instructions for the patient (optional)" rows={2} {...rxField("instructions")} />
        </fieldset>
      ) : null}

      {outcome === "test-order" ? (
        <fieldset>
          <legend>Test order</legend>
          <SelectField
            label="Common test (LOINC)"
            value={test.loinc}
            onChange={(e) => onPickTest(e.target.value)}
            errorMessage={problems.loinc}
          >
            <option value="">Other test (name only)</option>
            {Object.entries(COMMON_TESTS).map(([code, name]) => (
              <option key={code} value={code}>
                {name} ({code})
              </option>
            ))}
          </SelectField>
          <TextField label="Test name" {...testField("testName")} />
          <TextField label="Reason" {...testField("reason")} />
          <ListField label="Priority" options={PRIORITIES} {...testField("priority")} />
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
