import { FormatError } from "../errors";
import type { MessageContent } from "./types";
import { isAddress } from "viem";

/** Longest message text, in characters (a chat message, not a report: reports are records). */
export const MAX_MESSAGE_TEXT = 8000;

const MESSAGE_ID = /^0x[0-9a-f]{32}$/;
const TX_HASH = /^0x[0-9a-fA-F]{64}$/;

const invalid = (field: string, what: string) =>
  new FormatError("The message is not valid.", { details: `${field}: ${what}` });

const isIndex = (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 0;

/**
 * Checks a message's content (before sealing, and again after opening: the sender's client is not
 * trusted) and returns it with only the known fields, so nothing unexpected is carried along.
 * FormatError names the first bad field, never its value.
 */
export function checkContent(content: unknown): MessageContent {
  if (typeof content !== "object" || content === null) throw invalid("content", "expected an object");
  const c = content as Record<string, unknown>;
  if (c.kind !== "text" && c.kind !== "request") throw invalid("kind", 'expected "text" or "request"');
  if (typeof c.text !== "string" || c.text.trim() === "") throw invalid("text", "expected a non-empty string");
  if (c.text.length > MAX_MESSAGE_TEXT) throw invalid("text", `longer than ${MAX_MESSAGE_TEXT} characters`);
  const out: Record<string, unknown> = { kind: c.kind, text: c.text };
  if (c.record !== undefined) {
    const r = c.record as Record<string, unknown>;
    if (
      typeof r !== "object" ||
      r === null ||
      typeof r.patient !== "string" ||
      !isAddress(r.patient, { strict: false })
    ) {
      throw invalid("record.patient", "expected an address");
    }
    if (!isIndex(r.index)) throw invalid("record.index", "expected a record index");
    out.record = { patient: r.patient, index: r.index };
  }
  if (c.kind === "request") {
    if (c.categories !== undefined) {
      const ok =
        Array.isArray(c.categories) &&
        c.categories.length <= 32 &&
        c.categories.every((x) => Number.isInteger(x) && x >= 0 && x <= 31);
      if (!ok) throw invalid("categories", "expected up to 32 category numbers 0..31");
      out.categories = [...new Set(c.categories as number[])];
    }
    return out as MessageContent;
  }
  if (c.inReplyTo !== undefined) {
    if (typeof c.inReplyTo !== "string" || !MESSAGE_ID.test(c.inReplyTo))
      throw invalid("inReplyTo", "expected a message id");
    out.inReplyTo = c.inReplyTo;
  }
  if (c.answer !== undefined) {
    const a = c.answer as Record<string, unknown>;
    if (typeof a !== "object" || a === null) throw invalid("answer", "expected an object");
    if (a.recordIndex !== undefined && !isIndex(a.recordIndex))
      throw invalid("answer.recordIndex", "expected a record index");
    if (a.grantTx !== undefined && (typeof a.grantTx !== "string" || !TX_HASH.test(a.grantTx))) {
      throw invalid("answer.grantTx", "expected a transaction hash");
    }
    if (a.recordIndex === undefined && a.grantTx === undefined)
      throw invalid("answer", "expected recordIndex or grantTx");
    out.answer = {
      ...(a.recordIndex !== undefined && { recordIndex: a.recordIndex }),
      ...(a.grantTx !== undefined && { grantTx: a.grantTx }),
    };
  }
  return out as MessageContent;
}
