import { useId } from "react";
import type { TrendPoint } from "@lib/forms";
import { localDate, localMinute } from "@lib/localTime";
import { valueAxis } from "./valueAxis";

/** One line of a chart: its name ("Systolic") and its points, oldest first. */
export interface TrendSeries {
  name: string;
  points: TrendPoint[];
}

export interface TrendChartProps {
  /** The figure's caption, e.g. "Blood pressure". */
  title: string;
  /** Shown on the value axis and in the table, e.g. "mmHg". */
  unit: string;
  /** One or two series (drawn solid with circles, then dashed with squares: not by colour alone). */
  series: TrendSeries[];
}

const W = 600;
const H = 260;
const PAD = { left: 64, right: 16, top: 16, bottom: 48 };

/** A reading's day in the reader's zone, "1 Jun 2026", as on every other page. */
const day = (ms: number) => localDate(ms);
/** A reading's time to the minute in the reader's zone, naming it (lib/localTime). */
const when = (ms: number) => localMinute(ms);

/**
 * A hand-drawn SVG line chart in a <figure>: caption, labelled axes, each point with a <title>
 * (its date and value), and the same data as a table for screen readers and for copying.
 */
export function TrendChart({ title, unit, series }: TrendChartProps) {
  const id = useId();
  const all = series.flatMap((s) => s.points);
  const [t0, t1] = [Math.min(...all.map((p) => p.epochMs)), Math.max(...all.map((p) => p.epochMs))];
  const axis = valueAxis(all.map((p) => p.value));
  const [v0, v1] = [axis.min, axis.max];
  const x = (ms: number) => PAD.left + (t1 === t0 ? 0.5 : (ms - t0) / (t1 - t0)) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - ((v - v0) / (v1 - v0)) * (H - PAD.top - PAD.bottom);
  const times = [...new Set(all.map((p) => p.epochMs))].sort((a, b) => a - b);
  // Each line's last value: in the description with its name, above the chart with it when there are two.
  const lasts = series.map((s) => ({ name: s.name, value: s.points[s.points.length - 1]?.value }));
  const latest = lasts.map(({ name, value }) => `${name} ${value ?? "none"}`).join(", ");
  const lastValues = lasts
    .filter(({ value }) => value !== undefined)
    .map(({ name, value }) => (series.length > 1 ? `${name} ${value}` : value))
    .join(", ");
  return (
    <figure className="trend-chart" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`}>
        {title} ({unit})
      </figcaption>
      <p className="trend-latest" data-testid="trend-latest">
        Latest: <strong>{`${lastValues} ${unit}`}</strong> on {day(t1)}
        {times.length === 1 ? ". One reading so far: the line starts with the next." : ""}
      </p>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-labelledby={`${id}-caption ${id}-desc`}
        preserveAspectRatio="xMidYMid meet"
      >
        <desc id={`${id}-desc`}>
          {all.length} readings from {day(t0)} to {day(t1)}; latest: {latest} {unit}.
        </desc>
        <line x1={PAD.left} y1={H - PAD.bottom} x2={W - PAD.right} y2={H - PAD.bottom} className="axis" />
        <line x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={H - PAD.bottom} className="axis" />
        {axis.ticks.map((v) => (
          <g key={v}>
            <line x1={PAD.left - 4} x2={W - PAD.right} y1={y(v)} y2={y(v)} className="grid" />
            <text x={PAD.left - 8} y={y(v) + 4} textAnchor="end">
              {v}
            </text>
          </g>
        ))}
        {/* A lone reading is drawn mid-axis: its date goes under it. */}
        <text x={x(t0)} y={H - PAD.bottom + 18} textAnchor={t1 === t0 ? "middle" : "start"}>
          {day(t0)}
        </text>
        {t1 !== t0 ? (
          <text x={W - PAD.right} y={H - PAD.bottom + 18} textAnchor="end">
            {day(t1)}
          </text>
        ) : null}
        <text x={(W + PAD.left) / 2} y={H - 6} textAnchor="middle" className="axis-label">
          Date
        </text>
        <text
          x={14}
          y={(H - PAD.bottom) / 2}
          textAnchor="middle"
          className="axis-label"
          transform={`rotate(-90 14 ${(H - PAD.bottom) / 2})`}
        >
          {unit}
        </text>
        {series.map((s, i) => (
          <g key={s.name} className={`series series-${i}`}>
            <polyline
              fill="none"
              strokeDasharray={i ? "6 4" : undefined}
              points={s.points.map((p) => `${x(p.epochMs)},${y(p.value)}`).join(" ")}
            />
            {s.points.map((p) =>
              i ? (
                <rect key={p.source + p.epochMs} x={x(p.epochMs) - 5} y={y(p.value) - 5} width={10} height={10}>
                  <title>{`${s.name} ${when(p.epochMs)}: ${p.value} ${unit}`}</title>
                </rect>
              ) : (
                <circle key={p.source + p.epochMs} cx={x(p.epochMs)} cy={y(p.value)} r={5}>
                  <title>{`${s.name} ${when(p.epochMs)}: ${p.value} ${unit}`}</title>
                </circle>
              ),
            )}
          </g>
        ))}
      </svg>
      {series.length > 1 ? (
        <p className="trend-legend">
          {series.map((s, i) => (
            <span key={s.name}>{i ? `; ${s.name}: dashed line, squares` : `${s.name}: solid line, circles`}</span>
          ))}
        </p>
      ) : null}
      <details>
        <summary>The data as a table</summary>
        <div className="table-scroll">
          <table>
            <caption>
              {title} readings ({unit})
            </caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                {series.map((s) => (
                  <th key={s.name} scope="col">
                    {s.name} ({unit})
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {times.map((t) => (
                <tr key={t}>
                  <th scope="row">{when(t)}</th>
                  {series.map((s) => (
                    <td key={s.name}>
                      {s.points
                        .filter((p) => p.epochMs === t)
                        .map((p) => p.value)
                        .join(", ")}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
