import { useId, useState, type FormEvent } from "react";
import type { SummaryContentType, SummaryResult } from "@lib/api/types";
import { CATEGORY_LABELS, Category, type CategoryId } from "@lib/categories";
import { utf8 } from "@lib/bytes";
import type { Address } from "@lib/crypto/identity";
import { FormatError } from "@lib/errors";
import { createRecord, type CreatedRecord } from "@lib/records/flows";
import { PatientPicker } from "../../components/PatientPicker";
import { Progress } from "../../components/Progress";
import { SummaryView } from "../../components/SummaryView";
import { UnlockGate } from "../../components/UnlockGate";
import { categoryName } from "../../components/clinicalFormat";
import { encodeStoredSummary } from "../../components/storedSummary";
import type { TaskStage } from "../../components/stages";
import { useEhr } from "../../ehr/useEhr";
import { useTask } from "../../hooks/useTask";
import "../../components/clinical.css";

const SUMMARY_STAGES: TaskStage[] = ["extract", "summarize"];
const ALL_STAGES: TaskStage[] = [...SUMMARY_STAGES, "encrypt", "upload", "awaiting-signature", "pending", "confirmed"];
/** Doctors upload clinical categories; general details (0) are the patient's own. */
const CATEGORIES = (Object.keys(CATEGORY_LABELS).map(Number) as CategoryId[]).filter(
  (c) => c !== Category.GeneralDetails,
);

/** A report ready to summarize and save: its bytes and the type the service and the record carry. */
interface Draft {
  content: Uint8Array;
  contentType: SummaryContentType;
  fileName?: string;
}

/** The report's type from the file's type or name: PDF, a FHIR Bundle (JSON), or plain text. */
function reportTypeOf(file: { name: string; type: string }): SummaryContentType {
  const name = file.name.toLowerCase();
  if (file.type === "application/pdf" || name.endsWith(".pdf")) return "application/pdf";
  if (file.type === "application/fhir+json" || file.type === "application/json" || name.endsWith(".json")) {
    return "application/fhir+json";
  }
  if (file.type === "" || file.type.startsWith("text/") || name.endsWith(".txt")) return "text/plain";
  throw new FormatError("Choose a PDF, a plain-text file or a FHIR Bundle (.json).");
}

/** The form and the two steps: summarize (shown before saving), then encrypt, store and record. */
function Upload({ patient }: { patient: Address }) {
  const id = useId();
  const { api, flowContext, userKey } = useEhr();
  const summarizing = useTask();
  const saving = useTask();
  const [file, setFile] = useState<File>();
  const [text, setText] = useState("");
  const [category, setCategory] = useState<number>(Category.ClinicalNotes);
  const [draft, setDraft] = useState<Draft>();
  const [summary, setSummary] = useState<SummaryResult>();
  const [saved, setSaved] = useState<CreatedRecord>();

  const onSummarize = (event: FormEvent) => {
    event.preventDefault();
    setSummary(undefined);
    setSaved(undefined);
    void summarizing.run(async (report) => {
      report("extract");
      let next: Draft;
      if (file) {
        next = {
          content: new Uint8Array(await file.arrayBuffer()),
          contentType: reportTypeOf(file),
          fileName: file.name,
        };
      } else if (text.trim()) {
        next = { content: utf8(text), contentType: "text/plain", fileName: "note.txt" };
      } else {
        throw new FormatError("Choose a report file or paste the report's text first.");
      }
      report("summarize");
      const result = await api.summarize(next.content, next.contentType);
      setDraft(next);
      setSummary(result);
    });
  };

  const onSave = () =>
    saving.run(async (report) => {
      const created = await createRecord(
        flowContext((p) => report(p.stage)),
        {
          patient,
          category,
          content: draft!.content,
          mediaType: draft!.contentType,
          fileName: draft!.fileName,
          summary: encodeStoredSummary(summary!),
          authorKey: userKey!,
        },
      );
      setSaved(created);
      setDraft(undefined);
      setSummary(undefined);
      setFile(undefined);
      setText("");
    });

  const busy = summarizing.busy || saving.busy;
  return (
    <>
      <form className="card" onSubmit={onSummarize} noValidate aria-labelledby={`${id}-title`}>
        <h2 id={`${id}-title`}>
          Report for <code>{patient}</code>
        </h2>
        <label htmlFor={`${id}-file`}>Report file (PDF, plain text or FHIR Bundle)</label>
        <input
          id={`${id}-file`}
          type="file"
          accept="application/pdf,.pdf,text/plain,.txt,application/json,application/fhir+json,.json"
          onChange={(e) => setFile(e.target.files?.[0])}
        />
        <label htmlFor={`${id}-text`}>Or paste the report&apos;s text</label>
        <textarea id={`${id}-text`} value={text} onChange={(e) => setText(e.target.value)} rows={8} />
        <label htmlFor={`${id}-category`}>Category</label>
        <select id={`${id}-category`} value={category} onChange={(e) => setCategory(Number(e.target.value))}>
          {CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {CATEGORY_LABELS[c]}
            </option>
          ))}
        </select>
        <button type="submit" className="primary" disabled={busy}>
          Summarize the report
        </button>
      </form>
      {summarizing.busy ? (
        <Progress title="Summarizing the report" stages={SUMMARY_STAGES} current={summarizing.stage} />
      ) : null}
      {summary && draft ? (
        <section className="card summary-preview" aria-labelledby={`${id}-summary`}>
          <h2 id={`${id}-summary`}>Summary before saving</h2>
          <p>
            Check the summary. Saving encrypts the report and this summary in your browser, stores them, and records the
            report on the chain as {categoryName(category)}.
          </p>
          <SummaryView stored={summary} />
          <div className="actions">
            <button type="button" className="primary" onClick={() => void onSave()} disabled={busy}>
              Save the record
            </button>
            <button
              type="button"
              onClick={() => {
                setSummary(undefined);
                setDraft(undefined);
              }}
              disabled={busy}
            >
              Discard
            </button>
          </div>
        </section>
      ) : null}
      {saving.busy || saved ? (
        <Progress
          title="Saving the record"
          stages={ALL_STAGES}
          current={saving.stage ?? "encrypt"}
          done={Boolean(saved) && !saving.busy}
        />
      ) : null}
      {saved && !saving.busy ? (
        <p role="status" className="card">
          Saved as record #{saved.index} of this patient (transaction <code>{saved.txHash}</code>).
        </p>
      ) : null}
    </>
  );
}

/** Upload a report for a patient who granted access: summarized on upload, shown, then saved. */
export function UploadReport() {
  const [patient, setPatient] = useState<Address>();
  return (
    <>
      <h1 tabIndex={-1}>Upload a report</h1>
      <UnlockGate>
        <PatientPicker action="Choose patient" onPick={setPatient} initial={patient} />
        {patient ? <Upload key={patient} patient={patient} /> : null}
      </UnlockGate>
    </>
  );
}
