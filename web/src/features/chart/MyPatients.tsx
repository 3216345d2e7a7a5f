import { describeCategories } from "../../components/CategoryPicker";
import { PatientName } from "../../components/PatientName";
import { useConsents } from "../../hooks/useConsents";
import { formatSlot, GRANT_SOURCE } from "../../components/format";
import "../../components/care.css";

/**
 * The patients whose grant to this doctor is live now: what it covers and until when. Read from
 * the chain (ConsentGranted events, then grantOf), so a revoked or expired grant is gone at once.
 */
export function MyPatients() {
  const consents = useConsents("doctor");
  return (
    <>
      <h1 tabIndex={-1}>My patients</h1>
      {consents.isPending ? (
        <p role="status">Reading your patients&apos; grants from the chain…</p>
      ) : consents.isError ? (
        <p role="alert">Your patients could not be read from the chain. Try again in a moment.</p>
      ) : consents.data.grants.length === 0 ? (
        <p>No patient has given you access right now. Ask a patient under Request access.</p>
      ) : (
        <ul className="care-list" aria-label="Patients">
          {consents.data.grants.map((g) => (
            <li key={g.patient}>
              <h2>
                <PatientName address={g.patient} details />
              </h2>
              <p>You may read: {describeCategories(g.categories)}</p>
              <p>
                Until {formatSlot(g.expiresAt)} ·{" "}
                {GRANT_SOURCE[g.source] === "granted by you" ? "granted by the patient" : GRANT_SOURCE[g.source]}
              </p>
              {/* What the grant is, then what to do with it. */}
              <p>
                <a href={`#/chart/${g.patient}`}>Open chart</a>
              </p>
            </li>
          ))}
        </ul>
      )}
      <button type="button" onClick={() => void consents.refetch()} disabled={consents.isFetching}>
        Refresh
      </button>
    </>
  );
}
