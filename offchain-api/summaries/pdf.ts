import { HttpError, unprocessable } from "../http/errors";
import { esmImport } from "../../lib/esmImport";
import { sizeInWords } from "./sizeInWords";

/** The part of unpdf 1.8 (and of the pdf.js it bundles) this service uses. */
interface Unpdf {
  getDocumentProxy(data: Uint8Array, options?: { verbosity?: number; isEvalSupported?: boolean }): Promise<PdfDocument>;
}
interface PdfDocument {
  numPages: number;
  getPage(pageNumber: number): Promise<PdfPage>;
  /** What loaded the document: destroying it frees the document (the pdf.js 6 in unpdf 1.8 has no destroy() on the document itself). */
  loadingTask: { destroy(): Promise<void> };
}
interface PdfPage {
  /** The page's text items in chunks, as pdf.js parses its content: cancelling the stream stops the parse. */
  streamTextContent(): ReadableStream<{ items: { str?: string; hasEOL?: boolean }[] }>;
}

let unpdf: Promise<Unpdf> | undefined;

/** unpdf (and its bundled pdf.js) on first use: a service that never gets a PDF never loads it. */
function loadUnpdf(): Promise<Unpdf> {
  unpdf ??= esmImport<Unpdf>("unpdf").catch((error: unknown) => {
    unpdf = undefined; // let the next request try again
    throw error;
  });
  return unpdf;
}

/** pdf.js's VerbosityLevel.ERRORS: its warnings go to the console, outside our structured log. */
const PDFJS_ERRORS_ONLY = 0;

/** The text is over the limit: refused, and the rest of the file is not parsed. */
class TextTooLong extends Error {}

/**
 * One page's text, as unpdf's extractText makes it (each item, a newline after an item that ends a
 * line), read as a stream so that it stops as soon as `budget` characters are passed.
 */
async function pageText(page: PdfPage, budget: number): Promise<string> {
  const reader = page.streamTextContent().getReader();
  const parts: string[] = [];
  let chars = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return parts.join("");
    for (const item of value.items) {
      if (item.str == null) continue;
      const part = item.hasEOL ? `${item.str}\n` : item.str;
      parts.push(part);
      chars += part.length;
    }
    if (chars > budget) {
      await reader.cancel(new Error("The text is longer than the limit.")).catch(() => undefined);
      throw new TextTooLong();
    }
  }
}

/** unpdf's normalization of merged pages: runs of blanks to one space, no blank around a newline, at most one empty line. */
function normalizeMergedText(pages: string[]): string {
  return pages
    .join("\n")
    .replace(/[^\S\n]+/g, " ")
    .replace(/ ?\n ?/g, "\n")
    .replace(/\n{3,}/g, "\n\n");
}

/**
 * The text layer of a PDF, pages joined by newlines (what unpdf's `extractText` with `mergePages`
 * gives). A file that is not a PDF, is damaged or is encrypted, and a PDF without any text (a scan
 * without OCR), are the sender's problem: 422 with a sentence saying which, never pdf.js's own
 * message (it may quote the file). Text past `maxChars` is 422 too, and parsing stops there: a few
 * KB of PDF can inflate to megabytes of text (57 KB to 16 MB), which would take pdf.js minutes.
 */
export async function extractPdfText(bytes: Uint8Array, maxChars = Infinity): Promise<string> {
  if (Buffer.from(bytes.subarray(0, 1024)).indexOf("%PDF-") < 0) {
    throw unprocessable("The file is not a PDF.");
  }
  const { getDocumentProxy } = await loadUnpdf();
  let doc: PdfDocument;
  try {
    // pdf.js takes ownership of (detaches) the buffer it is given: hand it a copy.
    doc = await getDocumentProxy(bytes.slice(), { verbosity: PDFJS_ERRORS_ONLY, isEvalSupported: false });
  } catch (error) {
    if ((error as Error)?.name === "PasswordException") {
      throw unprocessable("The PDF is password-protected: send an unprotected copy.");
    }
    throw unprocessable("The PDF could not be read: it is damaged or not a valid PDF.");
  }
  try {
    const pages: string[] = [];
    let budget = maxChars;
    for (let n = 1; n <= doc.numPages; n++) {
      const text = await pageText(await doc.getPage(n), budget);
      budget -= text.length + 1;
      pages.push(text);
    }
    const text = normalizeMergedText(pages);
    if (text.trim() === "") {
      throw unprocessable("The PDF has no text layer (a scanned image?): run it through OCR or send the text.");
    }
    return text;
  } catch (error) {
    if (error instanceof HttpError) throw error;
    if (error instanceof TextTooLong) {
      throw unprocessable(
        `The PDF's text is longer than this service summarizes (${sizeInWords(maxChars)}): send a shorter document.`,
      );
    }
    throw unprocessable("The PDF could not be read: it is damaged or not a valid PDF.");
  } finally {
    await doc.loadingTask.destroy().catch(() => undefined);
  }
}
