import { equalBytes, sha256 } from "../../lib/bytes";
import { FormatError } from "../../lib/errors";
import { esmImport } from "../../lib/esmImport";

/**
 * How a blob becomes IPFS blocks, in every store that keeps or checks blobs (HeliaBlobStore on
 * disk, KuboBlobStore over the Kubo RPC API): one definition, so a blob has the same CID in each.
 *
 * - A blob of at most {@link SINGLE_BLOCK_LIMIT} bytes is ONE raw block: CIDv1, raw codec,
 *   sha2-256, so its CID is its SHA-256 (`bafkrei…`, lib/api/rawCid.ts derives it without an
 *   IPFS library). Every envelope of a 1 MiB report (1,048,720 bytes) is one block, read and
 *   checked with one hash.
 * - A larger blob is a balanced UnixFS DAG (dag-pb root) of raw 1 MiB leaves, at most 174 links
 *   per node: Kubo's `add --cid-version=1 --raw-leaves --chunker=size-1048576`, and the layout every
 *   blob had before the single-block limit was raised from 1 MiB. Blobs stored then (DAGs of 1 MiB
 *   leaves, whatever their size) keep their CIDs and stay readable: a CID names its own layout.
 *
 * Why 2 MiB − 256 bytes: it is Kubo's largest accepted chunk (boxo `chunker.ChunkSizeLimit`, Kubo
 * 0.40 and later: the bitswap spec's 2 MiB block limit less 256 bytes of framing budget), so Kubo's
 * `add --chunker=size-2096896 --raw-leaves` makes the same single raw block; and a block that size
 * still fits one 2 MiB bitswap message (Helia's and boxo's message limit) with its CID and framing,
 * so peers can exchange it.
 */

/** The largest blob stored as one raw block: Kubo's `ChunkSizeLimit` (2 MiB − 256 bytes). */
export const SINGLE_BLOCK_LIMIT = 2 * 1024 * 1024 - 256;
/** Leaf size of the UnixFS DAG of a larger blob. */
export const DAG_CHUNK_SIZE = 1024 * 1024;
/** Kubo's balanced layout: at most 174 links per node. */
export const DAG_MAX_CHILDREN = 174;

/** Multicodec of a raw block, and of sha2-256. */
export const RAW_CODE = 0x55;
export const SHA2_256_CODE = 0x12;

/** The CID shape the stores use (multiformats' CID, typed by what is used of it). */
export interface LayoutCid {
  version: number;
  code: number;
  multihash: { code: number; digest: Uint8Array; bytes: Uint8Array };
  bytes: Uint8Array;
  toString(): string;
  equals(other: unknown): boolean;
}

/** A blockstore the UnixFS importer can write to. */
export interface ImportTarget {
  put(cid: LayoutCid, bytes: Uint8Array): Promise<LayoutCid>;
  has(cid: LayoutCid): Promise<boolean>;
}

export interface BlobLayout {
  parseCid(text: string): LayoutCid;
  /** The raw-block CID of a blob whose SHA-256 is `digest` (no hashing). */
  rawCid(digest: Uint8Array): LayoutCid;
  /** Whether a blob of `size` bytes is one raw block. */
  isSingleBlock(size: number): boolean;
  /**
   * The CID of `bytes` in this layout; `digest` (their SHA-256, already checked) spares hashing a
   * single-block blob again. Blocks of a DAG go to `into`, or are only hashed when it is omitted.
   */
  cidOf(bytes: Uint8Array, digest: Uint8Array, into?: ImportTarget): Promise<LayoutCid>;
  /**
   * The CID of `bytes` as a DAG of 1 MiB raw leaves whatever their size: what a DAG CID is checked
   * against (blobs of 1 to 2 MiB stored before the single-block limit was raised are such DAGs).
   */
  dagCidOf(bytes: Uint8Array, into?: ImportTarget): Promise<LayoutCid>;
  /** Whether `bytes` are the blob `cid` names (a raw block's hash, or a DAG of 1 MiB leaves recomputed). */
  names(cid: LayoutCid, bytes: Uint8Array): Promise<boolean>;
  /**
   * What a UnixFS DAG node block declares: the file size and its children (to tell a read cut
   * short by a missing block from corrupt content); undefined when it is no such node.
   */
  readDagNode(block: Uint8Array): { fileSize: bigint; links: LayoutCid[] } | undefined;
}

/** Deeper than any DAG of a 2^31-byte blob (174 links per node, 1 MiB leaves: depth 3). */
const MAX_DAG_DEPTH = 8;

/**
 * The first leaf of the blob under `root`, descending the first link of each DAG node: the whole
 * blob when `root` is one raw block. `readBlock` must check each block against its CID; a node
 * that is not a UnixFS file node of raw leaves (not a layout this service writes) is a FormatError.
 */
export async function readFirstLeaf(
  layout: BlobLayout,
  root: LayoutCid,
  readBlock: (cid: LayoutCid) => Promise<Uint8Array>,
): Promise<{ bytes: Uint8Array; whole: boolean }> {
  let cid = root;
  for (let depth = 0; depth < MAX_DAG_DEPTH; depth++) {
    const block = await readBlock(cid);
    if (cid.code === RAW_CODE) return { bytes: block, whole: depth === 0 };
    const first = layout.readDagNode(block)?.links[0];
    if (!first) break;
    cid = first;
  }
  throw new FormatError("This file is not stored in a layout this service reads.", { details: root.toString() });
}

let loaded: Promise<BlobLayout> | undefined;

/** The layout, its ESM modules loaded once. */
export function loadBlobLayout(): Promise<BlobLayout> {
  loaded ??= (async () => {
    const [{ CID }, Digest, { importBytes }, { fixedSize }, { balanced }, dagPb, { UnixFS }] = (await Promise.all([
      esmImport("multiformats/cid"),
      esmImport("multiformats/hashes/digest"),
      esmImport("ipfs-unixfs-importer"),
      esmImport("ipfs-unixfs-importer/chunker"),
      esmImport("ipfs-unixfs-importer/layout"),
      esmImport("@ipld/dag-pb"),
      esmImport("ipfs-unixfs"),
    ])) as [
      {
        CID: {
          parse(text: string): LayoutCid;
          createV1(code: number, digest: unknown): LayoutCid;
        };
      },
      { create(code: number, digest: Uint8Array): unknown },
      { importBytes(bytes: Uint8Array, target: ImportTarget, options: unknown): Promise<{ cid: LayoutCid }> },
      { fixedSize(o: { chunkSize: number }): unknown },
      { balanced(o: { maxChildrenPerNode: number }): unknown },
      { decode(bytes: Uint8Array): { Data?: Uint8Array; Links: { Hash: LayoutCid }[] } },
      { UnixFS: { unmarshal(bytes: Uint8Array): { fileSize(): bigint } } },
    ];
    const dagOptions = {
      cidVersion: 1,
      rawLeaves: true,
      reduceSingleLeafToSelf: true,
      chunker: fixedSize({ chunkSize: DAG_CHUNK_SIZE }),
      layout: balanced({ maxChildrenPerNode: DAG_MAX_CHILDREN }),
    };
    // Blocks only hashed, never kept.
    const discard: ImportTarget = { put: async (cid) => cid, has: async () => false };
    const rawCid = (digest: Uint8Array) => CID.createV1(RAW_CODE, Digest.create(SHA2_256_CODE, digest));
    const isSingleBlock = (size: number) => size <= SINGLE_BLOCK_LIMIT;
    const dagCidOf = async (bytes: Uint8Array, into?: ImportTarget) =>
      (await importBytes(bytes, into ?? discard, dagOptions)).cid;
    return {
      parseCid: (text) => CID.parse(text),
      rawCid,
      isSingleBlock,
      cidOf: async (bytes, digest, into) => (isSingleBlock(bytes.length) ? rawCid(digest) : dagCidOf(bytes, into)),
      dagCidOf,
      async names(cid, bytes) {
        if (cid.code === RAW_CODE) {
          return cid.multihash.code === SHA2_256_CODE && equalBytes(await sha256(bytes), cid.multihash.digest);
        }
        return (await dagCidOf(bytes)).equals(cid);
      },
      readDagNode(block) {
        try {
          const node = dagPb.decode(block);
          if (!node.Data) return undefined;
          return { fileSize: UnixFS.unmarshal(node.Data).fileSize(), links: node.Links.map((link) => link.Hash) };
        } catch {
          return undefined;
        }
      },
    };
  })();
  return loaded;
}
