import { once } from "node:events";
import { rm } from "node:fs/promises";
import { setTimeout as delay } from "node:timers/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { expect } from "chai";
import request from "supertest";
import { createPublicClient, http, type PublicClient } from "viem";
import { apiDataDir } from "../config";
import { checkReadiness, READINESS_REUSE_MS } from "./readiness";
import { startTestStack, type TestStack } from "../testing/stack";

describe("health and readiness", () => {
  describe("with the chain and the store up", () => {
    let stack: TestStack;
    before(async () => {
      stack = await startTestStack();
    });
    after(async () => stack?.close());

    it("GET /healthz answers ok", async () => {
      const res = await request(stack.app).get("/healthz").expect(200);
      expect(res.body).to.deep.equal({ status: "ok" });
      expect(res.headers["x-request-id"]).to.be.a("string");
    });

    it("logs probes answered in full at debug only: unlimited, they would fill the log at info", async () => {
      const ids = [];
      for (const probe of ["/healthz", "/readyz"]) {
        ids.push((await request(stack.app).get(probe).expect(200)).headers["x-request-id"]);
      }
      const other = (await request(stack.app).get("/v1/auth/nonce").expect(200)).headers["x-request-id"];
      // The stack logs at info: a probe's line is not there, another request's is.
      const logged = stack.logs.map((line) => JSON.parse(line).reqId);
      for (const id of ids) expect(logged).not.to.include(id);
      expect(logged).to.include(other);
    });

    it("GET /readyz reports ready with both checks", async () => {
      const res = await request(stack.app).get("/readyz").expect(200);
      expect(res.body).to.deep.equal({ status: "ready", checks: { chain: "ok", storage: "ok" } });
      expect(res.headers["cache-control"]).to.equal("no-store");
    });

    it("GET /readyz: a flood of probes costs one check a second (probe file and chain call), each answered", async () => {
      await delay(READINESS_REUSE_MS + 50);
      const blobs = stack.services.blobs;
      const original = blobs.checkWritable;
      let checks = 0;
      blobs.checkWritable = () => {
        checks++;
        return original.call(blobs);
      };
      try {
        const together = await Promise.all(Array.from({ length: 50 }, () => request(stack.app).get("/readyz")));
        expect(together.map((res) => res.status)).to.deep.equal(Array(50).fill(200));
        for (let i = 0; i < 10; i++) await request(stack.app).get("/readyz").expect(200);
        expect(checks).to.equal(1);
        await delay(READINESS_REUSE_MS + 50);
        await request(stack.app).get("/readyz").expect(200);
        expect(checks).to.equal(2);
      } finally {
        blobs.checkWritable = original;
      }
    });

    it("counts a chain that accepts connections but never answers as a timeout", async () => {
      const silent = createServer(() => undefined).listen(0, "127.0.0.1");
      await once(silent, "listening");
      try {
        const { port } = silent.address() as AddressInfo;
        const publicClient = createPublicClient({ transport: http(`http://127.0.0.1:${port}`) }) as PublicClient;
        const checks = await checkReadiness({ publicClient, blobs: stack.services.blobs }, { timeoutMs: 300 });
        expect(checks).to.deep.equal({ chain: "timeout", storage: "ok" });
      } finally {
        silent.closeAllConnections();
        silent.close();
      }
    });
  });

  describe("with the chain stopped", () => {
    let stack: TestStack;
    let token: string;
    before(async () => {
      stack = await startTestStack();
      token = await stack.signIn(stack.patient);
      await request(stack.app).get("/readyz").expect(200);
      await stack.chain.stop();
      // The last check's answer stands for a second.
      await delay(READINESS_REUSE_MS + 50);
    });
    after(async () => stack?.close());

    it("GET /readyz answers 503 not-ready naming the chain, storage still ok", async () => {
      const res = await request(stack.app).get("/readyz").expect(503);
      expect(res.body).to.deep.equal({ status: "not-ready", checks: { chain: "unreachable", storage: "ok" } });
      expect(stack.logs.some((line) => JSON.parse(line).msg === "not ready")).to.equal(true);
    });

    it("GET /healthz still answers ok: the process serves, it only waits for its chain", async () => {
      await request(stack.app).get("/healthz").expect(200, { status: "ok" });
    });

    it("a request that reads the chain fails with 503 chain_unavailable, not a hang", async () => {
      const res = await request(stack.app).get("/v1/auth/session").set("Authorization", `Bearer ${token}`);
      expect(res.status).to.equal(503);
      expect(res.body.error.code).to.equal("chain_unavailable");
      expect(res.body.error.message).to.equal("The chain could not read the account's role.");
      expect(JSON.stringify(res.body)).not.to.match(/127\.0\.0\.1|fetch failed|stack/i);
    });

    it("signing in with an ordinary account still works: the signature is checked locally", async () => {
      const message = await stack.siweMessage(stack.doctor);
      const signature = await stack.doctor.account.signMessage({ message });
      const res = await request(stack.app).post("/v1/auth/session").send({ message, signature }).expect(201);
      expect(res.body.address).to.equal(stack.doctor.address);
    });

    it("a wrong signature is 503 while the chain cannot say whether the account is a smart account", async () => {
      const message = await stack.siweMessage(stack.doctor);
      const signature = await stack.outsider.account.signMessage({ message });
      const res = await request(stack.app).post("/v1/auth/session").send({ message, signature });
      expect(res.status).to.equal(503);
      expect(res.body.error).to.include({
        code: "chain_unavailable",
        message: "The chain could not check the signature: try again shortly.",
      });
    });

    it("GET /readyz names the store too once its folder is gone", async () => {
      await rm(path.join(apiDataDir(stack.config), "ipfs"), { recursive: true, force: true });
      await delay(READINESS_REUSE_MS + 50);
      const res = await request(stack.app).get("/readyz").expect(503);
      expect(res.body).to.deep.equal({ status: "not-ready", checks: { chain: "unreachable", storage: "unwritable" } });
    });
  });
});
