/**
 * A TEST DOUBLE of a Kubo daemon's RPC API: it stands in for a real Kubo node, which cannot be
 * installed or run in this environment (TOOLCHAIN.md), so that `KuboBlobStore` and the service with
 * `IPFS_API_URL` are tested over real HTTP through the real kubo-rpc-client. It implements exactly
 * what kubo-rpc-client sends for `add`, `cat`, `pin/add` and `version` (POST /api/v0/<command>,
 * options as query flags, `add` as multipart/form-data, errors as `{Message, Code, Type}`), and
 * nothing else (404). Blocks are imported with @helia/unixfs (Kubo's flags: CIDv1, raw leaves,
 * fixed-size chunks, balanced layout of 174 links) into a blockstore-fs folder, so the CIDs are the
 * real ones and a test can corrupt a block file on disk. Like Kubo, it does not re-check blocks it
 * serves: detecting a lying node is the client's job. Never use it outside tests.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
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
}
interface UnixFs {
  addBytes(bytes: Uint8Array, options: unknown): Promise<CidLike>;
  cat(cid: CidLike, options?: unknown): AsyncIterable<Uint8Array>;
}

export interface KuboRpcDouble {
  /** The base URL to give kubo-rpc-client / `IPFS_API_URL`. */
  url: string;
  /** Where the block files are (to corrupt one in a test). */
  blocksFolder: string;
  /** Recursive pins, by CID. */
  pins: Set<string>;
  /** "command?query" of every request, to assert what the client asked for. */
  requests: string[];
  close(): Promise<void>;
}

class RpcError extends Error {
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

/** The content of the first file part of a multipart/form-data body (what `add` sends). */
function firstFilePart(body: Buffer, contentType: string | undefined): { name: string; content: Buffer } {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? "");
  if (!boundary) throw new RpcError(400, "file argument 'path' is required");
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const start = body.indexOf(delimiter);
  const headersEnd = body.indexOf("\r\n\r\n", start);
  if (start < 0 || headersEnd < 0) throw new RpcError(400, "file argument 'path' is required");
  const end = body.indexOf(Buffer.concat([Buffer.from("\r\n"), delimiter]), headersEnd + 4);
  if (end < 0) throw new RpcError(400, "multipart: NextPart: EOF");
  const headers = body.subarray(start, headersEnd).toString("utf8");
  const name = /filename="([^"]*)"/.exec(headers)?.[1] ?? "";
  return { name: decodeURIComponent(name), content: body.subarray(headersEnd + 4, end) };
}

/** Starts the double on 127.0.0.1 (a free port), keeping blocks under `folder/blocks`. */
export async function startKuboRpcServer(folder: string): Promise<KuboRpcDouble> {
  const [{ CID }, { unixfs }, { FsBlockstore }, { fixedSize }, { balanced }] = (await Promise.all([
    esmImport("multiformats/cid"),
    esmImport("@helia/unixfs"),
    esmImport("blockstore-fs"),
    esmImport("ipfs-unixfs-importer/chunker"),
    esmImport("ipfs-unixfs-importer/layout"),
  ])) as [
    { CID: { parse(text: string): CidLike } },
    { unixfs(c: { blockstore: Blockstore }): UnixFs },
    { FsBlockstore: new (path: string) => Blockstore },
    { fixedSize(o: { chunkSize: number }): unknown },
    { balanced(o: { maxChildrenPerNode: number }): unknown },
  ];
  const blocksFolder = path.join(folder, "blocks");
  await mkdir(folder, { recursive: true });
  const blockstore = new FsBlockstore(blocksFolder);
  await blockstore.open();
  const fs = unixfs({ blockstore });
  const pins = new Set<string>();
  const requests: string[] = [];

  const parseCid = (text: string | null): CidLike => {
    try {
      return CID.parse(String(text));
    } catch {
      throw new RpcError(500, `invalid path "${text}": invalid cid`);
    }
  };

  const commands: Record<string, (q: URLSearchParams, req: IncomingMessage, res: ServerResponse) => Promise<void>> = {
    async version(_q, _req, res) {
      res.setHeader("Content-Type", "application/json");
      res.end(JSON.stringify({ Version: "0.0.0-test-double", Commit: "", Repo: "16", System: "node", Golang: "" }));
    },
    async add(q, req, res) {
      if (
        q.get("cid-version") !== "1" ||
        q.get("raw-leaves") !== "true" ||
        (q.get("hash") ?? "sha2-256") !== "sha2-256"
      ) {
        throw new RpcError(400, "this test double only implements --cid-version=1 --raw-leaves --hash=sha2-256");
      }
      const chunker = /^size-(\d+)$/.exec(q.get("chunker") ?? "size-262144");
      if (!chunker) throw new RpcError(400, "this test double only implements size-N chunkers");
      const { name, content } = firstFilePart(await readBody(req), req.headers["content-type"]);
      const cid = await fs.addBytes(new Uint8Array(content), {
        cidVersion: 1,
        rawLeaves: true,
        chunker: fixedSize({ chunkSize: Number(chunker[1]) }),
        layout: balanced({ maxChildrenPerNode: 174 }),
      });
      if (q.get("pin") !== "false") pins.add(cid.toString());
      res.setHeader("Content-Type", "application/json");
      res.end(
        `${JSON.stringify({ Name: name || cid.toString(), Hash: cid.toString(), Size: String(content.length) })}\n`,
      );
    },
    async cat(q, _req, res) {
      const cid = parseCid(q.get("arg"));
      if (!(await blockstore.has(cid))) {
        throw new RpcError(500, `block was not found locally (offline): ipld: could not find ${cid.toString()}`);
      }
      const chunks: Uint8Array[] = [];
      for await (const chunk of fs.cat(cid)) chunks.push(chunk);
      res.setHeader("Content-Type", "text/plain");
      res.end(Buffer.concat(chunks));
    },
    async "pin/add"(q, _req, res) {
      const cid = parseCid(q.get("arg"));
      if (!(await blockstore.has(cid))) throw new RpcError(500, `pin: block was not found locally (offline)`);
      pins.add(cid.toString());
      res.setHeader("Content-Type", "application/json");
      res.end(JSON.stringify({ Pins: [cid.toString()] }));
    },
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const command = url.pathname.replace(/^\/api\/v0\//, "");
    requests.push(`${command}?${url.searchParams.toString()}`);
    const handler = url.pathname.startsWith("/api/v0/") ? commands[command] : undefined;
    const run = async () => {
      if (!handler) throw new RpcError(404, "404 page not found");
      if (req.method !== "POST") throw new RpcError(405, `${req.method} not allowed`);
      await handler(url.searchParams, req, res);
    };
    run().catch((error: unknown) => {
      const status = error instanceof RpcError ? error.status : 500;
      if (res.headersSent) return res.destroy();
      res.statusCode = status;
      res.setHeader("Content-Type", "application/json");
      res.end(JSON.stringify({ Message: (error as Error).message, Code: 0, Type: "error" }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    blocksFolder,
    pins,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await blockstore.close();
    },
  };
}
