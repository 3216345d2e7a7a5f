import { useQuery } from "@tanstack/react-query";
import { allRecords } from "@lib/records/flows";
import { AccessTable } from "../../components/AccessTable";
import { DoctorName } from "../../components/DoctorName";
import { categoryName, formatWhen } from "../../components/clinicalFormat";
import { emergencyReasonLabel } from "../../components/emergencyReasons";
import { useWallet, useApiSession } from "../../ehr/useEhr";
import { OlderEntries } from "../../components/OlderEntries";
import { useAccessEvents, type AccessEvent } from "../../hooks/useAccessEvents";
import "../../components/clinical.css";
import { recordNumber } from "../../records/recordNumber";

/** "Record 3 (Clinical notes and reports), summary only". */
function recordLabel(index: number, categories: Map<number, number> | undefined, summaryOnly?: boolean) {
  const category = categories?.get(index);
  return `Record ${recordNumber(index)}${category === undefined ? "" : ` (${categoryName(category)})`}${summaryOnly ? ", summary only" : ""}`;
}

/**
 * Every access to the patient's records: each logged read (who, when, which record, under a grant
 * or an emergency) and each emergency window from the chain, and the refused attempts the storage
 * service recorded. Nothing here is decrypted: the chain and the service hold no health data.
 */
export function Activity() {
  const { address, publicClient, core } = useWallet();
  const { api } = useApiSession();
  const events = useAccessEvents(address ? { patient: address } : undefined);
  const chainRecords = useQuery({
    queryKey: ["activity-records", core, address],
    enabled: address !== undefined,
    queryFn: () => allRecords({ publicClient, core }, address!),
  });
  const records = chainRecords.data && new Map(chainRecords.data.map((r) => [r.index, r.category]));
  // A refused download names the file (its CID); the chain says which record and part it is.
  const byCid = new Map<string, { index: number; summary: boolean }>();
  for (const r of chainRecords.data ?? []) {
    byCid.set(r.cid, { index: r.index, summary: false });
    if (r.summaryCid) byCid.set(r.summaryCid, { index: r.index, summary: true });
  }
  const refusedWhat = (r: { recordIndex?: number; cid?: string; part?: string }) => {
    if (r.recordIndex !== undefined) return recordLabel(r.recordIndex, records, r.part === "summary");
    const file = r.cid ? byCid.get(r.cid) : undefined;
    return file ? recordLabel(file.index, records, file.summary) : "A stored file";
  };
  const refusals = useQuery({
    queryKey: ["refusals", address],
    enabled: address !== undefined,
    queryFn: () => api.refusals(address!),
    refetchInterval: 15_000,
  });
  const emergencies = events.data?.filter((e) => e.kind === "emergency") ?? [];
  const reads = events.data?.filter((e): e is Extract<AccessEvent, { kind: "read" }> => e.kind === "read") ?? [];
  return (
    <>
      <h1 tabIndex={-1}>Activity</h1>
      <p>Every access to your records: who, when, which record, and whether you shared it or it was an emergency.</p>
      {events.isPending ? <p role="status">Reading the access log from the chain…</p> : null}
      {events.isError ? <p role="alert">The access log could not be read from the chain.</p> : null}

      {emergencies.length ? (
        <section className="card emergency-card" aria-labelledby="activity-emergencies">
          <h2 id="activity-emergencies">Emergency access</h2>
          <ul>
            {emergencies.map((e) =>
              e.kind === "emergency" ? (
                <li key={e.key}>
                  <DoctorName address={e.doctor} /> opened emergency access on {formatWhen(e.at)} (
                  {emergencyReasonLabel(e.reasonCode)}), open until {formatWhen(e.expiresAt)}. The administrator reviews
                  every emergency access.
                </li>
              ) : null,
            )}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="activity-reads">
        <h2 id="activity-reads">Reads of your records</h2>
        {events.data && reads.length === 0 ? (
          <p>
            {events.since === undefined ? "Nobody has read your records yet." : "Nobody has read your records lately."}
          </p>
        ) : null}
        {reads.length ? (
          <AccessTable
            caption="Reads of your records, newest first"
            rows={reads}
            rowKey={(e) => e.key}
            columns={[
              { header: "When", cell: (e) => formatWhen(e.at) },
              { header: "Who", cell: (e) => <DoctorName address={e.doctor} /> },
              { header: "Which record", cell: (e) => recordLabel(e.index, records, e.summaryOnly) },
              { header: "How", cell: (e) => (e.basis === "Grant" ? "You shared it" : "Emergency access") },
            ]}
          />
        ) : null}
        <OlderEntries events={events} />
      </section>

      <section aria-labelledby="activity-refusals">
        <h2 id="activity-refusals">Refused attempts</h2>
        {refusals.isPending ? <p role="status">Asking the storage service for refused attempts…</p> : null}
        {refusals.isError ? <p role="alert">The refused attempts could not be read from the storage service.</p> : null}
        {refusals.data && refusals.data.refusals.length === 0 ? (
          <p>No attempt to read your records was refused.</p>
        ) : null}
        {refusals.data?.refusals.length ? (
          <>
            <AccessTable
              caption="Refused attempts, newest first; repeats on one day are counted in one row"
              rows={refusals.data.refusals}
              rowKey={(r, i) => `${r.at}-${i}`}
              columns={[
                {
                  header: "When",
                  cell: (r) =>
                    r.count && r.count > 1
                      ? `Refused ${r.count} times, last at ${formatWhen(new Date(r.at))}`
                      : formatWhen(new Date(r.at)),
                },
                { header: "Who", cell: (r) => <DoctorName address={r.reader} /> },
                { header: "What", cell: refusedWhat },
                // The sentence the reader was given, word for word ("The patient has not granted this doctor access.").
                { header: "What the service told them", cell: (r) => r.reason },
              ]}
            />
            {refusals.data.total > refusals.data.refusals.length ? (
              <p>
                Showing the newest {refusals.data.refusals.length} of {refusals.data.total}.
              </p>
            ) : null}
          </>
        ) : null}
      </section>
    </>
  );
}
