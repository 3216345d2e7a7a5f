import { fromMgDl, type Analyte, type ConcentrationUnit, type TrendPoint, type Trends } from "@lib/forms";
import { TrendChart } from "./TrendChart";
import "./trends.css";

/**
 * A lab series (kept in mg/dL) in the unit its latest reading was entered in, so a patient whose
 * glucose is measured in mmol/L sees mmol/L; earlier readings in the other unit are converted.
 */
export function inEnteredUnit(
  analyte: Analyte,
  points: TrendPoint[],
): { unit: ConcentrationUnit; points: TrendPoint[] } {
  const latest = points[points.length - 1];
  const unit: ConcentrationUnit = latest?.unit.toLowerCase() === "mmol/l" ? "mmol/L" : "mg/dL";
  return { unit, points: points.map((p) => ({ ...p, value: fromMgDl(analyte, p.value, unit), unit })) };
}

/**
 * The patient's series as charts: weight, BMI, blood pressure (systolic and diastolic together),
 * glucose and total cholesterol, each only when it has readings; one plain sentence when none has.
 */
export function TrendsView({ trends }: { trends: Trends }) {
  const glucose = inEnteredUnit("glucose", trends.glucose);
  const cholesterol = inEnteredUnit("cholesterol", trends.cholesterol);
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
    { title: "Blood glucose", unit: glucose.unit, series: [{ name: "Glucose", points: glucose.points }] },
    {
      title: "Total cholesterol",
      unit: cholesterol.unit,
      series: [{ name: "Total cholesterol", points: cholesterol.points }],
    },
  ]
    .map((c) => ({ ...c, series: c.series.filter((s) => s.points.length > 0) }))
    .filter((c) => c.series.length > 0);
  if (charts.length === 0)
    return (
      <p className="card">
        No measurements to chart yet. Weight, BMI, blood pressure, blood sugar and cholesterol appear here once a doctor
        records them (on the vital signs or cardiology form), or a record that has them is uploaded.
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
