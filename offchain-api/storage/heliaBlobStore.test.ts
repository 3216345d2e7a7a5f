import { expect } from "chai";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, sep } from "node:path";
import { randomBytes, sha256, toHex } from "../../lib/bytes";
import { FormatError, IntegrityError, NotFoundError } from "../../lib/errors";
import { esmImport } from "../../lib/esmImport";
import { rawLeafCid } from "../../lib/api/rawCid";
import { SINGLE_BLOCK_LIMIT } from "./blobLayout";
import { HeliaBlobStore } from "./heliaBlobStore";
import { blockFileOf, filesUnder } from "../testing/blobStoreContract";

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

  it("reads back blocks of every size around the first read's 16 KiB, whole and unchanged (get and readStart)", async function () {
    for (const size of [1, 16 * 1024 - 1, 16 * 1024, 16 * 1024 + 1, 100_000]) {
      const bytes = randomBytes(size);
      const { cid } = await store.put(bytes, toHex(await sha256(bytes)));
      expect(toHex(await store.get(cid)), `${size} bytes`).to.equal(toHex(bytes));
      const start = await store.readStart(cid);
      expect(start.whole, `${size} bytes`).to.equal(true);
      expect(toHex(start.bytes), `${size} bytes`).to.equal(toHex(bytes));
    }
  });

  it("stores a 1.5 MiB blob as one raw block file, and blockstore-fs reads it where it looks", async function () {
    const bytes = randomBytes(1.5 * 1024 * 1024);
    const hash = toHex(await sha256(bytes));
    const { cid } = await store.put(bytes, hash);
    expect(cid).to.equal(rawLeafCid(hash));
    expect(await filesUnder(join(folder, "blocks"))).to.have.length(1);
    const [{ FsBlockstore }, { CID }] = (await Promise.all([
      esmImport("blockstore-fs"),
      esmImport("multiformats/cid"),
    ])) as [
      { FsBlockstore: new (path: string) => { get(cid: unknown): AsyncIterable<Uint8Array> } },
      { CID: { parse(text: string): unknown } },
    ];
    const chunks: Buffer[] = [];
    for await (const chunk of new FsBlockstore(join(folder, "blocks")).get(CID.parse(cid)))
      chunks.push(Buffer.from(chunk));
    expect(Buffer.compare(Buffer.concat(chunks), Buffer.from(bytes))).to.equal(0);
  });

  it("stores 10 concurrent uploads of the same bytes once: all answer the same CID, no temporary file is left", async function () {
    const bytes = randomBytes(300 * 1024);
    const hash = toHex(await sha256(bytes));
    const answers = await Promise.all(Array.from({ length: 10 }, () => store.put(bytes, hash)));
    expect(new Set(answers.map((a) => a.cid))).to.deep.equal(new Set([rawLeafCid(hash)]));
    const files = await filesUnder(folder);
    expect(files.filter((f) => f.endsWith(".tmp"))).to.deep.equal([]);
    expect(files.filter((f) => f.includes(`${sep}blocks${sep}`))).to.have.length(1);
    expect(await store.isPinned(answers[0].cid)).to.equal(true);
  });

  it("reads blobs stored in the old layout (a UnixFS DAG of 1 MiB leaves for anything over 1 MiB), pinned as before", async function () {
    await store.stop();
    // What the previous store wrote: Helia's UnixFS importer over blockstore-fs, pins in datastore-fs.
    const [{ unixfs }, { FsBlockstore }, { FsDatastore }, { Key }] = (await Promise.all([
      esmImport("@helia/unixfs"),
      esmImport("blockstore-fs"),
      esmImport("datastore-fs"),
      esmImport("interface-datastore"),
    ])) as [
      { unixfs(c: { blockstore: unknown }): { addBytes(b: Uint8Array): Promise<{ toString(): string }> } },
      { FsBlockstore: new (path: string) => { open(): Promise<void>; close(): Promise<void> } },
      {
        FsDatastore: new (path: string) => {
          open(): Promise<void>;
          close(): Promise<void>;
          put(k: unknown, v: Uint8Array): Promise<unknown>;
        };
      },
      { Key: new (text: string) => unknown },
    ];
    const blockstore = new FsBlockstore(join(folder, "blocks"));
    const datastore = new FsDatastore(join(folder, "datastore"));
    await blockstore.open();
    await datastore.open();
    const bytes = randomBytes(1.5 * 1024 * 1024);
    const hash = toHex(await sha256(bytes));
    const cid = (await unixfs({ blockstore }).addBytes(bytes)).toString();
    const pin = JSON.stringify({ sha256: hash, size: bytes.length });
    await datastore.put(new Key(`/pins/${cid}`), new TextEncoder().encode(pin));
    await blockstore.close();
    await datastore.close();
    expect(cid).to.match(/^bafybei/);

    store = await HeliaBlobStore.open({ folder });
    expect(await store.isPinned(cid)).to.equal(true);
    expect(Buffer.compare(Buffer.from(await store.get(cid)), Buffer.from(bytes))).to.equal(0);
    // The same bytes uploaded now are one raw block under another CID; both stay readable.
    const { cid: now } = await store.put(bytes, hash);
    expect(now).to.equal(rawLeafCid(hash));
    expect(toHex(await sha256(await store.get(cid)))).to.equal(hash);
  });

  it("reports a chunked blob with a lost leaf as a missing part (NotFoundError), never partial bytes", async function () {
    const bytes = randomBytes(SINGLE_BLOCK_LIMIT + 10);
    const { cid } = await store.put(bytes, toHex(await sha256(bytes)));
    await rm(await blockFileOf(join(folder, "blocks"), bytes.subarray(1024 * 1024)));
    const error = await store.get(cid).catch((e) => e);
    expect(error).to.be.instanceOf(NotFoundError);
    expect(error.shortMessage).to.equal("Part of the file is missing from storage.");
  });

  it("chunks a blob over the single-block limit into a UnixFS DAG and reads it back whole", async function () {
    const bytes = randomBytes(2.5 * 1024 * 1024);
    const { cid } = await store.put(bytes, toHex(await sha256(bytes)));
    expect(cid).to.match(/^bafybei/);
    const back = await store.get(cid);
    expect(back.length).to.equal(bytes.length);
    expect(toHex(await sha256(back))).to.equal(toHex(await sha256(bytes)));
  });

  it("pins a raw block with a hard link to it: one inode, pinned after a reopen, both names gone after remove (holds() follows)", async function () {
    const bytes = randomBytes(1168);
    const hash = toHex(await sha256(bytes));
    expect(store.holds(hash)).to.equal(false);
    const { cid, alreadyStored } = await store.put(bytes, hash);
    expect(alreadyStored).to.equal(false);
    expect(store.holds(hash)).to.equal(true);
    const pinFile = join(folder, "datastore", "pins", `${cid}.data`);
    const blockFile = await blockFileOf(join(folder, "blocks"), bytes);
    const [block, pin] = await Promise.all([stat(blockFile), stat(pinFile)]);
    expect(pin.ino).to.equal(block.ino);
    expect(block.nlink).to.equal(2);
    await store.stop();
    store = await HeliaBlobStore.open({ folder });
    expect(await store.isPinned(cid)).to.equal(true);
    expect((await store.put(bytes, toHex(await sha256(bytes)))).alreadyStored).to.equal(true);
    await store.remove(cid);
    expect(await store.isPinned(cid)).to.equal(false);
    expect(store.holds(hash)).to.equal(false);
    const left = await filesUnder(folder);
    expect(left).not.to.include(blockFile);
    expect(left).not.to.include(pinFile);
    expect(await store.get(cid).catch((e) => e)).to.be.instanceOf(NotFoundError);
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

  it("reports a missing CID as NotFoundError", async function () {
    const other = await HeliaBlobStore.open({ folder: folder + "-other" });
    const bytes = randomBytes(50);
    const { cid } = await other.put(bytes, toHex(await sha256(bytes)));
    await other.stop();
    await rm(folder + "-other", { recursive: true, force: true });
    const error = await store.get(cid).catch((e) => e);
    expect(error).to.be.instanceOf(NotFoundError);
    expect(error.shortMessage).to.equal("The file was not found in storage.");
  });

  it("refuses a malformed CID with FormatError", async function () {
    const error = await store.get("not-a-cid").catch((e) => e);
    expect(error).to.be.instanceOf(FormatError);
  });

  it("detects a corrupted block on disk (IntegrityError, no bytes)", async function () {
    const bytes = randomBytes(3000);
    const { cid } = await store.put(bytes, toHex(await sha256(bytes)));
    const path = await blockFileOf(join(folder, "blocks"), bytes);
    const corrupted = Buffer.from(bytes);
    corrupted[1500] ^= 0xff;
    await writeFile(path, corrupted);
    expect((await stat(path)).size).to.equal(3000);
    const error = await store.get(cid).catch((e) => e);
    expect(error).to.be.instanceOf(IntegrityError);
    expect(error.shortMessage).to.equal("The stored file is corrupt.");
  });

  it("detects a corrupted leaf of a chunked blob", async function () {
    const bytes = randomBytes(SINGLE_BLOCK_LIMIT + 10);
    const { cid } = await store.put(bytes, toHex(await sha256(bytes)));
    const path = await blockFileOf(join(folder, "blocks"), bytes.subarray(1024 * 1024));
    await writeFile(path, Buffer.from(randomBytes(10)));
    const error = await store.get(cid).catch((e) => e);
    expect(error).to.be.instanceOf(IntegrityError);
  });
});
