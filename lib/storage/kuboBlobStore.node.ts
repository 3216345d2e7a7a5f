import { FormatError, IntegrityError, StorageError } from "../errors";
import type { Hex } from "../crypto/identity";
import { checkDeclaredHash, collectBytes } from "./blobInput";
import type { BlobStore } from "./types";
import { esmImport } from "../esmImport";

/**
 * Blobs in a Kubo node (or an IPFS Cluster proxy) over the Kubo RPC API, through kubo-rpc-client:
 * what the storage service uses instead of its embedded store when `IPFS_API_URL` is set, so blocks
 * can be replicated and pinned by a cluster.
 *
 * Layout: `add` with CIDv1, raw leaves, sha2-256, 1 MiB fixed-size chunks and Kubo's balanced
 * layout (174 links per node), pinned in the same call. For every blob up to 174 MiB (uploads are
 * capped at 50 MiB) that is exactly the layout of {@link HeliaBlobStore}, so a blob has the same CID
 * in either store and a deployment can move between them.
 *
 * The node is not trusted: before an upload the CID is computed here from the bytes (the same
 * UnixFS importer, blocks discarded) and the node's answer must equal it; after a `cat` the CID is
 * computed again from the bytes received and must equal the one asked for (which covers the whole
 * blob's SHA-256: a raw-leaf CID is that hash, a DAG root commits to every leaf). Reads are
 * `offline`, so a missing CID is reported at once instead of being searched for on the network.
 */

interface CidLike {
  version: number;
  multihash: { code: number };
  toString(): string;
  equals(other: unknown): boolean;
}
interface KuboClient {
  add(bytes: Uint8Array, options: Record<string, unknown>): Promise<{ cid: CidLike; size: number }>;
  cat(cid: CidLike, options: Record<string, unknown>): AsyncIterable<Uint8Array>;
  version(options?: Record<string, unknown>): Promise<{ version: string }>;
}
interface KuboModules {
  create(options: { url: string; timeout?: number }): KuboClient;
  parseCid(text: string): CidLike;
  /** The CID Kubo's `add` (with {@link ADD_OPTIONS}) gives these bytes, computed locally. */
  cidOf(bytes: Uint8Array): Promise<CidLike>;
}

const SHA2_256 = 0x12;
const CHUNK_SIZE = 1_048_576;
/** Kubo's balanced layout: at most 174 links per node. */
const KUBO_MAX_CHILDREN = 174;
/** What `add` is asked for (kubo-rpc-client turns the names into Kubo's kebab-case flags). */
const ADD_OPTIONS = {
  cidVersion: 1,
  rawLeaves: true,
  hashAlg: "sha2-256",
  chunker: `size-${CHUNK_SIZE}`,
  pin: true,
} as const;

let modules: Promise<KuboModules> | undefined;
function loadModules(): Promise<KuboModules> {
  modules ??= (async () => {
    const [{ create }, { CID }, { unixfs }, { fixedSize }, { balanced }] = (await Promise.all([
      esmImport("kubo-rpc-client"),
      esmImport("multiformats/cid"),
      esmImport("@helia/unixfs"),
      esmImport("ipfs-unixfs-importer/chunker"),
      esmImport("ipfs-unixfs-importer/layout"),
    ])) as [
      { create: KuboModules["create"] },
      { CID: { parse(text: string): CidLike } },
      { unixfs(c: { blockstore: unknown }): { addBytes(b: Uint8Array, o: unknown): Promise<CidLike> } },
      { fixedSize(o: { chunkSize: number }): unknown },
      { balanced(o: { maxChildrenPerNode: number }): unknown },
    ];
    // Blocks are only hashed, never kept: the importer needs somewhere to put them.
    const discard = { put: async (cid: CidLike) => cid, has: async () => false };
    const fs = unixfs({ blockstore: discard });
    return {
      create,
      parseCid: (text) => CID.parse(text),
      cidOf: (bytes) =>
        fs.addBytes(bytes, {
          cidVersion: 1,
          rawLeaves: true,
          chunker: fixedSize({ chunkSize: CHUNK_SIZE }),
          layout: balanced({ maxChildrenPerNode: KUBO_MAX_CHILDREN }),
        }),
    };
  })();
  return modules;
}

/** Whether a Kubo error says the content is not held (offline `cat` of an unknown block). */
function isNotHeld(error: unknown): boolean {
  const message = String((error as { message?: unknown })?.message ?? "");
  return /not found locally|could not find|not found/i.test(message);
}

export interface KuboBlobStoreOptions {
  /** The Kubo RPC API, e.g. "http://127.0.0.1:5001" (`IPFS_API_URL`). */
  url: string;
  /** Per-request timeout in milliseconds. @default 60000 */
  timeoutMs?: number;
}

/** See the file comment. Open with {@link KuboBlobStore.open}. */
export class KuboBlobStore implements BlobStore {
  private constructor(
    private readonly modules: KuboModules,
    private readonly client: KuboClient,
  ) {}

  static async open(options: KuboBlobStoreOptions): Promise<KuboBlobStore> {
    const m = await loadModules();
    let client: KuboClient;
    try {
      client = m.create({ url: options.url, timeout: options.timeoutMs ?? 60_000 });
    } catch (error) {
      throw new StorageError("The IPFS node address is not valid.", { cause: error });
    }
    return new KuboBlobStore(m, client);
  }

  async put(bytes: Uint8Array, declaredHash: Hex): Promise<{ cid: string }> {
    await checkDeclaredHash(bytes, declaredHash);
    const expected = await this.modules.cidOf(bytes);
    let added: { cid: CidLike };
    try {
      added = await this.client.add(bytes, ADD_OPTIONS);
    } catch (error) {
      throw new StorageError("The file could not be stored.", { cause: error, details: "Kubo add failed" });
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
      if (isNotHeld(error))
        throw new StorageError("The file was not found in storage.", { cause: error, details: cid });
      throw new StorageError("The file could not be read from storage.", { cause: error, details: cid });
    }
    if (!(await this.modules.cidOf(bytes)).equals(parsed)) {
      throw new IntegrityError("The stored file is corrupt.", {
        details: `${cid}: the ${bytes.length} bytes from the node hash to another CID`,
      });
    }
    return bytes;
  }

  /** The node's version: it answers (readiness). StorageError when it does not. */
  async version(): Promise<string> {
    try {
      return (await this.client.version()).version;
    } catch (error) {
      throw new StorageError("The IPFS node cannot be reached.", { cause: error });
    }
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
}
