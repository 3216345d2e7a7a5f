import { mkdir, writeFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { deflateSync } from "node:zlib";
import { expect } from "chai";
import request, { type Response } from "supertest";
import type { SummaryResult } from "../../lib/api/wire/summaries";
import { summarizeFhirBundle } from "../../lib/summary/summarizeFhirBundle";
import { summarizeText } from "../../lib/summary/summarizeText";
import { ENGINE, SUMMARY_FIELDS, type ClinicalSummary } from "../../lib/summary/types";
import { sampleBundleText, sampleNote } from "../testing/clinicalSamples";
import { makeTestPdf } from "../testing/pdf";
import { expectError } from "../testing/records";
import { startTestStack, type TestStack } from "../testing/stack";
import { extractPdfText } from "./pdf";

const PDF_LINES = [
  "Discharge note",
  "Allergies: penicillin",
  "Medications: lisinopril 10 mg daily; metformin 500 mg twice daily",
  "Diagnoses: type 2 diabetes mellitus",
  "Plan: follow up with Dr Quokkaby in 2 weeks",
];

/** Every item of every field. */
const itemsOf = (summary: ClinicalSummary) => SUMMARY_FIELDS.flatMap((field) => summary[field]);

describe("POST /v1/summaries", function () {
  let stack: TestStack;
  let patient: string;
  let doctor: string;
  let note: string;
  let bundleText: string;
  /** Every error answer the tests received, to check none carries input text or a stack trace. */
  const errorBodies: string[] = [];

  before(async function () {
    stack = await startTestStack();
    patient = await stack.signIn(stack.patient);
    doctor = await stack.signIn(stack.doctor);
    note = await sampleNote();
    bundleText = await sampleBundleText();
  });
  after(async function () {
    await stack?.close();
  });

  /**
   * POSTs `body` as `contentType` with `token` (none when undefined). Bytes go as a Buffer; JSON
   * as a string (superagent would serialize a Buffer under a JSON content type).
   */
  async function summarize(
    body: string | Uint8Array,
    contentType: string | undefined,
    token: string | undefined,
  ): Promise<Response> {
    let req = request(stack.app).post("/v1/summaries");
    if (token) req = req.set("Authorization", `Bearer ${token}`);
    if (contentType) req = req.set("Content-Type", contentType);
    const res = await req.send(typeof body === "string" ? body : Buffer.from(body));
    if (res.status >= 400) errorBodies.push(res.text);
    return res;
  }

  describe("text", function () {
    it("summarizes an MTSamples note: every item is the note's text at its span", async function () {
      const res = await summarize(note, "text/plain; charset=utf-8", patient);
      expect(res.status, res.text).to.equal(200);
      expect(res.headers["x-summary-engine"]).to.equal(ENGINE);
      expect(res.headers["cache-control"]).to.equal("no-store");
      const body = res.body as SummaryResult;
      expect(Object.keys(body).sort()).to.deep.equal(["narrative", "narrativeStatus", "source", "summary"]);
      expect(body).to.include({ source: "text", narrative: null, narrativeStatus: "no-model" });
      expect(body.summary).to.deep.equal(summarizeText(note));
      expect(body.summary.allergies).to.not.be.empty;
      expect(body.summary.medications).to.not.be.empty;
      for (const item of itemsOf(body.summary)) {
        expect(note.slice(item.span.start, item.span.end)).to.equal(item.text);
      }
    });

    it("answers a doctor too", async function () {
      const res = await summarize("ALLERGIES: Sulfa drugs.\nMEDICATIONS: Aspirin 81 mg daily.", "text/plain", doctor);
      expect(res.status, res.text).to.equal(200);
      expect(res.body.summary.allergies.map((i: { text: string }) => i.text)).to.deep.equal(["Sulfa drugs"]);
    });

    it("refuses an empty body and whitespace only (422)", async function () {
      for (const body of ["", "  \n\t \r\n"]) {
        expectError(await summarize(body, "text/plain", patient), 422, "unprocessable", /empty/);
      }
    });

    it("refuses binary junk and invalid UTF-8 as not readable text (422)", async function () {
      const junk = [
        randomBytes(4096),
        new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), // a PNG header
        new Uint8Array(Buffer.from("ALLERGIES: none\u0000\u0000\u0000", "utf8")),
        new Uint8Array(Buffer.from("ALLERGIES: caf\xe9", "latin1")), // Latin-1, not UTF-8
        new Uint8Array(Buffer.from("\x01\x02\x03\x04\x05\x06\x07\x08abc".repeat(100), "latin1")),
      ];
      for (const body of junk) {
        expectError(await summarize(body, "text/plain", patient), 422, "unprocessable", /not readable text/);
      }
    });

    it("summarizes 1 MB with no full stop or line break in about a second, not minutes (the summarizer's time grew with a sentence's length squared)", async function () {
      // Before: 300 KB of one run stalled the event loop 5.9 s, 1 MB 24 s (a 4 KB PDF could carry it).
      const run = "Patient has asthma and takes albuterol daily ".repeat(24_000);
      const started = performance.now();
      const res = await summarize(run, "text/plain; charset=utf-8", patient);
      expect(res.status, res.text).to.equal(200);
      expect(performance.now() - started).to.be.below(8000);
      expect(JSON.stringify(res.body.summary.medications)).to.match(/albuterol/i);
    });

    it("refuses input larger than the limit (413)", async function () {
      const big = Buffer.alloc(20 * 1024 * 1024, "Allergies: penicillin\n");
      for (const type of ["text/plain", "application/pdf"]) {
        expectError(await summarize(big, type, patient), 413, "payload_too_large", /larger than/);
      }
    });
  });

  describe("FHIR", function () {
    it("summarizes a Synthea bundle: allergies and medications from its resources", async function () {
      const bundle = JSON.parse(bundleText) as { entry: { resource: { resourceType: string; id: string } }[] };
      const references = new Set(bundle.entry.map((e) => `${e.resource.resourceType}/${e.resource.id}`));
      for (const type of ["application/fhir+json", "application/json; charset=utf-8"]) {
        const res = await summarize(bundleText, type, doctor);
        expect(res.status, res.text).to.equal(200);
        expect(res.body.source).to.equal("fhir");
        const summary = res.body.summary as ClinicalSummary;
        expect(summary).to.deep.equal(summarizeFhirBundle(bundle));
        expect(summary.allergies).to.not.be.empty;
        expect(summary.medications).to.not.be.empty;
        expect(summary.allergies.every((i) => i.source?.startsWith("AllergyIntolerance/"))).to.equal(true);
        expect(summary.medications.every((i) => /^Medication(Request|Statement)\//.test(i.source ?? ""))).to.equal(
          true,
        );
        for (const item of [...summary.allergies, ...summary.medications]) {
          expect(references.has(item.source ?? "")).to.equal(true);
        }
      }
    });

    it("refuses malformed JSON (400)", async function () {
      const res = await summarize('{"resourceType": "Bundle", "entry": [', "application/fhir+json", patient);
      expectError(res, 400, "bad_request", /not valid JSON/);
    });

    it("refuses JSON that is not a Bundle (422)", async function () {
      for (const body of [
        '{"resourceType": "Patient", "id": "x"}',
        "[]",
        '"Bundle"',
        '{"resourceType":"Bundle","entry":5}',
      ]) {
        const res = await summarize(body, "application/fhir+json", patient);
        expectError(res, 422, "unprocessable", /not a FHIR R4 Bundle/);
      }
    });

    it("refuses an empty or blank JSON body (422)", async function () {
      for (const body of ["", " \n "]) {
        expectError(await summarize(body, "application/fhir+json", patient), 422, "unprocessable", /empty/);
      }
    });
  });

  describe("PDF", function () {
    it("summarizes a PDF's text layer", async function () {
      const res = await summarize(makeTestPdf({ lines: PDF_LINES }), "application/pdf", patient);
      expect(res.status, res.text).to.equal(200);
      expect(res.body.source).to.equal("pdf");
      const summary = res.body.summary as ClinicalSummary;
      expect(summary.allergies.map((i) => i.text)).to.deep.equal(["penicillin"]);
      expect(summary.medications.map((i) => i.text)).to.deep.equal([
        "lisinopril 10 mg daily",
        "metformin 500 mg twice daily",
      ]);
      expect(summary.conditions.map((i) => i.text)).to.deep.equal(["type 2 diabetes mellitus"]);
      // The spans point into the extracted text: the lines, one per line.
      const text = PDF_LINES.join("\n");
      for (const item of itemsOf(summary)) expect(text.slice(item.span.start, item.span.end)).to.equal(item.text);
    });

    it("refuses a small PDF whose text inflates past the size limit (422), not a 500", async function () {
      // Before: a small PDF whose one Flate stream inflates to 16 MB of text failed with a RangeError (500).
      const line = "BT /F1 12 Tf 72 712 Td (Patient has asthma and takes albuterol daily) Tj ET\n";
      const stream = deflateSync(Buffer.from(line.repeat(Math.ceil((24 << 20) / line.length))), { level: 9 });
      const objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        `<< /Length ${stream.length} /Filter /FlateDecode >>\nstream\n`,
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
      ];
      const parts = [Buffer.from("%PDF-1.4\n")];
      const offsets: number[] = [];
      objects.forEach((object, i) => {
        offsets.push(Buffer.concat(parts).length);
        const body =
          i === 3 ? Buffer.concat([Buffer.from(object), stream, Buffer.from("\nendstream")]) : Buffer.from(object);
        parts.push(Buffer.from(`${i + 1} 0 obj\n`), body, Buffer.from("\nendobj\n"));
      });
      const xrefAt = Buffer.concat(parts).length;
      const xref = offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("");
      parts.push(
        Buffer.from(
          `xref\n0 6\n0000000000 65535 f \n${xref}trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`,
        ),
      );
      const res = await summarize(Buffer.concat(parts), "application/pdf", patient);
      expectError(res, 422, "unprocessable", /longer than this service summarizes/);
    });

    it("refuses a PDF with no text layer (422, saying so)", async function () {
      expectError(await summarize(makeTestPdf(), "application/pdf", patient), 422, "unprocessable", /no text layer/);
    });

    it("refuses a corrupt PDF (422)", async function () {
      const pdf = makeTestPdf({ lines: PDF_LINES });
      const scrambled = new Uint8Array(pdf);
      scrambled.fill(0x5a, 20, pdf.length - 10);
      const noise = new Uint8Array(Buffer.concat([Buffer.from("%PDF-1.4\n"), randomBytes(2048)]));
      for (const body of [pdf.slice(0, 200), scrambled, noise]) {
        expectError(await summarize(body, "application/pdf", patient), 422, "unprocessable", /damaged/);
      }
    });

    it("refuses bytes that are not a PDF, and an empty body (422)", async function () {
      const res = await summarize(new Uint8Array(Buffer.from(note)), "application/pdf", patient);
      expectError(res, 422, "unprocessable", /not a PDF/);
      expectError(await summarize(new Uint8Array(0), "application/pdf", patient), 422, "unprocessable", /empty/);
    });
  });

  describe("who and what", function () {
    it("refuses another content type (415), before reading the body", async function () {
      for (const type of ["application/octet-stream", "image/png", "text/html", "multipart/form-data; boundary=x"]) {
        const res = await summarize("ALLERGIES: penicillin", type, patient);
        expectError(res, 415, "unsupported_media_type", /cannot be summarized/);
      }
      const none = await summarize(new Uint8Array(Buffer.from("ALLERGIES: penicillin")), undefined, patient);
      expectError(none, 415, "unsupported_media_type", /cannot be summarized/);
      const latin1 = await summarize("ALLERGIES: penicillin", "text/plain; charset=iso-8859-1", patient);
      expectError(latin1, 415, "unsupported_media_type", /UTF-8/);
    });

    it("refuses a request without a valid session (401)", async function () {
      expectError(await summarize(note, "text/plain", undefined), 401, "unauthorized", /./);
      expectError(await summarize(note, "text/plain", "not-a-token"), 401, "unauthorized", /./);
    });

    it("refuses an account that is neither patient nor doctor (403)", async function () {
      for (const who of [stack.outsider, stack.hospital]) {
        const res = await summarize(note, "text/plain", await stack.signIn(who));
        expectError(res, 403, "forbidden", /registered patient or an active doctor/);
      }
    });
  });

  describe("what is kept", function () {
    it("logs size, type, engine and time of a summary, never its text", async function () {
      const text = "ALLERGIES: Zanzibarian quokka fever.\nMEDICATIONS: Quokkacillin 5 mg.";
      const res = await summarize(text, "text/plain", patient);
      expect(res.status, res.text).to.equal(200);
      const made = stack.logs.map((l) => JSON.parse(l)).filter((l) => l.msg === "summary made");
      expect(made.length).to.be.greaterThan(3);
      for (const entry of made) {
        expect(entry).to.include.keys("size", "contentType", "source", "engine", "narrativeStatus", "ms");
        expect(entry.engine).to.equal(ENGINE);
      }
      const line = made.find((l) => l.size === Buffer.byteLength(text));
      expect(line).to.include({ source: "text", contentType: "text/plain", narrativeStatus: "no-model" });
      expect(line.ms).to.be.a("number");
    });

    it("no log line and no error body contains input text or a stack trace", function () {
      const logs = stack.logs.join("\n");
      const bundle = summarizeFhirBundle(JSON.parse(bundleText));
      const secrets = [
        "Zanzibarian quokka fever",
        "Quokkacillin",
        "Quokkaby",
        "penicillin",
        "lisinopril",
        "metformin",
        "Sulfa drugs",
        ...itemsOf(summarizeText(note)).map((i) => i.text),
        ...[...bundle.allergies, ...bundle.medications].map((i) => i.text),
      ].filter((s) => s.length >= 6);
      for (let i = 0; i + 40 <= note.length; i += 200) secrets.push(note.slice(i, i + 40));
      expect(secrets.length).to.be.greaterThan(10);
      expect(errorBodies.length).to.be.greaterThan(20);
      for (const secret of secrets) {
        expect(logs.toLowerCase(), "logs").to.not.include(secret.toLowerCase());
        for (const body of errorBodies) expect(body.toLowerCase(), "error body").to.not.include(secret.toLowerCase());
      }
      for (const body of errorBodies) expect(body).to.not.match(/\bat .+:\d+:\d+|node_modules|Error:|stack/i);
    });
  });

  describe("narrative engine", function () {
    /** The narrative-model warnings logged from line `from` on. */
    const warnings = (from: number) =>
      stack.logs
        .slice(from)
        .map((line) => JSON.parse(line))
        .filter((entry) => entry.level === 40 && /narrative model/i.test(entry.msg));

    it("without a model folder: narrativeStatus no-model, one warning at start", function () {
      expect(stack.services.summaries.status).to.include({ narrative: "no-model", engine: ENGINE });
      expect(stack.services.summaries.status.description).to.match(/clinical sections only/);
      expect(warnings(0).filter((e) => /No narrative model is configured/.test(e.msg))).to.have.length(1);
    });

    const unusable: { name: string; make(dir: string): Promise<void>; status: "no-model" | "failed"; says: RegExp }[] =
      [
        {
          name: "a folder that does not exist",
          make: async () => undefined,
          status: "no-model",
          says: /holds no model/,
        },
        {
          name: "an empty folder",
          make: async (dir) => void (await mkdir(dir, { recursive: true })),
          status: "no-model",
          says: /holds no model/,
        },
        {
          name: "a folder with a garbage config.json",
          make: async (dir) => {
            await mkdir(dir, { recursive: true });
            await writeFile(path.join(dir, "config.json"), "{ this is not json");
          },
          status: "failed",
          says: /could not be loaded/,
        },
      ];
    for (const { name, make, status, says } of unusable) {
      it(`with ${name}: narrative ${status}, the default engine still answers`, async function () {
        const dir = path.join(stack.dataDir, "models", name.replace(/\W+/g, "-"));
        await make(dir);
        const from = stack.logs.length;
        await stack.restartServices({ SUMMARIZER_MODEL_DIR: dir });
        try {
          expect(stack.services.summaries.status).to.include({
            narrative: status,
            narrativeEngine: `transformers.js/${path.basename(dir)}`,
          });
          const warned = warnings(from);
          expect(warned).to.have.length(1);
          expect(warned[0].msg)
            .to.match(says)
            .and.to.match(/clinical-sections engine only\.$/);

          const res = await summarize(note, "text/plain", patient);
          expect(res.status, res.text).to.equal(200);
          expect(res.headers["x-summary-engine"]).to.equal(ENGINE);
          expect(res.body).to.include({ narrative: null, narrativeStatus: status });
          expect(res.body.summary).to.deep.equal(summarizeText(note));
        } finally {
          await stack.restartServices();
        }
      });
    }
  });
});

describe("makeTestPdf", function () {
  it("writes a PDF whose text layer unpdf reads back line by line", async function () {
    const text = await extractPdfText(makeTestPdf({ lines: ["Allergies: penicillin", "Medications: (a) \\ b"] }));
    expect(text).to.equal("Allergies: penicillin\nMedications: (a) \\ b");
  });

  it("writes a PDF with only a rectangle: no text layer", async function () {
    let error: unknown;
    await extractPdfText(makeTestPdf()).catch((e: unknown) => (error = e));
    expect((error as { status?: number })?.status).to.equal(422);
    expect((error as Error).message).to.match(/no text layer/);
  });

  it("points every cross-reference entry at its object", function () {
    for (const pdf of [makeTestPdf({ lines: ["x"] }), makeTestPdf()]) {
      const file = Buffer.from(pdf).toString("latin1");
      const startxref = Number(/startxref\n(\d+)/.exec(file)?.[1]);
      expect(file.slice(startxref, startxref + 4)).to.equal("xref");
      const offsets = [...file.slice(startxref).matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
      expect(offsets).to.have.length(5);
      offsets.forEach((offset, i) => expect(file.slice(offset, offset + 8)).to.equal(`${i + 1} 0 obj\n`));
    }
  });

  it("refuses a line it cannot encode", function () {
    expect(() => makeTestPdf({ lines: ["café"] })).to.throw(RangeError);
  });
});
