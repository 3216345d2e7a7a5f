import { once } from "node:events";
import { chmod, lstat, mkdtemp, readdir, rm } from "node:fs/promises";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { sha256, toHex } from "../lib/bytes";
import { loadConfig } from "./config";
import { startApi } from "./index";
import { startTestStack, WEB_ORIGIN, type TestStack } from "./testing/stack";
import { sealTestEnvelope } from "./testing/records";
import { loadOrCreateCustodianKey } from "./custodian/keypair";
import { runService, TEST_CUSTODIAN_KEK, type RunningProcess } from "./testing/serviceProcess";

/** GET /healthz on a new connection: the status, or the connection's error code. */
const probe = (port: string) =>
  new Promise<number | string | undefined>((resolve) =>
    http
      .get({ host: "127.0.0.1", port, path: "/healthz", agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode);
      })
      .on("error", (error: { code?: string }) => resolve(error.code)),
  );

describe("the service process (offchain-api/main.ts)", () => {
  let stack: TestStack;
  let dataDir: string;
  let running: RunningProcess | undefined;
  before(async () => {
    stack = await startTestStack();
  });
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "ehr-api-process-"));
  });
  afterEach(async () => {
    if (running && running.child.exitCode === null && running.child.signalCode === null) {
      running.child.kill("SIGKILL");
      await running.exited;
    }
    running = undefined;
    await rm(dataDir, { recursive: true, force: true });
  });
  after(async () => stack?.close());

  /** Signs the patient in to a spawned service over HTTP (its own nonces); answers the bearer token. */
  const signInAsPatient = async (url: string): Promise<string> => {
    const { nonce } = (await (await fetch(`${url}/v1/auth/nonce`)).json()) as { nonce: string };
    const message = await stack.siweMessage(stack.patient, { nonce });
    const signIn = await fetch(`${url}/v1/auth/session`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ message, signature: await stack.patient.account.signMessage({ message }) }),
    });
    expect(signIn.status).to.equal(201);
    return ((await signIn.json()) as { token: string }).token;
  };

  const env = () => ({
    EHR_RPC_URL: stack.chain.url,
    EHR_CORE_ADDRESS: stack.core,
    EHR_DATA_DIR: dataDir,
    EHR_API_PORT: "0",
    EHR_WEB_ORIGIN: WEB_ORIGIN,
  });

  it("starts, serves, and on SIGTERM finishes the request in flight, then exits 0", async () => {
    running = runService(env());
    const start = await running.waitFor(/^listening on /);
    const url = String(start.url);
    expect(url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(start).to.include({ storage: "helia", custodianPublished: false });
    expect(start.custodianPublicKey).to.match(/^0x[0-9a-f]{128}$/);
    expect(start.summarizer).to.match(/clinical sections/);
    // This data folder made its own custodian key, which the chain does not have.
    expect(start.msg).to.include("run `npx hardhat ehr:publish-custodian --network <net>`");

    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).to.equal(200);
    expect(await ready.json()).to.deep.equal({ status: "ready", checks: { chain: "ok", storage: "ok" } });

    // Sign in to the spawned service (its own nonces), then upload a ~256 KB envelope whose body
    // arrives in pieces, with SIGTERM in the middle.
    const token = await signInAsPatient(url);
    const { bytes: body } = await sealTestEnvelope(stack, 256 * 1024);
    const { port } = new URL(url);
    const req = http.request({
      host: "127.0.0.1",
      port,
      method: "POST",
      path: "/v1/blobs",
      // The server's "100 Continue" tells that it has this request in hand before we signal.
      headers: {
        Authorization: `Bearer ${token}`,
        "Content-Type": "application/octet-stream",
        "Content-Length": body.length,
        "X-Content-SHA256": toHex(await sha256(body)),
        Expect: "100-continue",
      },
    });
    const answered = once(req, "response").then(async (args) => {
      const res = args[0] as http.IncomingMessage;
      let text = "";
      for await (const chunk of res) text += chunk;
      return { status: res.statusCode, headers: res.headers, body: JSON.parse(text) };
    });
    req.flushHeaders();
    await once(req, "continue");
    const half = Math.floor(body.length / 2);
    req.write(body.subarray(0, half));

    running.child.kill("SIGTERM");
    await running.waitFor(/^stopping/);
    // No new connections once stopping.
    expect(await probe(port)).to.equal("ECONNREFUSED");

    for (let i = half; i < body.length; i += 16 * 1024) req.write(body.subarray(i, i + 16 * 1024));
    req.end();
    const res = await answered;
    // The whole answer of a stored upload (helper B's route), not a reset connection.
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body).to.deep.equal({ cid: res.body.cid, size: body.length });
    expect(res.headers.connection).to.equal("close");

    expect(await running.exited).to.equal(0);
    expect((await running.waitFor(/^stopped$/)).outcome).to.equal("drained");
    expect(running.stderr()).to.equal("");
  });

  it("keeps everything it writes owner-only (files 0600, folders 0700) and logs no token or key", async () => {
    // A data folder from before, readable by everyone.
    await chmod(dataDir, 0o755);
    running = runService(env());
    const url = String((await running.waitFor(/^listening on /)).url);
    const token = await signInAsPatient(url);
    const { bytes: body } = await sealTestEnvelope(stack, 64 * 1024);
    const upload = await fetch(`${url}/v1/blobs`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${token}`,
        "Content-Type": "application/octet-stream",
        "X-Content-SHA256": toHex(await sha256(body)),
      },
      body: Buffer.from(body),
    });
    expect(upload.status).to.equal(201);
    const signOut = await fetch(`${url}/v1/auth/session`, {
      method: "DELETE",
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(signOut.status).to.equal(204);
    running.child.kill("SIGTERM");
    expect(await running.exited).to.equal(0);

    const loose: string[] = [];
    const walk = async (folder: string): Promise<void> => {
      for (const entry of await readdir(folder, { withFileTypes: true })) {
        const full = path.join(folder, entry.name);
        const mode = (await lstat(full)).mode & 0o777;
        if (entry.isDirectory()) {
          if (mode !== 0o700) loose.push(`${path.relative(dataDir, full)}/ ${mode.toString(8)}`);
          await walk(full);
        } else if (!entry.isSymbolicLink() && (mode & 0o077) !== 0) {
          loose.push(`${path.relative(dataDir, full)} ${mode.toString(8)}`);
        }
      }
    };
    expect((await lstat(dataDir)).mode & 0o777).to.equal(0o700);
    await walk(dataDir);
    expect(loose, "files or folders others can read").to.deep.equal([]);
    expect((await readdir(path.join(dataDir, "api"))).sort()).to.include.members(["custodian.key", "session.secret"]);

    const custodian = await loadOrCreateCustodianKey(path.join(dataDir, "api", "custodian.key"), {
      kek: Buffer.from(TEST_CUSTODIAN_KEK, "hex"),
    });
    const logged = `${JSON.stringify(running.lines)}\n${running.stderr()}`.toLowerCase();
    for (const secret of [token, token.split(".")[2]!, custodian.privateKey.slice(2), TEST_CUSTODIAN_KEK]) {
      expect(logged).not.to.include(secret.toLowerCase());
    }
  });

  it("startApi runs the service in this process; close drains it once and frees the port", async () => {
    const api = await startApi(loadConfig({ ...env(), EHR_LOG_LEVEL: "silent" }));
    expect(api.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(api.url).not.to.match(/:0$/);
    expect((await fetch(`${api.url}/healthz`)).status).to.equal(200);
    const closing = api.close();
    expect(api.close()).to.equal(closing);
    expect(await closing).to.equal("drained");
    expect(await probe(new URL(api.url).port)).to.equal("ECONNREFUSED");
  });

  it("startApi's close cuts a request that does not finish within drainMs", async () => {
    const api = await startApi(loadConfig({ ...env(), EHR_LOG_LEVEL: "silent" }), { drainMs: 200 });
    const req = http.request(`${api.url}/v1/auth/session`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Content-Length": 1000, Expect: "100-continue" },
    });
    const failed = new Promise<string | undefined>((resolve) => {
      req.on("response", () => resolve("answered"));
      req.on("error", (error: { code?: string }) => resolve(error.code));
    });
    req.flushHeaders();
    await once(req, "continue");
    req.write('{"message": "');
    expect(await api.close()).to.equal("forced");
    expect(await failed).to.equal("ECONNRESET");
  });

  it("runs compiled (dist/api/bin.js, as `npm run api` does): signs in, summarizes, stores and serves a blob", async () => {
    running = runService(env(), { compiled: true });
    const start = await running.waitFor(/^listening on /);
    const url = String(start.url);
    expect((await fetch(`${url}/readyz`)).status).to.equal(200);
    const token = await signInAsPatient(url);
    const auth = { Authorization: `Bearer ${token}` };

    // The summarizer's data (lexicon, section names) is in the bundle, not read from the sources.
    const summary = await fetch(`${url}/v1/summaries`, {
      method: "POST",
      headers: { ...auth, "Content-Type": "text/plain" },
      body: "ALLERGIES: Penicillin (hives).\nMEDICATIONS: Lisinopril 10 mg daily.",
    });
    expect(summary.status).to.equal(200);
    const { summary: fields } = (await summary.json()) as { summary: { allergies: { text: string }[] } };
    expect(fields.allergies.map((a) => a.text.toLowerCase()).join(" ")).to.include("penicillin");

    const { bytes: body } = await sealTestEnvelope(stack, 4096);
    const put = await fetch(`${url}/v1/blobs`, {
      method: "POST",
      headers: { ...auth, "Content-Type": "application/octet-stream", "X-Content-SHA256": toHex(await sha256(body)) },
      body: Buffer.from(body),
    });
    expect(put.status).to.equal(201);
    const { cid } = (await put.json()) as { cid: string };
    const got = await fetch(`${url}/v1/blobs/${cid}`, { headers: auth });
    expect(got.status).to.equal(200);
    expect(Buffer.from(await got.arrayBuffer()).equals(Buffer.from(body))).to.equal(true);

    running.child.kill("SIGTERM");
    expect(await running.exited).to.equal(0);
  });

  it("reports the custodian key as published when the chain has it", async () => {
    running = runService(env());
    const start = await running.waitFor(/^listening on /);
    await (await stack.coreContract.setCustodianKey(String(start.custodianPublicKey))).wait();
    running.child.kill("SIGINT");
    expect(await running.exited).to.equal(0);

    running = runService(env());
    const again = await running.waitFor(/^listening on /);
    expect(again).to.include({ custodianPublished: true, custodianPublicKey: start.custodianPublicKey });
    expect(again.msg).not.to.include("publish-custodian");
    running.child.kill("SIGTERM");
    expect(await running.exited).to.equal(0);
  });

  for (const [name, extra, expected] of [
    [
      "a bad port",
      { EHR_API_PORT: "abc" },
      ["The service configuration is not valid.", "EHR_API_PORT: Invalid input: expected number, received NaN"],
    ],
    ["a bad RPC URL", { EHR_RPC_URL: "ftp://x" }, ["The service configuration is not valid.", "EHR_RPC_URL:"]],
    ["a chain that is not there", { EHR_RPC_URL: "http://127.0.0.1:9" }, ["could not be reached"]],
  ] as const) {
    it(`exits 1 with a plain message for ${name}, no stack trace`, async () => {
      running = runService({ ...env(), ...extra });
      expect(await running.exited).to.equal(1);
      for (const text of expected) expect(running.stderr()).to.include(text);
      expect(running.stderr()).not.to.match(/^\s+at /m);
      expect(running.lines.filter((line) => /^listening/.test(String(line.msg)))).to.deep.equal([]);
    });
  }

  it("names an unreachable chain by its origin only: no credentials or API key from its URL in the message", async () => {
    running = runService({ ...env(), EHR_RPC_URL: "http://operator:s3cret-pass@127.0.0.1:9/v3/k3y-in-path" });
    expect(await running.exited).to.equal(1);
    expect(running.stderr()).to.include("The chain at http://127.0.0.1:9 could not be reached.");
    for (const secret of ["operator", "s3cret-pass", "k3y-in-path"]) {
      expect(running.stderr()).not.to.include(secret);
      expect(JSON.stringify(running.lines)).not.to.include(secret);
    }
  });
});
