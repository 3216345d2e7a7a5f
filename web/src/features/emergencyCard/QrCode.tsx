import { useMemo } from "react";
import { QUIET_ZONE, qrMatrix, qrSvgPath } from "./qrMatrix";

/**
 * A QR code as SVG: crisp at any size and in print, dark on white whatever the page's colours
 * (readers need that contrast). `label` is what a screen reader hears instead of the pattern.
 */
export function QrCode({ text, label, className }: { text: string; label: string; className?: string }) {
  const { side, path } = useMemo(() => {
    const matrix = qrMatrix(text);
    return { side: matrix.size + 2 * QUIET_ZONE, path: qrSvgPath(matrix) };
  }, [text]);
  return (
    <svg
      className={className}
      viewBox={`0 0 ${side} ${side}`}
      role="img"
      aria-label={label}
      shapeRendering="crispEdges"
      xmlns="http://www.w3.org/2000/svg"
    >
      <rect width={side} height={side} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
