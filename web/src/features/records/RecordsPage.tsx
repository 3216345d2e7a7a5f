import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { readChainRecord } from "@lib/chain/ehr";
import "../../components/clinical.css";
import "../../components/patient.css";
import { CATEGORY_LABELS, type CategoryId } from "@lib/categories";
import { sameAddress } from "@lib/records/context";
import { DoctorName } from "../../components/DoctorName";
import { UnlockGate } from "../../components/UnlockGate";
import { AddedWhen } from "../../components/AddedWhen";
import { OwnReconciledCard } from "../reconcile/components/OwnReconciledCard";
import { ShareCatchUp } from "../sharing/ShareCatchUp";
import { useWallet } from "../../ehr/useEhr";
import { useRouteParam } from "../../hooks/useHashRoute";
import { RECORDS_QUERY_KEY, usePatientRecords } from "./hooks/usePatientRecords";
import { useQueryErrorBanner } from "../../hooks/useQueryErrorBanner";
import { RecordDetail } from "./components/RecordDetail";
import { RecordSummary } from "./components/RecordSummary";
import { recordName, recordNumber } from "../../records/recordNumber";

const PAGE_SIZE = 20;

function RecordList() {
  const { address, publicClient, core } = useWallet();
  const [offset, setOffset] = useState(0);
  // The open record's number is in the URL (`#/records/3`): a reload or a link shows it again.
  const [openNumber, setOpenNumber] = useRouteParam("record");
  const openIndex = openNumber && /^[1-9]\d*$/.test(openNumber) ? Number(openNumber) - 1 : undefined;
  const query = usePatientRecords(offset, PAGE_SIZE);
  useQueryErrorBanner(query.error);
  // A record not on the page shown (an older one, from a link): read on its own, by its index.
  const onPage = query.data?.records.some((r) => r.index === openIndex) ?? false;
  const exists = openIndex !== undefined && query.data !== undefined && openIndex < query.data.total;
  const direct = useQuery({
    queryKey: [RECORDS_QUERY_KEY, core, address, "record", openIndex],
    enabled: exists && !onPage,
    queryFn: () => readChainRecord(publicClient, core, address!, openIndex!),
  });

  if (query.isPending) return <p role="status">Reading your records from the chain…</p>;
  if (query.isError) return <p>Your records could not be read.</p>;
  const { records, total } = query.data;
  const onClose = () => setOpenNumber(undefined);
  const open = records.find((r) => r.index === openIndex) ?? (exists ? direct.data : undefined);
  if (open) return <RecordDetail record={open} onClose={onClose} />;
  if (exists && direct.isPending) return <p role="status">Reading record {openNumber} from the chain…</p>;
  if (total === 0) return <p>You have no records yet. Your general details, once saved, are your first.</p>;

  return (
    <>
      {openIndex !== undefined ? (
        <p role="alert">
          {exists
            ? `Record ${openNumber} could not be read from the chain.`
            : `There is no record ${openNumber}: your records are numbered 1 to ${total}.`}
        </p>
      ) : null}
      <OwnReconciledCard recordCount={total} />
      <p>
        {total} record{total === 1 ? "" : "s"}, newest first.
      </p>
      <ol className="record-list" aria-label="Your records">
        {records.map((r) => {
          const label = CATEGORY_LABELS[r.category as CategoryId] ?? `Category ${r.category}`;
          return (
            <li key={r.index} className="card">
              <h2>
                Record {recordNumber(r.index)}: {label}
              </h2>
              <p className="hint">
                Added by {sameAddress(r.author, address!) ? "you" : <DoctorName address={r.author} />}
                <AddedWhen blockNumber={r.blockNumber} author={r.author} />
              </p>
              <RecordSummary record={r} />
              <button
                type="button"
                onClick={() => setOpenNumber(String(recordNumber(r.index)))}
                aria-label={`Open ${recordName(r.index)}`}
              >
                Open
              </button>
            </li>
          );
        })}
      </ol>
      {/* Paging only where there is more than one page: two greyed-out buttons under one record read as broken. */}
      {total > PAGE_SIZE ? (
        <div className="actions">
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
            Newer records
          </button>
          <button type="button" disabled={offset + PAGE_SIZE >= total} onClick={() => setOffset(offset + PAGE_SIZE)}>
            Older records
          </button>
        </div>
      ) : null}
    </>
  );
}

/** All the patient's records with their summaries; open one to check, read and download it. */
export function RecordsPage() {
  return (
    <>
      <h1 tabIndex={-1}>Your records</h1>
      <UnlockGate>
        <ShareCatchUp />
        <RecordList />
      </UnlockGate>
    </>
  );
}
