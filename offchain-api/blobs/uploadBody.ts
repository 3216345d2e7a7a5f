import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { HttpError } from "../http/errors";

/** What to do with the rest of a body, decided from its first bytes. */
export interface RestOfBody {
  /** A lower limit than the one the body started under (a key backup is small): `tooLarge` beyond it. */
  limit?: number;
  /** Answered when the body passes `limit`. */
  tooLarge?: () => HttpError;
  /** Runs as bytes arrive (`available` of `body` are in) and once more at the end: an error refuses the body there. */
  check?: {
    advance(body: Uint8Array, available: number): HttpError | undefined;
    finish(body: Uint8Array): HttpError | undefined;
  };
}

export interface ReadUploadOptions {
  /** The most bytes the body may have: larger is refused from its Content-Length, or once a chunked body passes it. */
  limit: number;
  tooLarge: () => HttpError;
  /** How many first bytes `decide` needs (the whole body, when shorter). */
  headLength: number;
  /**
   * Decides from the first `headLength` bytes, while the rest waits unread (the socket paused): throws
   * to refuse the upload there, or says what to do with the rest.
   */
  decide(head: Uint8Array): Promise<RestOfBody>;
  /**
   * Asked before the body's buffer takes `bytes` more memory (its first allocation, then each
   * growth): false refuses the upload there with `busy()`, nothing more read. So what an upload
   * holds is what it has sent (at most twice that), not what it declared.
   */
  claim?: (bytes: number) => boolean;
  busy?: () => HttpError;
}

/** The body's first buffer at most: an envelope's head and a small record fit. */
const FIRST_BUFFER_BYTES = 64 * 1024;
/** How far past the bytes received the buffer grows at least: what an upload may hold beyond what it sent. */
const GROWTH_BYTES = 1024 * 1024;

/** A client that went away mid-body: Express's body parsers' error type, which the error middleware maps. */
const aborted = () => Object.assign(new Error("The request was aborted."), { type: "request.aborted" });

/**
 * Reads an upload's body a network chunk at a time into one buffer that grows as the bytes arrive
 * (doubling, at least 1 MiB ahead), up to the declared Content-Length (a chunked body's up to the limit), deciding from the first bytes
 * before the rest is read and refusing at the first chunk that fails a check, passes the limit, or
 * would take memory `claim` refuses. Nothing but that one buffer is kept: no list of chunks, no
 * second copy. A client that declares 50 MB and stops after its first bytes holds about 1 MiB, not 50 MB.
 * On a refusal the request is left paused and unread: answer it with {@link closeAfterAnswer} so
 * the client stops sending.
 */
export function readUpload(req: IncomingMessage, options: ReadUploadOptions): Promise<Uint8Array> {
  const header = req.headers["content-length"];
  const declared = header === undefined ? undefined : Number(header);
  if (declared !== undefined && declared > options.limit) return Promise.reject(options.tooLarge());
  const first = Math.min(declared ?? options.headLength, FIRST_BUFFER_BYTES);
  const busy = () => options.busy?.() ?? new Error("No memory for this upload now.");
  if (options.claim && !options.claim(first)) return Promise.reject(busy());
  return new Promise((resolve, reject) => {
    let limit = options.limit;
    let tooLarge = options.tooLarge;
    let check: RestOfBody["check"];
    let body = new Uint8Array(first);
    let received = 0;
    /** "head": the first bytes are coming; "deciding": paused; "rest": the rest is read; "done". */
    let phase: "head" | "deciding" | "rest" | "done" = "head";
    let ended = false;

    const stop = (error: unknown) => {
      if (phase === "done") return;
      phase = "done";
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("close", onClose);
      req.pause();
      reject(error);
    };
    /** Makes room for `bytes` more; false when the memory was refused (the upload is stopped). */
    const room = (bytes: number): boolean => {
      if (received + bytes <= body.length) return true;
      // Doubling, and at least GROWTH_BYTES ahead: a 1 MB record grows once, a 50 MB one in six copies.
      const size = Math.min(Math.max(received + bytes + GROWTH_BYTES, 2 * body.length), declared ?? limit);
      if (options.claim && !options.claim(size - body.length)) {
        stop(busy());
        return false;
      }
      const grown = new Uint8Array(size);
      grown.set(body.subarray(0, received));
      body = grown;
      return true;
    };
    const finish = () => {
      const whole = body.subarray(0, received);
      const refusal = check?.finish(whole);
      if (refusal) return stop(refusal);
      phase = "done";
      req.off("close", onClose);
      resolve(whole);
    };
    const decide = () => {
      phase = "deciding";
      req.pause();
      options.decide(body.subarray(0, Math.min(received, options.headLength))).then(
        (rest) => {
          if (phase !== "deciding") return;
          phase = "rest";
          if (rest.limit !== undefined && rest.limit < limit) {
            limit = rest.limit;
            tooLarge = rest.tooLarge ?? tooLarge;
          }
          check = rest.check;
          if (received > limit || (declared ?? 0) > limit) return stop(tooLarge());
          const refusal = check?.advance(body, received);
          if (refusal) return stop(refusal);
          if (ended) return finish();
          req.resume();
        },
        (error: unknown) => stop(error),
      );
    };
    const onData = (chunk: Buffer) => {
      if (phase === "done") return;
      if (received + chunk.length > limit) return stop(tooLarge());
      if (!room(chunk.length)) return;
      body.set(chunk, received);
      received += chunk.length;
      if (phase === "head") {
        if (received >= options.headLength) decide();
        return;
      }
      const refusal = check?.advance(body, received);
      if (refusal) stop(refusal);
    };
    const onEnd = () => {
      ended = true;
      if (phase === "head") decide();
      else if (phase === "rest") finish();
    };
    const onClose = () => {
      if (!ended) stop(aborted());
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("close", onClose);
    req.on("error", () => stop(aborted()));
  });
}

/** How long and how much a refused client may still send after its answer before the connection is cut. */
const LINGER_MS = 2000;
const LINGER_BYTES = 1024 * 1024;

/**
 * Ends the connection after this (refusal) answer, so a client that would send 50 MB more stops:
 * `Connection: close`, then a lingering close (RFC 9112 §9.6): the answer is sent and the write side
 * shut, what the client still sends is read and dropped for at most 2 s or 1 MiB, and the socket is
 * closed. Closing at once with unread bytes would make the kernel answer them with a reset, which
 * can discard the refusal before the client reads it (measured: an over-size upload saw no answer at all).
 */
export function closeAfterAnswer(req: IncomingMessage, res: ServerResponse): void {
  if (res.headersSent || req.complete) return;
  res.setHeader("Connection", "close");
  const socket = req.socket as Socket & { destroySoon?: () => void };
  // Node ends a `Connection: close` socket with destroySoon once the answer is written.
  socket.destroySoon = () => {
    socket.end();
    let dropped = 0;
    const cut = () => socket.destroy();
    const timer = setTimeout(cut, LINGER_MS);
    socket.once("close", () => clearTimeout(timer));
    req.removeAllListeners("data");
    req.on("data", (chunk: Buffer) => {
      dropped += chunk.length;
      if (dropped > LINGER_BYTES) cut();
    });
    req.resume();
  };
}
