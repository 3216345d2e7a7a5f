import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import type { Express } from "express";
import pino from "pino";
import request from "supertest";
import { createApp } from "../app";
import { loadConfig } from "../config";
import { openServices, type ApiServices } from "../services";
import { signInTo, startTestStack, WEB_ORIGIN, type StackAccount, type TestStack } from "../testing/stack";
import { newSwarmKeyText } from "./swarmKey";
import { sealTestEnvelope } from "../testing/records";

/** Waits for `check` to hold, polling; fails with `what` after `ms` (a bound, not an assertion on time). */
async function until(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface Instance {
  services: ApiServices;
  app: Express;
  closed: boolean;
}

describe("several service instances in one private IPFS network (EHR_SWARM_*)", function () {
  let stack: TestStack;
  let root: string;
  let keyFile: string;
  const instances: Instance[] = [];

  before(async function () {
    stack = await startTestStack();
    root = await mkdtemp(path.join(tmpdir(), "ehr-instances-"));
    keyFile = path.join(root, "swarm.key");
    await writeFile(keyFile, newSwarmKeyText(), { mode: 0o600 });
  });

  after(async function () {
    for (const instance of instances) if (!instance.closed) await instance.services.close();
    await stack?.close();
    if (root) await rm(root, { recursive: true, force: true, maxRetries: 5 });
  });

  /** One more service process's worth of services on the stack's chain, in its own data folder. */
  async function startInstance(name: string, peers: Instance[]): Promise<Instance> {
    const config = loadConfig({
      EHR_DATA_DIR: path.join(root, name),
      EHR_RPC_URL: stack.chain.url,
      EHR_CORE_ADDRESS: stack.core,
      EHR_WEB_ORIGIN: WEB_ORIGIN,
      EHR_SWARM_LISTEN: "/ip4/127.0.0.1/tcp/0",
      EHR_SWARM_KEY_FILE: keyFile,
      EHR_SWARM_PEERS: peers.flatMap((peer) => peer.services.blobs.swarm?.addresses ?? []).join(","),
    });
    const services = await openServices(config, {
      logger: pino({ level: "silent" }),
      publicClient: stack.publicClient,
    });
    const instance = { services, app: createApp(services), closed: false };
    instances.push(instance);
    return instance;
  }

  const signIn = (app: Express, who: StackAccount) => signInTo(app, stack.chain.chainId, who);

  const download = (app: Express, token: string, cid: string) =>
    request(app)
      .get(`/v1/blobs/${cid}`)
      .set("Authorization", `Bearer ${token}`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => done(null, Buffer.concat(chunks)));
      });

  it("is off by default: the service's store joins no network", function () {
    expect(stack.config.swarm).to.equal(undefined);
    expect(stack.services.blobs.swarm).to.equal(undefined);
  });

  it("a record envelope uploaded through one instance is downloaded byte for byte through another after the first is stopped", async function () {
    const a = await startInstance("a", []);
    const b = await startInstance("b", [a]);
    const c = await startInstance("c", [a, b]);
    const peerIds = instances.map((i) => i.services.blobs.swarm?.peerId);
    await until("a full mesh", async () =>
      instances.every((i, n) =>
        peerIds.every((id, m) => n === m || i.services.blobs.swarm?.connectedPeers().includes(id as string)),
      ),
    );

    const { bytes: envelope } = await sealTestEnvelope(stack, 200_000);
    const uploaded = await request(a.app)
      .post("/v1/blobs")
      .set("Authorization", `Bearer ${await signIn(a.app, stack.patient)}`)
      .set("Content-Type", "application/octet-stream")
      .set("X-Content-SHA256", `0x${createHash("sha256").update(envelope).digest("hex")}`)
      .send(Buffer.from(envelope))
      .expect(201);
    const cid = uploaded.body.cid as string;
    await until(
      "b and c pin the envelope",
      async () => (await b.services.blobs.swarm!.holds(cid)) && (await c.services.blobs.swarm!.holds(cid)),
    );

    a.closed = true;
    await a.services.close();
    for (const reader of [b, c]) {
      const res = await download(reader.app, await signIn(reader.app, stack.patient), cid).expect(200);
      expect(Buffer.compare(res.body as Buffer, Buffer.from(envelope))).to.equal(0);
    }
  });
});
