import { countOf } from "../../../components/format";
import { useQueryErrorBanner } from "../../../hooks/useQueryErrorBanner";
import { useOwnReconciledList } from "../hooks/useOwnReconciledList";
import { ReconciledAllergies, ReconciledMedications } from "./ReconciledList";

/** The patient's one list of allergies and medications, from every record, above the records themselves. */
export function OwnReconciledCard({ recordCount }: { recordCount: number }) {
  const query = useOwnReconciledList(recordCount);
  useQueryErrorBanner(query.error);
  return (
    <section className="card emergency-card" aria-labelledby="own-reconciled-title">
      <h2 id="own-reconciled-title">Allergies and medications</h2>
      <p className="hint">From your general details and every record, as a doctor sees them on your emergency card.</p>
      {query.isPending ? (
        <p role="status">Reading your records…</p>
      ) : query.isError ? (
        <p className="field-error">Your allergies and medications could not be read.</p>
      ) : (
        <>
          <div className="emergency-allergies">
            <ReconciledAllergies list={query.data.list} />
          </div>
          <ReconciledMedications list={query.data.list} />
          {query.data.unavailable > 0 ? (
            <p className="hint">{countOf(query.data.unavailable, "part")} of your record could not be read.</p>
          ) : null}
        </>
      )}
    </section>
  );
}
