/**
 * A TEST DOUBLE of a Kubo daemon's RPC API: it stands in for a real Kubo node, which cannot be
 * installed or run in this environment (TOOLCHAIN.md), so that `KuboBlobStore` and the service with
 * `IPFS_API_URL` are tested over real HTTP through the real kubo-rpc-client. It answers as Kubo's
 * RPC does (Kubo 0.40+, go-ipfs-cmds), for what the stores send (`add`, `cat`, `block/put`,
 * `block/get`, `pin/add`, `pin/ls`, `pin/rm`, `version`) and nothing else:
 *
 * - POST only (405 `405 - Method Not Allowed` otherwise), unknown commands 404 `404 page not found`
 *   (text/plain, as Go's mux answers);
 * - errors before any output: `{Message, Code, Type: "error"}` JSON, status 400 for a client error
 *   (Code 1) and 500 for anything else (Code 0), as go-ipfs-cmds maps them;
 * - an error after output started (a block missing in the middle of a `cat`): the status stays
 *   200, the body just stops, and the error is sent in the `X-Stream-Error` HTTP trailer announced
 *   by a `Trailer: X-Stream-Error` header, which kubo-rpc-client does not read;
 * - boxo's limits: `add` refuses a chunk size over {@link KUBO_CHUNK_SIZE_LIMIT} (`chunker parameters
 *   may not exceed the maximum chunk size of 2096896`) and `block/put` a block over 2 MiB without
 *   `allow-big-block` (`produced block is over 2MiB…`); `chunkSizeLimit` plays an older Kubo (1 MiB);
 * - `API.Authorizations`: when `authorizations` is given, a request whose `Authorization` header is
 *   not one of them is refused 403 with Kubo's text/plain message.
 *
 * Blocks are imported with the UnixFS importer (Kubo's flags: CIDv1, raw leaves, fixed-size chunks,
 * balanced layout of 174 links) into a blockstore-fs folder, so the CIDs are the real ones and a
 * test can corrupt or delete a block file on disk. Like Kubo, it does not re-check blocks it serves:
 * detecting a lying node is the client's job. Never use it outside tests.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createHash } from "node:crypto";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { esmImport } from "../../lib/esmImport";

interface CidLike {
  toString(): string;
}
interface Blockstore {
  open(): Promise<void>;
  close(): Promise<void>;
  has(cid: CidLike): Promise<boolean>;
  put(cid: CidLike, bytes: Uint8Array): Promise<CidLike>;
  get(cid: CidLike): AsyncIterable<Uint8Array>;
}
interface UnixFs {
  addBytes(bytes: Uint8Array, options: unknown): Promise<CidLike>;
}

/** boxo's `chunker.ChunkSizeLimit` (Kubo 0.40 and later): 2 MiB less 256 bytes of framing budget. */
export const KUBO_CHUNK_SIZE_LIMIT = 2 * 1024 * 1024 - 256;
/** Kubo's `SoftBlockLimit` for `block/put` (Kubo 0.40 and later). */
const KUBO_BLOCK_LIMIT = 2 * 1024 * 1024;
/** What Kubo answers a request without a valid `Authorization` when `API.Authorizations` is set. */
export const KUBO_ACCESS_DENIED =
  "Kubo RPC Access Denied: Please provide a valid authorization token as defined in the API.Authorizations configuration.";

export interface KuboRpcDoubleOptions {
  /** The largest `size-N` chunk `add` accepts. @default KUBO_CHUNK_SIZE_LIMIT (Kubo 0.40+; 1048576 before) */
  chunkSizeLimit?: number;
  /** `Authorization` header values allowed (Kubo's `API.Authorizations`); anything else is 403. @default none required */
  authorizations?: string[];
}

export interface KuboRpcDouble {
  /** The base URL to give kubo-rpc-client / `IPFS_API_URL`. */
  url: string;
  /** Where the block files are (to corrupt or delete one in a test). */
  blocksFolder: string;
  /** Recursive pins, by CID. */
  pins: Set<string>;
  /** "command?query" of every request, to assert what the client asked for. */
  requests: string[];
  /** The `Authorization` header of every request ("" when none). */
  authorizationsSeen: string[];
  close(): Promise<void>;
}

/** go-ipfs-cmds' error types: ErrNormal (0, answered 500) and ErrClient (1, answered 400). */
const ERR_NORMAL = 0;
const ERR_CLIENT = 1;

class RpcError extends Error {
  constructor(
    message: string,
    readonly code: typeof ERR_NORMAL | typeof ERR_CLIENT = ERR_NORMAL,
  ) {
    super(message);
  }
}
/** An answer that is not a command error (Go's mux and Kubo's auth layer answer text/plain). */
class PlainError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The content of the first file part of a multipart/form-data body (what `add` and `block/put` send). */
function firstFilePart(body: Buffer, contentType: string | undefined): { name: string; content: Buffer } {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? "");
  if (!boundary) throw new RpcError("file argument 'path' is required", ERR_CLIENT);
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const start = body.indexOf(delimiter);
  const headersEnd = body.indexOf("\r\n\r\n", start);
  if (start < 0 || headersEnd < 0) throw new RpcError("file argument 'path' is required", ERR_CLIENT);
  const end = body.indexOf(Buffer.concat([Buffer.from("\r\n"), delimiter]), headersEnd + 4);
  if (end < 0) throw new RpcError("multipart: NextPart: EOF", ERR_CLIENT);
  const headers = body.subarray(start, headersEnd).toString("utf8");
  const name = /filename="([^"]*)"/.exec(headers)?.[1] ?? "";
  return { name: decodeURIComponent(name), content: body.subarray(headersEnd + 4, end) };
}

/** A boolean flag as go-ipfs-cmds parses it. */
const flag = (q: URLSearchParams, name: string, fallback: boolean) =>
  q.has(name) ? q.get(name) === "" || q.get(name) === "true" : fallback;

/**
 * Streams `chunks` as a 200 `text/plain` body the way go-ipfs-cmds streams a reader: an error
 * before the first chunk is an ordinary error answer; an error after it ends the body and is sent
 * as the `X-Stream-Error` trailer.
 */
async function streamOutput(res: ServerResponse, chunks: AsyncIterable<Uint8Array>): Promise<void> {
  const iterator = chunks[Symbol.asyncIterator]();
  const first = await iterator.next();
  res.statusCode = 200;
  res.setHeader("Content-Type", "text/plain");
  res.setHeader("X-Stream-Output", "1");
  res.setHeader("Trailer", "X-Stream-Error");
  try {
    for (let next = first; !next.done; next = await iterator.next()) res.write(next.value);
  } catch (error) {
    res.addTrailers({ "X-Stream-Error": (error as Error).message });
  }
  res.end();
}

/** Starts the double on 127.0.0.1 (a free port), keeping blocks under `folder/blocks`. */
export async function startKuboRpcServer(folder: string, options: KuboRpcDoubleOptions = {}): Promise<KuboRpcDouble> {
  const [{ CID }, Digest, { unixfs }, { FsBlockstore }, { fixedSize }, { balanced }, dagPb, { UnixFS }] =
    (await Promise.all([
      esmImport("multiformats/cid"),
      esmImport("multiformats/hashes/digest"),
      esmImport("@helia/unixfs"),
      esmImport("blockstore-fs"),
      esmImport("ipfs-unixfs-importer/chunker"),
      esmImport("ipfs-unixfs-importer/layout"),
      esmImport("@ipld/dag-pb"),
      esmImport("ipfs-unixfs"),
    ])) as [
      { CID: { parse(text: string): CidLike; createV1(code: number, digest: unknown): CidLike } },
      { create(code: number, digest: Uint8Array): unknown },
      { unixfs(c: { blockstore: Blockstore }): UnixFs },
      { FsBlockstore: new (path: string) => Blockstore },
      { fixedSize(o: { chunkSize: number }): unknown },
      { balanced(o: { maxChildrenPerNode: number }): unknown },
      { decode(bytes: Uint8Array): { Data?: Uint8Array; Links: { Hash: CidLike }[] } },
      { UnixFS: { unmarshal(bytes: Uint8Array): { data?: Uint8Array } } },
    ];
  const chunkSizeLimit = options.chunkSizeLimit ?? KUBO_CHUNK_SIZE_LIMIT;
  const blocksFolder = path.join(folder, "blocks");
  await mkdir(folder, { recursive: true });
  const blockstore = new FsBlockstore(blocksFolder);
  await blockstore.open();
  const fs = unixfs({ blockstore });
  const pins = new Set<string>();
  const requests: string[] = [];
  const authorizationsSeen: string[] = [];

  const parseCid = (text: string | null): CidLike => {
    try {
      return CID.parse(String(text));
    } catch {
      throw new RpcError(`invalid path "${text}": invalid cid: selected encoding not supported`);
    }
  };
  const readBlock = async (cid: CidLike): Promise<Uint8Array> => {
    if (!(await blockstore.has(cid))) throw notHeld(cid);
    const parts: Uint8Array[] = [];
    for await (const part of blockstore.get(cid)) parts.push(part);
    return Buffer.concat(parts);
  };
  /** A UnixFS file's bytes leaf by leaf, in order, fetching each block only when it is reached (as Kubo's DAG reader does). */
  async function* fileBytes(cid: CidLike): AsyncGenerator<Uint8Array> {
    const block = await readBlock(cid);
    if ((cid as unknown as { code: number }).code === 0x55) {
      yield block;
      return;
    }
    const node = dagPb.decode(block);
    if (node.Links.length === 0) {
      const data = node.Data ? UnixFS.unmarshal(node.Data).data : undefined;
      if (data?.length) yield data;
      return;
    }
    for (const link of node.Links) yield* fileBytes(link.Hash);
  }
  const notHeld = (cid: CidLike) => new RpcError(`block was not found locally (offline): ipld: could not find ${cid}`);
  const json = (res: ServerResponse, value: unknown) => {
    res.setHeader("Content-Type", "application/json");
    res.end(`${JSON.stringify(value)}\n`);
  };

  const commands: Record<string, (q: URLSearchParams, req: IncomingMessage, res: ServerResponse) => Promise<void>> = {
    async version(_q, _req, res) {
      json(res, { Version: "0.0.0-test-double", Commit: "", Repo: "16", System: "node", Golang: "" });
    },
    async add(q, req, res) {
      if (
        q.get("cid-version") !== "1" ||
        !flag(q, "raw-leaves", false) ||
        (q.get("hash") ?? "sha2-256") !== "sha2-256"
      ) {
        throw new RpcError("this test double only implements --cid-version=1 --raw-leaves --hash=sha2-256");
      }
      // boxo's chunker.FromString, as Kubo answers it.
      const chunker = q.get("chunker") ?? "size-262144";
      const size = /^size-(-?\d+)$/.exec(chunker);
      if (!size) throw new RpcError(`unrecognized chunker option: ${chunker}`);
      const chunkSize = Number(size[1]);
      if (chunkSize <= 0) throw new RpcError("chunker size must be greater than 0");
      if (chunkSize > chunkSizeLimit) {
        throw new RpcError(`chunker parameters may not exceed the maximum chunk size of ${chunkSizeLimit}`);
      }
      const { name, content } = firstFilePart(await readBody(req), req.headers["content-type"]);
      const cid = await fs.addBytes(new Uint8Array(content), {
        cidVersion: 1,
        rawLeaves: true,
        chunker: fixedSize({ chunkSize }),
        layout: balanced({ maxChildrenPerNode: 174 }),
      });
      if (flag(q, "pin", true)) pins.add(cid.toString());
      res.setHeader("X-Chunked-Output", "1");
      res.setHeader("Trailer", "X-Stream-Error");
      json(res, { Name: name || cid.toString(), Hash: cid.toString(), Size: String(content.length) });
    },
    async cat(q, _req, res) {
      const cid = parseCid(q.get("arg"));
      if (!(await blockstore.has(cid))) throw notHeld(cid);
      await streamOutput(res, fileBytes(cid));
    },
    async "block/get"(q, _req, res) {
      const cid = parseCid(q.get("arg"));
      if (!(await blockstore.has(cid))) throw notHeld(cid);
      await streamOutput(res, blockstore.get(cid));
    },
    async "block/put"(q, req, res) {
      const codec = q.get("cid-codec") ?? "raw";
      if (codec !== "raw" || (q.get("mhtype") ?? "sha2-256") !== "sha2-256") {
        throw new RpcError("this test double only implements --cid-codec=raw --mhtype=sha2-256");
      }
      const { content } = firstFilePart(await readBody(req), req.headers["content-type"]);
      if (content.length > KUBO_BLOCK_LIMIT && !flag(q, "allow-big-block", false)) {
        throw new RpcError(
          "produced block is over 2MiB: big blocks can't be exchanged with other peers. consider using UnixFS for " +
            "automatic chunking of bigger files, or pass --allow-big-block to override",
        );
      }
      const cid = CID.createV1(0x55, Digest.create(0x12, createHash("sha256").update(content).digest()));
      await blockstore.put(cid, new Uint8Array(content));
      if (flag(q, "pin", false)) pins.add(cid.toString());
      json(res, { Key: cid.toString(), Size: content.length });
    },
    async "pin/ls"(q, _req, res) {
      const type = q.get("type") ?? "all";
      const args = q.getAll("arg").map(parseCid);
      const listed = args.length ? args : [...pins].map((cid) => parseCid(cid));
      for (const cid of args) {
        if (!pins.has(cid.toString())) throw new RpcError(`path '${cid}' is not pinned`);
      }
      res.setHeader("X-Chunked-Output", "1");
      res.setHeader("Content-Type", "application/json");
      for (const cid of listed)
        res.write(`${JSON.stringify({ Cid: cid.toString(), Type: type === "all" ? "recursive" : type })}\n`);
      res.end();
    },
    async "pin/rm"(q, _req, res) {
      const cid = parseCid(q.get("arg"));
      // Kubo's message for a CID it does not pin directly; its GC frees the blocks later (never here).
      if (!pins.delete(cid.toString())) throw new RpcError("not pinned or pinned indirectly");
      json(res, { Pins: [cid.toString()] });
    },
    async "pin/add"(q, _req, res) {
      const cid = parseCid(q.get("arg"));
      if (!(await blockstore.has(cid))) throw new RpcError(`pin: ${notHeld(cid).message}`);
      pins.add(cid.toString());
      json(res, { Pins: [cid.toString()] });
    },
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const command = url.pathname.replace(/^\/api\/v0\//, "");
    requests.push(`${command}?${url.searchParams.toString()}`);
    authorizationsSeen.push(req.headers.authorization ?? "");
    const handler = url.pathname.startsWith("/api/v0/") ? commands[command] : undefined;
    const run = async () => {
      if (options.authorizations && !options.authorizations.includes(req.headers.authorization ?? "")) {
        throw new PlainError(403, KUBO_ACCESS_DENIED);
      }
      if (!handler) throw new PlainError(404, "404 page not found");
      if (req.method !== "POST") throw new PlainError(405, "405 - Method Not Allowed");
      await handler(url.searchParams, req, res);
    };
    run().catch((error: unknown) => {
      if (res.headersSent) return res.destroy();
      if (error instanceof PlainError) {
        res.statusCode = error.status;
        res.setHeader("Content-Type", "text/plain; charset=utf-8");
        res.end(`${error.message}\n`);
        return;
      }
      const code = error instanceof RpcError ? error.code : ERR_NORMAL;
      res.statusCode = code === ERR_CLIENT ? 400 : 500;
      res.setHeader("Trailer", "X-Stream-Error");
      json(res, { Message: (error as Error).message, Code: code, Type: "error" });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    blocksFolder,
    pins,
    requests,
    authorizationsSeen,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await blockstore.close();
    },
  };
}
