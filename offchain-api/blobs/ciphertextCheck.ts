import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { brotliCompressSync, constants } from "node:zlib";

/**
 * Whether the bytes after an envelope's header look like AES-GCM output (README, "Blobs"): the
 * service cannot decrypt, but clear text behind a valid header is easy to tell from ciphertext,
 * which is indistinguishable from uniformly random bytes. Three tests, each with an exact bound on
 * how often it refuses random bytes, so that a real envelope is refused with probability at most
 * {@link FALSE_REFUSAL} (2^-50, about 9·10^-16) per upload, whatever its size:
 *
 * 1. Printable fraction, in windows of 256 bytes every 128 bytes (one window for a shorter body):
 *    a byte of random data is printable ASCII (tab, line feed, carriage return, 0x20-0x7E) with
 *    probability 98/256; a window is refused when its count reaches the smallest k with
 *    P(Binomial(w, 98/256) >= k) <= 2^-51 / windows, summed exactly. Catches ASCII text, JSON,
 *    base64 and hex anywhere, down to a body of about 40 bytes and a span of 384 bytes inside a
 *    larger one.
 * 2. Compressibility, per 64 KiB chunk (brotli, quality 2; 1 up to 2 KiB): a lossless coder shortens at most a
 *    fraction 256^(1-s)/255 of all n-byte strings by s bytes or more (there are fewer shorter
 *    outputs than that), so a chunk that shrinks by s bytes, s chosen for 2^-51 / chunks, is not
 *    random. Catches what has a skewed byte histogram (UTF-8 text of any script: its Huffman stage
 *    is a histogram test with an exact bound) and what repeats (zeros, a repeated pattern), inside
 *    a larger body too (about 1 KB of text in a 64 KiB chunk).
 * 3. Repeated byte values, in the same windows as test 1: each of the 256 values occurs in a window of
 *    random bytes Binomial(w, 1/256) times; a window is refused when some value reaches the smallest
 *    k with 256 · P(Binomial(w, 1/256) >= k) <= 2^-50 / 3 / windows. Catches what a skewed
 *    histogram gives away in a few hundred bytes whatever the encoder's heuristics do: brotli decides
 *    from a sample whether to compress at all, and passed about 1 in 3,000 bodies of 1-4 KiB that
 *    hide 500 bytes of UTF-8 text; this test finds them all (UTF-8 lead bytes, spaces).
 *
 * What it cannot catch: clear text encoded to look random (XOR with a published key), or a few
 * hundred bytes of it scattered through random bytes. That is not an accident but an evasion, and
 * the per-address quota bounds it (quota.ts).
 */

/** Probability, per upload, that a real envelope is refused: 2^-50. */
export const FALSE_REFUSAL = 2 ** -50;
/** Each of the three tests gets a third. */
const PER_TEST = FALSE_REFUSAL / 3;

const WINDOW = 256;
const STRIDE = 128;
const CHUNK = 64 * 1024;
/** How much is checked between yields to the event loop (a 50 MB body never blocks it for long). */
const SLICE = 16 * CHUNK;

/** The smallest ciphertext region sealEnvelope makes: a 4-byte length, `{"mediaType":"x"}`, the 16-byte tag. */
export const MIN_CIPHERTEXT_LENGTH = 4 + 17 + 16;

const PRINTABLE = new Uint8Array(256);
for (let b = 0x20; b < 0x7f; b++) PRINTABLE[b] = 1;
PRINTABLE[0x09] = PRINTABLE[0x0a] = PRINTABLE[0x0d] = 1;
/** P(a random byte is printable). */
export const PRINTABLE_PROBABILITY = 98 / 256;
/** P(a random byte is a given value). */
const VALUE_PROBABILITY = 1 / 256;

/** ln P(X >= k) for X ~ Binomial(n, p), k = 0..n (index n + 1: -Infinity), summed exactly in log space. */
export function binomialLogTails(n: number, p: number): Float64Array {
  const logPmf = new Float64Array(n + 1);
  let logChoose = 0;
  for (let k = 0; k <= n; k++) {
    if (k > 0) logChoose += Math.log(n - k + 1) - Math.log(k);
    logPmf[k] = logChoose + k * Math.log(p) + (n - k) * Math.log1p(-p);
  }
  const tails = new Float64Array(n + 2);
  tails[n + 1] = -Infinity;
  for (let k = n; k >= 0; k--) {
    const a = tails[k + 1];
    const b = logPmf[k];
    const high = Math.max(a, b);
    tails[k] = high === -Infinity ? -Infinity : high + Math.log(Math.exp(a - high) + Math.exp(b - high));
  }
  return tails;
}

const tailsCache = new Map<string, Float64Array>();

/** The smallest k with P(Binomial(length, p) >= k) <= alpha; `length + 1` (never) when none is. */
function binomialThreshold(length: number, p: number, alpha: number): number {
  const key = `${length}:${p}`;
  let tails = tailsCache.get(key);
  if (!tails) {
    tails = binomialLogTails(length, p);
    tailsCache.set(key, tails);
  }
  const limit = Math.log(alpha);
  for (let k = 0; k <= length; k++) if (tails[k] <= limit) return k;
  return length + 1;
}

/**
 * The fewest printable bytes in a window of `length` bytes at which random bytes get there with
 * probability at most `alpha`; `length + 1` (never) when even an all-printable window is likelier.
 */
export function printableThreshold(length: number, alpha: number): number {
  return binomialThreshold(length, PRINTABLE_PROBABILITY, alpha);
}

/**
 * The fewest occurrences of one byte value in a window of `length` bytes at which random bytes get
 * there, for any of the 256 values, with probability at most `alpha` (a union bound over the values).
 */
export function repeatThreshold(length: number, alpha: number): number {
  return binomialThreshold(length, VALUE_PROBABILITY, alpha / 256);
}

/** The most occurrences of one byte value in `region[start, end)`. */
function mostRepeated(region: Uint8Array, start: number, end: number): number {
  const counts = new Uint16Array(256);
  let most = 0;
  for (let i = start; i < end; i++) most = Math.max(most, ++counts[region[i]]);
  return most;
}

/** The fewest bytes a chunk must shrink by, out of `chunks` chunks, for the counting bound to stay within `alpha`. */
export function compressionMargin(chunks: number, alpha: number): number {
  // chunks · 256^(1-s) / 255 <= alpha  <=>  s >= 1 + log256(chunks / (255 · alpha))
  return Math.max(1, Math.ceil(1 + Math.log2(chunks / (255 * alpha)) / 8));
}

/**
 * The same three tests run over a region as its bytes arrive (an upload read from the network): each
 * 256-byte window and each whole 64 KiB chunk is checked once it is in, so clear text is refused at
 * the window where it starts, not after the last byte; {@link finish} checks the last partial chunk
 * and the tail window. With the region's exact length, it answers exactly what
 * {@link ciphertextRefusal} answers on the whole region. With only an upper bound (a chunked body),
 * the thresholds are those of the bound: stricter per window, so random bytes are refused no more
 * often than 2^-50.
 */
export class CiphertextCheck {
  private readonly threshold: number;
  private readonly repeats: number;
  private readonly margin: number;
  private nextHalf = 0;
  private previousHalf = -1;
  /** Per byte value, its count in the previous half window and in the current one. */
  private previousValues = new Uint16Array(256);
  private values = new Uint16Array(256);
  private nextChunk = 0;
  private refusal: string | undefined;

  /** `length`: the region's length, or an upper bound of it when that is not known yet. */
  constructor(private readonly length: number) {
    const windows =
      length <= WINDOW ? 1 : Math.floor((length - WINDOW) / STRIDE) + 1 + ((length - WINDOW) % STRIDE === 0 ? 0 : 1);
    this.threshold = printableThreshold(WINDOW, PER_TEST / windows);
    this.repeats = repeatThreshold(WINDOW, PER_TEST / windows);
    this.margin = compressionMargin(Math.ceil(length / CHUNK), PER_TEST);
  }

  /** Checks what the first `available` bytes of `region` add: why it is not AES-GCM output, or undefined. */
  advance(region: Uint8Array, available: number): string | undefined {
    // A region known to be one window long is judged whole, in finish.
    if (this.refusal || this.length <= WINDOW) return this.refusal;
    for (; this.nextHalf + STRIDE <= available; this.nextHalf += STRIDE) {
      let count = 0;
      let most = 0;
      const previous = this.previousValues;
      const values = this.values.fill(0);
      for (let i = this.nextHalf; i < this.nextHalf + STRIDE; i++) {
        const value = region[i];
        count += PRINTABLE[value];
        // The window of this half and the one before (from the first half on: part of the first window).
        most = Math.max(most, ++values[value] + previous[value]);
      }
      if (this.previousHalf >= 0 && this.previousHalf + count >= this.threshold)
        return (this.refusal = "printable text");
      if (most >= this.repeats) return (this.refusal = "repeated bytes");
      this.previousHalf = count;
      this.previousValues = values;
      this.values = previous;
    }
    for (; this.nextChunk + CHUNK <= available; this.nextChunk += CHUNK) {
      if (compresses(region.subarray(this.nextChunk, this.nextChunk + CHUNK), this.margin)) {
        return (this.refusal = "compressible");
      }
    }
    return undefined;
  }

  /** `region` is complete: checks the rest of it (the last partial chunk, the tail window). */
  finish(region: Uint8Array): string | undefined {
    const length = region.length;
    if (this.refusal) return this.refusal;
    if (length < MIN_CIPHERTEXT_LENGTH) return "too short for an envelope";
    if (length <= WINDOW) {
      let printable = 0;
      for (let i = 0; i < length; i++) printable += PRINTABLE[region[i]];
      if (printable >= printableThreshold(length, PER_TEST)) return "printable text";
      if (mostRepeated(region, 0, length) >= repeatThreshold(length, PER_TEST)) return "repeated bytes";
      return compresses(region, compressionMargin(1, PER_TEST)) ? "compressible" : undefined;
    }
    const refusal = this.advance(region, length);
    if (refusal) return refusal;
    if (this.nextChunk < length && compresses(region.subarray(this.nextChunk, length), this.margin)) {
      return "compressible";
    }
    let tail = 0;
    for (let i = length - WINDOW; i < length; i++) tail += PRINTABLE[region[i]];
    if (tail >= this.threshold) return "printable text";
    return mostRepeated(region, length - WINDOW, length) >= this.repeats ? "repeated bytes" : undefined;
  }
}

/** Why `region` (an envelope's bytes after its header) is not AES-GCM output, or undefined when it may be. */
export async function ciphertextRefusal(region: Uint8Array): Promise<string | undefined> {
  const check = new CiphertextCheck(region.length);
  for (let end = SLICE; end < region.length; end += SLICE) {
    const refusal = check.advance(region, end);
    if (refusal) return refusal;
    await yieldToEventLoop();
  }
  return check.finish(region);
}

/** Whether brotli makes `chunk` at least `margin` bytes shorter. */
function compresses(chunk: Uint8Array, margin: number): boolean {
  const compressed = brotliCompressSync(chunk, {
    params: {
      // Up to 2 KiB, quality 1 finds what quality 2 finds at a fifth of its cost for 1 KB (80 against
      // 480 µs, most of it setting up the encoder): 500 bytes of UTF-8 text in random bytes, 300 draws
      // each, 0 missed at 1-2 KiB. Beyond, quality 1 misses some (4 KiB: 4 of 300, 8 KiB: 17) where
      // quality 2 misses none, and in 64 KiB it misses 1,000 bytes that quality 2 finds.
      [constants.BROTLI_PARAM_QUALITY]: chunk.length <= 2 * 1024 ? 1 : 2,
      // The smallest window that holds the whole chunk (a 64 KiB chunk: 128 KiB); the default 4 MiB
      // window costs an allocation per call.
      [constants.BROTLI_PARAM_LGWIN]: Math.max(10, Math.ceil(Math.log2(chunk.length + 16))),
      [constants.BROTLI_PARAM_SIZE_HINT]: chunk.length,
    },
  });
  return compressed.length <= chunk.length - margin;
}
