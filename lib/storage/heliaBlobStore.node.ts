import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { equalBytes, fromHex, sha256, toHex } from "../bytes";
import { FormatError, IntegrityError, StorageError } from "../errors";
import type { Hex } from "../crypto/identity";
import { checkDeclaredHash, collectBytes } from "./blobInput";
import type { BlobStore } from "./types";
import { esmImport } from "../esmImport";

/**
 * A real IPFS block store on disk: Helia's UnixFS importer/exporter (@helia/unixfs) over
 * blockstore-fs, with pins kept in datastore-fs. Layout of each blob (the Helia/Filecoin defaults):
 * CIDv1, raw leaves, sha2-256, 1 MiB chunks; a blob of at most 1 MiB is a single raw block, so its
 * CID is `bafkrei...` of the blob's SHA-256 (derivable from the hash on-chain); larger blobs are a
 * balanced UnixFS DAG (dag-pb root) of raw 1 MiB leaves.
 *
 * Why not `createHelia()`: helia 7's libp2p dependencies now require Node 22 (nanoid 6, undici 8)
 * and the project's engine-strict npm refuses them on Node 20. This store needs no peer-to-peer
 * networking (blobs are served by the storage service; scale-out is a Kubo node or an IPFS Cluster
 * over the Kubo RPC API), so it uses Helia's storage layers directly: the same blocks, CIDs and
 * on-disk format a Helia or Kubo node would hold.
 *
 * blockstore-fs does not check what it reads, so every block is re-hashed against its CID's
 * multihash, and every whole blob against the SHA-256 recorded when it was pinned.
 */

interface CidLike {
  version: number;
  code: number;
  multihash: { code: number; digest: Uint8Array };
  toString(): string;
}
interface FsBlockstoreLike {
  open(): Promise<void>;
  close(): Promise<void>;
  put(cid: CidLike, bytes: Uint8Array): Promise<CidLike>;
  get(cid: CidLike): AsyncGenerator<Uint8Array>;
  has(cid: CidLike): Promise<boolean>;
}
interface DatastoreLike {
  open(): Promise<void>;
  close(): Promise<void>;
  put(key: unknown, value: Uint8Array): Promise<unknown>;
  get(key: unknown): Promise<Uint8Array>;
  has(key: unknown): Promise<boolean>;
}
interface UnixFsLike {
  addBytes(bytes: Uint8Array): Promise<CidLike>;
  cat(cid: CidLike): AsyncIterable<Uint8Array>;
}
interface HeliaModules {
  parseCid(text: string): CidLike;
  newKey(text: string): unknown;
  unixfs(components: { blockstore: unknown }): UnixFsLike;
  FsBlockstore: new (path: string) => FsBlockstoreLike;
  FsDatastore: new (path: string) => DatastoreLike;
}

const SHA2_256 = 0x12;

let modules: Promise<HeliaModules> | undefined;
function loadModules(): Promise<HeliaModules> {
  modules ??= (async () => {
    const [{ CID }, { unixfs }, { FsBlockstore }, { FsDatastore }, { Key }] = (await Promise.all([
      esmImport("multiformats/cid"),
      esmImport("@helia/unixfs"),
      esmImport("blockstore-fs"),
      esmImport("datastore-fs"),
      esmImport("interface-datastore"),
    ])) as [
      { CID: { parse(text: string): CidLike } },
      { unixfs: HeliaModules["unixfs"] },
      { FsBlockstore: HeliaModules["FsBlockstore"] },
      { FsDatastore: HeliaModules["FsDatastore"] },
      { Key: new (text: string) => unknown },
    ];
    return {
      parseCid: (text) => CID.parse(text),
      newKey: (text) => new Key(text),
      unixfs,
      FsBlockstore,
      FsDatastore,
    };
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

/** See the file comment. Open with {@link HeliaBlobStore.open}; call {@link HeliaBlobStore.stop} when done. */
export class HeliaBlobStore implements BlobStore {
  private constructor(
    private readonly modules: HeliaModules,
    private readonly blocks: FsBlockstoreLike,
    private readonly datastore: DatastoreLike,
    private readonly fs: UnixFsLike,
  ) {}

  static async open(options: HeliaBlobStoreOptions): Promise<HeliaBlobStore> {
    const m = await loadModules();
    await mkdir(options.folder, { recursive: true });
    const blocks = new m.FsBlockstore(join(options.folder, "blocks"));
    const datastore = new m.FsDatastore(join(options.folder, "datastore"));
    try {
      await blocks.open();
      await datastore.open();
    } catch (error) {
      throw new StorageError("The local IPFS store could not be opened.", { cause: error });
    }
    const verifying = {
      put: (cid: CidLike, bytes: Uint8Array) => blocks.put(cid, bytes),
      has: (cid: CidLike) => blocks.has(cid),
      get: (cid: CidLike) => verifiedBlock(blocks, cid),
    };
    return new HeliaBlobStore(m, blocks, datastore, m.unixfs({ blockstore: verifying }));
  }

  async put(bytes: Uint8Array, declaredHash: Hex): Promise<{ cid: string }> {
    const digest = await checkDeclaredHash(bytes, declaredHash);
    try {
      const cid = await this.fs.addBytes(bytes);
      const pin: PinRecord = { sha256: toHex(digest), size: bytes.length };
      await this.datastore.put(this.pinKey(cid), new TextEncoder().encode(JSON.stringify(pin)));
      return { cid: cid.toString() };
    } catch (error) {
      throw new StorageError("The file could not be stored.", { cause: error });
    }
  }

  async get(cid: string): Promise<Uint8Array> {
    const parsed = this.parse(cid);
    if (!(await this.blocks.has(parsed)))
      throw new StorageError("The file was not found in storage.", { details: cid });
    let bytes: Uint8Array;
    try {
      bytes = await collectBytes(this.fs.cat(parsed));
    } catch (error) {
      if (error instanceof IntegrityError) throw error;
      if (isNotFound(error))
        throw new StorageError("Part of the file is missing from storage.", { cause: error, details: cid });
      throw new StorageError("The file could not be read from storage.", { cause: error, details: cid });
    }
    const pin = await this.pinRecord(parsed);
    if (pin && (pin.size !== bytes.length || !equalBytes(await sha256(bytes), fromHex(pin.sha256)))) {
      throw new IntegrityError("The stored file is corrupt.", { details: cid });
    }
    return bytes;
  }

  /** Whether `cid` was stored (and pinned) here. */
  async isPinned(cid: string): Promise<boolean> {
    return this.datastore.has(this.pinKey(this.parse(cid)));
  }

  async stop(): Promise<void> {
    await this.blocks.close();
    await this.datastore.close();
  }

  private parse(cid: string): CidLike {
    try {
      const parsed = this.modules.parseCid(cid);
      if (parsed.version !== 1 || parsed.multihash.code !== SHA2_256) throw new Error("not CIDv1 sha2-256");
      return parsed;
    } catch (error) {
      throw new FormatError("This is not a storage address (CID) this store uses.", { cause: error });
    }
  }

  private pinKey(cid: CidLike): unknown {
    return this.modules.newKey(`/pins/${cid.toString()}`);
  }

  private async pinRecord(cid: CidLike): Promise<PinRecord | undefined> {
    const key = this.pinKey(cid);
    if (!(await this.datastore.has(key))) return undefined;
    return JSON.parse(new TextDecoder().decode(await this.datastore.get(key))) as PinRecord;
  }
}

/** One block, re-hashed against its CID before anyone sees it. */
async function* verifiedBlock(blocks: FsBlockstoreLike, cid: CidLike): AsyncGenerator<Uint8Array> {
  const bytes = await collectBytes(blocks.get(cid));
  if (cid.multihash.code !== SHA2_256 || !equalBytes(await sha256(bytes), cid.multihash.digest)) {
    throw new IntegrityError("The stored file is corrupt.", { details: `block ${cid.toString()} fails its hash` });
  }
  yield bytes;
}
