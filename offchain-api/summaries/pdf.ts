import { HttpError, unprocessable } from "../http/errors";
import { esmImport } from "../../lib/esmImport";

/** The part of unpdf 1.7 this service uses. */
interface Unpdf {
  getDocumentProxy(data: Uint8Array, options?: { verbosity?: number; isEvalSupported?: boolean }): Promise<PdfDocument>;
  extractText(doc: PdfDocument, options: { mergePages: true }): Promise<{ totalPages: number; text: string }>;
}
interface PdfDocument {
  destroy(): Promise<void>;
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

/**
 * The text layer of a PDF, pages joined by newlines. A file that is not a PDF, is damaged or is
 * encrypted, and a PDF without any text (a scan without OCR), are the sender's problem: 422 with a
 * sentence saying which, never pdf.js's own message (it may quote the file).
 */
export async function extractPdfText(bytes: Uint8Array): Promise<string> {
  if (Buffer.from(bytes.subarray(0, 1024)).indexOf("%PDF-") < 0) {
    throw unprocessable("The file is not a PDF.");
  }
  const { getDocumentProxy, extractText } = await loadUnpdf();
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
    const { text } = await extractText(doc, { mergePages: true });
    if (text.trim() === "") {
      throw unprocessable("The PDF has no text layer (a scanned image?): run it through OCR or send the text.");
    }
    return text;
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw unprocessable("The PDF could not be read: it is damaged or not a valid PDF.");
  } finally {
    await doc.destroy().catch(() => undefined);
  }
}
