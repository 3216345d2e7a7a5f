import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { startingHandler } from "./main";

describe("main.ts: the port while the service's modules load", () => {
  let server: Server;
  let base: string;
  before(async () => {
    server = createServer(startingHandler).listen(0, "127.0.0.1");
    await once(server, "listening");
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  it("answers GET /healthz 200: the process is alive", async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).to.equal(200);
    expect(res.headers.get("cache-control")).to.equal("no-store");
    expect(await res.json()).to.deep.equal({ status: "ok", starting: true });
  });

  it("answers /readyz and every other request 503 with Retry-After and one sentence", async () => {
    for (const [method, path] of [
      ["GET", "/readyz"],
      ["POST", "/v1/blobs"],
      ["GET", "/v1/auth/nonce"],
      ["POST", "/healthz"],
    ]) {
      const res = await fetch(`${base}${path}`, { method });
      expect(res.status, `${method} ${path}`).to.equal(503);
      expect(res.headers.get("retry-after")).to.equal("1");
      expect(await res.json()).to.deep.equal({
        error: { code: "starting", message: "The service is starting; try again in a moment." },
      });
    }
  });
});
