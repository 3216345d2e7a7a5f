import { countOf } from "../../components/format";
import { UnlockGate } from "../../components/UnlockGate";
import { TrendsView } from "../../components/trends/TrendsView";
import { usePatientTrends } from "./hooks/usePatientTrends";

function Trends() {
  const trends = usePatientTrends();
  if (trends.isPending) return <p role="status">Reading and decrypting your records in your browser…</p>;
  if (trends.isError)
    return (
      <p role="alert">
        Your records could not be read for the charts.{" "}
        <button type="button" onClick={() => void trends.refetch()}>
          Try again
        </button>
      </p>
    );
  return (
    <>
      {trends.data.withMeasurements ? (
        <p>
          Based on {countOf(trends.data.withMeasurements, "record")} with measurements (vital signs forms and hospital
          records), of the {trends.data.read} you have.
        </p>
      ) : null}
      <TrendsView trends={trends.data.trends} />
    </>
  );
}

/** The patient's weight, BMI, blood pressure and glucose over time, from their own records. */
export function TrendsPage() {
  return (
    <>
      <h1 tabIndex={-1}>Trends</h1>
      <UnlockGate>
        <Trends />
      </UnlockGate>
    </>
  );
}
