/**
 * A small line chart as standalone SVG text: the benchmarks plot their curves without a charting
 * dependency. x is categorical (evenly spaced labels such as "1x", "10x", "100x"); y starts at 0.
 */

export interface Series {
  name: string;
  /** One value per x label; null leaves a gap. */
  values: (number | null)[];
}

export interface LineChartInput {
  title: string;
  xLabels: string[];
  /** The x axis title. @default "" */
  xTitle?: string;
  yTitle: string;
  series: Series[];
  /** @default 720 */
  width?: number;
  /** @default 420 */
  height?: number;
}

const COLORS = [
  "#1f77b4",
  "#d62728",
  "#2ca02c",
  "#9467bd",
  "#ff7f0e",
  "#8c564b",
  "#e377c2",
  "#17becf",
  "#7f7f7f",
  "#bcbd22",
];

const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A round step so that about five ticks cover `max`. */
function tickStep(max: number): number {
  const raw = max / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const m = raw / magnitude;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * magnitude;
}

function formatTick(v: number): string {
  if (v >= 1e6) return `${+(v / 1e6).toFixed(2)}M`;
  if (v >= 1e4) return `${+(v / 1e3).toFixed(1)}k`;
  return `${+v.toFixed(3)}`;
}

export function lineChart(input: LineChartInput): string {
  const width = input.width ?? 720;
  const height = input.height ?? 420;
  const legendWidth = 220;
  const m = { top: 40, right: legendWidth + 20, bottom: 56, left: 72 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const all = input.series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v)));
  const step = tickStep(Math.max(...all, 1e-9) * 1.1);
  const top = Math.ceil((Math.max(...all, 1e-9) * 1.1) / step) * step;
  const n = input.xLabels.length;
  const x = (i: number) => m.left + (n === 1 ? plotW / 2 : (i * plotW) / (n - 1));
  const y = (v: number) => m.top + plotH - (v / top) * plotH;

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escape(input.title)}</text>`,
  ];
  for (let v = 0; v <= top + step / 2; v += step) {
    out.push(
      `<line x1="${m.left}" x2="${m.left + plotW}" y1="${y(v)}" y2="${y(v)}" stroke="#e5e5e5"/>`,
      `<text x="${m.left - 6}" y="${y(v) + 4}" text-anchor="end">${formatTick(v)}</text>`,
    );
  }
  input.xLabels.forEach((label, i) =>
    out.push(`<text x="${x(i)}" y="${m.top + plotH + 18}" text-anchor="middle">${escape(label)}</text>`),
  );
  out.push(
    `<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${m.top + plotH}" stroke="#333"/>`,
    `<line x1="${m.left}" x2="${m.left + plotW}" y1="${m.top + plotH}" y2="${m.top + plotH}" stroke="#333"/>`,
    `<text x="${m.left + plotW / 2}" y="${height - 12}" text-anchor="middle">${escape(input.xTitle ?? "")}</text>`,
    `<text transform="translate(16 ${m.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escape(input.yTitle)}</text>`,
  );
  input.series.forEach((s, k) => {
    const color = COLORS[k % COLORS.length];
    const points = s.values.map((v, i) => (v === null || !Number.isFinite(v) ? null : `${x(i)},${y(v)}`));
    const path = points.filter((p): p is string => p !== null).join(" ");
    out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${path}"/>`);
    for (const p of points) {
      if (p) out.push(`<circle cx="${p.split(",")[0]}" cy="${p.split(",")[1]}" r="3.5" fill="${color}"/>`);
    }
    const ly = m.top + 8 + k * 18;
    const lx = width - legendWidth;
    out.push(
      `<line x1="${lx}" x2="${lx + 18}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"/>`,
      `<text x="${lx + 24}" y="${ly + 4}">${escape(s.name)}</text>`,
    );
  });
  out.push("</svg>");
  return out.join("\n") + "\n";
}
