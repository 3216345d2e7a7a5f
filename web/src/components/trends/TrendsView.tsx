import type { Trends } from "@lib/forms";
import { TrendChart } from "./TrendChart";
import "./trends.css";

/**
 * The patient's series as charts: weight, BMI, blood pressure (systolic and diastolic together)
 * and glucose, each only when it has readings; one plain sentence when none has.
 */
export function TrendsView({ trends }: { trends: Trends }) {
  const charts = [
    { title: "Weight", unit: "kg", series: [{ name: "Weight", points: trends.weight }] },
    { title: "Body mass index", unit: "kg/m2", series: [{ name: "BMI", points: trends.bmi }] },
    {
      title: "Blood pressure",
      unit: "mmHg",
      series: [
        { name: "Systolic", points: trends.systolic },
        { name: "Diastolic", points: trends.diastolic },
      ],
    },
    { title: "Blood glucose", unit: "mg/dL", series: [{ name: "Glucose", points: trends.glucose }] },
  ]
    .map((c) => ({ ...c, series: c.series.filter((s) => s.points.length > 0) }))
    .filter((c) => c.series.length > 0);
  if (charts.length === 0)
    return (
      <p className="card">
        No measurements to chart yet: weight, BMI, blood pressure and glucose appear here once a vital signs form or an
        imported FHIR record holds them.
      </p>
    );
  return (
    <div className="trend-charts">
      {charts.map((c) => (
        <TrendChart key={c.title} title={c.title} unit={c.unit} series={c.series} />
      ))}
    </div>
  );
}
