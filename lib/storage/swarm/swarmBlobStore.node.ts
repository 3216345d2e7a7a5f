import { sha256, toHex } from "../../bytes";
import type { Hex } from "../../crypto/identity";
import { FormatError, IntegrityError, StorageError } from "../../errors";
import { checkDeclaredHash } from "../blobInput";
import type { BlobStore } from "../types";
import { signRequest } from "./peerAuth.node";
import type { SwarmNode } from "./swarmNode.node";
import { SHA256_HEADER } from "./swarmNode.node";
import { esmImport } from "../../esmImport";

interface CidLike {
  version: number;
  multihash: { code: number };
  toString(): string;
  equals(other: unknown): boolean;
}
interface CidModules {
  parseCid(text: string): CidLike;
  /** The CID {@link HeliaBlobStore} gives these bytes (same importer and defaults), blocks discarded. */
  cidOf(bytes: Uint8Array): Promise<CidLike>;
}

const SHA2_256 = 0x12;

let modules: Promise<CidModules> | undefined;
function loadModules(): Promise<CidModules> {
  modules ??= (async () => {
    const [{ CID }, { unixfs }] = (await Promise.all([esmImport("multiformats/cid"), esmImport("@helia/unixfs")])) as [
      { CID: { parse(text: string): CidLike } },
      { unixfs(c: { blockstore: unknown }): { addBytes(b: Uint8Array): Promise<CidLike> } },
    ];
    const discard = { put: async (cid: CidLike) => cid, has: async () => false };
    const fs = unixfs({ blockstore: discard });
    return { parseCid: (text) => CID.parse(text), cidOf: (bytes) => fs.addBytes(bytes) };
  })();
  return modules;
}

export interface SwarmBlobStoreOptions {
  /** This process's own node: blobs are stored here first and read from here first. */
  local: SwarmNode;
  /** The other nodes' URLs, in the order they are asked. */
  peers: string[];
  /** The swarm's pre-shared key (the one the nodes were started with). */
  swarmKey: Uint8Array;
  /** Copies (this node included) a `put` must reach before it resolves. @default 2 */
  replicas?: number;
  /** Per-request timeout in milliseconds. @default 30000 */
  timeoutMs?: number;
}

/**
 * A BlobStore over a private swarm of {@link SwarmNode}s: `put` pins the blob on this node and on
 * peers until `replicas` nodes hold it (so one node down loses nothing), `get` reads it from this
 * node or else from the first peer that holds it.
 *
 * Peers are not trusted: a pushed copy counts only if the peer names the same CID, and bytes
 * fetched from a peer are re-imported here and must give the CID that was asked for (a raw-leaf
 * CID is the blob's SHA-256, a DAG root commits to every leaf) before they are used or kept. A
 * verified copy is pinned locally, as a bitswap fetch would cache it.
 */
export class SwarmBlobStore implements BlobStore {
  private readonly replicas: number;
  private readonly timeoutMs: number;

  constructor(private readonly options: SwarmBlobStoreOptions) {
    this.replicas = options.replicas ?? 2;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    if (!Number.isInteger(this.replicas) || this.replicas < 1 || this.replicas > options.peers.length + 1) {
      throw new RangeError("replicas must be between 1 and the number of nodes.");
    }
  }

  async put(bytes: Uint8Array, declaredHash: Hex): Promise<{ cid: string }> {
    const digest = await checkDeclaredHash(bytes, declaredHash);
    const hash = toHex(digest);
    const { cid } = await this.options.local.store.put(bytes, hash);
    let copies = 1;
    for (const peer of this.options.peers) {
      if (copies >= this.replicas) break;
      if (await this.pushTo(peer, bytes, hash, cid)) copies += 1;
    }
    if (copies < this.replicas) {
      throw new StorageError("The file could not be replicated to enough storage nodes.", {
        details: `${copies} of ${this.replicas} copies`,
      });
    }
    return { cid };
  }

  async get(cid: string): Promise<Uint8Array> {
    const m = await loadModules();
    const wanted = parse(m, cid);
    const local = this.options.local.store;
    if (await local.isPinned(cid)) return local.get(cid);
    let corrupt = false;
    for (const peer of this.options.peers) {
      const bytes = await this.fetchFrom(peer, cid);
      if (!bytes) continue;
      if (!(await m.cidOf(bytes)).equals(wanted)) {
        corrupt = true;
        continue;
      }
      await local.put(bytes, toHex(await sha256(bytes)));
      return bytes;
    }
    if (corrupt) throw new IntegrityError("Storage nodes returned a corrupt file.", { details: cid });
    throw new StorageError("The file was not found on any storage node.", { details: cid });
  }

  /** Whether `peer` now pins the blob under the same CID; a peer that is down or refuses is skipped. */
  private async pushTo(peer: string, bytes: Uint8Array, hash: Hex, cid: string): Promise<boolean> {
    try {
      const response = await fetch(`${peer}/blobs`, {
        method: "PUT",
        headers: { [SHA256_HEADER]: hash, ...signRequest(this.options.swarmKey, "PUT", "/blobs", hash.slice(2)) },
        body: bytes as Uint8Array<ArrayBuffer>, // blobs are never on shared memory
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!response.ok) return false;
      const answer = (await response.json()) as { cid?: unknown };
      return answer.cid === cid;
    } catch {
      return false;
    }
  }

  /** The bytes `peer` serves for `cid`, or undefined when it does not hold them or cannot be reached. */
  private async fetchFrom(peer: string, cid: string): Promise<Uint8Array | undefined> {
    const path = `/blobs/${encodeURIComponent(cid)}`;
    try {
      const response = await fetch(`${peer}${path}`, {
        headers: signRequest(this.options.swarmKey, "GET", path),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!response.ok) return undefined;
      return new Uint8Array(await response.arrayBuffer());
    } catch {
      return undefined;
    }
  }
}

function parse(m: CidModules, cid: string): CidLike {
  try {
    const parsed = m.parseCid(cid);
    if (parsed.version !== 1 || parsed.multihash.code !== SHA2_256) throw new Error("not CIDv1 sha2-256");
    return parsed;
  } catch (error) {
    throw new FormatError("This is not a storage address (CID) this store uses.", { cause: error });
  }
}
