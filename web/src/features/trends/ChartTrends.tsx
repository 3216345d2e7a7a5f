import { countOf } from "../../components/format";
import { useState } from "react";
import { isAuthorized } from "@lib/chain/ehr";
import type { Address } from "viem";
import { allRecords } from "@lib/records/flows";
import { Progress } from "../../components/Progress";
import { readTrends, trendCandidates, type ReadTrends } from "../../components/trends/readTrends";
import { TrendsView } from "../../components/trends/TrendsView";
import { READ_STAGES } from "../../components/stages";
import { useWallet, useUserKey } from "../../ehr/useEhr";
import { useTaskMutation } from "../../hooks/useTaskMutation";

/**
 * A patient's trends in the doctor's chart: only records of the categories the grant covers are
 * read, and only when the doctor asks, since every read is logged on the chain for the patient.
 */
export function ChartTrends({ patient }: { patient: Address }) {
  const { publicClient, core, address } = useWallet();
  const { flowContext, userKey } = useUserKey();
  const task = useTaskMutation();
  const [result, setResult] = useState<ReadTrends>();
  const load = () =>
    task.run(async (report) => {
      const records = trendCandidates(await allRecords({ publicClient, core }, patient));
      const categories = [...new Set(records.map((r) => r.category))];
      const covered = new Set<number>();
      for (const c of categories) if (await isAuthorized(publicClient, core, patient, address!, c)) covered.add(c);
      const readable = records.filter((r) => covered.has(r.category));
      setResult(
        await readTrends(
          flowContext((p) => report(p.stage)),
          patient,
          readable,
          userKey!,
        ),
      );
    });
  return (
    <section aria-labelledby="chart-trends-title">
      <h2 id="chart-trends-title">Trends</h2>
      <p>
        Weight, BMI, blood pressure and glucose from the records the patient shares with you. The patient sees each
        record you read.
      </p>
      <button type="button" onClick={() => void load()} disabled={task.busy}>
        {result ? "Read the trends again" : "Show trends"}
      </button>
      {task.busy ? <Progress title="Reading records for trends" stages={READ_STAGES} current={task.stage} /> : null}
      {result && !task.busy ? (
        <>
          {result.withMeasurements ? (
            <p>
              Based on {countOf(result.withMeasurements, "record")} with measurements, of the {result.read} read.
            </p>
          ) : null}
          <TrendsView trends={result.trends} />
        </>
      ) : null}
    </section>
  );
}
