import { useState } from "react";
import type { Address } from "viem";
import { PatientPicker } from "../../components/PatientPicker";
import { ReportUpload } from "../../components/ReportUpload";
import { UnlockGate } from "../../components/UnlockGate";
import { recordName } from "../../records/recordNumber";

/** Upload a report for a patient who granted access: summarized on upload, shown, then saved. */
export function UploadReport() {
  const [patient, setPatient] = useState<Address>();
  return (
    <>
      <h1 tabIndex={-1}>Upload a report</h1>
      <UnlockGate>
        <PatientPicker action="Choose patient" onPick={setPatient} initial={patient} />
        {patient ? (
          <ReportUpload
            key={patient}
            patient={patient}
            title={
              <>
                Report for <code>{patient}</code>
              </>
            }
            savedText={(index) => `Saved as ${recordName(index)} of this patient`}
          />
        ) : null}
      </UnlockGate>
    </>
  );
}
