import { useState } from "react";
import "../../components/patient.css";
import { utf8 } from "@lib/bytes";
import { Progress } from "../../components/Progress";
import type { TaskStage } from "../../components/stages";
import { UnlockGate } from "../../components/UnlockGate";
import { useWallet, useUserKey } from "../../ehr/useEhr";
import { useTaskMutation } from "../../hooks/useTaskMutation";
import { countOf } from "../../components/format";
import { downloadFile } from "../../keys/downloadFile";
import { exportWholeRecord } from "../../records/exportWholeRecord";

const EXPORT_STAGES: readonly TaskStage[] = ["download", "verify", "decrypt"];

function ExportContent() {
  const { address } = useWallet();
  const { userKey, flowContext } = useUserKey();
  const task = useTaskMutation();
  const [count, setCount] = useState<{ done: number; total: number } | undefined>();
  const [saved, setSaved] = useState<{ file: string; entries: number; records: number } | undefined>();

  const onExport = () =>
    void task.run(async (report) => {
      const ctx = flowContext(({ stage }) => report(stage));
      let records = 0;
      const bundle = await exportWholeRecord(ctx, address!, userKey!, (done, total) => {
        records = total;
        setCount({ done, total });
      });
      const day = new Date().toISOString().slice(0, 10);
      const file = `health-record-${address!.slice(2, 10).toLowerCase()}-${day}.fhir.json`;
      downloadFile(utf8(JSON.stringify(bundle, null, 2)), file, "application/fhir+json");
      setSaved({ file, entries: bundle.entry?.length ?? 0, records });
    });

  return (
    <section className="card" aria-labelledby="export-title">
      <h2 id="export-title">Download everything</h2>
      <p>
        Each record is checked to be the one recorded for you, decrypted in this browser and saved in one file on your
        device. Anyone with the file can read it: keep it safe.
      </p>
      <button type="button" className="primary" onClick={onExport} disabled={task.busy}>
        {task.busy ? "Preparing your file…" : "Download my record"}
      </button>
      {task.busy ? (
        <>
          <Progress title="Exporting your record" stages={EXPORT_STAGES} current={task.stage} />
          {count ? (
            <p role="status">
              Record {Math.min(count.done + 1, count.total)} of {count.total}
            </p>
          ) : null}
        </>
      ) : null}
      {task.done && saved ? (
        <p role="status" className="notice">
          Saved as {saved.file}: {countOf(saved.entries, "FHIR resource")} from {countOf(saved.records, "record")}.
        </p>
      ) : null}
    </section>
  );
}

/** Export of the whole record as one FHIR R4 Bundle (JSON), for another system or the patient's files. */
export function ExportPage() {
  return (
    <>
      <h1 tabIndex={-1}>Export your record</h1>
      <p>
        Save your whole record as one file you can give another hospital or a health app: your general details and every
        record, reports with their original files. The file is in FHIR R4, the format hospitals and health apps exchange
        records in.
      </p>
      <UnlockGate>
        <ExportContent />
      </UnlockGate>
    </>
  );
}
