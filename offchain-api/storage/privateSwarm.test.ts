import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { randomBytes, sha256, toHex } from "../../lib/bytes";
import { FormatError, StorageError } from "../../lib/errors";
import { esmImport } from "../../lib/esmImport";
import { HeliaBlobStore } from "./heliaBlobStore";
import { loadConfig } from "../config";
import { ANNOUNCE_PROTOCOL, PrivateSwarm, type ReplicationEvent, type SwarmStore } from "./privateSwarm";
import { newSwarmKeyText, parseSwarmKey } from "./swarmKey";

const LOOPBACK = ["/ip4/127.0.0.1/tcp/0"];
const MAX_BLOB = 8 * 1024 * 1024;

/** Waits for `check` to hold, polling; fails with `what` after `ms` (a bound, not an assertion on time). */
async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  ms = 30_000,
  state?: () => unknown,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`gave up waiting: ${what}${state ? ` (${JSON.stringify(state())})` : ""}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** What the hand-made announcements below use of a node's libp2p. */
interface RawLibp2p {
  peerId: unknown;
  dialProtocol(peer: unknown, protocol: string): Promise<{ send(bytes: Uint8Array): boolean; close(): Promise<void> }>;
}

interface TestNode {
  name: string;
  store: HeliaBlobStore;
  swarm: PrivateSwarm;
  events: ReplicationEvent[];
  folder: string;
}

describe("private IPFS network (Helia, libp2p pnet + bitswap, real nodes on loopback)", function () {
  const swarmKey = parseSwarmKey(newSwarmKeyText());
  let root: string;
  let running: TestNode[];

  async function startNode(
    name: string,
    options: {
      peers?: TestNode[];
      key?: Uint8Array;
      blockstore?: (store: HeliaBlobStore) => unknown;
      fetchTimeoutMs?: number;
    } = {},
  ): Promise<TestNode> {
    const folder = path.join(root, name);
    const store = await HeliaBlobStore.open({ folder: path.join(folder, "ipfs") });
    const events: ReplicationEvent[] = [];
    const swarmStore: SwarmStore = {
      blockstore: options.blockstore ? options.blockstore(store) : store.blockstore,
      isPinned: (cid) => store.isPinned(cid),
      pinStored: (cid, record) => store.pinStored(cid, record),
    };
    const swarm = await PrivateSwarm.start({
      folder: path.join(folder, "swarm"),
      store: swarmStore,
      swarmKey: options.key ?? swarmKey,
      listen: LOOPBACK,
      peers: (options.peers ?? []).flatMap((peer) => peer.swarm.addresses),
      maxBlobBytes: MAX_BLOB,
      fetchTimeoutMs: options.fetchTimeoutMs,
      onReplication: (event) => events.push(event),
    });
    const node = { name, store, swarm, events, folder };
    running.push(node);
    return node;
  }

  async function stopNode(node: TestNode): Promise<void> {
    running = running.filter((n) => n !== node);
    await node.swarm.stop();
    await node.store.stop();
  }

  /** Stores `bytes` on `node` and announces it, as the service's upload does. */
  async function upload(node: TestNode, bytes: Uint8Array): Promise<string> {
    const { cid } = await node.store.put(bytes, toHex(await sha256(bytes)));
    await node.swarm.announce(cid);
    return cid;
  }

  const connected = (a: TestNode, b: TestNode) => a.swarm.connectedPeers().includes(b.swarm.peerId);
  const outcome = (node: TestNode, cid: string) => node.events.find((e) => e.cid === cid)?.outcome;

  beforeEach(async function () {
    root = await mkdtemp(path.join(tmpdir(), "ehr-p2p-"));
    running = [];
  });

  afterEach(async function () {
    for (const node of [...running]) await stopNode(node);
    await rm(root, { recursive: true, force: true, maxRetries: 5 });
  });

  describe("three instances with one swarm key", function () {
    let a: TestNode, b: TestNode, c: TestNode;

    beforeEach(async function () {
      a = await startNode("a");
      b = await startNode("b", { peers: [a] });
      c = await startNode("c", { peers: [a, b] });
      await until("a full mesh", () => connected(a, b) && connected(a, c) && connected(b, c));
    });

    it("listens on loopback with its peer id in every address", function () {
      for (const node of [a, b, c]) {
        expect(node.swarm.addresses).to.not.be.empty;
        for (const address of node.swarm.addresses) {
          expect(address).to.match(new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+/p2p/${node.swarm.peerId}$`));
        }
      }
    });

    it("replicates a blob stored on one to the others eagerly, and it is read byte for byte after the first stops", async function () {
      const envelope = randomBytes(300_000);
      const cid = await upload(a, envelope);
      await until("b and c pin it", async () => (await b.store.isPinned(cid)) && (await c.store.isPinned(cid)));
      expect(outcome(b, cid)).to.equal("pinned");
      expect(outcome(c, cid)).to.equal("pinned");

      await stopNode(a);
      expect(Buffer.compare(Buffer.from(await b.store.get(cid)), Buffer.from(envelope))).to.equal(0);
      expect(Buffer.compare(Buffer.from(await c.store.get(cid)), Buffer.from(envelope))).to.equal(0);
    });

    it("moves the largest single raw block (2 MiB − 256 bytes) and a multi-block UnixFS DAG", async function () {
      const single = randomBytes(2 * 1024 * 1024 - 256);
      const dag = randomBytes(3 * 1024 * 1024 + 17);
      const singleCid = await upload(a, single);
      const dagCid = await upload(a, dag);
      expect(singleCid).to.match(/^bafkrei/);
      expect(dagCid).to.match(/^bafybei/);
      await until(
        "c pins both",
        async () => (await c.store.isPinned(singleCid)) && (await c.store.isPinned(dagCid)),
        30_000,
        () => c.events,
      );
      await stopNode(a);
      expect(Buffer.compare(Buffer.from(await c.store.get(singleCid)), Buffer.from(single))).to.equal(0);
      expect(Buffer.compare(Buffer.from(await c.store.get(dagCid)), Buffer.from(dag))).to.equal(0);
    });

    it("fetches on first read a blob whose announcement it missed", async function () {
      const bytes = randomBytes(5000);
      const { cid } = await a.store.put(bytes, toHex(await sha256(bytes)));
      expect(await b.store.isPinned(cid)).to.equal(false);
      expect(toHex(await b.swarm.fetch(cid))).to.equal(toHex(bytes));
      expect(await b.store.isPinned(cid)).to.equal(true);
      await stopNode(a);
      expect(toHex(await b.store.get(cid))).to.equal(toHex(bytes));
    });

    it("refuses announcements that are not one of our blobs, and fetches of other kinds of CID", async function () {
      const { CID } = await esmImport<{ CID: { parse(text: string): { bytes: Uint8Array; toString(): string } } }>(
        "multiformats/cid",
      );
      const dagCbor = CID.parse("bafyreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku");
      // A peer speaking the announcement protocol by hand, as a buggy or hostile instance would.
      const libp2pOf = (node: TestNode) => (node.swarm as unknown as { helia: { libp2p: RawLibp2p } }).helia.libp2p;
      const say = async (bytes: Uint8Array) => {
        const stream = await libp2pOf(a).dialProtocol(libp2pOf(b).peerId, ANNOUNCE_PROTOCOL);
        stream.send(bytes);
        void stream.close().catch(() => undefined);
      };
      await say(Uint8Array.of(dagCbor.bytes.length, ...dagCbor.bytes));
      await say(Uint8Array.of(200, ...randomBytes(200)));
      await until(
        "b refuses both",
        () => b.events.filter((e) => e.outcome === "refused").length === 2,
        30_000,
        () => b.events,
      );
      expect(b.events.map((e) => e.reason)).to.have.members([
        "neither a raw block nor a UnixFS (dag-pb) root",
        "announcement too long",
      ]);
      let error: unknown;
      await b.swarm.fetch(dagCbor.toString()).catch((e: unknown) => (error = e));
      expect(error).to.be.instanceOf(FormatError);
    });

    it("refuses to fetch a UnixFS blob larger than the service accepts, after its root alone", async function () {
      const small = await startNode("small", { peers: [a] });
      (small.swarm as unknown as { options: { maxBlobBytes: number } }).options.maxBlobBytes = 1024 * 1024;
      await until("small connects", () => connected(small, a));
      const big = randomBytes(3 * 1024 * 1024);
      const cid = await upload(a, big);
      await until(
        "small refuses it",
        () => outcome(small, cid) === "refused",
        30_000,
        () => small.events,
      );
      expect(small.events.find((e) => e.cid === cid)?.reason).to.match(/larger than this service accepts/);
      expect(await small.store.isPinned(cid)).to.equal(false);
      await until("b, which takes 8 MiB, pins it", () => b.store.isPinned(cid));
    });
  });

  describe("a node with another swarm key", function () {
    it("cannot connect, is never connected to, and cannot fetch", async function () {
      const a = await startNode("a");
      const bytes = randomBytes(4000);
      const cid = await upload(a, bytes);
      const outsider = await startNode("outsider", {
        key: parseSwarmKey(newSwarmKeyText()),
        peers: [a],
        fetchTimeoutMs: 2000,
      });

      let dialError: unknown;
      await outsider.swarm
        .dial(a.swarm.addresses[0], { signal: AbortSignal.timeout(10_000) })
        .catch((e: unknown) => (dialError = e));
      expect(dialError, "the dial must fail").to.be.instanceOf(Error);
      expect(outsider.swarm.connectedPeers()).to.deep.equal([]);
      expect(a.swarm.connectedPeers()).to.deep.equal([]);

      let fetchError: unknown;
      await outsider.swarm.fetch(cid).catch((e: unknown) => (fetchError = e));
      expect(fetchError).to.be.instanceOf(StorageError);
      expect(await outsider.store.isPinned(cid)).to.equal(false);
      expect(
        await outsider.store.blockstore.has(
          (await esmImport<{ CID: { parse(t: string): never } }>("multiformats/cid")).CID.parse(cid),
        ),
      ).to.equal(false);
    });
  });

  describe("a lying peer (its blockstore answers other bytes for a CID)", function () {
    it("gets nothing stored or served: the receiver refuses the block, and so does every node after it", async function () {
      const bytes = randomBytes(6000);
      const liar = await startNode("liar", {
        blockstore: (store) => ({
          has: (cid: never) => store.blockstore.has(cid),
          // Wrong bytes for every block, as a corrupt disk or a malicious peer would send.
          get: async function* () {
            yield randomBytes(6000);
          },
          put: (cid: never, block: Uint8Array) => store.blockstore.put(cid, block),
        }),
      });
      const b = await startNode("b", { peers: [liar], fetchTimeoutMs: 3000 });
      const c = await startNode("c", { peers: [b], fetchTimeoutMs: 3000 });
      await until("liar-b-c connected", () => connected(b, liar) && connected(c, b));

      const cid = await upload(liar, bytes);
      await until("b gives up on it", () => outcome(b, cid) === "failed");
      const { CID } = await esmImport<{ CID: { parse(t: string): never } }>("multiformats/cid");
      expect(await b.store.isPinned(cid)).to.equal(false);
      expect(await b.store.blockstore.has(CID.parse(cid)), "b stored the lying block").to.equal(false);
      let readError: unknown;
      await b.store.get(cid).catch((e: unknown) => (readError = e));
      expect(readError).to.be.instanceOf(StorageError);

      // c asks b (and, through b, nobody has it): nothing arrives.
      let fetchError: unknown;
      await c.swarm.fetch(cid).catch((e: unknown) => (fetchError = e));
      expect(fetchError).to.be.instanceOf(StorageError);
      expect(await c.store.blockstore.has(CID.parse(cid))).to.equal(false);
    });
  });

  describe("identity", function () {
    it("keeps the same peer id across restarts, in an owner-only file", async function () {
      const first = await startNode("a");
      const id = first.swarm.peerId;
      await stopNode(first);
      const again = await startNode("a");
      expect(again.swarm.peerId).to.equal(id);
      expect((await stat(path.join(again.folder, "swarm", "peer.key"))).mode & 0o777).to.equal(0o600);
    });
  });

  describe("configuration", function () {
    const base = { EHR_DATA_DIR: "/tmp/x" };

    it("is off by default: no listen address, no network", function () {
      expect(loadConfig(base).swarm).to.equal(undefined);
    });

    it("takes a listen address, peers and a key (file or inline, Kubo's format or its hex)", function () {
      const text = newSwarmKeyText();
      const peer = "/ip4/10.0.0.2/tcp/4001/p2p/12D3KooWSk6zEPYtSaaX5PrP9Dx5UFwmsPDtWwENrmzryMr75aAr";
      const config = loadConfig({
        ...base,
        EHR_SWARM_LISTEN: "/ip4/0.0.0.0/tcp/4001",
        EHR_SWARM_PEERS: `${peer}, ${peer}`,
        EHR_SWARM_KEY: text,
      });
      expect(config.swarm?.listen).to.deep.equal(["/ip4/0.0.0.0/tcp/4001"]);
      expect(config.swarm?.peers).to.deep.equal([peer, peer]);
      expect(config.swarm?.key).to.deep.equal(parseSwarmKey(text.split("\n")[2]));
      expect(
        loadConfig({ ...base, EHR_SWARM_LISTEN: "/ip4/0.0.0.0/tcp/0", EHR_SWARM_KEY_FILE: "swarm.key" }).swarm?.keyFile,
      ).to.equal(path.resolve("swarm.key"));
    });

    for (const [what, env, problem] of [
      [
        "a listen address without a key",
        { EHR_SWARM_LISTEN: "/ip4/0.0.0.0/tcp/4001" },
        /EHR_SWARM_LISTEN: the private network needs its key/,
      ],
      ["a key without a listen address", { EHR_SWARM_KEY_FILE: "swarm.key" }, /EHR_SWARM_LISTEN: set it to join/],
      [
        "a peer without its /p2p/ id",
        { EHR_SWARM_LISTEN: "/ip4/0.0.0.0/tcp/1", EHR_SWARM_KEY_FILE: "k", EHR_SWARM_PEERS: "/ip4/10.0.0.2/tcp/4001" },
        /EHR_SWARM_PEERS: each address/,
      ],
      [
        "a malformed key",
        { EHR_SWARM_LISTEN: "/ip4/0.0.0.0/tcp/1", EHR_SWARM_KEY: "secret-but-wrong" },
        /EHR_SWARM_KEY: is not a swarm key/,
      ],
      [
        "the network with IPFS_API_URL",
        { EHR_SWARM_LISTEN: "/ip4/0.0.0.0/tcp/1", EHR_SWARM_KEY_FILE: "k", IPFS_API_URL: "http://127.0.0.1:5001" },
        /runs over the embedded store/,
      ],
    ] as const) {
      it(`refuses ${what} at start, naming the variable (never the key)`, function () {
        let error: unknown;
        try {
          loadConfig({ ...base, ...env });
        } catch (e) {
          error = e;
        }
        expect(error).to.be.instanceOf(FormatError);
        expect((error as FormatError).details).to.match(problem);
        expect(String((error as Error).message)).not.to.include("secret-but-wrong");
      });
    }
  });
});
