/** Reading a FHIR bulk-export NDJSON folder (Node only). */
import { createReadStream } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { FormatError } from "../errors";

/**
 * The parsed lines of every *.ndjson file in `dir` (sorted by file name, blank lines skipped).
 * Throws FormatError naming file:line for a line that is not a JSON object, and when the folder
 * has no *.ndjson file.
 */
export async function readNdjsonFolder(dir: string): Promise<unknown[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith(".ndjson")).sort();
  } catch (cause) {
    throw new FormatError("The NDJSON folder cannot be read.", { cause, details: dir });
  }
  if (names.length === 0) throw new FormatError("The folder has no .ndjson files.", { details: dir });
  const out: unknown[] = [];
  for (const name of names) {
    const lines = createInterface({ input: createReadStream(join(dir, name), "utf8"), crlfDelay: Infinity });
    let n = 0;
    for await (const line of lines) {
      n++;
      if (!line.trim()) continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        // No cause: the parser's message quotes the line, which may be patient data.
        throw new FormatError(`${name}:${n} is not valid JSON.`);
      }
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        throw new FormatError(`${name}:${n} is not a JSON object (one FHIR resource per line).`);
      }
      out.push(value);
    }
  }
  return out;
}
