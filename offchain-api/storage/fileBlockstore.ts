import fs from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { equalBytes } from "../../lib/bytes";
import { digestOf } from "./digest";
import { IntegrityError } from "../../lib/errors";
import { stageFile, type StagedFile } from "./atomicFile";
import { SHA2_256_CODE, type LayoutCid } from "./blobLayout";

/** The parts of blockstore-fs's FsBlockstore this store builds on. */
export interface FsBlockstoreLike {
  /** The folder (absolute). */
  readonly path: string;
  /** blockstore-fs's sharding: `<last 2 chars>/<base32upper multihash>.data` by default. */
  readonly shardingStrategy: { encode(cid: LayoutCid): { dir: string; file: string } };
  open(): Promise<void>;
  close(): Promise<void>;
  delete(cid: LayoutCid, options?: unknown): Promise<void>;
  getAll(options?: unknown): AsyncGenerator<unknown>;
  deleteMany(source: unknown, options?: unknown): AsyncGenerator<unknown>;
}

type AnyIterable<T> = Iterable<T> | AsyncIterable<T>;

/** What interface-store calls a missing key (Helia and the UnixFS exporter test `name`). */
export class BlockNotFoundError extends Error {
  override name = "NotFoundError";
  readonly code = "ERR_NOT_FOUND";
}

/**
 * Blocks on disk in blockstore-fs's exact layout (its own sharding strategy names every file, so a
 * data folder written by either is read by the other), with faster paths where it matters:
 *
 * - `put`: one write to a uniquely named temporary file, fsync, rename (blockstore-fs shares one
 *   temporary name per block, so concurrent writers of the same block fail the rename and retry
 *   every 100 ms, and it never fsyncs); a block whose file already exists with the right size is
 *   not written again (content addressing: same CID, same bytes; a corrupt one fails its hash on
 *   read); the shard folder is created only when missing. `stage` lets a caller fsync a block
 *   and its pin together and commit them in order.
 * - `get`: the whole file in one read, re-hashed against the CID's multihash before anyone sees it
 *   (blockstore-fs streams it and checks nothing).
 *
 * Listing and deleting are blockstore-fs's, so Helia (pins, GC, bitswap) can
 * run on this store as on an FsBlockstore.
 */
export class FileBlockstore {
  constructor(readonly base: FsBlockstoreLike) {}

  /** The file that holds (or would hold) `cid`. */
  fileOf(cid: LayoutCid): string {
    const { dir, file } = this.base.shardingStrategy.encode(cid);
    return join(this.base.path, dir, file);
  }

  open(): Promise<void> {
    return this.base.open();
  }

  close(): Promise<void> {
    return this.base.close();
  }

  /**
   * Writes `bytes` for `cid` under a temporary name, fsynced, ready to be committed into place; the
   * caller vouches that they hash to it. Undefined when a file of that size is already there.
   */
  async stage(cid: LayoutCid, bytes: Uint8Array): Promise<StagedFile | undefined> {
    const file = this.fileOf(cid);
    if ((await sizeOf(file)) === bytes.length) return undefined;
    return stageFile(file, bytes);
  }

  /** Stores `bytes` under `cid` durably (interface-blockstore; what the UnixFS importer calls). */
  async put(cid: LayoutCid, bytes: Uint8Array): Promise<LayoutCid> {
    await (await this.stage(cid, bytes))?.commit();
    return cid;
  }

  /** The block's bytes, checked against its CID: BlockNotFoundError when absent, IntegrityError when corrupt. */
  async read(cid: LayoutCid): Promise<Uint8Array> {
    let bytes: Uint8Array;
    try {
      bytes = await readWhole(this.fileOf(cid));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        throw new BlockNotFoundError(`block ${cid.toString()} is not stored here`, { cause: error });
      }
      throw error;
    }
    if (cid.multihash.code !== SHA2_256_CODE || !equalBytes(await digestOf(bytes), cid.multihash.digest)) {
      throw new IntegrityError("The stored file is corrupt.", { details: `block ${cid.toString()} fails its hash` });
    }
    return bytes;
  }

  async *get(cid: LayoutCid): AsyncGenerator<Uint8Array> {
    yield await this.read(cid);
  }

  async has(cid: LayoutCid): Promise<boolean> {
    return (await sizeOf(this.fileOf(cid))) !== undefined;
  }

  delete(cid: LayoutCid, options?: unknown): Promise<void> {
    return this.base.delete(cid, options);
  }

  getAll(options?: unknown): AsyncGenerator<unknown> {
    return this.base.getAll(options);
  }

  async *getMany(cids: AnyIterable<LayoutCid>): AsyncGenerator<{ cid: LayoutCid; bytes: AsyncGenerator<Uint8Array> }> {
    for await (const cid of cids) yield { cid, bytes: this.get(cid) };
  }

  async *putMany(blocks: AnyIterable<{ cid: LayoutCid; bytes: Uint8Array }>): AsyncGenerator<LayoutCid> {
    for await (const { cid, bytes } of blocks) yield await this.put(cid, bytes);
  }

  deleteMany(source: unknown, options?: unknown): AsyncGenerator<unknown> {
    return this.base.deleteMany(source, options);
  }
}

/** What {@link readWhole} reads in its first try: most blocks (a 1 KB envelope, a key backup) fit. */
const FIRST_READ_BYTES = 16 * 1024;

/**
 * The whole of `file`: open, one read of up to {@link FIRST_READ_BYTES}, and only when that filled
 * its buffer the rest by `readFile`; the descriptor is closed without waiting. Two thread-pool turns
 * for a small block where `fs.promises.readFile` takes four (open, fstat, read, close), each with a
 * FileHandle object.
 */
function readWhole(file: string): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    fs.open(file, "r", (openError, fd) => {
      if (openError) return reject(openError);
      const buffer = Buffer.allocUnsafe(FIRST_READ_BYTES);
      fs.read(fd, buffer, 0, FIRST_READ_BYTES, 0, (readError, bytesRead) => {
        if (readError || bytesRead === FIRST_READ_BYTES) {
          fs.close(fd, () => undefined);
          if (readError) return reject(readError);
          return readFile(file).then(resolve, reject);
        }
        fs.close(fd, () => undefined);
        resolve(buffer.subarray(0, bytesRead));
      });
    });
  });
}

/** The size of `file`, or undefined when there is none. */
async function sizeOf(file: string): Promise<number | undefined> {
  try {
    return (await stat(file)).size;
  } catch {
    return undefined;
  }
}
