import express, { Router, type ErrorRequestHandler, type Request, type RequestHandler, type Response } from "express";
import type { ApiServices } from "../services";
import { tooLarge, unprocessable, unsupportedMedia } from "../http/errors";
import { requireRole, requireSession, sessionOf } from "../sessions/middleware";
import { SummarizerBusyError } from "./pool";
import { summarySourceOf, type SummarySource } from "./schema";
import type { SummaryAdmission } from "./service";
import { sizeInWords } from "./sizeInWords";

const ACCEPTED = "Send text/plain (UTF-8), application/pdf or application/fhir+json.";

/**
 * 415 unless the Content-Type is one we read; runs before the body is read, so a large body of
 * the wrong type is refused without being received.
 */
const acceptedSource: RequestHandler = (req, res, next) => {
  const source = summarySourceOf(req.headers["content-type"]);
  if (source === null) throw unsupportedMedia(`This content type cannot be summarized: ${ACCEPTED.toLowerCase()}`);
  if (source === "charset") throw unsupportedMedia("Text must be sent as UTF-8 (charset=utf-8).");
  res.locals.summarySource = source;
  next();
};

/** 413 with the limit in words when the declared length is over it, before a byte is read (a chunked body meets the parser's 413). */
function declaredLengthWithin(req: Request, limit: number, what: "text" | "document"): void {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    throw tooLarge(
      `The ${what} is larger than this service summarizes (${sizeInWords(limit)}): send a shorter document.`,
    );
  }
}

/**
 * `/v1/summaries` (README, "Summaries"): POST / answers `{summary, narrative, narrativeStatus,
 * source}` for a note (text/plain), a PDF with a text layer, or a FHIR R4 Bundle, to a patient or
 * an active doctor. The work runs in a worker thread (pool.ts), one job in flight per signed-in
 * address (429), a bounded queue (503 with Retry-After) and a time limit per job (422); both busy
 * answers come before the body is read. The input is summarized in memory and dropped: only its
 * size, type, the engines and the time are logged, and the answer is marked `no-store`.
 */
export function summariesRouter(services: ApiServices): Router {
  const { config } = services;
  const textBody = express.raw({ type: () => true, limit: config.maxSummaryTextBytes });
  const documentBody = express.raw({ type: () => true, limit: config.maxSummaryBytes });
  const isText = (res: Response) => res.locals.summarySource === "text";
  /** 413 for a declared length over the limit: text by the text limit, a PDF or a Bundle by the document limit. */
  const declaredWithin: RequestHandler = (req, res, next) => {
    if (isText(res)) declaredLengthWithin(req, config.maxSummaryTextBytes, "text");
    else declaredLengthWithin(req, config.maxSummaryBytes, "document");
    next();
  };
  /** The body, read up to the same limit. */
  const body: RequestHandler = (req, res, next) => (isText(res) ? textBody : documentBody)(req, res, next);
  /** The address's turn, taken before the body is read and given back when the answer is done. */
  const admitted: RequestHandler = (_req, res, next) => {
    const admission = services.summaries.admit(sessionOf(res).address);
    res.once("close", () => admission.release());
    res.locals.summaryAdmission = admission;
    next();
  };
  /** Busy answers say when to come back. */
  const retryAfter: ErrorRequestHandler = (error, _req, res, next) => {
    if (error instanceof SummarizerBusyError) res.set("Retry-After", String(error.retryAfterSeconds));
    next(error);
  };

  const router = Router();
  router.post(
    "/",
    requireSession(services),
    requireRole(services, "patient", "doctor"),
    acceptedSource,
    declaredWithin,
    admitted,
    body,
    async (req, res) => {
      const source = res.locals.summarySource as SummarySource;
      const admission = res.locals.summaryAdmission as SummaryAdmission;
      const received: unknown = req.body;
      const bytes = Buffer.isBuffer(received)
        ? new Uint8Array(received.buffer, received.byteOffset, received.byteLength)
        : undefined;
      if (!bytes || bytes.length === 0) throw unprocessable("The body is empty: there is nothing to summarize.");
      // A client that goes away takes its job out of the queue.
      const gone = new AbortController();
      res.once("close", () => gone.abort());
      const started = performance.now();
      const result = await admission.summarize(source, bytes, gone.signal);
      const engines = [result.summary.engine, ...(result.narrative ? [result.narrative.engine] : [])];
      services.logger.info(
        {
          requestId: req.id,
          size: bytes.length,
          contentType: req.headers["content-type"]?.split(";")[0].trim().toLowerCase(),
          source,
          engine: engines.join(", "),
          narrativeStatus: result.narrativeStatus,
          ms: Math.round(performance.now() - started),
        },
        "summary made",
      );
      res.set("X-Summary-Engine", engines.join(", "));
      res.set("Cache-Control", "no-store");
      res.json(result);
    },
  );
  router.use(retryAfter);
  return router;
}
