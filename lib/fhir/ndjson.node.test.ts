import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FormatError } from "../errors";
import { ndjsonResources } from "./fixtures";
import { importResources } from "./import";
import { readNdjsonFolder } from "./ndjson.node";
import { rejection } from "../testing/rejection";

describe("readNdjsonFolder", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ndjson-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const refusal = () => rejection(readNdjsonFolder(dir), FormatError);

  it("reads every *.ndjson file line by line, in file-name order, skipping blank lines and other files", async () => {
    const [patient, location, ...rest] = ndjsonResources();
    writeFileSync(join(dir, "Patient.000.ndjson"), `${JSON.stringify(patient)}\n`);
    writeFileSync(join(dir, "Location.000.ndjson"), `${JSON.stringify(location)}\r\n\n`);
    writeFileSync(join(dir, "Other.000.ndjson"), rest.map((r) => JSON.stringify(r)).join("\n"));
    writeFileSync(join(dir, "README.md"), "not data");
    const lines = await readNdjsonFolder(dir);
    expect(lines.map((r) => (r as fhir4.Resource).resourceType)).to.deep.equal([
      "Location",
      "Encounter",
      "Procedure",
      "DocumentReference",
      "Patient",
    ]);
    expect(importResources(lines).unresolvedReferences).to.equal(0);
  });

  it("names file:line of a line that is not JSON, without its content", async () => {
    writeFileSync(
      join(dir, "Patient.000.ndjson"),
      `{"resourceType":"Patient"}\n{"resourceType":"Patient","name":"Alex\n`,
    );
    const error = await refusal();
    expect(error.shortMessage).to.equal("Patient.000.ndjson:2 is not valid JSON.");
    expect(error.message).not.to.include("Alex");
  });

  it("names file:line of a line that is not an object", async () => {
    writeFileSync(join(dir, "A.ndjson"), `\n[1,2]\n`);
    expect((await refusal()).shortMessage).to.equal("A.ndjson:2 is not a JSON object (one FHIR resource per line).");
  });

  it("refuses a folder without .ndjson files, and one that does not exist", async () => {
    writeFileSync(join(dir, "a.json"), "{}");
    expect((await refusal()).shortMessage).to.equal("The folder has no .ndjson files.");
    dir = join(dir, "missing");
    expect((await refusal()).shortMessage).to.equal("The NDJSON folder cannot be read.");
  });
});
