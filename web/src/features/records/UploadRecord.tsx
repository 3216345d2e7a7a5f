import { ReportUpload } from "../../components/ReportUpload";
import { UnlockGate } from "../../components/UnlockGate";
import { useWallet } from "../../ehr/useEhr";
import { useConsents } from "../../hooks/useConsents";
import { recordName } from "../../records/recordNumber";

/**
 * The patient uploads a record of their own (e.g. to answer a doctor's data request): a PDF, a
 * text note or a FHIR Bundle, summarized and shown before saving, then saved with the patient as
 * author; doctors whose current grant covers the category can be given the keys at once.
 */
export function UploadRecord() {
  const { address } = useWallet();
  const consents = useConsents("patient");
  return (
    <>
      <h1 tabIndex={-1}>Upload a record</h1>
      <UnlockGate>
        {address ? (
          <ReportUpload
            patient={address}
            title="Your report"
            savedText={(index) => `Saved as your ${recordName(index)} (as listed in Records)`}
            shareCandidates={consents.data?.grants ?? []}
          />
        ) : null}
      </UnlockGate>
    </>
  );
}
