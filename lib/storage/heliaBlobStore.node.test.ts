import { expect } from "chai";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes, sha256, toHex } from "../bytes";
import { FormatError, IntegrityError, StorageError } from "../errors";
import { HeliaBlobStore } from "./heliaBlobStore.node";

async function filesUnder(folder: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

/** The block file whose content is `bytes` (a single-block blob). */
async function blockFileOf(folder: string, bytes: Uint8Array): Promise<string> {
  for (const path of await filesUnder(join(folder, "blocks"))) {
    const content = await readFile(path);
    if (content.length === bytes.length && Buffer.compare(content, Buffer.from(bytes)) === 0) return path;
  }
  throw new Error("block file not found");
}

describe("HeliaBlobStore", function () {
  let folder: string;
  let store: HeliaBlobStore;

  beforeEach(async function () {
    folder = await mkdtemp(join(tmpdir(), "ehr-helia-"));
    store = await HeliaBlobStore.open({ folder });
  });

  afterEach(async function () {
    await store.stop();
    await rm(folder, { recursive: true, force: true });
  });

  it("stores a small blob as one raw block whose CID is derived from its SHA-256, and reads it back", async function () {
    const bytes = randomBytes(1000);
    const hash = toHex(await sha256(bytes));
    const { cid } = await store.put(bytes, hash);
    expect(cid).to.match(/^bafkrei/);
    expect(await store.isPinned(cid)).to.equal(true);
    expect(toHex(await store.get(cid))).to.equal(toHex(bytes));
  });

  it("chunks a blob over 1 MiB into a UnixFS DAG and reads it back whole", async function () {
    const bytes = randomBytes(2.5 * 1024 * 1024);
    const { cid } = await store.put(bytes, toHex(await sha256(bytes)));
    expect(cid).to.match(/^bafybei/);
    const back = await store.get(cid);
    expect(back.length).to.equal(bytes.length);
    expect(toHex(await sha256(back))).to.equal(toHex(await sha256(bytes)));
  });

  it("keeps blobs across stop and reopen", async function () {
    const bytes = randomBytes(4000);
    const { cid } = await store.put(bytes, toHex(await sha256(bytes)));
    await store.stop();
    store = await HeliaBlobStore.open({ folder });
    expect(toHex(await store.get(cid))).to.equal(toHex(bytes));
    expect(await store.isPinned(cid)).to.equal(true);
  });

  it("refuses bytes that do not match the declared hash and stores nothing", async function () {
    const bytes = randomBytes(100);
    const before = await filesUnder(folder);
    const error = await store.put(bytes, toHex(await sha256(randomBytes(100)))).catch((e) => e);
    expect(error).to.be.instanceOf(IntegrityError);
    expect(error.shortMessage).to.equal("The file does not match its declared hash; nothing was stored.");
    expect(await filesUnder(folder)).to.deep.equal(before);
  });

  it("refuses a malformed declared hash", async function () {
    const error = await store.put(randomBytes(10), "0x1234").catch((e) => e);
    expect(error).to.be.instanceOf(FormatError);
  });

  it("reports a missing CID as StorageError", async function () {
    const other = await HeliaBlobStore.open({ folder: folder + "-other" });
    const bytes = randomBytes(50);
    const { cid } = await other.put(bytes, toHex(await sha256(bytes)));
    await other.stop();
    await rm(folder + "-other", { recursive: true, force: true });
    const error = await store.get(cid).catch((e) => e);
    expect(error).to.be.instanceOf(StorageError);
    expect(error.shortMessage).to.equal("The file was not found in storage.");
  });

  it("refuses a malformed CID with FormatError", async function () {
    const error = await store.get("not-a-cid").catch((e) => e);
    expect(error).to.be.instanceOf(FormatError);
  });

  it("detects a corrupted block on disk (IntegrityError, no bytes)", async function () {
    const bytes = randomBytes(3000);
    const { cid } = await store.put(bytes, toHex(await sha256(bytes)));
    const path = await blockFileOf(folder, bytes);
    const corrupted = Buffer.from(bytes);
    corrupted[1500] ^= 0xff;
    await writeFile(path, corrupted);
    expect((await stat(path)).size).to.equal(3000);
    const error = await store.get(cid).catch((e) => e);
    expect(error).to.be.instanceOf(IntegrityError);
    expect(error.shortMessage).to.equal("The stored file is corrupt.");
  });

  it("detects a corrupted leaf of a chunked blob", async function () {
    const bytes = randomBytes(1024 * 1024 + 10);
    const { cid } = await store.put(bytes, toHex(await sha256(bytes)));
    const path = await blockFileOf(folder, bytes.subarray(1024 * 1024));
    await writeFile(path, Buffer.from(randomBytes(10)));
    const error = await store.get(cid).catch((e) => e);
    expect(error).to.be.instanceOf(IntegrityError);
  });
});
