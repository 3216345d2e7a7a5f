import { FormatError, IntegrityError, NotFoundError, StorageError } from "../../lib/errors";
import type { Hex } from "viem";
import { equalBytes, sha256 } from "../../lib/bytes";
import { checkDeclaredHash, collectBytes } from "../../lib/storage/blobInput";
import { digestOf } from "./digest";
import {
  DAG_CHUNK_SIZE,
  loadBlobLayout,
  RAW_CODE,
  readFirstLeaf,
  SHA2_256_CODE,
  SINGLE_BLOCK_LIMIT,
  type BlobLayout,
  type LayoutCid,
} from "./blobLayout";
import type { BlobStart, ManagedBlobStore } from "../../lib/storage/types";
import { esmImport } from "../../lib/esmImport";

/**
 * Blobs in a Kubo node (or an IPFS Cluster proxy) over the Kubo RPC API, through kubo-rpc-client:
 * what the storage service uses instead of its embedded store when `IPFS_API_URL` is set, so blocks
 * can be replicated and pinned by a cluster.
 *
 * Layout (offchain-api/storage/blobLayout.ts, the same CIDs as HeliaBlobStore): `add` with CIDv1, raw
 * leaves, sha2-256, Kubo's balanced layout, pinned in the same call; the chunk size is the blob's
 * own size up to 2 MiB − 256 bytes (`--chunker=size-2096896`: one raw block whose CID is the
 * blob's SHA-256) and 1 MiB above (a DAG of 1 MiB raw leaves). A blob of at most 1 MiB asks for
 * `size-1048576`, which every Kubo accepts; one between 1 MiB and the limit needs Kubo 0.40 or later,
 * and a node that refuses chunks over 1 MiB (an older Kubo, or a proxy on an older boxo) gets it as
 * a DAG of 1 MiB leaves instead: the layout such blobs had before, which every store reads.
 *
 * The node is not trusted: before an upload the CID is computed here from the bytes and the node's
 * answer must equal it; after a `cat` the bytes received must hash to the CID asked for (a raw
 * block's CID is the blob's SHA-256; a DAG's CID is recomputed). Kubo reports a block missing in the
 * middle of a `cat` only in an `X-Stream-Error` HTTP trailer after a 200, which kubo-rpc-client does
 * not read (and proxies often drop): a DAG read that comes back shorter than the file size its root
 * block declares is therefore a missing part (NotFoundError), not corrupt content, and
 * nothing of it is served. Reads are `offline`, so a missing CID is reported at once instead of
 * being searched for on the network.
 *
 * `readStart` reads the first block only (`block/get` of the root, then of each first link down to
 * the first raw leaf, each hashed against its CID), so a refused download never reads the rest.
 * `remove` is `pin rm`: the node's garbage collector frees the blocks no other pin holds.
 *
 * Credentials for a protected RPC (Kubo's `API.Authorizations`, or a proxy in front of Kubo or of
 * an IPFS Cluster) go in an `Authorization` header, never in the URL or in an error.
 */

interface KuboClient {
  add(bytes: Uint8Array, options: Record<string, unknown>): Promise<{ cid: LayoutCid; size: number }>;
  cat(cid: LayoutCid, options: Record<string, unknown>): AsyncIterable<Uint8Array>;
  block: { get(cid: LayoutCid, options: Record<string, unknown>): Promise<Uint8Array> };
  pin: {
    ls(options: Record<string, unknown>): AsyncIterable<{ cid: LayoutCid; type: string }>;
    rm(cid: LayoutCid, options: Record<string, unknown>): Promise<LayoutCid>;
  };
  version(options?: Record<string, unknown>): Promise<{ version: string }>;
}
interface KuboModules {
  create(options: { url: string; timeout?: number; headers?: Record<string, string> }): KuboClient;
  layout: BlobLayout;
}

let modules: Promise<KuboModules> | undefined;
function loadModules(): Promise<KuboModules> {
  modules ??= (async () => {
    const [{ create }, layout] = (await Promise.all([esmImport("kubo-rpc-client"), loadBlobLayout()])) as [
      { create: KuboModules["create"] },
      BlobLayout,
    ];
    return { create, layout };
  })();
  return modules;
}

/** What `add` is asked for a blob of `size` bytes (kubo-rpc-client turns the names into Kubo's flags). */
export function addOptions(size: number) {
  const chunk = size > DAG_CHUNK_SIZE && size <= SINGLE_BLOCK_LIMIT ? SINGLE_BLOCK_LIMIT : DAG_CHUNK_SIZE;
  return { cidVersion: 1, rawLeaves: true, hashAlg: "sha2-256", chunker: `size-${chunk}`, pin: true } as const;
}

/** The HTTP status of a kubo-rpc-client error, when the node answered one. */
function statusOf(error: unknown): number | undefined {
  const status = (error as { response?: { status?: unknown } })?.response?.status;
  return typeof status === "number" ? status : undefined;
}

/** Whether a Kubo error says the content is not held (offline `cat` of an unknown block). */
function isNotHeld(error: unknown): boolean {
  const message = String((error as { message?: unknown })?.message ?? "");
  return /not found locally|could not find|not found/i.test(message);
}

/** Whether a Kubo error says the CID is not pinned (`pin ls` / `pin rm` of a CID it does not pin). */
function isNotPinned(error: unknown): boolean {
  return /not pinned/i.test(String((error as { message?: unknown })?.message ?? ""));
}

/** Whether Kubo refused the chunk size (boxo's `ErrSizeMax`: a Kubo older than 0.40, for 1-2 MiB). */
function isChunkRefused(error: unknown): boolean {
  return /chunker parameters may not exceed the maximum chunk size/i.test(String((error as Error)?.message));
}

/**
 * A StorageError for a failed call, with what a person can act on and never the credentials (the
 * node's own message stays in `cause`, which the service does not log or send).
 */
function storageFailure(error: unknown, what: string, details?: string): StorageError {
  const status = statusOf(error);
  if (status === 401 || status === 403) {
    return new StorageError("The IPFS node refused this service's credentials.", {
      cause: error,
      details: "check IPFS_API_USER and IPFS_API_PASSWORD, or IPFS_API_TOKEN",
    });
  }
  return new StorageError(what, { cause: error, details });
}

export interface KuboBlobStoreOptions {
  /** The Kubo RPC API, e.g. "http://127.0.0.1:5001" (`IPFS_API_URL`, without credentials). */
  url: string;
  /** The `Authorization` header for a protected RPC ("Basic …" or "Bearer …"). */
  authorization?: string;
  /** Per-request timeout in milliseconds. @default 60000 */
  timeoutMs?: number;
}

/** See the file comment. Open with {@link KuboBlobStore.open}. */
export class KuboBlobStore implements ManagedBlobStore {
  private constructor(
    private readonly layout: BlobLayout,
    private readonly client: KuboClient,
  ) {}

  static async open(options: KuboBlobStoreOptions): Promise<KuboBlobStore> {
    const m = await loadModules();
    let client: KuboClient;
    try {
      if (new URL(options.url).username || new URL(options.url).password) throw new Error("credentials in the URL");
      const headers = options.authorization ? { Authorization: options.authorization } : undefined;
      client = m.create({ url: options.url, timeout: options.timeoutMs ?? 60_000, headers });
    } catch {
      // The URL may hold credentials: neither it nor the parser's message goes into the error.
      throw new StorageError("The IPFS node address is not valid.", { details: "a http(s) URL without credentials" });
    }
    return new KuboBlobStore(m.layout, client);
  }

  async put(bytes: Uint8Array, declaredHash: Hex): Promise<{ cid: string; alreadyStored: boolean }> {
    const digest = await checkDeclaredHash(bytes, declaredHash, digestOf);
    const expected = await this.layout.cidOf(bytes, digest);
    const alreadyStored = await this.isPinned(expected);
    try {
      return { ...(await this.add(bytes, expected, addOptions(bytes.length))), alreadyStored };
    } catch (error) {
      if (!isChunkRefused(error) || !(bytes.length > DAG_CHUNK_SIZE)) throw error;
      // A node that refuses chunks over 1 MiB (Kubo before 0.40, or a proxy built on an older boxo):
      // the blob is stored in the layout every store read before, a DAG of 1 MiB leaves.
      const dag = await this.layout.dagCidOf(bytes);
      const dagStored = await this.isPinned(dag);
      const stored = await this.add(bytes, dag, { ...addOptions(bytes.length), chunker: `size-${DAG_CHUNK_SIZE}` });
      return { ...stored, alreadyStored: dagStored };
    }
  }

  /** Whether the node pins `cid` (recursively): what `put` reports as already stored. */
  private async isPinned(cid: LayoutCid): Promise<boolean> {
    try {
      for await (const pin of this.client.pin.ls({ paths: [cid], type: "recursive" })) {
        if (pin.cid.equals(cid)) return true;
      }
      return false;
    } catch (error) {
      if (isNotPinned(error)) return false;
      throw storageFailure(error, "The file could not be stored.", "Kubo pin ls failed");
    }
  }

  async readStart(cid: string): Promise<BlobStart> {
    const parsed = this.parse(cid);
    return readFirstLeaf(this.layout, parsed, async (block) => {
      let bytes: Uint8Array;
      try {
        bytes = await this.block(block);
      } catch (error) {
        if (statusOf(error) === 500 && isNotHeld(error)) {
          const root = block.equals(parsed);
          throw new NotFoundError(
            root ? "The file was not found in storage." : "Part of the file is missing from storage.",
            {
              cause: error,
              details: cid,
            },
          );
        }
        throw storageFailure(error, "The file could not be read from storage.", cid);
      }
      // The node is not trusted: every block is checked against its CID before anything is decided from it.
      if (!equalBytes(await sha256(bytes), block.multihash.digest)) throw this.corrupt(cid, bytes);
      return bytes;
    });
  }

  async remove(cid: string): Promise<void> {
    try {
      await this.client.pin.rm(this.parse(cid), { recursive: true });
    } catch (error) {
      if (isNotPinned(error)) return;
      throw storageFailure(error, "The file could not be removed from storage.", cid);
    }
  }

  /** `add` with `options`, checked to answer `expected`. */
  private async add(
    bytes: Uint8Array,
    expected: LayoutCid,
    options: Record<string, unknown>,
  ): Promise<{ cid: string }> {
    let added: { cid: LayoutCid };
    try {
      added = await this.client.add(bytes, options);
    } catch (error) {
      if (isChunkRefused(error)) throw error;
      throw storageFailure(error, "The file could not be stored.", "Kubo add failed");
    }
    if (!added.cid.equals(expected)) {
      throw new IntegrityError("The IPFS node stored the file under another address than its content's.", {
        details: `expected ${expected.toString()}, the node answered ${added.cid.toString()}`,
      });
    }
    return { cid: expected.toString() };
  }

  async get(cid: string): Promise<Uint8Array> {
    const parsed = this.parse(cid);
    let bytes: Uint8Array;
    try {
      bytes = await collectBytes(this.client.cat(parsed, { offline: true }));
    } catch (error) {
      if (statusOf(error) === 500 && isNotHeld(error)) {
        throw new NotFoundError("The file was not found in storage.", { cause: error, details: cid });
      }
      throw storageFailure(error, "The file could not be read from storage.", cid);
    }
    if (await this.layout.names(parsed, bytes)) return bytes;
    if (parsed.code === RAW_CODE) throw this.corrupt(cid, bytes);
    // Shorter than the root says and a block the node does not hold: it went missing mid-stream
    // (what Kubo's X-Stream-Error trailer said). Anything else is corrupt content.
    const missing = await this.missingBlock(parsed, bytes.length);
    if (missing) {
      throw new NotFoundError("The file was not found in storage.", {
        details: `${cid}: part of it is missing (block ${missing})`,
      });
    }
    throw this.corrupt(cid, bytes);
  }

  /**
   * A block of the DAG under `root` that the node does not hold, when the `received` bytes fall
   * short of the size the root declares; undefined otherwise.
   */
  private async missingBlock(root: LayoutCid, received: number): Promise<string | undefined> {
    const rootNode = this.layout.readDagNode(await this.block(root).catch(() => new Uint8Array()));
    if (!rootNode || BigInt(received) >= rootNode.fileSize) return undefined;
    const pending = [...rootNode.links];
    for (let cid = pending.shift(); cid; cid = pending.shift()) {
      const block = await this.block(cid).catch((error: unknown) => (isNotHeld(error) ? undefined : new Uint8Array()));
      if (!block) return cid.toString();
      if (cid.code !== RAW_CODE) pending.push(...(this.layout.readDagNode(block)?.links ?? []));
    }
    return undefined;
  }

  /** The node's version: it answers (readiness). StorageError when it does not. */
  async version(): Promise<string> {
    try {
      return (await this.client.version()).version;
    } catch (error) {
      throw storageFailure(error, "The IPFS node cannot be reached.");
    }
  }

  private block(cid: LayoutCid): Promise<Uint8Array> {
    return this.client.block.get(cid, { offline: true });
  }

  private corrupt(cid: string, bytes: Uint8Array): IntegrityError {
    return new IntegrityError("The stored file is corrupt.", {
      details: `${cid}: the ${bytes.length} bytes from the node hash to another CID`,
    });
  }

  private parse(cid: string): LayoutCid {
    try {
      const parsed = this.layout.parseCid(cid);
      if (parsed.version !== 1 || parsed.multihash.code !== SHA2_256_CODE) throw new Error("not CIDv1 sha2-256");
      return parsed;
    } catch (error) {
      throw new FormatError("This is not a storage address (CID) this store uses.", { cause: error });
    }
  }
}
