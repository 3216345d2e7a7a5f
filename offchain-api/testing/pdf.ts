/**
 * A tiny PDF writer for the summary tests: one US-Letter page, either with a real text layer
 * (Helvetica lines) or with only a drawn rectangle (what a scanned page without OCR looks like to a
 * text extractor). Written by hand with exact cross-reference offsets, so a strict reader opens it
 * without repairing it; no PDF library is needed to make test fixtures.
 */

export interface TestPdfOptions {
  /** Lines of text drawn top to bottom in Helvetica 12 pt; printable ASCII only. @default [] (no text layer) */
  lines?: string[];
  /** Also draw a filled grey rectangle. @default true when there are no lines */
  rectangle?: boolean;
}

/** A PDF literal string: backslash and parentheses escaped. */
function pdfString(text: string): string {
  if (!/^[\x20-\x7e]*$/.test(text)) throw new RangeError("Test PDF lines must be printable ASCII.");
  return `(${text.replace(/[\\()]/g, (c) => `\\${c}`)})`;
}

/** The page's content stream: the text lines, then the optional rectangle. */
function pageContent(lines: string[], rectangle: boolean): string {
  const ops: string[] = [];
  if (lines.length > 0) {
    ops.push("BT", "/F1 12 Tf", "14 TL", "72 720 Td");
    lines.forEach((line, i) => ops.push(i === 0 ? `${pdfString(line)} Tj` : `T* ${pdfString(line)} Tj`));
    ops.push("ET");
  }
  if (rectangle) ops.push("0.8 g", "72 300 300 150 re", "f");
  return ops.join("\n");
}

/** The bytes of a one-page PDF (see `TestPdfOptions`). */
export function makeTestPdf(options: TestPdfOptions = {}): Uint8Array {
  const lines = options.lines ?? [];
  const rectangle = options.rectangle ?? lines.length === 0;
  const content = pageContent(lines, rectangle);
  const resources = lines.length > 0 ? "<< /Font << /F1 4 0 R >> >>" : "<< >>";
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources ${resources} /Contents 5 0 R >>`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
  ];
  // The binary comment line tells transfer tools the file is binary (PDF 1.7, 7.5.2).
  let out = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  // Every character is below 256, so latin1 maps characters one to one onto bytes (offsets stay exact).
  return new Uint8Array(Buffer.from(out, "latin1"));
}
