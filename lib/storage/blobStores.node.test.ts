import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { randomBytes, sha256, toHex } from "../bytes";
import { StorageError } from "../errors";
import { rejection } from "../testing/rejection";
import { blobStoreContract, type OpenedBlobStore } from "../testing/blobStoreContract.node";
import { startKuboRpcServer } from "../../offchain-api/testing/kuboRpcServer";
import { HeliaBlobStore } from "./heliaBlobStore.node";
import { KuboBlobStore } from "./kuboBlobStore.node";

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
});
