import { countOf } from "../../components/format";
import { PatientName } from "../../components/PatientName";
import { useState } from "react";
import { useRememberName } from "../../hooks/useKnownName";
import { useQuery } from "@tanstack/react-query";
import { Category } from "@lib/categories";
import { RecordFlags, type ChainRecord } from "@lib/chain/ehr";
import type { GeneralDetails } from "@lib/fhir/generalDetails";
import { parseGeneralDetails } from "@lib/records/generalDetails";
import { fromUtf8 } from "@lib/bytes";
import { AccessDeniedError, IntegrityError, toUserMessage } from "@lib/errors";
import { ehrCoreAbi } from "@deployments/contracts";
import { getAddress, isAddress, type Address } from "viem";
import { listRecords, readRecord, type ReadRecordResult } from "@lib/records/flows";
import { categoryName } from "../../components/clinicalFormat";
import { DoctorName } from "../../components/DoctorName";
import { GeneralDetailsList } from "../../components/GeneralDetailsList";
import { PatientPicker } from "../../components/PatientPicker";
import { Progress } from "../../components/Progress";
import { SummaryView } from "../../components/SummaryView";
import { UnlockGate } from "../../components/UnlockGate";
import { parseStoredSummary } from "@lib/summary/stored";
import { READ_STAGES } from "../../components/stages";
import { useWallet, useUserKey } from "../../ehr/useEhr";
import { useRouteParam } from "../../hooks/useHashRoute";
import { useTaskMutation } from "../../hooks/useTaskMutation";
import { MessageAboutLink } from "../messages/components/MessageAboutLink";
import { ChartTrends } from "../trends/ChartTrends";
import { ChartSummary } from "./ChartSummary";
import { downloadFile } from "../../keys/downloadFile";
import "../../components/clinical.css";
import "./chart.css";
import { recordName, recordNumber } from "../../records/recordNumber";
import { AddedWhen } from "../../components/AddedWhen";

const PAGE = 20;
const TEXT_TYPES = ["text/plain", "application/json", "application/fhir+json"];

/** What was opened of one record, kept in this page's memory only, or the service's refusal of it. */
type Opened = {
  summary?: ReadRecordResult;
  report?: ReadRecordResult;
  /** A general-details record's report, read field by field. */
  details?: GeneralDetails;
  /** Why the storage service refused the last read. */
  refused?: string;
  /** The part whose file failed its check on the last read (IntegrityError), and why. */
  damaged?: { part: "summary" | "report"; message: string };
};

/** A padlock drawn inline (no emoji font is needed), beside "Not shared with you". */
function LockIcon() {
  return (
    <svg className="lock-icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
      <path d="M4.5 7V5a3.5 3.5 0 0 1 7 0v2" fill="none" stroke="currentColor" strokeWidth="1.6" />
      <rect x="2.5" y="7" width="11" height="8" rx="1.5" fill="currentColor" />
    </svg>
  );
}

/** The doctor's grant from the patient as the chain has it now: which categories, until when. */
type GrantNow = { categories: number; expiresAt: number };

/** Whether `grant` seems to cover `category` now (a hint only: the service decides when the record is asked for). */
function seemsCovered(grant: GrantNow | undefined, category: number): boolean | undefined {
  if (!grant) return undefined;
  return grant.expiresAt * 1000 > Date.now() && ((grant.categories >>> category) & 1) === 1;
}

function ChartRecord({
  record,
  patient,
  opened,
  onRead,
  busy,
  covered,
}: {
  record: ChainRecord;
  patient: Address;
  opened: Opened | undefined;
  onRead(part: "summary" | "report"): void;
  busy: boolean;
  /** What the chart believes of the grant; false marks the record "Not shared with you", nothing more. */
  covered: boolean | undefined;
}) {
  const hasSummary = (record.flags & RecordFlags.HasSummary) !== 0;
  const report = opened?.report;
  // Not covered: asking for access leads; opening stays possible one deliberate step away (the
  // chart's view of the grant is a hint, the service decides), since a refused try is shown to the patient.
  const [tryAnyway, setTryAnyway] = useState(false);
  const offersRead = covered !== false || tryAnyway;
  const isText = report && TEXT_TYPES.includes(report.mediaType);
  // General details are a form's fields, not a report: opened and shown field by field.
  const isDetails = record.category === Category.GeneralDetails;
  return (
    <li className="card" aria-labelledby={`record-${record.index}`}>
      <h3 id={`record-${record.index}`}>
        Record {recordNumber(record.index)}: {categoryName(record.category)}
      </h3>
      {covered === false ? (
        <p className="not-shared">
          <LockIcon />
          Not shared with you: what this patient shares with you does not cover this record now.
          {tryAnyway
            ? " The storage service will refuse it unless that changed, and the patient sees each refused try."
            : ""}
        </p>
      ) : null}
      <p>
        Added by{" "}
        {record.author.toLowerCase() === patient.toLowerCase() ? "the patient" : <DoctorName address={record.author} />}
        {record.flags & RecordFlags.Superseded ? " (superseded by a newer version)" : ""}
        <AddedWhen blockNumber={record.blockNumber} author={record.author} />
      </p>
      <div className="actions">
        {offersRead ? null : (
          <>
            <a className="button primary" href={`#/request-access/${patient}`}>
              Ask for access
            </a>
            <button type="button" className="quiet" onClick={() => setTryAnyway(true)}>
              Try to open it anyway<span className="visually-hidden"> ({recordName(record.index)})</span>
            </button>
          </>
        )}
        {/* What is read shows below: its button goes, rather than stay greyed out. */}
        {offersRead && hasSummary && !opened?.summary ? (
          <button type="button" onClick={() => onRead("summary")} disabled={busy}>
            Read summary<span className="visually-hidden"> of {recordName(record.index)}</span>
          </button>
        ) : null}
        {report || !offersRead ? null : (
          <button type="button" onClick={() => onRead("report")} disabled={busy}>
            {isDetails ? "Open details" : "Open report"}
            <span className="visually-hidden"> of {recordName(record.index)}</span>
          </button>
        )}
        <MessageAboutLink patient={patient} index={record.index} counterpart={patient} />
      </div>
      {opened?.refused ? (
        <div className="refusal" role="alert">
          <p>
            <strong>Refused by the storage service:</strong> {opened.refused}
          </p>
          <p>
            The patient sees this attempt in their Activity. <a href={`#/request-access/${patient}`}>Ask for access</a>{" "}
            to this patient&apos;s records (their address: <code>{patient}</code>).
          </p>
        </div>
      ) : null}
      {opened?.damaged ? (
        <div className="refusal" role="alert" data-testid="record-damaged">
          <p>
            <strong>The {opened.damaged.part} failed its check, so it was not opened:</strong> {opened.damaged.message}
          </p>
          <p>
            The chain keeps each record&apos;s fingerprint from when it was added; what came back does not match it or
            does not decrypt. It may have been damaged in storage: whoever added the record can add it again.
          </p>
        </div>
      ) : null}
      {opened?.summary ? <SummaryView stored={parseStoredSummary(opened.summary.plaintext)} headingLevel={4} /> : null}
      {report ? (
        <div className="report">
          <p>
            {isDetails ? "Details" : "Report"} opened under:{" "}
            {report.basis === "Grant" ? "your access grant" : report.basis.toLowerCase()}.
          </p>
          {opened?.details ? (
            <GeneralDetailsList details={opened.details} />
          ) : isText ? (
            <pre className="report-text">{fromUtf8(report.plaintext)}</pre>
          ) : null}
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
            {isDetails ? "Download the file" : "Download the report"}
          </button>
        </div>
      ) : null}
    </li>
  );
}

/** One patient's records, newest first; each read is logged on-chain and checked before decrypting. */
function Chart({ patient }: { patient: Address }) {
  const { publicClient, core, address } = useWallet();
  const { flowContext, userKey } = useUserKey();
  const task = useTaskMutation();
  const [pages, setPages] = useState(1);
  const [opened, setOpened] = useState<Record<number, Opened>>({});
  // The newest general details opened here name the patient in the heading above them.
  const newestDetails = Object.entries(opened)
    .filter(([, o]) => o.details)
    .sort(([a], [b]) => Number(b) - Number(a))[0]?.[1].details;
  useRememberName(patient, newestDetails);
  const list = useQuery({
    queryKey: ["chart-records", core, patient, pages],
    queryFn: () => listRecords({ publicClient, core }, { patient, limit: PAGE * pages, newestFirst: true }),
  });

  const grant = useQuery({
    queryKey: ["chart-grant", core, patient, address],
    enabled: address !== undefined,
    queryFn: async (): Promise<GrantNow> => {
      const g = await publicClient.readContract({
        address: core,
        abi: ehrCoreAbi,
        functionName: "grantOf",
        args: [patient, address!],
      });
      return { categories: g.categories, expiresAt: Number(g.expiresAt) };
    },
  });

  // Every click asks for the record (readRecord asks the storage service first): a record outside
  // the grant is refused there, audited for the patient, and shown here; nothing is decided here.
  const read = ({ index, category }: ChainRecord, part: "summary" | "report") =>
    task.run(async (report) => {
      const ctx = flowContext((p) => report(p.stage));
      try {
        const result = await readRecord(ctx, { patient, index, part, readerKey: userKey! });
        // Malformed: the banner, not a crash.
        if (part === "summary") parseStoredSummary(result.plaintext);
        const details =
          part === "report" && category === Category.GeneralDetails ? parseGeneralDetails(result.plaintext) : undefined;
        setOpened((o) => ({
          ...o,
          [index]: {
            ...o[index],
            [part]: result,
            ...(details ? { details } : {}),
            refused: undefined,
            damaged: undefined,
          },
        }));
      } catch (error) {
        // A damaged file is this record's problem: said in its card, not in the banner.
        if (error instanceof IntegrityError) {
          setOpened((o) => ({ ...o, [index]: { ...o[index], damaged: { part, message: error.shortMessage } } }));
          return;
        }
        if (!(error instanceof AccessDeniedError)) throw error;
        // Refused now: whatever was opened of this record before is no longer shown.
        setOpened((o) => ({ ...o, [index]: { refused: toUserMessage(error) } }));
        void grant.refetch();
      }
    });

  if (list.isPending) return <p role="status">Reading the patient&apos;s records from the chain…</p>;
  if (list.isError) return <p role="alert">The patient&apos;s records could not be read from the chain.</p>;
  const { records, total } = list.data;
  return (
    <section aria-labelledby="chart-title">
      <h2 id="chart-title">
        Records of <PatientName address={patient} details />
      </h2>
      <p>
        {total === 0 ? "This patient has no records yet." : `${countOf(total, "record")}. `}
        Only what the patient shares with you can be read, and the patient sees each record you read.
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
            covered={seemsCovered(grant.data, record.category)}
            onRead={(part) => void read(record, part)}
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
            <ChartSummary key={`summary-${patient}`} patient={patient} />
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
