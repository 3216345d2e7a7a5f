/**
 * Test helper (Node): the behaviour every BlobStore must have, as one suite run against each store
 * (HeliaBlobStore on disk, KuboBlobStore over the Kubo RPC API), so they cannot drift apart.
 */
import { expect } from "chai";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { randomBytes, sha256, toHex } from "../../lib/bytes";
import { FormatError, IntegrityError, StorageError } from "../../lib/errors";
import { rawLeafCid } from "../../lib/api/rawCid";
import type { BlobStore } from "../../lib/storage/types";
import { SINGLE_BLOCK_LIMIT } from "../storage/blobLayout";
import { rejection } from "../../lib/testing/rejection";

/** One opened store under test. */
export interface OpenedBlobStore {
  store: BlobStore;
  /** The folder holding its block files (to corrupt one). */
  blocksFolder: string;
  /** Stops the store (and whatever serves it). */
  stop(): Promise<void>;
}

export interface BlobStoreHarness {
  /** A store over the same data every time it is called (after the previous one stopped). */
  open(): Promise<OpenedBlobStore>;
  /** A store over other, empty data (for "missing CID"). */
  openEmpty(): Promise<OpenedBlobStore>;
}

/** Every file under `folder`, sorted. */
export async function filesUnder(folder: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(join(entry.parentPath, entry.name));
  }
  return out.sort();
}

/** The block file whose content is `bytes`. */
export async function blockFileOf(folder: string, bytes: Uint8Array): Promise<string> {
  for (const path of await filesUnder(folder)) {
    if (Buffer.compare(await readFile(path), Buffer.from(bytes)) === 0) return path;
  }
  throw new Error("block file not found");
}

/** 2.5 MiB that are the same on every run: their CID is fixed by the layout. */
function patterned(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + (i >>> 11)) & 0xff;
  return out;
}
/** The CID of `patterned(2.5 MiB)` in the shared layout (over the single-block limit: CIDv1, raw 1 MiB leaves, balanced). */
const PATTERNED_CID = "bafybeiciysqponfhps3yuvojspykstjopl3ik3oqodmq7gywecoeeefnaa";

/** Defines the shared suite inside the caller's `describe`. */
export function blobStoreContract(harness: BlobStoreHarness): void {
  let opened: OpenedBlobStore;
  beforeEach(async function () {
    opened = await harness.open();
  });
  afterEach(async function () {
    await opened.stop();
  });

  it("stores a small blob as one raw block whose CID is its SHA-256, and reads it back", async function () {
    const bytes = randomBytes(1000);
    const hash = toHex(await sha256(bytes));
    const { cid } = await opened.store.put(bytes, hash);
    expect(cid).to.equal(rawLeafCid(hash));
    expect(toHex(await opened.store.get(cid))).to.equal(toHex(bytes));
  });

  it("stores a blob of up to 2 MiB − 256 bytes (a 1 MiB report's envelope, and the limit itself) as one raw block", async function () {
    for (const size of [1_048_720, SINGLE_BLOCK_LIMIT]) {
      const bytes = randomBytes(size);
      const hash = toHex(await sha256(bytes));
      const { cid } = await opened.store.put(bytes, hash);
      expect(cid).to.equal(rawLeafCid(hash));
      expect(Buffer.compare(Buffer.from(await opened.store.get(cid)), Buffer.from(bytes))).to.equal(0);
    }
  });

  it("chunks a blob over the single-block limit into the shared UnixFS layout (same CID in every store) and reads it whole", async function () {
    const bytes = patterned(2.5 * 1024 * 1024);
    const { cid } = await opened.store.put(bytes, toHex(await sha256(bytes)));
    expect(cid).to.equal(PATTERNED_CID);
    const back = await opened.store.get(cid);
    expect(back.length).to.equal(bytes.length);
    expect(Buffer.compare(Buffer.from(back), Buffer.from(bytes))).to.equal(0);
  });

  it("keeps blobs across a restart", async function () {
    const bytes = randomBytes(4000);
    const { cid } = await opened.store.put(bytes, toHex(await sha256(bytes)));
    await opened.stop();
    opened = await harness.open();
    expect(toHex(await opened.store.get(cid))).to.equal(toHex(bytes));
  });

  it("refuses bytes that do not match the declared hash and stores nothing", async function () {
    const before = await filesUnder(opened.blocksFolder);
    const error = await rejection(
      opened.store.put(randomBytes(100), toHex(await sha256(randomBytes(100)))),
      IntegrityError,
    );
    expect(error.shortMessage).to.equal("The file does not match its declared hash; nothing was stored.");
    expect(await filesUnder(opened.blocksFolder)).to.deep.equal(before);
  });

  it("refuses a malformed declared hash (FormatError)", async function () {
    await rejection(opened.store.put(randomBytes(10), "0x1234"), FormatError);
  });

  it("reports a CID it does not hold as StorageError, never empty bytes", async function () {
    const other = await harness.openEmpty();
    const bytes = randomBytes(50);
    const { cid } = await other.store.put(bytes, toHex(await sha256(bytes)));
    await other.stop();
    const error = await rejection(opened.store.get(cid), StorageError);
    expect(error.shortMessage).to.equal("The file was not found in storage.");
  });

  it("refuses a malformed CID, and a CIDv0 (FormatError)", async function () {
    await rejection(opened.store.get("not-a-cid"), FormatError);
    await rejection(opened.store.get("QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG"), FormatError);
  });

  it("detects a corrupted block on disk (IntegrityError, no bytes)", async function () {
    const bytes = randomBytes(3000);
    const { cid } = await opened.store.put(bytes, toHex(await sha256(bytes)));
    const path = await blockFileOf(opened.blocksFolder, bytes);
    const corrupted = Buffer.from(bytes);
    corrupted[1500] ^= 0xff;
    await writeFile(path, corrupted);
    const error = await rejection(opened.store.get(cid), IntegrityError);
    expect(error.shortMessage).to.equal("The stored file is corrupt.");
  });

  it("detects a corrupted leaf of a chunked blob", async function () {
    const bytes = randomBytes(SINGLE_BLOCK_LIMIT + 10);
    const { cid } = await opened.store.put(bytes, toHex(await sha256(bytes)));
    const path = await blockFileOf(opened.blocksFolder, bytes.subarray(1024 * 1024));
    await writeFile(path, Buffer.from(randomBytes(10)));
    await rejection(opened.store.get(cid), IntegrityError);
  });
}
