import { create } from "qrcode";

/** A QR code's modules, row by row; the quiet zone around it is the renderer's to add. */
export interface QrMatrix {
  /** Modules per side. */
  size: number;
  isDark(row: number, column: number): boolean;
}

/** Modules of white border a reader needs around the code (the QR standard's quiet zone). */
export const QUIET_ZONE = 4;

/**
 * Encodes `text` with the `qrcode` library at error correction level M (about 15% of the code may
 * be worn or covered): a card link fits in a 41 to 49 module code that a phone reads from afar.
 */
export function qrMatrix(text: string): QrMatrix {
  const { modules } = create(text, { errorCorrectionLevel: "M" });
  return { size: modules.size, isDark: (row, column) => Boolean(modules.get(row, column)) };
}

/** An SVG path of the dark modules, one unit per module, offset by the quiet zone; a run of modules is one rectangle. */
export function qrSvgPath(matrix: QrMatrix): string {
  const parts: string[] = [];
  for (let row = 0; row < matrix.size; row++) {
    for (let column = 0; column < matrix.size; column++) {
      if (!matrix.isDark(row, column)) continue;
      let run = 1;
      while (column + run < matrix.size && matrix.isDark(row, column + run)) run++;
      parts.push(`M${column + QUIET_ZONE} ${row + QUIET_ZONE}h${run}v1h-${run}z`);
      column += run - 1;
    }
  }
  return parts.join("");
}
