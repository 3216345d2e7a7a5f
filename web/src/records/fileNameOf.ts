import { recordNumber } from "./recordNumber";

const EXTENSIONS: Record<string, string> = {
  "application/pdf": "pdf",
  "text/plain": "txt",
  "application/json": "json",
  "application/fhir+json": "fhir.json",
};

/** The name to save a record's original under: its own file name, else one from its number and type. */
export function fileNameOf(index: number, mediaType: string, fileName?: string): string {
  if (fileName) return fileName;
  const ext = EXTENSIONS[mediaType.split(";")[0].trim().toLowerCase()] ?? "bin";
  return `record-${recordNumber(index)}.${ext}`;
}
