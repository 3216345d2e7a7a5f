import { Fragment, useId, useState, type FormEvent, type ReactNode } from "react";
import type { SummaryContentType, SummaryResult } from "@lib/api/types";
import { CATEGORY_LABELS, Category, type CategoryId } from "@lib/categories";
import { utf8 } from "@lib/bytes";
import type { Address } from "viem";
import { FormatError } from "@lib/errors";
import { accountReference, draftReview, finishReview, type ReviewDraft } from "@lib/clinical/review";
import { createRecord, type CreatedRecord } from "@lib/records/flows";
import { useWallet, useApiSession, useUserKey } from "../ehr/useEhr";
import { useTaskMutation } from "../hooks/useTaskMutation";
import { ReviewList } from "../features/reconcile/components/ReviewList";
import { DoctorName } from "./DoctorName";
import { Progress } from "./Progress";
import { SaveProgress } from "./SaveProgress";
import { SummaryView } from "./SummaryView";
import { categoryName } from "./clinicalFormat";
import { encodeStoredSummary } from "@lib/summary/stored";
import type { TaskStage } from "./stages";
import "./care.css";
import "./clinical.css";
import "./patient.css";

const SUMMARY_STAGES: TaskStage[] = ["extract", "summarize"];
const ALL_STAGES: TaskStage[] = [...SUMMARY_STAGES, "encrypt", "upload", "awaiting-signature", "pending", "confirmed"];
/** Uploads are clinical categories; general details (0) have their own form. */
const CATEGORIES = (Object.keys(CATEGORY_LABELS).map(Number) as CategoryId[]).filter(
  (c) => c !== Category.GeneralDetails,
);

/** A report ready to summarize and save: its bytes and the type the service and the record carry. */
interface Draft {
  content: Uint8Array;
  contentType: SummaryContentType;
  fileName?: string;
}

/** A doctor the record may also be shared with, and the categories their current grant covers. */
export interface ShareCandidate {
  doctor: Address;
  /** The grant's category bitmask. */
  categories: number;
}

export interface ReportUploadProps {
  /** Whose record this becomes. */
  patient: Address;
  /** The form's heading. */
  title: ReactNode;
  /** The sentence shown once saved, e.g. "Saved as record 3 of this patient". */
  savedText(index: number): string;
  /**
   * Doctors offered as "also share with" when their grant covers the chosen category (unchecked by
   * default; createRecord re-checks each grant on-chain). @default [] (no sharing choice shown)
   */
  shareCandidates?: ShareCandidate[];
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

/**
 * Uploads a report as a patient's record, shared by the doctor's and the patient's upload pages:
 * choose a file (or paste text) and a category, see the service's summary before saving, then
 * encrypt, store and record it with createRecord (keys for the patient, the author, chosen doctors
 * and, unless opted out, the custodian). Needs an unlocked key (wrap it in UnlockGate).
 */
export function ReportUpload({ patient, title, savedText, shareCandidates = [] }: ReportUploadProps) {
  const id = useId();
  const { address } = useWallet();
  const { api } = useApiSession();
  const { flowContext, userKey } = useUserKey();
  const summarizing = useTaskMutation();
  const saving = useTaskMutation();
  const [file, setFile] = useState<File>();
  const [text, setText] = useState("");
  const [category, setCategory] = useState<number>(Category.ClinicalNotes);
  const [draft, setDraft] = useState<Draft>();
  const [summary, setSummary] = useState<SummaryResult>();
  const [review, setReview] = useState<ReviewDraft>();
  const [saved, setSaved] = useState<CreatedRecord>();
  // A file input cannot be emptied from React: a new one (a new key) shows that no file is chosen.
  const [fileInput, setFileInput] = useState(0);
  const eligible = shareCandidates.filter((c) => ((c.categories >>> category) & 1) === 1);

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
      setReview(draftReview(result.summary));
    });
  };

  const onSave = () =>
    saving.run(async (report) => {
      // Only what the author confirmed becomes confirmed FHIR; the rest stays a mention.
      const reviewed = review
        ? finishReview(review, {
            patient: accountReference(patient),
            recorder: accountReference(address!),
            now: new Date(),
            newId: () => crypto.randomUUID(),
          })
        : undefined;
      const created = await createRecord(
        flowContext((p) => report(p.stage)),
        {
          patient,
          category,
          content: draft!.content,
          mediaType: draft!.contentType,
          fileName: draft!.fileName,
          summary: encodeStoredSummary({ ...summary!, review: reviewed }),
          authorKey: userKey!,
          // The grant is the patient's consent: the share catch-up would give them the keys anyway.
          shareWith: eligible.map((c) => c.doctor),
        },
      );
      setSaved(created);
      setDraft(undefined);
      setSummary(undefined);
      setReview(undefined);
      setFile(undefined);
      setFileInput((n) => n + 1);
      setText("");
    });

  const busy = summarizing.busy || saving.busy;
  return (
    <>
      <form className="card" onSubmit={onSummarize} noValidate aria-labelledby={`${id}-title`}>
        <h2 id={`${id}-title`}>{title}</h2>
        <label htmlFor={`${id}-file`}>Report file (PDF, plain text or FHIR Bundle)</label>
        <input
          key={fileInput}
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
        {eligible.length > 0 ? (
          <p className="hint" data-testid="shared-with">
            Also readable by the {eligible.length === 1 ? "doctor" : "doctors"} you gave access to{" "}
            {categoryName(category)}:{" "}
            {eligible.map(({ doctor }, i) => (
              <Fragment key={doctor}>
                {i > 0 ? ", " : null}
                <DoctorName address={doctor} />
              </Fragment>
            ))}
            . Change that under Sharing.
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={busy}>
          Next: check the summary
        </button>
      </form>
      {summarizing.busy ? (
        <Progress title="Summarizing the report" stages={SUMMARY_STAGES} current={summarizing.stage} />
      ) : null}
      {summary && draft ? (
        <section className="card summary-preview" aria-labelledby={`${id}-summary`}>
          <h2 id={`${id}-summary`}>Summary before saving</h2>
          <p>
            Check the summary and review its allergies and medications. Saving encrypts the report, this summary and
            what you confirmed in your browser, stores them, and records the report on the chain as{" "}
            {categoryName(category)}.
          </p>
          <SummaryView stored={summary} />
          {review ? (
            <ReviewList
              draft={review}
              stated={{
                allergies: summary.summary.noKnownAllergies,
                medications: summary.summary.noMedications === true,
              }}
              onChange={setReview}
            />
          ) : null}
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
      <SaveProgress title="Saving the record" stages={ALL_STAGES} from="encrypt" task={saving} saved={saved}>
        {saved ? savedText(saved.index) : null}
      </SaveProgress>
    </>
  );
}
