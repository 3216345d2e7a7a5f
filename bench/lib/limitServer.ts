/**
 * The machine's limit for `bench:api`: a minimal node:http server doing the blob endpoints' essential
 * work and nothing else (no framework, sessions, access checks, logging or IPFS layout), measured in
 * the same run as the service so that their ratio says what the service costs on top of the disk,
 * the hashing and HTTP:
 *
 * - `POST /blobs`: read the body, SHA-256 it, compare with `X-Content-SHA256`, write it to a uniquely
 *   named temporary file, fsync, rename to its hash (every time, even when the file exists); 201.
 * - `GET /blobs/<hex>`: read the file, check its SHA-256 against its name, send it.
 *
 * `bench:api` runs it in a process of its own, as the service runs in its own:
 * `node -r ts-node/register/transpile-only bench/lib/limitServer.ts <folder>` prints `{"url": ...}`
 * once it listens, and exits on SIGTERM.
 */
import { createHash, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdir, open, readFile, rename } from "node:fs/promises";
import path from "node:path";

export interface LimitServer {
  url: string;
  close(): Promise<void>;
}

export async function startLimitServer(folder: string): Promise<LimitServer> {
  await mkdir(folder, { recursive: true });
  const server: Server = createServer((req, res) => {
    const fail = (status: number) => {
      res.statusCode = status;
      res.end();
    };
    if (req.method === "POST" && req.url === "/blobs") {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        void (async () => {
          const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
          const hex = createHash("sha256").update(body).digest("hex");
          if (req.headers["x-content-sha256"] !== `0x${hex}`) return fail(400);
          const file = path.join(folder, hex);
          const temp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
          const handle = await open(temp, "wx", 0o600);
          try {
            await handle.writeFile(body);
            await handle.sync();
          } finally {
            await handle.close();
          }
          await rename(temp, file);
          res.statusCode = 201;
          res.setHeader("Content-Type", "application/json");
          res.end(JSON.stringify({ cid: hex, size: body.length }));
        })().catch(() => fail(500));
      });
      return;
    }
    const wanted = /^\/blobs\/([0-9a-f]{64})$/.exec(req.url ?? "");
    if (req.method === "GET" && wanted) {
      readFile(path.join(folder, wanted[1])).then(
        (bytes) => {
          if (createHash("sha256").update(bytes).digest("hex") !== wanted[1]) return fail(502);
          res.statusCode = 200;
          res.setHeader("Content-Type", "application/octet-stream");
          res.end(bytes);
        },
        () => fail(404),
      );
      return;
    }
    fail(404);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

if (require.main === module) {
  void startLimitServer(process.argv[2]).then((server) => {
    console.log(JSON.stringify({ url: server.url }));
    process.once("SIGTERM", () => void server.close().then(() => process.exit(0)));
  });
}
