import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { RecordFlags, type ChainRecord } from "@lib/chain/ehr";
import { fromUtf8 } from "@lib/bytes";
import { getAddress, isAddress, type Address } from "viem";
import { listRecords, readRecord, type ReadRecordResult } from "@lib/records/flows";
import { categoryName } from "../../components/clinicalFormat";
import { DoctorName } from "../../components/DoctorName";
import { PatientPicker } from "../../components/PatientPicker";
import { Progress } from "../../components/Progress";
import { SummaryView } from "../../components/SummaryView";
import { UnlockGate } from "../../components/UnlockGate";
import { parseStoredSummary } from "@lib/summary/stored";
import type { TaskStage } from "../../components/stages";
import { useEhr } from "../../ehr/useEhr";
import { useRouteParam } from "../../hooks/useHashRoute";
import { useTask } from "../../hooks/useTask";
import { MessageAboutLink } from "../messages/MessageAboutLink";
import { ChartTrends } from "./ChartTrends";
import { downloadFile } from "../../keys/downloadFile";
import "../../components/clinical.css";
import { recordName, recordNumber } from "../../records/recordNumber";

const PAGE = 20;
const READ_STAGES: TaskStage[] = [
  "access-log",
  "awaiting-signature",
  "pending",
  "confirmed",
  "download",
  "verify",
  "decrypt",
];
const TEXT_TYPES = ["text/plain", "application/json", "application/fhir+json"];

/** What was opened of one record, kept in this page's memory only. */
type Opened = { summary?: ReadRecordResult; report?: ReadRecordResult };

function ChartRecord({
  record,
  patient,
  opened,
  onRead,
  busy,
}: {
  record: ChainRecord;
  patient: Address;
  opened: Opened | undefined;
  onRead(part: "summary" | "report"): void;
  busy: boolean;
}) {
  const hasSummary = (record.flags & RecordFlags.HasSummary) !== 0;
  const report = opened?.report;
  const isText = report && TEXT_TYPES.includes(report.mediaType);
  return (
    <li className="card" aria-labelledby={`record-${record.index}`}>
      <h3 id={`record-${record.index}`}>
        Record {recordNumber(record.index)}: {categoryName(record.category)}
      </h3>
      <p>
        Added in block {record.blockNumber} by{" "}
        {record.author.toLowerCase() === patient.toLowerCase() ? "the patient" : <DoctorName address={record.author} />}
        {record.flags & RecordFlags.Superseded ? " (superseded by a newer version)" : ""}.
      </p>
      <div className="actions">
        {hasSummary ? (
          <button type="button" onClick={() => onRead("summary")} disabled={busy || Boolean(opened?.summary)}>
            Read summary<span className="visually-hidden"> of {recordName(record.index)}</span>
          </button>
        ) : null}
        <button type="button" onClick={() => onRead("report")} disabled={busy || Boolean(report)}>
          Open report<span className="visually-hidden"> of {recordName(record.index)}</span>
        </button>
        <MessageAboutLink patient={patient} index={record.index} counterpart={patient} />
      </div>
      {opened?.summary ? <SummaryView stored={parseStoredSummary(opened.summary.plaintext)} headingLevel={4} /> : null}
      {report ? (
        <div className="report">
          <p>Report opened under: {report.basis === "Grant" ? "your access grant" : report.basis.toLowerCase()}.</p>
          {isText ? <pre className="report-text">{fromUtf8(report.plaintext)}</pre> : null}
          <button
            type="button"
            onClick={() =>
              downloadFile(
                report.plaintext,
                report.fileName ?? `record-${recordNumber(record.index)}`,
                report.mediaType,
              )
            }
          >
            Download the report
          </button>
        </div>
      ) : null}
    </li>
  );
}

/** One patient's records, newest first; each read is logged on-chain and checked before decrypting. */
function Chart({ patient }: { patient: Address }) {
  const { publicClient, core, flowContext, userKey } = useEhr();
  const task = useTask();
  const [pages, setPages] = useState(1);
  const [opened, setOpened] = useState<Record<number, Opened>>({});
  const list = useQuery({
    queryKey: ["chart-records", core, patient, pages],
    queryFn: () => listRecords({ publicClient, core }, { patient, limit: PAGE * pages, newestFirst: true }),
  });

  const read = (index: number, part: "summary" | "report") =>
    task.run(async (report) => {
      const ctx = flowContext((p) => report(p.stage));
      const result = await readRecord(ctx, { patient, index, part, readerKey: userKey! });
      if (part === "summary") parseStoredSummary(result.plaintext); // malformed: the banner, not a crash
      setOpened((o) => ({ ...o, [index]: { ...o[index], [part]: result } }));
    });

  if (list.isPending) return <p role="status">Reading the patient&apos;s records from the chain…</p>;
  if (list.isError) return <p role="alert">The patient&apos;s records could not be read from the chain.</p>;
  const { records, total } = list.data;
  return (
    <section aria-labelledby="chart-title">
      <h2 id="chart-title">
        Records of <code>{patient}</code>
      </h2>
      <p>
        {total === 0 ? "This patient has no records yet." : `${total} record(s). `}
        Only what the patient&apos;s grant covers can be read, and each read is recorded where the patient sees it.
      </p>
      {task.busy ? <Progress title="Reading the record" stages={READ_STAGES} current={task.stage} /> : null}
      <ul className="record-list">
        {records.map((record) => (
          <ChartRecord
            key={record.index}
            record={record}
            patient={patient}
            opened={opened[record.index]}
            busy={task.busy}
            onRead={(part) => void read(record.index, part)}
          />
        ))}
      </ul>
      {records.length < total ? (
        <button type="button" onClick={() => setPages((n) => n + 1)}>
          Show older records
        </button>
      ) : null}
    </section>
  );
}

/** The doctor's view of a patient's chart: choose the patient, then read within the grant. */
export function PatientChart() {
  // The patient is in the URL (`#/chart/0x…`): a reload or a link opens the same chart.
  const [param, setPatient] = useRouteParam("patient");
  const patient = param && isAddress(param, { strict: false }) ? getAddress(param) : undefined;
  return (
    <>
      <h1 tabIndex={-1}>Patient chart</h1>
      <UnlockGate>
        <PatientPicker action="Open chart" onPick={setPatient} initial={patient} />
        {patient ? (
          <>
            <Chart key={patient} patient={patient} />
            <p>
              <a href="#/forms">Fill a form</a> for this patient: vital signs, cardiology, dermatology or dentistry.
            </p>
            <ChartTrends key={`trends-${patient}`} patient={patient} />
          </>
        ) : null}
      </UnlockGate>
    </>
  );
}
