/**
 * gzip through the Compression Streams API (browsers and Node 20+ alike). The input is fed in
 * slices and the output gathered once, with room for an optional prefix, so a large report is
 * not copied more than it must be.
 */

const SLICE = 1 << 20;

/** Room around the output: `prefix` is written after `start` free bytes, `end` free bytes follow. */
export interface OutputLayout {
  start?: number;
  prefix?: Uint8Array;
  end?: number;
}

async function pump(
  stream: CompressionStream | DecompressionStream,
  input: Uint8Array,
  { start = 0, prefix = new Uint8Array(0), end = 0 }: OutputLayout,
  maxOutput = Infinity,
): Promise<Uint8Array> {
  const writer = stream.writable.getWriter();
  const writing = (async () => {
    for (let i = 0; i < input.length; i += SLICE) await writer.write(input.subarray(i, i + SLICE) as BufferSource);
    await writer.close();
  })();
  const chunks: Uint8Array[] = [];
  let total = start + prefix.length + end;
  const reader = stream.readable.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      total += value.length;
      if (total > maxOutput) {
        await reader.cancel();
        throw new OutputTooLargeError(maxOutput);
      }
    }
  } finally {
    // Surface the writer's failure (if any) rather than leaving it unhandled.
    await writing.catch(() => undefined);
  }
  await writing;
  const out = new Uint8Array(total);
  out.set(prefix, start);
  let offset = start + prefix.length;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** gzip of `input`, written in one new buffer laid out as `layout` asks. */
export function gzip(input: Uint8Array, layout: OutputLayout = {}): Promise<Uint8Array> {
  return pump(new CompressionStream("gzip"), input, layout);
}

/** Decompression stopped: the stream holds more than the caller allows (a "zip bomb"). */
export class OutputTooLargeError extends RangeError {
  constructor(readonly limit: number) {
    super(`decompressed output exceeds ${limit} bytes`);
  }
}

/**
 * The bytes a gzip stream holds; rejects with a TypeError on a malformed or truncated stream and
 * with an {@link OutputTooLargeError} past `maxOutput` bytes.
 */
export function gunzip(input: Uint8Array, maxOutput = Infinity): Promise<Uint8Array> {
  return pump(new DecompressionStream("gzip"), input, {}, maxOutput);
}
