import { Writable } from "node:stream";
import { expect } from "chai";
import express from "express";
import pino from "pino";
import request from "supertest";
import { errorHandler } from "./http/errors";
import { requestLogger } from "./http/logging";
import { startTestStack, WEB_ORIGIN, type TestStack } from "./testing/stack";

/** The parsed log lines of one request id. */
const linesOf = (stack: TestStack, id: string) =>
  stack.logs.map((line) => JSON.parse(line)).filter((entry) => entry.reqId === id || entry.requestId === id);

describe("operations: CORS, request ids and logs", () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack();
  });
  after(async () => stack?.close());

  describe("CORS", () => {
    it("allows the configured web origin and exposes X-Request-Id and Retry-After", async () => {
      const res = await request(stack.app).get("/healthz").set("Origin", WEB_ORIGIN).expect(200);
      expect(res.headers["access-control-allow-origin"]).to.equal(WEB_ORIGIN);
      expect(res.headers["access-control-expose-headers"]).to.include("X-Request-Id");
      expect(res.headers["access-control-expose-headers"]).to.include("Retry-After");
    });

    it("gives another origin no Access-Control-Allow-Origin", async () => {
      for (const origin of ["https://evil.example", "http://localhost:5174", "null"]) {
        const res = await request(stack.app).get("/healthz").set("Origin", origin).expect(200);
        expect(res.headers["access-control-allow-origin"], origin).to.equal(undefined);
      }
    });

    it("answers a preflight for an upload with Authorization and X-Content-SHA256", async () => {
      const res = await request(stack.app)
        .options("/v1/blobs")
        .set("Origin", WEB_ORIGIN)
        .set("Access-Control-Request-Method", "POST")
        .set("Access-Control-Request-Headers", "authorization,content-type,x-content-sha256")
        .expect(204);
      expect(res.headers["access-control-allow-origin"]).to.equal(WEB_ORIGIN);
      expect(res.headers["access-control-allow-methods"]).to.include("POST");
      const allowed = String(res.headers["access-control-allow-headers"]).toLowerCase().split(",");
      expect(allowed).to.include.members(["authorization", "content-type", "x-content-sha256"]);
      expect(res.headers["access-control-max-age"]).to.equal("600");
    });

    it("gives a preflight from another origin nothing to go on", async () => {
      const res = await request(stack.app)
        .options("/v1/blobs")
        .set("Origin", "https://evil.example")
        .set("Access-Control-Request-Method", "POST")
        .set("Access-Control-Request-Headers", "authorization");
      expect(res.headers["access-control-allow-origin"]).to.equal(undefined);
    });
  });

  describe("request ids", () => {
    it("gives every response an X-Request-Id, also errors, and puts it in the error body", async () => {
      const ok = await request(stack.app).get("/healthz").expect(200);
      expect(ok.headers["x-request-id"]).to.match(/^[0-9a-f-]{36}$/);
      const missing = await request(stack.app).get("/no/such/endpoint").expect(404);
      expect(missing.body).to.deep.equal({
        error: { code: "not_found", message: "There is no such endpoint.", requestId: missing.headers["x-request-id"] },
      });
      expect(missing.headers["x-request-id"]).not.to.equal(ok.headers["x-request-id"]);
    });

    it("echoes a well-formed incoming id and replaces a malformed one", async () => {
      const echoed = await request(stack.app).get("/healthz").set("X-Request-Id", "dapp-1234_abcd").expect(200);
      expect(echoed.headers["x-request-id"]).to.equal("dapp-1234_abcd");
      for (const bad of ["short", "has spaces in it", "x".repeat(65), 'inject"json', "a/b/c/d/e/f"]) {
        const res = await request(stack.app).get("/healthz").set("X-Request-Id", bad).expect(200);
        expect(res.headers["x-request-id"], bad).to.match(/^[0-9a-f-]{36}$/);
      }
    });
  });

  describe("logs", () => {
    it("writes one JSON line per request with its id, method, path and status", async () => {
      // (Not a probe: /healthz and /readyz answered in full log at debug.)
      const res = await request(stack.app).get("/v1/auth/nonce").expect(200);
      const id = res.headers["x-request-id"];
      const lines = linesOf(stack, id);
      expect(lines).to.have.length(1);
      expect(lines[0]).to.deep.include({
        reqId: id,
        req: { id, method: "GET", path: "/v1/auth/nonce" },
        res: { status: 200 },
      });
      expect(lines[0].responseTime).to.be.a("number");
      expect(lines[0].level).to.equal(30);
    });

    it("logs a refusal at warn with its code, and the request line with its status", async () => {
      const res = await request(stack.app).get("/v1/auth/session").expect(401);
      const lines = linesOf(stack, res.headers["x-request-id"]);
      expect(lines.map((l) => l.msg)).to.have.members(["request refused", "request completed"]);
      expect(lines.find((l) => l.msg === "request refused")).to.deep.include({ code: "unauthorized", status: 401 });
      expect(lines.every((l) => l.level === 40)).to.equal(true);
    });

    it("never logs the Authorization header, the query string or the body", async () => {
      const token = await stack.signIn(stack.patient);
      const marker = "MARKER-7f3a9c";
      const a = await request(stack.app)
        .get(`/v1/auth/session?patient=${marker}&token=${marker}`)
        .set("Authorization", `Bearer ${token}`)
        .set("X-Request-Id", "trace-0000-0001")
        .expect(200);
      expect(a.headers["x-request-id"]).to.equal("trace-0000-0001");
      const b = await request(stack.app)
        .post("/v1/auth/session")
        .send({ message: `${marker} in a body`, signature: "0x00" })
        .expect(401);
      const c = await request(stack.app).post("/v1/auth/session").send({ message: 5, signature: marker }).expect(400);
      const logged = stack.logs.join("\n");
      expect(logged).not.to.include(marker);
      expect(logged).not.to.include(token);
      expect(logged).not.to.include(token.split(".")[2]);
      expect(logged).not.to.match(/authorization|bearer|cookie|user-agent|remoteAddress/i);
      expect(linesOf(stack, "trace-0000-0001").find((l) => l.msg === "request completed").req.path).to.equal(
        "/v1/auth/session",
      );
      for (const res of [b, c]) expect(linesOf(stack, res.headers["x-request-id"])).to.have.length(2);
    });
  });
});

describe("operations: a failure inside a handler", () => {
  it("answers 500 in the one shape and logs it without the error's message or a stack trace", async () => {
    const logs: string[] = [];
    const logger = pino(
      { level: "info" },
      new Writable({
        write(chunk, _encoding, done) {
          logs.push(...String(chunk).split("\n").filter(Boolean));
          done();
        },
      }),
    );
    // A throwaway app with the real logging and error middleware around a handler that fails.
    const app = express();
    app.use(requestLogger(logger));
    app.get("/fails", () => {
      throw new Error("report text: HbA1c 9.1% for Jane Roe");
    });
    app.use(errorHandler(logger));

    const res = await request(app).get("/fails").expect(500);
    expect(res.body).to.deep.equal({
      error: {
        code: "internal",
        message: "The service failed to handle this request; nothing was changed.",
        requestId: res.headers["x-request-id"],
      },
    });
    const lines = logs.map((line) => JSON.parse(line));
    expect(lines.map((l) => [l.msg, l.level])).to.have.deep.members([
      ["request failed", 50],
      ["request errored", 50],
    ]);
    expect(lines.find((l) => l.msg === "request errored")).to.deep.include({
      reqId: res.headers["x-request-id"],
      res: { status: 500 },
    });
    const logged = logs.join("\n");
    expect(logged).not.to.match(/Jane Roe|HbA1c|"stack"|\n\s+at /);
  });
});

describe("operations: rate limits", () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack({
      env: {
        EHR_RATE_LIMIT_PER_MINUTE: "5",
        EHR_IP_RATE_LIMIT_PER_MINUTE: "12",
        EHR_SIGNIN_RATE_LIMIT_PER_MINUTE: "100",
      },
    });
  });
  after(async () => stack?.close());

  it("limits each signed-in address on its own, and each IP over all its requests", async () => {
    // Two sign-ins: four requests (nonce, session) against this host's IP bucket of 12.
    const patient = await stack.signIn(stack.patient);
    const doctor = await stack.signIn(stack.doctor);
    const asPatient = () => request(stack.app).get("/v1/auth/session").set("Authorization", `Bearer ${patient}`);

    for (let i = 0; i < 5; i++) {
      const res = await asPatient().expect(200);
      expect(res.headers["ratelimit-policy"]).to.match(
        /^"ip"; q=12; w=60; pk=:[A-Za-z0-9+/=]+:, "address"; q=5; w=60; pk=:[A-Za-z0-9+/=]+:$/,
      );
      expect(res.headers.ratelimit).to.match(new RegExp(`^"ip"; r=${7 - i}; t=\\d+, "address"; r=${4 - i}; t=\\d+$`));
    }
    const limited = await asPatient().expect(429);
    expect(limited.body).to.deep.equal({
      error: {
        code: "rate_limited",
        message: "Too many requests in the last minute: wait a moment and try again.",
        requestId: limited.headers["x-request-id"],
      },
    });
    expect(Number(limited.headers["retry-after"])).to.be.within(1, 60);
    expect(limited.headers.ratelimit).to.match(/"address"; r=0;/);

    // Another address is untouched by the patient's limit (10 of the IP's 12 used so far, the
    // refused one included) ...
    await request(stack.app).get("/v1/auth/session").set("Authorization", `Bearer ${doctor}`).expect(200);
    await request(stack.app).get("/v1/auth/nonce").expect(200);
    // ... until the IP's own limit, which signed-in and anonymous requests share.
    const anonymous = await request(stack.app).get("/v1/auth/nonce").expect(429);
    expect(anonymous.body.error.code).to.equal("rate_limited");
    await request(stack.app).get("/v1/auth/session").set("Authorization", `Bearer ${doctor}`).expect(429);
  });

  it("never limits the health probes", async () => {
    for (let i = 0; i < 8; i++) {
      await request(stack.app).get("/healthz").expect(200);
      await request(stack.app).get("/readyz").expect(200);
    }
  });
});
