import express, { Router, type RequestHandler } from "express";
import type { ApiServices } from "../services";
import { unprocessable, unsupportedMedia } from "../http/errors";
import { requireRole, requireSession } from "../sessions/middleware";
import { summarySourceOf, type SummarySource } from "./schema";

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

/**
 * `/v1/summaries` (README, "Summaries"): POST / answers `{summary, narrative, narrativeStatus,
 * source}` for a note (text/plain), a PDF with a text layer, or a FHIR R4 Bundle, to a patient or
 * an active doctor. The input is summarized in memory and dropped: only its size, type, the
 * engines and the time are logged, and the answer is marked `no-store`.
 */
export function summariesRouter(services: ApiServices): Router {
  const router = Router();
  router.post(
    "/",
    requireSession(services),
    requireRole(services, "patient", "doctor"),
    acceptedSource,
    express.raw({ type: () => true, limit: services.config.maxSummaryBytes }),
    async (req, res) => {
      const source = res.locals.summarySource as SummarySource;
      const body: unknown = req.body;
      const bytes = Buffer.isBuffer(body) ? new Uint8Array(body.buffer, body.byteOffset, body.byteLength) : undefined;
      if (!bytes || bytes.length === 0) throw unprocessable("The body is empty: there is nothing to summarize.");
      const started = performance.now();
      const result = await services.summaries.summarize(source, bytes);
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
  return router;
}
