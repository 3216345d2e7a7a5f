import { Fragment, useState, type ReactNode } from "react";
import type { Address } from "viem";
import { PatientPicker } from "./PatientPicker";
import { UnlockGate } from "./UnlockGate";

/**
 * A doctor's page of work for one patient who granted access (fill a form, upload a report): the
 * key unlocked, the patient picked, then the work, started afresh for each patient picked.
 */
export function PatientWork({ title, children }: { title: string; children(patient: Address): ReactNode }) {
  const [patient, setPatient] = useState<Address>();
  return (
    <>
      <h1 tabIndex={-1}>{title}</h1>
      <UnlockGate>
        <PatientPicker action="Choose patient" onPick={setPatient} initial={patient} />
        {patient ? <Fragment key={patient}>{children(patient)}</Fragment> : null}
      </UnlockGate>
    </>
  );
}
