import { ReportUpload } from "../../components/ReportUpload";
import { recordName } from "../../records/recordNumber";
import { PatientName } from "../../components/PatientName";
import { PatientWork } from "../../components/PatientWork";

/** Upload a report for a patient who granted access: summarized on upload, shown, then saved. */
export function UploadReport() {
  return (
    <PatientWork title="Upload a report">
      {(patient) => (
        <ReportUpload
          patient={patient}
          title={
            <>
              Report for <PatientName address={patient} />
            </>
          }
          savedText={(index) => `Saved as ${recordName(index)} of this patient`}
        />
      )}
    </PatientWork>
  );
}
