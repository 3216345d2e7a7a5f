/**
 * Abuse limits on a real stack and real sockets (findings 5 and 9): per-IP request and sign-in
 * limits that throwaway identities cannot escape, header and body timeouts in seconds, and a cap on
 * open connections per IP.
 */
import { once } from "node:events";
import type { Server } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";
import { expect } from "chai";
import request from "supertest";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import { loadConfig } from "../config";
import { startTestStack, WEB_ORIGIN, type TestStack } from "../testing/stack";
import { expectError } from "../testing/records";
import { connectionKey } from "./server";
import { createApiServer } from "./server";

describe("abuse limits", () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack();
  });
  after(async () => stack?.close());

  /** Signs in a brand-new account (no role): what an attacker mints for free. */
  const throwaway = async (forwardedFor?: string) => {
    const account = privateKeyToAccount(generatePrivateKey());
    const from = <T extends request.Test>(test: T) => (forwardedFor ? test.set("X-Forwarded-For", forwardedFor) : test);
    const nonce = await from(request(stack.app).get("/v1/auth/nonce"));
    if (nonce.status !== 200) return nonce;
    const message = createSiweMessage({
      address: account.address,
      chainId: stack.chain.chainId,
      domain: new URL(WEB_ORIGIN).host,
      uri: WEB_ORIGIN,
      version: "1",
      nonce: nonce.body.nonce,
      issuedAt: new Date(),
      expirationTime: new Date(Date.now() + 3600_000),
    });
    const signature = await account.signMessage({ message });
    return from(request(stack.app).post("/v1/auth/session")).send({ message, signature });
  };

  describe("per IP as well as per address (finding 5)", () => {
    it("stops many throwaway identities from one IP with 429, though each stays under its own limit", async () => {
      await stack.restartServices({
        EHR_RATE_LIMIT_PER_MINUTE: "600",
        EHR_IP_RATE_LIMIT_PER_MINUTE: "40",
        EHR_SIGNIN_RATE_LIMIT_PER_MINUTE: "100",
      });
      const tokens: string[] = [];
      for (let i = 0; i < 3; i++) tokens.push((await throwaway()).body.token);
      expect(tokens.every((t) => typeof t === "string")).to.equal(true);
      // 6 sign-in requests so far; 34 more fit in this IP's minute, spread over three addresses.
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) {
        const res = await request(stack.app)
          .get("/v1/auth/session")
          .set("Authorization", `Bearer ${tokens[i % 3]}`);
        statuses.push(res.status);
      }
      expect(statuses.slice(0, 34).every((s) => s === 200)).to.equal(true);
      expect(statuses.slice(34).every((s) => s === 429)).to.equal(true);
      const limited = await request(stack.app).get("/v1/auth/session").set("Authorization", `Bearer ${tokens[0]}`);
      expectError(
        limited,
        429,
        "rate_limited",
        /^Too many requests in the last minute: wait a moment and try again\.$/,
      );
      expect(limited.headers.ratelimit).to.match(/"ip"; r=0; t=\d+/);
      // The health probes are never limited.
      await request(stack.app).get("/healthz").expect(200);
    });

    it("still limits one signed-in address on its own, with both policies in the headers", async () => {
      await stack.restartServices({
        EHR_RATE_LIMIT_PER_MINUTE: "5",
        EHR_IP_RATE_LIMIT_PER_MINUTE: "100",
        EHR_SIGNIN_RATE_LIMIT_PER_MINUTE: "100",
      });
      const patient = await stack.signIn(stack.patient);
      const doctor = await stack.signIn(stack.doctor);
      const as = (token: string) => request(stack.app).get("/v1/auth/session").set("Authorization", `Bearer ${token}`);
      for (let i = 0; i < 5; i++) {
        const res = await as(patient).expect(200);
        expect(res.headers.ratelimit).to.match(new RegExp(`"address"; r=${4 - i}; t=\\d+`));
        expect(res.headers["ratelimit-policy"]).to.match(/"ip"; q=100; w=60.*"address"; q=5; w=60/);
      }
      expectError(await as(patient), 429, "rate_limited", /Too many requests/);
      await as(doctor).expect(200);
    });

    it("limits sign-in per IP: fresh identities cannot be minted beyond it", async () => {
      await stack.restartServices({ EHR_SIGNIN_RATE_LIMIT_PER_MINUTE: "6" });
      const signedIn = [];
      for (let i = 0; i < 3; i++) signedIn.push(await throwaway());
      expect(signedIn.map((res) => res.status)).to.deep.equal([201, 201, 201]);
      const refused = await throwaway();
      expectError(refused, 429, "rate_limited", /^Too many sign-in attempts from your network/);
      // Signed-in requests are not sign-in attempts.
      await request(stack.app)
        .get("/v1/auth/session")
        .set("Authorization", `Bearer ${signedIn[0]!.body.token}`)
        .expect(200);
    });

    it("ignores X-Forwarded-For unless EHR_TRUST_PROXY names the proxy", async () => {
      await stack.restartServices({ EHR_SIGNIN_RATE_LIMIT_PER_MINUTE: "2" });
      expect((await throwaway("203.0.113.1")).status).to.equal(201);
      // A client cannot pick another bucket by sending the header itself.
      expectError(await throwaway("203.0.113.2"), 429, "rate_limited", /sign-in attempts/);

      await stack.restartServices({ EHR_SIGNIN_RATE_LIMIT_PER_MINUTE: "2", EHR_TRUST_PROXY: "loopback" });
      expect((await throwaway("203.0.113.1")).status).to.equal(201);
      expectError(await throwaway("203.0.113.1"), 429, "rate_limited", /sign-in attempts/);
      // Behind the trusted proxy, another client is another bucket.
      expect((await throwaway("203.0.113.2")).status).to.equal(201);
    });
  });

  it("counts an IPv6 host's connections under its /56, as the rate limiter does (no rotating past the cap)", () => {
    expect(connectionKey("2001:db8:1:2::1")).to.equal(connectionKey("2001:db8:1:2::ffff"));
    expect(connectionKey("2001:db8:1:2::1")).to.equal(connectionKey("2001:db8:1:20:9::1"));
    expect(connectionKey("2001:db8:1:2::1")).not.to.equal(connectionKey("2001:db8:1:100::1"));
    expect(connectionKey("::ffff:127.0.0.2")).to.equal("127.0.0.2");
    expect(connectionKey("127.0.0.2")).not.to.equal(connectionKey("127.0.0.3"));
    expect(connectionKey(undefined)).to.equal("unknown");
  });

  describe("slow clients and connections per IP (finding 9)", () => {
    let server: Server | undefined;
    let port: number;
    const sockets: Socket[] = [];
    afterEach(async () => {
      for (const socket of sockets.splice(0)) socket.destroy();
      if (server) {
        server.closeAllConnections();
        await new Promise((resolve) => server!.close(resolve));
        server = undefined;
      }
    });
    const serve = async (env: NodeJS.ProcessEnv) => {
      await stack.restartServices(env);
      server = createApiServer(stack.config, stack.app).listen(0, "127.0.0.1");
      await once(server, "listening");
      port = (server.address() as AddressInfo).port;
    };
    /** A raw connection from `localAddress` (any 127.x.y.z is this machine). */
    const open = async (localAddress = "127.0.0.1") => {
      const socket = connect({ host: "127.0.0.1", port, localAddress });
      sockets.push(socket);
      socket.on("error", () => undefined);
      await once(socket, "connect");
      return socket;
    };
    /** Writes one byte of `text` every `everyMs` until the server closes the connection; seconds it stayed open. */
    const trickle = async (socket: Socket, text: string, everyMs: number) => {
      const started = Date.now();
      let received = "";
      socket.on("data", (chunk) => (received += chunk));
      const closed = once(socket, "close");
      let i = 0;
      const timer = setInterval(() => {
        if (!socket.destroyed && i < text.length) socket.write(text[i++]!);
      }, everyMs);
      await closed;
      clearInterval(timer);
      return { seconds: (Date.now() - started) / 1000, received };
    };

    it("cuts a client that sends its headers slowly within seconds", async () => {
      await serve({ EHR_HEADERS_TIMEOUT_SECONDS: "2", EHR_REQUEST_TIMEOUT_SECONDS: "60" });
      const socket = await open();
      const { seconds } = await trickle(socket, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ${"a".repeat(100)}`, 200);
      expect(seconds).to.be.within(1.5, 5);
    });

    it("cuts a client that sends its body slowly within seconds, with 408", async () => {
      await serve({ EHR_HEADERS_TIMEOUT_SECONDS: "2", EHR_REQUEST_TIMEOUT_SECONDS: "3" });
      const socket = await open();
      socket.write(
        "POST /v1/auth/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n",
      );
      const { seconds, received } = await trickle(socket, `{"message":"${"x".repeat(900)}`, 200);
      expect(seconds).to.be.within(2.5, 6);
      expect(received).to.match(/^HTTP\/1\.1 408 /);
    });

    it("says the default request timeout fits the largest upload at 256 KiB/s", () => {
      const defaults = loadConfig({});
      expect(defaults.maxUploadBytes).to.equal(50 * 1024 * 1024);
      expect(defaults.requestTimeoutSeconds).to.equal(230);
      expect(loadConfig({ EHR_MAX_UPLOAD_BYTES: String(10 * 1024 * 1024) }).requestTimeoutSeconds).to.equal(70);
      expect([defaults.headersTimeoutSeconds, defaults.keepAliveTimeoutSeconds]).to.deep.equal([10, 5]);
      // One IP's minute of requests is below what the attack battery sent (1,770 in 27.6 s).
      expect(defaults.ipRateLimitPerMinute).to.be.below(1770);
    });

    it("refuses one connection more than the cap from one IP while another IP gets through", async () => {
      await serve({ EHR_MAX_CONNECTIONS_PER_IP: "3" });
      const held = [await open(), await open(), await open()];
      const extra = await open();
      const [, got] = await Promise.race([
        once(extra, "close").then(() => ["closed", ""]),
        new Promise<[string, string]>((resolve) => {
          extra.once("data", (chunk) => resolve(["answered", String(chunk)]));
          extra.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        }),
      ]);
      expect(got).to.equal("");
      expect(extra.destroyed || extra.readableEnded).to.equal(true);

      const other = await open("127.0.0.2");
      const answered = new Promise<string>((resolve) => other.once("data", (chunk) => resolve(String(chunk))));
      other.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
      expect(await answered).to.match(/^HTTP\/1\.1 200 /);

      // A connection closed frees its place.
      held[0]!.destroy();
      await once(held[0]!, "close");
      await new Promise((resolve) => setTimeout(resolve, 50));
      const again = await open();
      const ok = new Promise<string>((resolve) => again.once("data", (chunk) => resolve(String(chunk))));
      again.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
      expect(await ok).to.match(/^HTTP\/1\.1 200 /);
    });
  });
});
