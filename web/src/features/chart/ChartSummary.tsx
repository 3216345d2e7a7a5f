import { useRememberName } from "../../hooks/useKnownName";
import { useId } from "react";
import type { Address } from "viem";
import { summarySources } from "@lib/clinical/decodeReads";
import { NOT_COVERED } from "@lib/records/flows";
import { EmergencyCard } from "../../components/EmergencyCard";
import { Progress } from "../../components/Progress";
import { CARD_READ_STAGES } from "../../components/stages";
import { countOf } from "../../components/format";
import { useClinicalReads } from "../reconcile/hooks/useClinicalReads";
import { recordNumber } from "../../records/recordNumber";

const TITLE = "Allergies, medications and conditions";

/**
 * The top of a patient's chart: the reconciled allergies, medications and conditions, blood group
 * and who to call, from the patient's newest general details and every summary the doctor's grant
 * covers, read together when the doctor asks (one transaction logs every read, where the patient
 * sees it; one signature). What the grant does not cover is named, not asked for.
 */
export function ChartSummary({ patient }: { patient: Address }) {
  const id = useId();
  const { read: load, result: read, task } = useClinicalReads(patient, (decoded) => decoded);
  useRememberName(patient, read?.details);
  const button = (
    <button type="button" className={read ? undefined : "primary"} onClick={() => void load()} disabled={task.busy}>
      {read ? "Read them again" : "Show allergies, medications and conditions"}
    </button>
  );
  const progress = task.busy ? (
    <Progress title="Reading the patient's summaries" stages={CARD_READ_STAGES} current={task.stage} />
  ) : null;
  // Nothing read is no evidence of no allergies: an empty card would say "none recorded".
  if (!read || (read.summaries.length === 0 && !read.details)) {
    return (
      <section className="card" aria-labelledby={`${id}-title`}>
        <h2 id={`${id}-title`}>{TITLE}</h2>
        {read ? (
          <p role="status">
            {read.unavailable.length === 0
              ? "This patient has no general details or summaries yet."
              : "Nothing of this patient's general details or summaries could be read: "}
            {read.unavailable.some((u) => u.reason === NOT_COVERED) ? (
              <>
                your access does not cover them. <a href={`#/request-access/${patient}`}>Ask for access</a>.
              </>
            ) : read.unavailable.length > 0 ? (
              read.unavailable[0].reason
            ) : null}
          </p>
        ) : (
          <p>
            From the patient&apos;s general details and the summary of every record they share with you, reconciled into
            one list. You approve once in your wallet; the patient sees each record you read.
          </p>
        )}
        {button}
        {progress}
      </section>
    );
  }
  const closed = read.unavailable;
  return (
    <EmergencyCard title={TITLE} details={read.details} summaries={summarySources(read)}>
      <p className="hint">
        From {countOf(read.summaries.length, "summary", "summaries")}
        {read.details ? " and the general details" : ""}.
        {closed.length > 0
          ? ` Not read: ${closed.map((u) => `record ${recordNumber(u.index)} (${u.reason.replace(/\.$/, "")})`).join("; ")}.`
          : ""}
        {closed.some((u) => u.reason === NOT_COVERED) ? (
          <>
            {" "}
            <a href={`#/request-access/${patient}`}>Ask for access</a> to the rest.
          </>
        ) : null}
      </p>
      <div className="actions">{button}</div>
      {progress}
    </EmergencyCard>
  );
}
