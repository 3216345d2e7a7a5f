import { once } from "node:events";
import http, { type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import type { Response } from "supertest";
import { sampleNote } from "../testing/clinicalSamples";
import { expectError } from "../testing/records";
import { startTestStack, type StackAccount, type TestStack } from "../testing/stack";

/** An answer read over a real socket, in the shape `expectError` reads. */
interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: { error?: { code: string; message: string }; summary?: unknown };
  text: string;
}

/** `note` repeated to `bytes` bytes of text: a long document of real clinical lines. */
const longText = (note: string, bytes: number) => note.repeat(Math.ceil(bytes / note.length)).slice(0, bytes);

describe("POST /v1/summaries in worker threads", function () {
  let stack: TestStack;
  let server: Server;
  let base: string;
  let note: string;
  const tokens = new Map<StackAccount, string>();
  /** Set when the server has read the whole body of a summary request (its stream ended). */
  let summaryBodyRead = false;

  before(async function () {
    stack = await startTestStack();
    // A real listening server (not one per request): the summary and the probes share its event loop.
    server = http.createServer((req, res) => {
      if (req.url === "/v1/summaries") req.once("end", () => (summaryBodyRead = true));
      stack.app(req, res);
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    for (const who of [stack.patient, stack.patient2, stack.doctor, stack.doctor2]) {
      tokens.set(who, await stack.signIn(who));
    }
    note = await sampleNote();
  });
  after(async function () {
    server?.closeAllConnections();
    server?.close();
    await stack?.close();
  });

  /**
   * Starts a POST of text/plain from `who` on its own connection, with `length` as its
   * Content-Length (none: chunked), and answers its request (to write the body to) and its answer.
   */
  function open(who: StackAccount, length: number | undefined): { req: http.ClientRequest; answer: Promise<Answer> } {
    let req!: http.ClientRequest;
    const answer = new Promise<Answer>((resolve, reject) => {
      req = http.request(
        `${base}/v1/summaries`,
        {
          method: "POST",
          agent: false,
          headers: {
            Authorization: `Bearer ${tokens.get(who)}`,
            "Content-Type": "text/plain; charset=utf-8",
            ...(length === undefined ? {} : { "Content-Length": length }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text), text });
          });
        },
      );
      req.on("error", reject);
    });
    return { req, answer };
  }

  /**
   * POSTs `body` as text/plain from `who` on its own connection; `declareLength: false` sends it
   * chunked.
   */
  function post(who: StackAccount, body: string, options: { declareLength?: boolean } = {}): Promise<Answer> {
    const bytes = Buffer.from(body);
    const chunked = options.declareLength === false;
    const { req, answer } = open(who, chunked ? undefined : bytes.length);
    // Written before `end`, so that Node does not add a Content-Length itself.
    if (chunked) req.write(bytes);
    req.end(chunked ? undefined : bytes);
    return answer;
  }

  /** Waits until the pool is in the given state (the jobs above were received and queued). */
  async function until(check: () => boolean, what: string): Promise<void> {
    for (let waited = 0; !check(); waited += 10) {
      if (waited > 60_000)
        throw new Error(`The pool never reached: ${what} (${JSON.stringify(stack.services.summaries.load)}).`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  it("answers /healthz again and again while a long summary runs (before: nothing until the summary was done)", async function () {
    // Before: summarizeText ran on the main thread; 10 MB of text froze every request for ~4 s.
    summaryBodyRead = false;
    let summarized = false;
    let between = 0;
    const summary = post(stack.patient, longText(note, 2 * 1024 * 1024)).then((answer) => {
      summarized = true;
      return answer;
    });
    // Each probe goes after the previous one came back. It counts when it was sent after the
    // server had read the whole summary body, and came back before the summary did.
    while (!summarized) {
      const sentAfterBody = summaryBodyRead;
      const res = await fetch(`${base}/healthz`);
      expect(res.status).to.equal(200);
      if (sentAfterBody && !summarized) between++;
    }
    const answer = await summary;
    expect(answer.status, answer.text).to.equal(200);
    expect(between, "health answers between the upload and the summary").to.be.at.least(3);
  });

  describe("limits", function () {
    afterEach(async function () {
      await stack.restartServices();
    });

    it("stops a summary at the time limit (422, one sentence), replaces the worker and serves the next one", async function () {
      await stack.restartServices({ EHR_SUMMARY_TIMEOUT_SECONDS: "0.3", EHR_MAX_SUMMARY_TEXT_BYTES: String(8 << 20) });
      const from = stack.logs.length;
      const slow = await post(stack.patient, longText(note, 8 << 20));
      expectError(
        slow as unknown as Response,
        422,
        "unprocessable",
        /takes longer to summarize than this service allows \(0\.3 s\)/,
      );
      expect(stack.services.summaries.load).to.include({ timedOut: 1 });

      const next = await post(stack.patient, "ALLERGIES: Sulfa drugs.\nMEDICATIONS: Aspirin 81 mg daily.");
      expect(next.status, next.text).to.equal(200);
      expect(next.body.summary).to.have.nested.property("allergies[0].text", "Sulfa drugs");
      expect(stack.services.summaries.load).to.include({ workers: 1, running: 0, waiting: 0 });

      const stopped = stack.logs.slice(from).map((line) => JSON.parse(line));
      const warning = stopped.find((entry) => /time limit/.test(entry.msg));
      expect(warning).to.include({ source: "text", size: 8 << 20, limitMs: 300 });
      expect(stack.logs.slice(from).join("\n")).to.not.include(note.slice(0, 40));
    });

    it("answers 503 with Retry-After when the queue is full, and 429 to an address with a summary in flight", async function () {
      await stack.restartServices({
        EHR_SUMMARY_QUEUE: "1",
        EHR_MAX_SUMMARY_TEXT_BYTES: String(8 << 20),
        EHR_SUMMARY_TIMEOUT_SECONDS: "300",
      });
      const heavy = longText(note, 8 << 20);
      const running = post(stack.patient, heavy);
      await until(() => stack.services.summaries.load.running === 1, "one job running");
      const waiting = post(stack.doctor, heavy);
      await until(() => stack.services.summaries.load.waiting === 1, "one job waiting");

      const full = await post(stack.patient2, "ALLERGIES: penicillin.");
      expectError(full as unknown as Response, 503, "summarizer_busy", /busy/);
      expect(Number(full.headers["retry-after"])).to.be.at.least(1);

      const again = await post(stack.patient, "ALLERGIES: penicillin.");
      expectError(again as unknown as Response, 429, "rate_limited", /still being summarized/);
      expect(Number(again.headers["retry-after"])).to.be.at.least(1);

      for (const answer of await Promise.all([running, waiting])) expect(answer.status, answer.text).to.equal(200);
      // Both turns are given back: each address is served again.
      for (const who of [stack.patient, stack.doctor, stack.patient2]) {
        const res = await post(who, "ALLERGIES: penicillin.");
        expect(res.status, res.text).to.equal(200);
      }
      expect(stack.services.summaries.load).to.include({ running: 0, waiting: 0, timedOut: 0 });
    });

    it("counts bodies still arriving against the pool's room: with every place taken by slow senders, another address is refused 503 before its body", async function () {
      // Before: admission looked only at jobs already queued, so any number of addresses could each
      // hold a body of up to the size limit in memory while sending it slowly.
      await stack.restartServices({ EHR_SUMMARY_QUEUE: "1" });
      await until(() => stack.services.summaries.load.workers === 1, "the worker started");
      const text = Buffer.from("ALLERGIES: penicillin (rash).\nMEDICATIONS: metformin 500 mg twice daily.\n");
      /** Sends the headers and the first bytes of the body from `who`, and the rest when `finish` is called. */
      const slow = (who: StackAccount) => {
        const { req, answer } = open(who, text.length);
        req.write(text.subarray(0, 10));
        return { answer, finish: () => req.end(text.subarray(10)) };
      };
      const first = slow(stack.patient);
      const second = slow(stack.doctor);
      await until(() => stack.services.summaries.load.receiving === 2, "two bodies arriving");

      const refused = await post(stack.patient2, "ALLERGIES: penicillin.");
      expectError(refused as unknown as Response, 503, "summarizer_busy", /busy/);
      expect(Number(refused.headers["retry-after"])).to.be.at.least(1);
      expect(stack.services.summaries.load).to.include({ receiving: 2, running: 0, waiting: 0 });

      first.finish();
      second.finish();
      for (const answer of [await first.answer, await second.answer]) {
        expect(answer.status, answer.text).to.equal(200);
        expect(answer.body.summary)
          .to.have.nested.property("allergies[0].text")
          .that.matches(/penicillin/i);
      }
      // Every place given back: the refused address is served now.
      expect(stack.services.summaries.load).to.include({ receiving: 0 });
      const served = await post(stack.patient2, "ALLERGIES: penicillin.");
      expect(served.status, served.text).to.equal(200);
    });

    it("keeps an address's turn while the summary of a client that hung up still runs", async function () {
      await stack.restartServices({ EHR_MAX_SUMMARY_TEXT_BYTES: String(8 << 20), EHR_SUMMARY_TIMEOUT_SECONDS: "300" });
      const hangUp = new AbortController();
      const abandoned = fetch(`${base}/v1/summaries`, {
        method: "POST",
        headers: { Authorization: `Bearer ${tokens.get(stack.patient2)}`, "Content-Type": "text/plain" },
        body: longText(note, 8 << 20),
        signal: hangUp.signal,
      }).catch((error: unknown) => error);
      await until(() => stack.services.summaries.load.running === 1, "the job running");
      hangUp.abort();
      expect(await abandoned).to.have.property("name", "AbortError");

      const again = await post(stack.patient2, "ALLERGIES: penicillin.");
      expectError(again as unknown as Response, 429, "rate_limited", /still being summarized/);
      await until(() => stack.services.summaries.load.running === 0, "the abandoned job done");
      const after = await post(stack.patient2, "ALLERGIES: penicillin.");
      expect(after.status, after.text).to.equal(200);
    });

    it("refuses text over the limit (2 MiB by default) with 413 before reading it: no job, no summary logged", async function () {
      const from = stack.logs.length;
      const finished = stack.services.summaries.load.finished;
      const over = longText(note, 2 * 1024 * 1024 + 1);
      const declared = await post(stack.doctor2, over);
      expectError(
        declared as unknown as Response,
        413,
        "payload_too_large",
        /text is larger than this service summarizes \(2 MiB\)/,
      );
      const chunked = await post(stack.doctor2, over, { declareLength: false });
      expectError(chunked as unknown as Response, 413, "payload_too_large", /larger than this service accepts/);

      expect(stack.services.summaries.load.finished).to.equal(finished);
      const logged = stack.logs.slice(from).map((line) => JSON.parse(line));
      expect(logged.filter((entry) => entry.msg === "summary made")).to.be.empty;
      // The address's turn was given back with the refusal.
      const res = await post(stack.doctor2, longText(note, 2 * 1024 * 1024));
      expect(res.status, res.text).to.equal(200);
    });
  });
});
