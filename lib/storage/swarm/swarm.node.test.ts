import { expect } from "chai";
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes, sha256, toHex } from "../../bytes";
import { FormatError, IntegrityError, StorageError } from "../../errors";
import { signRequest } from "./peerAuth.node";
import { SwarmBlobStore } from "./swarmBlobStore.node";
import { SHA256_HEADER, SwarmNode } from "./swarmNode.node";

const hashOf = async (bytes: Uint8Array) => toHex(await sha256(bytes));

/** A peer that answers every read with bytes that are not the blob asked for. */
async function lyingPeer(): Promise<{ url: string; server: Server }> {
  const server = createServer((_request, response) => response.end(Buffer.from(randomBytes(1000))));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe("private storage swarm (three Helia nodes on loopback)", function () {
  const swarmKey = randomBytes(32);
  let root: string;
  let nodes: SwarmNode[];
  let stopped: Set<SwarmNode>;

  /** A client on node `i` that knows every other node. */
  function client(i: number, options: { replicas?: number; key?: Uint8Array; peers?: string[] } = {}) {
    return new SwarmBlobStore({
      local: nodes[i],
      peers: options.peers ?? nodes.filter((_, j) => j !== i).map((n) => n.url),
      swarmKey: options.key ?? swarmKey,
      replicas: options.replicas,
    });
  }
  async function stop(node: SwarmNode) {
    stopped.add(node);
    await node.stop();
  }

  beforeEach(async function () {
    root = await mkdtemp(join(tmpdir(), "ehr-swarm-"));
    stopped = new Set();
    nodes = [];
    for (const name of ["a", "b", "c"]) nodes.push(await SwarmNode.start({ folder: join(root, name), swarmKey }));
  });

  afterEach(async function () {
    for (const node of nodes) if (!stopped.has(node)) await node.stop();
    await rm(root, { recursive: true, force: true });
  });

  it("listens on loopback only", function () {
    for (const node of nodes) expect(node.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("pins a blob on two nodes, and a third node retrieves it verified and keeps a copy", async function () {
    const bytes = randomBytes(5000);
    const { cid } = await client(0).put(bytes, await hashOf(bytes));
    expect(cid).to.match(/^bafkrei/);
    expect(await nodes[0].store.isPinned(cid)).to.equal(true);
    expect(await nodes[1].store.isPinned(cid)).to.equal(true);
    expect(await nodes[2].store.isPinned(cid)).to.equal(false);

    expect(toHex(await client(2).get(cid))).to.equal(toHex(bytes));
    expect(await nodes[2].store.isPinned(cid)).to.equal(true);
  });

  it("loses nothing replicated when the node that added it goes down (multi-block blob too)", async function () {
    const small = randomBytes(2000);
    const large = randomBytes(2.5 * 1024 * 1024);
    const a = client(0);
    const { cid: smallCid } = await a.put(small, await hashOf(small));
    const { cid: largeCid } = await a.put(large, await hashOf(large));
    expect(largeCid).to.match(/^bafybei/);
    await stop(nodes[0]);

    const c = client(2);
    expect(toHex(await c.get(smallCid))).to.equal(toHex(small));
    expect(await hashOf(await c.get(largeCid))).to.equal(await hashOf(large));
  });

  it("replicates to the next peer when the first one is down", async function () {
    await stop(nodes[1]);
    const bytes = randomBytes(1000);
    const { cid } = await client(0).put(bytes, await hashOf(bytes));
    expect(await nodes[2].store.isPinned(cid)).to.equal(true);
  });

  it("refuses a put that cannot reach the replication factor, saying how many copies it made", async function () {
    await stop(nodes[1]);
    await stop(nodes[2]);
    const bytes = randomBytes(1000);
    const error = await client(0)
      .put(bytes, await hashOf(bytes))
      .catch((e: unknown) => e);
    expect(error).to.be.instanceOf(StorageError);
    expect((error as StorageError).details).to.equal("1 of 2 copies");
  });

  it("stores nothing anywhere when the bytes do not match the declared hash", async function () {
    const bytes = randomBytes(1000);
    const wrong = toHex(await sha256(randomBytes(10)));
    const error = await client(0)
      .put(bytes, wrong)
      .catch((e: unknown) => e);
    expect(error).to.be.instanceOf(IntegrityError);
    // The same bytes stored correctly on node c alone: nodes a and b kept nothing from the failed put.
    const { cid } = await client(2, { replicas: 1 }).put(bytes, await hashOf(bytes));
    expect(await nodes[0].store.isPinned(cid)).to.equal(false);
    expect(await nodes[1].store.isPinned(cid)).to.equal(false);
  });

  it("a node without the swarm key can neither push to nor read from the swarm", async function () {
    const outsider = client(2, { key: randomBytes(32) });
    const bytes = randomBytes(1000);
    const error = await outsider.put(bytes, await hashOf(bytes)).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(StorageError);
    const cid = (await client(0, { replicas: 1 }).put(bytes, await hashOf(bytes))).cid;
    expect(await nodes[1].store.isPinned(cid)).to.equal(false);

    const other = randomBytes(1000);
    const { cid: otherCid } = await client(0).put(other, await hashOf(other));
    const readError = await client(2, { key: randomBytes(32) })
      .get(otherCid)
      .catch((e: unknown) => e);
    expect(readError).to.be.instanceOf(StorageError);
    expect(await nodes[2].store.isPinned(otherCid)).to.equal(false);
  });

  it("answers 401 to unsigned, wrongly signed or stale requests and stores nothing", async function () {
    const bytes = randomBytes(100);
    const hash = await hashOf(bytes);
    const url = `${nodes[0].url}/blobs`;
    const unsigned = await fetch(url, { method: "PUT", headers: { [SHA256_HEADER]: hash }, body: Buffer.from(bytes) });
    expect(unsigned.status).to.equal(401);
    const wrongKey = signRequest(randomBytes(32), "PUT", "/blobs", hash.slice(2));
    const forged = await fetch(url, {
      method: "PUT",
      headers: { [SHA256_HEADER]: hash, ...wrongKey },
      body: Buffer.from(bytes),
    });
    expect(forged.status).to.equal(401);
    const old = signRequest(swarmKey, "PUT", "/blobs", hash.slice(2), Date.now() - 10 * 60_000);
    const stale = await fetch(url, {
      method: "PUT",
      headers: { [SHA256_HEADER]: hash, ...old },
      body: Buffer.from(bytes),
    });
    expect(stale.status).to.equal(401);
    const body = await stale.text();
    expect(body).to.not.include("at ");

    const { cid } = await client(1, { replicas: 1 }).put(bytes, hash);
    expect(await nodes[0].store.isPinned(cid)).to.equal(false);
  });

  it("answers 400 to a pushed body that does not match its signed hash, and stores nothing", async function () {
    const bytes = randomBytes(100);
    const hash = await hashOf(randomBytes(100));
    const headers = { [SHA256_HEADER]: hash, ...signRequest(swarmKey, "PUT", "/blobs", hash.slice(2)) };
    const response = await fetch(`${nodes[0].url}/blobs`, { method: "PUT", headers, body: Buffer.from(bytes) });
    expect(response.status).to.equal(400);
    const { cid } = await client(1, { replicas: 1 }).put(bytes, await hashOf(bytes));
    expect(await nodes[0].store.isPinned(cid)).to.equal(false);
  });

  it("rejects corrupt bytes from a lying peer, keeps none of them, and uses an honest peer when there is one", async function () {
    const liar = await lyingPeer();
    try {
      const bytes = randomBytes(1000);
      const { cid } = await client(0).put(bytes, await hashOf(bytes));
      const onlyLiar = client(2, { peers: [liar.url] });
      const error = await onlyLiar.get(cid).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(IntegrityError);
      expect(await nodes[2].store.isPinned(cid)).to.equal(false);

      const liarFirst = client(2, { peers: [liar.url, nodes[1].url] });
      expect(toHex(await liarFirst.get(cid))).to.equal(toHex(bytes));
    } finally {
      await new Promise((resolve) => liar.server.close(resolve));
    }
  });

  it("reports a CID no node holds as not found, and a malformed one as a format error", async function () {
    const bytes = randomBytes(1000);
    const { cid } = await client(0, { replicas: 1 }).put(bytes, await hashOf(bytes));
    const error = await client(2, { peers: [nodes[1].url] })
      .get(cid)
      .catch((e: unknown) => e);
    expect(error).to.be.instanceOf(StorageError);
    expect((error as StorageError).shortMessage).to.equal("The file was not found on any storage node.");
    for (const bad of ["not-a-cid", "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG"]) {
      expect(
        await client(2)
          .get(bad)
          .catch((e: unknown) => e),
      ).to.be.instanceOf(FormatError);
    }
  });

  it("refuses a replication factor it could never reach", function () {
    expect(() => client(0, { replicas: 4 })).to.throw(RangeError);
    expect(() => client(0, { replicas: 0 })).to.throw(RangeError);
  });
});
