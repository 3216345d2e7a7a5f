import type { ChainRecord } from "@lib/chain/ehr";
import type { GeneralDetails } from "@lib/fhir/generalDetails";
import { SummaryView } from "../../../components/SummaryView";
import { useRecordSummary } from "../hooks/useRecordSummary";

/** A general-details record's clinical lists, allergies and medications first, like a summary. */
function DetailsGist({ details }: { details: GeneralDetails }) {
  const lists: [string, string[]][] = [
    ["Allergies", details.allergies],
    ["Medications", details.currentMedications],
    ["Conditions", details.chronicConditions],
  ];
  return (
    <dl className="summary details-gist">
      {lists.map(([title, items]) => (
        <div key={title}>
          <dt>{title}</dt>
          <dd>{items.length ? items.join(", ") : "None recorded"}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A record's summary (allergies and medications first), decrypted on demand. */
export function RecordSummary({ record }: { record: ChainRecord }) {
  const query = useRecordSummary(record);
  if (query.isPending) return <p className="hint">Reading the summary…</p>;
  if (query.isError) return <p className="field-error">The summary could not be read.</p>;
  const gist = query.data;
  if (gist === null) return <p className="hint">This record has no summary.</p>;
  return gist.kind === "details" ? <DetailsGist details={gist.details} /> : <SummaryView stored={gist.stored} />;
}
