import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Hex } from "../../crypto/identity";
import { FormatError, IntegrityError, StorageError } from "../../errors";
import { HeliaBlobStore } from "../heliaBlobStore.node";
import { checkSwarmKey, verifyRequest } from "./peerAuth.node";

/** The header carrying the SHA-256 (0x-hex) a pushed blob must have. */
export const SHA256_HEADER = "x-ehr-sha256";

export interface SwarmNodeOptions {
  /** The node's Helia store folder (see {@link HeliaBlobStore}). */
  folder: string;
  /** The swarm's pre-shared key (32+ random bytes), the same on every node. */
  swarmKey: Uint8Array;
  /** Where to listen. Keep it on loopback or a private link. @default "127.0.0.1" */
  host?: string;
  /** @default 0 (any free port) */
  port?: number;
  /** The largest blob a peer may push. @default 67108864 (64 MiB) */
  maxBlobBytes?: number;
}

class TooLargeError extends Error {}

async function readBody(request: IncomingMessage, limit: number): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new TooLargeError();
    parts.push(chunk);
  }
  return new Uint8Array(Buffer.concat(parts));
}

function send(response: ServerResponse, status: number, body: Uint8Array | Record<string, unknown>): void {
  if (body instanceof Uint8Array) {
    response.writeHead(status, { "content-type": "application/octet-stream", "content-length": body.length });
    response.end(body);
  } else {
    response.writeHead(status, { "content-type": "application/json" });
    response.end(JSON.stringify(body));
  }
}

/**
 * One storage node of a private swarm: a {@link HeliaBlobStore} on disk that its peers reach over
 * HTTP with swarm-key-authenticated requests (./peerAuth.node.ts). Two operations, both
 * content-addressed so a peer can check every answer:
 *
 *   GET  /blobs/<cid>   the blob's bytes, re-hashed by the store (404 when not held here)
 *   PUT  /blobs         store and pin the body; header x-ehr-sha256 is its SHA-256 → {"cid"}
 *
 * Error bodies are one plain sentence, never content. Replication and verified retrieval across
 * nodes are in ./swarmBlobStore.node.ts.
 */
export class SwarmNode {
  private constructor(
    /** This node's own store. */
    readonly store: HeliaBlobStore,
    private readonly server: Server,
    /** e.g. "http://127.0.0.1:40123" */
    readonly url: string,
  ) {}

  static async start(options: SwarmNodeOptions): Promise<SwarmNode> {
    checkSwarmKey(options.swarmKey);
    const store = await HeliaBlobStore.open({ folder: options.folder });
    const limit = options.maxBlobBytes ?? 64 * 1024 * 1024;
    const server = createServer((request, response) => {
      handle(store, options.swarmKey, limit, request, response).catch(() => {
        if (!response.headersSent) send(response, 500, { error: "The node could not answer." });
        else response.destroy();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
    });
    const { address, port } = server.address() as AddressInfo;
    const host = address.includes(":") ? `[${address}]` : address;
    return new SwarmNode(store, server, `http://${host}:${port}`);
  }

  /** Stops listening (open connections are closed) and closes the store. */
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.store.stop();
  }
}

async function handle(
  store: HeliaBlobStore,
  key: Uint8Array,
  limit: number,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const method = request.method ?? "";
  const path = (request.url ?? "").split("?")[0];
  if (method === "GET" && path.startsWith("/blobs/")) {
    if (!verifyRequest(key, method, path, request.headers)) return send(response, 401, { error: "Not a swarm peer." });
    try {
      return send(response, 200, await store.get(decodeURIComponent(path.slice("/blobs/".length))));
    } catch (error) {
      if (error instanceof FormatError) return send(response, 400, { error: error.shortMessage });
      if (error instanceof StorageError) return send(response, 404, { error: "Not held here." });
      throw error;
    }
  }
  if (method === "PUT" && path === "/blobs") {
    const declared = request.headers[SHA256_HEADER];
    const hash = typeof declared === "string" ? declared.toLowerCase() : "";
    if (!/^0x[0-9a-f]{64}$/.test(hash)) return send(response, 400, { error: "The declared hash is not valid." });
    if (!verifyRequest(key, method, path, request.headers, hash.slice(2))) {
      return send(response, 401, { error: "Not a swarm peer." });
    }
    let bytes: Uint8Array;
    try {
      bytes = await readBody(request, limit);
    } catch (error) {
      if (error instanceof TooLargeError) return send(response, 413, { error: "The file is too large." });
      throw error;
    }
    try {
      return send(response, 200, await store.put(bytes, hash as Hex));
    } catch (error) {
      if (error instanceof IntegrityError || error instanceof FormatError) {
        return send(response, 400, { error: error.shortMessage });
      }
      throw error;
    }
  }
  send(response, 404, { error: "No such operation." });
}
