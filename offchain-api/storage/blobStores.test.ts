import { request } from "node:http";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { randomBytes, sha256, toHex } from "../../lib/bytes";
import { NotFoundError, StorageError } from "../../lib/errors";
import { rawLeafCid } from "../../lib/api/rawCid";
import { rejection } from "../../lib/testing/rejection";
import { blobStoreContract, type OpenedBlobStore } from "../testing/blobStoreContract";
import { KUBO_ACCESS_DENIED, startKuboRpcServer } from "../testing/kuboRpcServer";
import { blockFileOf } from "../testing/blobStoreContract";
import { SINGLE_BLOCK_LIMIT } from "./blobLayout";
import { HeliaBlobStore } from "./heliaBlobStore";
import { KuboBlobStore } from "./kuboBlobStore";

/** Temporary folders made by a suite, removed after it. */
function tempFolders() {
  const made: string[] = [];
  after(async () => Promise.all(made.map((f) => rm(f, { recursive: true, force: true }))));
  return async () => {
    const folder = await mkdtemp(join(tmpdir(), "ehr-blobs-"));
    made.push(folder);
    return folder;
  };
}

describe("BlobStore contract: HeliaBlobStore (embedded, on disk)", function () {
  const temp = tempFolders();
  let folder: string;
  before(async () => {
    folder = await temp();
  });
  const openAt = async (at: string): Promise<OpenedBlobStore> => {
    const store = await HeliaBlobStore.open({ folder: at });
    return { store, blocksFolder: join(at, "blocks"), stop: () => store.stop() };
  };
  blobStoreContract({ open: () => openAt(folder), openEmpty: async () => openAt(await temp()) });
});

describe("BlobStore contract: KuboBlobStore (Kubo RPC API, against the test double of a Kubo daemon)", function () {
  const temp = tempFolders();
  let folder: string;
  before(async () => {
    folder = await temp();
  });
  const openAt = async (at: string): Promise<OpenedBlobStore> => {
    const node = await startKuboRpcServer(at);
    const store = await KuboBlobStore.open({ url: node.url });
    return { store, blocksFolder: node.blocksFolder, stop: () => node.close() };
  };
  blobStoreContract({ open: () => openAt(folder), openEmpty: async () => openAt(await temp()) });

  it("asks Kubo for the shared layout, pinned, and reads offline", async function () {
    const node = await startKuboRpcServer(await temp());
    try {
      const store = await KuboBlobStore.open({ url: node.url });
      const bytes = randomBytes(64);
      const { cid } = await store.put(bytes, toHex(await sha256(bytes)));
      await store.get(cid);
      expect(node.pins.has(cid)).to.equal(true);
      const add = new URLSearchParams(node.requests.find((r) => r.startsWith("add?"))!.slice(4));
      expect(Object.fromEntries(add)).to.include({
        "cid-version": "1",
        "raw-leaves": "true",
        hash: "sha2-256",
        chunker: "size-1048576",
        pin: "true",
      });
      expect(node.requests.find((r) => r.startsWith("cat?"))).to.include("offline=true");
      expect(await store.version()).to.equal("0.0.0-test-double");
    } finally {
      await node.close();
    }
  });

  it("reports an unreachable node as StorageError", async function () {
    const node = await startKuboRpcServer(await temp());
    await node.close();
    const store = await KuboBlobStore.open({ url: node.url });
    const bytes = randomBytes(10);
    await rejection(store.put(bytes, toHex(await sha256(bytes))), StorageError);
    await rejection(store.version(), StorageError);
  });

  describe("as Kubo answers", function () {
    /** One RPC call over plain HTTP: status, headers, body and trailers (which kubo-rpc-client never reads). */
    const rpc = (url: string, command: string) =>
      new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer; trailers: Record<string, string> }>(
        (resolve, reject) => {
          const req = request(`${url}/api/v0/${command}`, { method: "POST" }, (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () =>
              resolve({
                status: res.statusCode ?? 0,
                headers: res.headers,
                body: Buffer.concat(chunks),
                trailers: res.trailers as Record<string, string>,
              }),
            );
          });
          req.on("error", reject);
          req.end();
        },
      );

    it("a block missing mid-stream: Kubo answers 200, stops, and says so in the X-Stream-Error trailer; the store answers not found", async function () {
      const node = await startKuboRpcServer(await temp());
      try {
        const store = await KuboBlobStore.open({ url: node.url });
        const bytes = randomBytes(SINGLE_BLOCK_LIMIT + 1024 * 1024);
        const { cid } = await store.put(bytes, toHex(await sha256(bytes)));
        await rm(await blockFileOf(node.blocksFolder, bytes.subarray(1024 * 1024, 2 * 1024 * 1024)));

        const answer = await rpc(node.url, `cat?arg=${cid}&offline=true`);
        expect(answer.status).to.equal(200);
        expect(answer.headers.trailer).to.equal("X-Stream-Error");
        expect(answer.body.length).to.equal(1024 * 1024);
        expect(answer.trailers["x-stream-error"]).to.match(/not found|could not find/i);

        const error = await rejection(store.get(cid), NotFoundError);
        expect(error.shortMessage).to.equal("The file was not found in storage.");
        expect(error.details).to.match(/part of it is missing/);
      } finally {
        await node.close();
      }
    });

    it("refuses a chunk size over its limit the way Kubo 0.40+ does (500, Code 0); on an older node the store falls back to 1 MiB leaves", async function () {
      const node = await startKuboRpcServer(await temp());
      try {
        const refused = await rpc(node.url, `add?cid-version=1&raw-leaves=true&chunker=size-${2 * 1024 * 1024}`);
        expect(refused.status).to.equal(500);
        expect(JSON.parse(refused.body.toString())).to.deep.equal({
          Message: "chunker parameters may not exceed the maximum chunk size of 2096896",
          Code: 0,
          Type: "error",
        });
        const unknown = await rpc(node.url, "cat");
        expect(unknown.status).to.equal(500);
        expect(JSON.parse(unknown.body.toString())).to.include({ Code: 0, Type: "error" });
        expect((await rpc(node.url, "nope")).status).to.equal(404);
      } finally {
        await node.close();
      }
      const older = await startKuboRpcServer(await temp(), { chunkSizeLimit: 1024 * 1024 });
      try {
        const store = await KuboBlobStore.open({ url: older.url });
        const big = randomBytes(1.5 * 1024 * 1024);
        const { cid } = await store.put(big, toHex(await sha256(big)));
        expect(cid, "a DAG of 1 MiB leaves, as before the limit was raised").to.match(/^bafybei/);
        expect(Buffer.compare(Buffer.from(await store.get(cid)), Buffer.from(big))).to.equal(0);
        expect(
          older.requests.filter((r) => r.startsWith("add?")).map((r) => /chunker=size-(\d+)/.exec(r)?.[1]),
        ).to.deep.equal(["2096896", "1048576"]);
        const small = randomBytes(1000);
        const hash = toHex(await sha256(small));
        expect((await store.put(small, hash)).cid).to.equal(rawLeafCid(hash));
      } finally {
        await older.close();
      }
    });

    it("sends basic or bearer credentials as an Authorization header; a wrong one is a StorageError that never shows it", async function () {
      const basic = `Basic ${Buffer.from("ehr-api:s3cret-Passw0rd").toString("base64")}`;
      const node = await startKuboRpcServer(await temp(), { authorizations: [basic, "Bearer t0ken-abc"] });
      try {
        for (const authorization of [basic, "Bearer t0ken-abc"]) {
          const store = await KuboBlobStore.open({ url: node.url, authorization });
          const bytes = randomBytes(100);
          const { cid } = await store.put(bytes, toHex(await sha256(bytes)));
          expect(toHex(await store.get(cid))).to.equal(toHex(bytes));
        }
        const wrong = `Basic ${Buffer.from("ehr-api:wrong-Passw0rd").toString("base64")}`;
        const store = await KuboBlobStore.open({ url: node.url, authorization: wrong });
        const bytes = randomBytes(100);
        const error = await rejection(store.put(bytes, toHex(await sha256(bytes))), StorageError);
        expect(error.shortMessage).to.equal("The IPFS node refused this service's credentials.");
        await rejection(store.version(), StorageError);
        const shown = `${error.message} ${error.details} ${JSON.stringify(error)} ${String(error.stack)}`;
        for (const secret of ["wrong-Passw0rd", wrong.slice(6), "s3cret"]) expect(shown).not.to.include(secret);
        expect(node.authorizationsSeen).to.include(wrong);
        expect((await rpc(node.url, "version")).body.toString()).to.equal(`${KUBO_ACCESS_DENIED}\n`);
      } finally {
        await node.close();
      }
    });

    it("refuses a URL with credentials in it, without repeating them", async function () {
      const error = await rejection(KuboBlobStore.open({ url: "http://ehr:pa55word@127.0.0.1:5001" }), StorageError);
      expect(`${error.message} ${error.details}`).not.to.include("pa55word");
    });
  });
});

describe("ManagedBlobStore: readStart (the first block only) and remove, on both stores", function () {
  const temp = tempFolders();
  const stores: [string, () => Promise<{ store: HeliaBlobStore | KuboBlobStore; stop(): Promise<void> }>][] = [
    [
      "HeliaBlobStore",
      async () => {
        const store = await HeliaBlobStore.open({ folder: await temp() });
        return { store, stop: () => store.stop() };
      },
    ],
    [
      "KuboBlobStore",
      async () => {
        const node = await startKuboRpcServer(await temp());
        const store = await KuboBlobStore.open({ url: node.url });
        return { store, stop: () => node.close() };
      },
    ],
  ];
  for (const [name, open] of stores) {
    describe(name, function () {
      let opened: Awaited<ReturnType<typeof open>>;
      before(async () => {
        opened = await open();
      });
      after(async () => opened?.stop());

      it("reads a one-block blob whole, and only the first 1 MiB leaf of a larger one", async function () {
        const small = randomBytes(5000);
        const { cid: smallCid, alreadyStored } = await opened.store.put(small, toHex(await sha256(small)));
        expect(alreadyStored).to.equal(false);
        expect((await opened.store.put(small, toHex(await sha256(small)))).alreadyStored).to.equal(true);
        const smallStart = await opened.store.readStart(smallCid);
        expect(smallStart.whole).to.equal(true);
        expect(toHex(smallStart.bytes)).to.equal(toHex(small));

        const large = randomBytes(5 * 1024 * 1024 + 7);
        const { cid } = await opened.store.put(large, toHex(await sha256(large)));
        const start = await opened.store.readStart(cid);
        expect(start.whole).to.equal(false);
        expect(start.bytes.length).to.equal(1024 * 1024);
        expect(toHex(start.bytes)).to.equal(toHex(large.subarray(0, 1024 * 1024)));

        const missing = rawLeafCid(toHex(await sha256(randomBytes(16))));
        const error = await rejection(opened.store.readStart(missing), NotFoundError);
        expect(error.shortMessage).to.equal("The file was not found in storage.");
      });

      it("removes a blob (not found afterwards; removing it again does nothing), keeping the others", async function () {
        const gone = randomBytes(3000);
        const kept = randomBytes(3000);
        const { cid } = await opened.store.put(gone, toHex(await sha256(gone)));
        const { cid: keptCid } = await opened.store.put(kept, toHex(await sha256(kept)));
        await opened.store.remove(cid);
        await opened.store.remove(cid);
        expect(toHex(await opened.store.get(keptCid))).to.equal(toHex(kept));
        // Helia deletes the block at once; Kubo unpins it for its garbage collector.
        if (opened.store instanceof HeliaBlobStore) {
          await rejection(opened.store.get(cid), NotFoundError);
          expect(await opened.store.isPinned(cid)).to.equal(false);
        }
        expect((await opened.store.put(gone, toHex(await sha256(gone)))).alreadyStored).to.equal(false);
      });
    });
  }

  it("Helia: removing a DAG frees all its blocks, but not one another pinned blob still uses", async function () {
    const folder = await temp();
    const store = await HeliaBlobStore.open({ folder });
    try {
      const large = randomBytes(3 * 1024 * 1024);
      const { cid } = await store.put(large, toHex(await sha256(large)));
      const leaf = large.subarray(1024 * 1024, 2 * 1024 * 1024);
      const { cid: leafCid } = await store.put(leaf, toHex(await sha256(leaf)));
      await store.remove(cid);
      expect(toHex(await store.get(leafCid)), "the middle leaf, also a blob of its own").to.equal(toHex(leaf));
      await rejection(blockFileOf(join(folder, "blocks"), large.subarray(0, 1024 * 1024)));
      await rejection(blockFileOf(join(folder, "blocks"), large.subarray(2 * 1024 * 1024)));
    } finally {
      await store.stop();
    }
  });
});
