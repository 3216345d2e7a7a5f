import { mkdir, readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { equalBytes, fromHex, sha256, toHex } from "../../lib/bytes";
import { FormatError, IntegrityError, NotFoundError, StorageError } from "../../lib/errors";
import type { Hex } from "viem";
import { writeFileAtomic } from "./atomicFile";
import { DurableWriter } from "./durableWriter";
import { checkDeclaredHash, collectBytes } from "../../lib/storage/blobInput";
import { digestOf } from "./digest";
import { loadBlobLayout, RAW_CODE, readFirstLeaf, SHA2_256_CODE, type BlobLayout, type LayoutCid } from "./blobLayout";
import { FileBlockstore, type FsBlockstoreLike } from "./fileBlockstore";
import type { BlobStart, ManagedBlobStore } from "../../lib/storage/types";
import { esmImport } from "../../lib/esmImport";

/**
 * A real IPFS block store on disk: blocks in blockstore-fs's layout (offchain-api/storage/fileBlockstore),
 * pins in datastore-fs's, blobs laid out as offchain-api/storage/blobLayout.ts says (the same CIDs as
 * a Kubo node's `add`):
 *
 * - a blob of at most 2 MiB − 256 bytes (every envelope of a report up to 2 MiB) is ONE raw block
 *   whose CID is its SHA-256: stored with one hash (the declared-hash check) and one file write,
 *   read with one file read and one hash;
 * - a larger blob is a UnixFS DAG of raw 1 MiB leaves (Helia's UnixFS importer and exporter), as
 *   was every blob over 1 MiB before; those stay readable under the CIDs recorded on-chain.
 *
 * Pins: `/pins/<cid>` in the datastore, written after the blocks and looked up in memory once
 * known, else with one `stat`: a DAG's is its record `{sha256, size}` (fsync, rename), a raw
 * block's a hard link to the block (its record would only restate the CID). A whole DAG blob is re-hashed against
 * its pin; a raw block's CID is its hash, so the block check is the blob check.
 *
 * Removal (`remove`, the service's sweeper of unreferenced uploads) deletes the pin, then each of
 * the blob's blocks that no remaining pin reaches: content addressing lets two blobs share a block
 * (a 1 MiB raw blob is also the first leaf of any DAG that starts with those bytes). Writes and
 * removals exclude each other, so a block a write has just relied on is never deleted under it.
 *
 * Why not `createHelia()` here: this store needs no networking to serve its own blobs; a
 * libp2p/bitswap node (offchain-api/storage/) can run Helia over {@link HeliaBlobStore.blockstore}
 * and {@link HeliaBlobStore.datastore}: the same blocks and on-disk format.
 */

interface DatastoreLike {
  /** The folder (absolute). */
  readonly path: string;
  open(): Promise<void>;
  close(): Promise<void>;
  get(key: unknown): Promise<Uint8Array>;
  has(key: unknown): Promise<boolean>;
}
interface UnixFsLike {
  cat(cid: LayoutCid): AsyncIterable<Uint8Array>;
}
interface HeliaModules {
  layout: BlobLayout;
  newKey(text: string): unknown;
  unixfs(components: { blockstore: unknown }): UnixFsLike;
  FsBlockstore: new (path: string) => FsBlockstoreLike;
  FsDatastore: new (path: string) => DatastoreLike;
}

let modules: Promise<HeliaModules> | undefined;
function loadModules(): Promise<HeliaModules> {
  modules ??= (async () => {
    const [layout, { unixfs }, { FsBlockstore }, { FsDatastore }, { Key }] = (await Promise.all([
      loadBlobLayout(),
      esmImport("@helia/unixfs"),
      esmImport("blockstore-fs"),
      esmImport("datastore-fs"),
      esmImport("interface-datastore"),
    ])) as [
      BlobLayout,
      { unixfs: HeliaModules["unixfs"] },
      { FsBlockstore: HeliaModules["FsBlockstore"] },
      { FsDatastore: HeliaModules["FsDatastore"] },
      { Key: new (text: string) => unknown },
    ];
    return { layout, newKey: (text) => new Key(text), unixfs, FsBlockstore, FsDatastore };
  })();
  return modules;
}

function isNotFound(error: unknown): boolean {
  const name = (error as { name?: unknown })?.name;
  return name === "NotFoundError" || (error as { code?: unknown })?.code === "ERR_NOT_FOUND";
}

/** What is recorded when a blob is pinned. */
interface PinRecord {
  sha256: Hex;
  size: number;
}

export interface HeliaBlobStoreOptions {
  /** The folder holding `blocks/` and `datastore/`; created if missing. */
  folder: string;
}

/**
 * Many writers or one remover at a time: a removal waits for the writes in progress and holds new
 * ones until it is done.
 */
class WriteRemoveGate {
  private writers = 0;
  private removing: Promise<void> | undefined;
  private drained: (() => void) | undefined;

  async write<T>(work: () => Promise<T>): Promise<T> {
    while (this.removing) await this.removing;
    this.writers++;
    try {
      return await work();
    } finally {
      if (--this.writers === 0) this.drained?.();
    }
  }

  async remove<T>(work: () => Promise<T>): Promise<T> {
    while (this.removing) await this.removing;
    let done!: () => void;
    this.removing = new Promise<void>((resolve) => (done = resolve));
    try {
      if (this.writers > 0) await new Promise<void>((resolve) => (this.drained = resolve));
      this.drained = undefined;
      return await work();
    } finally {
      this.removing = undefined;
      done();
    }
  }
}

/** See the file comment. Open with {@link HeliaBlobStore.open}; call {@link HeliaBlobStore.stop} when done. */
export class HeliaBlobStore implements ManagedBlobStore {
  /** CIDs known to be pinned on disk (written or seen by this process). */
  private readonly pinned = new Set<string>();
  /** The SHA-256 (lower-case hex) of the raw-block blobs this process stored or found stored by `put`. */
  private readonly stored = new Set<string>();
  /** Raw-block blobs being stored now: concurrent uploads of the same bytes share one write. */
  private readonly inFlight = new Map<string, Promise<boolean>>();
  private readonly gate = new WriteRemoveGate();
  private readonly writer = new DurableWriter();
  private readonly fs: UnixFsLike;

  private constructor(
    private readonly modules: HeliaModules,
    /** The blocks (blockstore-fs layout, verified reads): what a Helia node over this store uses. */
    readonly blockstore: FileBlockstore,
    /** The pins and any other records (datastore-fs). */
    readonly datastore: DatastoreLike,
  ) {
    this.fs = modules.unixfs({ blockstore });
  }

  static async open(options: HeliaBlobStoreOptions): Promise<HeliaBlobStore> {
    const m = await loadModules();
    await mkdir(options.folder, { recursive: true });
    const blocks = new FileBlockstore(new m.FsBlockstore(join(options.folder, "blocks")));
    const datastore = new m.FsDatastore(join(options.folder, "datastore"));
    try {
      await blocks.open();
      await datastore.open();
    } catch (error) {
      throw new StorageError("The local IPFS store could not be opened.", { cause: error });
    }
    return new HeliaBlobStore(m, blocks, datastore);
  }

  async put(bytes: Uint8Array, declaredHash: Hex): Promise<{ cid: string; alreadyStored: boolean }> {
    const digest = await checkDeclaredHash(bytes, declaredHash, digestOf);
    const { layout } = this.modules;
    const record: PinRecord = { sha256: toHex(digest), size: bytes.length };
    try {
      return await this.gate.write(async () => {
        if (!layout.isSingleBlock(bytes.length)) {
          const cid = await layout.cidOf(bytes, digest, this.blockstore);
          return { cid: cid.toString(), alreadyStored: await this.pin(cid, record) };
        }
        const cid = layout.rawCid(digest);
        const alreadyStored = await this.once(cid.toString(), () => this.storeBlock(cid, bytes, record));
        this.stored.add(record.sha256);
        return { cid: cid.toString(), alreadyStored };
      });
    } catch (error) {
      throw new StorageError("The file could not be stored.", { cause: error });
    }
  }

  /**
   * One raw-block blob, in one trip to a worker thread (DurableWriter): the block written, fsynced
   * and put in place (kept when a file of its size is there), then its pin made a hard link to it:
   * no second file to create and fsync, and a pin that holds the block's own bytes, so it can never
   * name a block that is not there. The pin's record, for a raw block, would only restate its CID
   * (digest and size) and is never read. Where hard links cannot be made, the record is written
   * as for a DAG. A failure leaves neither. Answers whether the blob was pinned already.
   */
  private async storeBlock(cid: LayoutCid, bytes: Uint8Array, record: PinRecord): Promise<boolean> {
    const key = cid.toString();
    const known = this.pinned.has(key);
    const file = this.blockstore.fileOf(cid);
    const block = { file, data: bytes, existing: "keep-same-size" } as const;
    const pin = { file: this.pinFile(cid), data: JSON.stringify(record), linkTo: file };
    const written = await this.writer.write(known ? [block] : [block, pin]);
    this.pinned.add(key);
    return known || !written[1];
  }

  /** Runs `work` for `key` unless it is already running, in which case it waits for that run. */
  private async once(key: string, work: () => Promise<boolean>): Promise<boolean> {
    const running = this.inFlight.get(key);
    if (running) return running;
    const run = work().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, run);
    return run;
  }

  async get(cid: string): Promise<Uint8Array> {
    const parsed = this.parse(cid);
    try {
      if (parsed.code === RAW_CODE) return await this.blockstore.read(parsed);
      return await this.readDag(parsed);
    } catch (error) {
      throw this.readFailure(error, parsed);
    }
  }

  /** The first block only (the whole blob when it is one raw block), each block checked against its CID. */
  async readStart(cid: string): Promise<BlobStart> {
    const parsed = this.parse(cid);
    try {
      return await readFirstLeaf(this.modules.layout, parsed, (block) => this.blockstore.read(block));
    } catch (error) {
      throw this.readFailure(error, parsed);
    }
  }

  /** Unpins `cid` and deletes its blocks that no other pinned blob reaches (see the file comment). */
  async remove(cid: string): Promise<void> {
    const parsed = this.parse(cid);
    await this.gate.remove(async () => {
      const blocks = await this.blocksOf(parsed);
      await rm(this.pinFile(parsed), { force: true });
      this.pinned.delete(parsed.toString());
      if (parsed.code === RAW_CODE) this.stored.delete(toHex(parsed.multihash.digest));
      const live = await this.pinnedBlocks();
      for (const block of blocks) {
        if (!live.has(block.toString())) await this.blockstore.delete(block).catch(() => undefined);
      }
    });
  }

  /** Every block of the blob under `root` that is here (a missing part is skipped). */
  private async blocksOf(root: LayoutCid): Promise<LayoutCid[]> {
    const found: LayoutCid[] = [];
    const pending = [root];
    for (let cid = pending.pop(); cid; cid = pending.pop()) {
      if (!(await this.blockstore.has(cid))) continue;
      found.push(cid);
      if (cid.code === RAW_CODE) continue;
      const node = this.modules.layout.readDagNode(await this.blockstore.read(cid).catch(() => new Uint8Array()));
      pending.push(...(node?.links ?? []));
    }
    return found;
  }

  /** The CIDs of every block the pinned blobs reach (a DAG's nodes are read; its raw leaves are not). */
  private async pinnedBlocks(): Promise<Set<string>> {
    const live = new Set<string>();
    const names = await readdir(join(this.datastore.path, "pins")).catch(() => [] as string[]);
    for (const name of names) {
      if (!name.endsWith(".data")) continue;
      let root: LayoutCid;
      try {
        root = this.parse(name.slice(0, -".data".length));
      } catch {
        continue;
      }
      const pending = [root];
      for (let cid = pending.pop(); cid; cid = pending.pop()) {
        live.add(cid.toString());
        if (cid.code === RAW_CODE) continue;
        const node = this.modules.layout.readDagNode(await this.blockstore.read(cid).catch(() => new Uint8Array()));
        pending.push(...(node?.links ?? []));
      }
    }
    return live;
  }

  /** The StorageError (NotFoundError for an absent block, or IntegrityError) a failed read of `parsed` answers. */
  private readFailure(error: unknown, parsed: LayoutCid): Error {
    const cid = parsed.toString();
    if (error instanceof IntegrityError || error instanceof StorageError || error instanceof FormatError) return error;
    if (isNotFound(error)) {
      // The root (or the one raw block) is absent: not stored here. A leaf absent: stored, but a
      // part is lost; either way nothing can be served.
      const root = String((error as { message?: unknown }).message).includes(cid);
      const message = root ? "The file was not found in storage." : "Part of the file is missing from storage.";
      return new NotFoundError(message, { cause: error, details: cid });
    }
    return new StorageError("The file could not be read from storage.", { cause: error, details: cid });
  }

  /**
   * Pins a blob whose blocks are already all here under `cid`, in whatever layout that CID names: a
   * copy fetched from a peer of the private network (offchain-api/storage/privateSwarm.ts, which
   * checked every block against its CID and hashed the whole blob for `record`).
   */
  async pinStored(cid: string, record: PinRecord): Promise<void> {
    await this.gate.write(() => this.pin(this.parse(cid), record));
  }

  holds(sha256: Hex): boolean {
    return this.stored.has(sha256.toLowerCase());
  }

  /** Whether `cid` was stored (and pinned) here. */
  async isPinned(cid: string): Promise<boolean> {
    const parsed = this.parse(cid);
    if (this.pinned.has(parsed.toString())) return true;
    const found = await stat(this.pinFile(parsed)).then(
      () => true,
      () => false,
    );
    if (found) this.pinned.add(parsed.toString());
    return found;
  }

  async stop(): Promise<void> {
    await this.writer.close();
    await this.blockstore.close();
    await this.datastore.close();
  }

  /** A UnixFS DAG (a blob over the single-block limit, or over 1 MiB before it was raised). */
  private async readDag(cid: LayoutCid): Promise<Uint8Array> {
    if (!(await this.blockstore.has(cid))) {
      throw new NotFoundError("The file was not found in storage.", { details: cid.toString() });
    }
    const bytes = await collectBytes(this.fs.cat(cid));
    const pin = await this.pinRecord(cid);
    if (pin && (pin.size !== bytes.length || !equalBytes(await sha256(bytes), fromHex(pin.sha256)))) {
      throw new IntegrityError("The stored file is corrupt.", { details: cid.toString() });
    }
    return bytes;
  }

  /** Pins `cid` unless it is; answers whether it already was. */
  private async pin(cid: LayoutCid, record: PinRecord): Promise<boolean> {
    if (await this.isPinned(cid.toString())) return true;
    await writeFileAtomic(this.pinFile(cid), JSON.stringify(record));
    this.pinned.add(cid.toString());
    return false;
  }

  private parse(cid: string): LayoutCid {
    try {
      const parsed = this.modules.layout.parseCid(cid);
      if (parsed.version !== 1 || parsed.multihash.code !== SHA2_256_CODE) throw new Error("not CIDv1 sha2-256");
      return parsed;
    } catch (error) {
      throw new FormatError("This is not a storage address (CID) this store uses.", { cause: error });
    }
  }

  private pinKey(cid: LayoutCid): unknown {
    return this.modules.newKey(`/pins/${cid.toString()}`);
  }

  /** datastore-fs's file for the key `/pins/<cid>`. */
  private pinFile(cid: LayoutCid): string {
    return join(this.datastore.path, "pins", `${cid.toString()}.data`);
  }

  private async pinRecord(cid: LayoutCid): Promise<PinRecord | undefined> {
    const key = this.pinKey(cid);
    if (!(await this.datastore.has(key))) return undefined;
    return JSON.parse(new TextDecoder().decode(await this.datastore.get(key))) as PinRecord;
  }
}
