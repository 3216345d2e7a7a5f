import { useState } from "react";
import { Category, CATEGORY_LABELS, type CategoryId } from "@lib/categories";
import type { ChainRecord } from "@lib/chain/ehr";
import { IntegrityError } from "@lib/errors";
import type { GeneralDetails } from "@lib/fhir/generalDetails";
import { parseGeneralDetails } from "@lib/records/generalDetails";
import { readRecord, type ReadRecordResult } from "@lib/records/flows";
import { fileKind, fileSize } from "../../../components/format";
import { GeneralDetailsList } from "../../../components/GeneralDetailsList";
import { Progress } from "../../../components/Progress";
import { Details } from "../../../ui/Disclosure";
import type { TaskStage } from "../../../components/stages";
import { useWallet, useUserKey } from "../../../ehr/useEhr";
import { useTaskMutation } from "../../../hooks/useTaskMutation";
import { downloadFile } from "../../../keys/downloadFile";
import { fileNameOf } from "../../../records/fileNameOf";
import { RecordSummary } from "./RecordSummary";
import { MessageAboutLink } from "../../messages/components/MessageAboutLink";
import { recordNumber } from "../../../records/recordNumber";

const OPEN_STAGES: readonly TaskStage[] = ["download", "verify", "decrypt"];
const PREVIEW_LIMIT = 20_000;

/** The content as readable text (JSON indented), or undefined when it is not text. */
function previewOf(plaintext: Uint8Array, mediaType: string): string | undefined {
  if (!/^text\/|json/.test(mediaType)) return undefined;
  const text = new TextDecoder().decode(plaintext.subarray(0, PREVIEW_LIMIT));
  if (!/json/.test(mediaType) || plaintext.length > PREVIEW_LIMIT) return text;
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** The record's text, scrollable and reachable by keyboard. */
function Preview({ text }: { text: string }) {
  return (
    <pre className="preview" tabIndex={0} aria-label="The record's content">
      {text}
    </pre>
  );
}

export interface RecordDetailProps {
  record: ChainRecord;
  onClose(): void;
}

/**
 * One record opened: downloaded, checked against the hash the chain holds (readRecord refuses
 * anything else), decrypted in the browser, previewed when it is text, and offered as the
 * original file. The decrypted bytes live in this component's state only.
 */
export function RecordDetail({ record, onClose }: RecordDetailProps) {
  const { address } = useWallet();
  const { userKey, flowContext } = useUserKey();
  const task = useTaskMutation();
  /** The record opened, and for general details their fields (the gist above shows only three lists). */
  const [opened, setOpened] = useState<(ReadRecordResult & { details?: GeneralDetails }) | undefined>();
  const details = opened?.details;
  const label = CATEGORY_LABELS[record.category as CategoryId] ?? `Category ${record.category}`;

  const onOpen = () =>
    void task.run(
      async (report) => {
        const ctx = flowContext(({ stage }) => report(stage));
        const read = await readRecord(ctx, { patient: address!, index: record.index, readerKey: userKey! });
        // Malformed details: the banner says so, nothing is shown as if it were read.
        setOpened(
          record.category === Category.GeneralDetails
            ? { ...read, details: parseGeneralDetails(read.plaintext) }
            : read,
        );
      },
      // A file that fails its check is this record's problem: said here, in the card, not in the banner.
      { showsError: (error) => error instanceof IntegrityError },
    );
  const damaged = task.error instanceof IntegrityError ? task.error : undefined;

  const preview = opened ? previewOf(opened.plaintext, opened.mediaType) : undefined;
  const back = (
    <button type="button" onClick={onClose}>
      Back to the list
    </button>
  );
  return (
    <section className="card" aria-labelledby="record-title">
      <h2 id="record-title">
        Record {recordNumber(record.index)}: {label}
      </h2>
      {/* Opened details show every field below, their three lists among them. */}
      {details ? null : <RecordSummary record={record} />}
      <p>
        <MessageAboutLink patient={address!} index={record.index} />
      </p>
      {opened ? (
        <>
          <p className="verified" role="status">
            <span aria-hidden="true">✓ </span>Verified: unchanged since it was added
          </p>
          <div className="record-file">
            {opened.fileName ?? "Original"} · {fileKind(opened.mediaType)} · {fileSize(opened.plaintext.length)}{" "}
            <Details label="Technical details">
              {opened.mediaType} · hash recorded on the chain <code>{record.envelopeHash}</code>
            </Details>
          </div>
          {details ? <GeneralDetailsList details={details} /> : null}
          {preview === undefined ? null : /json/.test(opened.mediaType) ? (
            // Structured data is read above, field by field: its text is there for whoever wants it.
            <div className="record-file">
              <Details label="The file's text">
                <Preview text={preview} />
              </Details>
            </div>
          ) : (
            <Preview text={preview} />
          )}
          <div className="actions">
            <button
              type="button"
              className="primary"
              onClick={() =>
                downloadFile(
                  opened.plaintext,
                  fileNameOf(record.index, opened.mediaType, opened.fileName),
                  opened.mediaType,
                )
              }
            >
              Download the original
            </button>
            {back}
          </div>
        </>
      ) : (
        <>
          {damaged && !task.busy ? (
            <div className="record-damaged" role="alert" data-testid="record-damaged">
              <p>
                <strong>This record's file failed its check, so it was not opened.</strong> {damaged.shortMessage}
              </p>
              <p>
                When a record is added, the blockchain keeps its file's fingerprint: the file must match it, and decrypt
                with your key, before it is opened. It may have been damaged in storage. Ask the person who added the
                record to add it again.
              </p>
            </div>
          ) : null}
          <div className="actions">
            <button type="button" className={damaged ? undefined : "primary"} onClick={onOpen} disabled={task.busy}>
              {task.busy ? "Opening…" : damaged ? "Try again" : "Open the record"}
            </button>
            {back}
          </div>
        </>
      )}
      {task.busy ? <Progress title="Opening the record" stages={OPEN_STAGES} current={task.stage} /> : null}
    </section>
  );
}
