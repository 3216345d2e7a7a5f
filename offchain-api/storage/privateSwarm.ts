import path from "node:path";
import type { Logger } from "pino";
import { sha256, toHex } from "../../lib/bytes";
import type { Hex } from "viem";
import { esmImport } from "../../lib/esmImport";
import { FormatError, StorageError } from "../../lib/errors";
import { loadOrCreatePeerKey, type PeerPrivateKey } from "./peerIdentity";
import { patchPnetCipher } from "./pnetCipher";
import type { SwarmKey } from "./swarmKey";

/**
 * The private IPFS network of our service instances: a Helia node (helia 7, libp2p 3) over the
 * service's own block store, speaking the real IPFS protocols, so the same swarm.key also admits a
 * Kubo node or an IPFS Cluster peer.
 *
 * - Transport: TCP, then the private network (@libp2p/pnet: Kubo's `swarm.key`, XSalsa20 over every
 *   byte, so a node without the key cannot even complete a handshake), then noise and yamux.
 *   Identify, so bitswap learns who speaks it. No DHT, no mDNS, no public bootstrap, no HTTP
 *   gateways: the only peers are the configured ones and those who dial us with the key.
 * - Blocks: bitswap (/ipfs/bitswap/1.2.0) over {@link SwarmStore.blockstore}: served from disk
 *   re-hashed against their CID (a corrupt block is never sent), and every block that arrives is
 *   hashed by Helia against the CID it was asked for before it is stored or used: a peer that
 *   sends other bytes gets nothing stored and nothing served.
 * - Replication, eager: when an instance stores and pins a blob it announces the root CID to its
 *   connected peers ({@link ANNOUNCE_PROTOCOL}: the CID's bytes, nothing else); each fetches the
 *   blob by bitswap and pins it, so a record survives the instance that took the upload.
 *
 * What a peer can make us fetch is bounded (a peer is inside the private network, but may be
 * buggy or compromised): an announcement is at most {@link MAX_ANNOUNCEMENT_BYTES}; only the CIDs
 * our blobs have (CIDv1, sha2-256, raw or dag-pb); a dag-pb root must be a UnixFS file whose
 * declared size is within `maxBlobBytes` (the service's max upload), checked when only the root
 * has been fetched, and the bytes are counted as they come, so a root that under-declares is cut
 * off at `maxBlobBytes`; a block is at most {@link MAX_BLOCK_BYTES} (bitswap message limit
 * {@link MAX_MESSAGE_BYTES}); at most {@link MAX_QUEUED} announcements wait (more are dropped,
 * and fetched on first read instead), {@link FETCH_CONCURRENCY} at a time, each within
 * `fetchTimeoutMs`. Blocks of a fetch that fails half-way stay on disk unpinned (each one checked
 * against its CID); at most one over-size root per refused announcement.
 */

/** The announcement protocol: one stream per new root CID, carrying the CID's binary form. */
export const ANNOUNCE_PROTOCOL = "/ehr/blob-announce/1.0.0";
/** A CIDv1 sha2-256 is 36 bytes; anything longer is not one of ours. */
export const MAX_ANNOUNCEMENT_BYTES = 64;
/** The largest block accepted or sent: 2 MiB (the bitswap spec's limit; our largest raw block is 2 MiB − 256 bytes). */
export const MAX_BLOCK_BYTES = 2 * 1024 * 1024;
/** Bitswap messages in and out: one block of {@link MAX_BLOCK_BYTES} and its framing fit with room (Kubo's is 4 MiB too). */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
/** Announcements waiting to be fetched. */
export const MAX_QUEUED = 256;
/** Blobs fetched at once for replication. */
export const FETCH_CONCURRENCY = 2;
/** How long telling one peer of a new blob may take (an upload waits for this, not for the fetch). */
const ANNOUNCE_TIMEOUT_MS = 3_000;
/** How often configured peers that are not connected are dialled again. */
const REDIAL_INTERVAL_MS = 5_000;

const RAW = 0x55;
const DAG_PB = 0x70;
const SHA2_256 = 0x12;

/** What the network needs of the block store (HeliaBlobStore satisfies it). */
export interface SwarmStore {
  /** An interface-blockstore over the store's blocks; `get` must re-hash each block against its CID. */
  readonly blockstore: unknown;
  isPinned(cid: string): Promise<boolean>;
  /** Pins a blob whose blocks are all here under `cid` (its own layout), with its whole hash and size. */
  pinStored(cid: string, record: { sha256: Hex; size: number }): Promise<void>;
}

/** What happened to one announcement (for logs and tests). */
export interface ReplicationEvent {
  cid: string;
  /** The announcing peer's id. */
  from: string;
  outcome: "pinned" | "already-pinned" | "refused" | "failed" | "dropped";
  /** Why it was refused or failed (never content). */
  reason?: string;
}

export interface PrivateSwarmOptions {
  /** Where this instance keeps its identity (`peer.key`, 0600) and its peer records (`datastore/`). */
  folder: string;
  store: SwarmStore;
  swarmKey: SwarmKey;
  /** Multiaddrs to listen on, e.g. `/ip4/0.0.0.0/tcp/4001`. */
  listen: string[];
  /** The other instances: multiaddrs ending in `/p2p/<peer id>`; dialled at start and again whenever not connected. */
  peers?: string[];
  /** The largest blob a peer can make us fetch: the service's max upload. */
  maxBlobBytes: number;
  /** How long one replication fetch may take. @default 60000 */
  fetchTimeoutMs?: number;
  logger?: Logger;
  /** Called once per announcement handled. */
  onReplication?: (event: ReplicationEvent) => void;
}

// The ESM-only modules, typed by what is used of them.
interface Cid {
  version: number;
  code: number;
  multihash: { code: number; digest: Uint8Array };
  bytes: Uint8Array;
  toString(): string;
}
interface PeerIdLike {
  toString(): string;
}
interface StreamLike extends AsyncIterable<Uint8Array | { subarray(): Uint8Array }> {
  send(data: Uint8Array): boolean;
  close(options?: { signal?: AbortSignal }): Promise<void>;
  abort(error: Error): void;
}
interface ConnectionLike {
  remotePeer: PeerIdLike;
}
interface Libp2pLike {
  peerId: PeerIdLike;
  getMultiaddrs(): Array<{ toString(): string }>;
  getConnections(): ConnectionLike[];
  getPeers(): PeerIdLike[];
  dial(address: unknown, options?: { signal?: AbortSignal }): Promise<ConnectionLike>;
  dialProtocol(peer: PeerIdLike, protocol: string, options?: { signal?: AbortSignal }): Promise<StreamLike>;
  handle(
    protocol: string,
    handler: (stream: StreamLike, connection: ConnectionLike) => void | Promise<void>,
    options?: { maxInboundStreams?: number },
  ): Promise<void>;
  peerStore: { merge(peer: PeerIdLike, data: { tags: Record<string, { value: number }> }): Promise<unknown> };
}
interface HeliaLike {
  libp2p: Libp2pLike;
  start(): Promise<void>;
  stop(): Promise<void>;
}
interface UnixFsLike {
  stat(cid: Cid, options?: { signal?: AbortSignal }): Promise<{ type: string; size: bigint }>;
  cat(cid: Cid, options?: { signal?: AbortSignal }): AsyncIterable<Uint8Array>;
}
interface NetworkModules {
  decodeCid(bytes: Uint8Array): Cid;
  parseCid(text: string): Cid;
  multiaddr(text: string): unknown;
  createHelia(components: {
    blockstore: unknown;
    datastore: unknown;
    privateKey: PeerPrivateKey;
    options: Libp2pInit;
  }): HeliaLike;
  unixfs(helia: HeliaLike): UnixFsLike;
  newDatastore(folder: string): { open(): Promise<void>; close(): Promise<void> };
}
interface Libp2pInit {
  listen: string[];
  swarmKey: SwarmKey;
}

let modules: Promise<NetworkModules> | undefined;
function loadModules(): Promise<NetworkModules> {
  modules ??= (async () => {
    patchPnetCipher();
    const [helia, heliaLibp2p, bitswap, unixfs, tcp, noise, yamux, identify, pnet, multiaddr, cid, datastoreFs] =
      await Promise.all([
        esmImport<{ createHeliaLight(init: unknown): unknown }>("helia"),
        esmImport<{ withLibp2pLight(helia: unknown, init: unknown): unknown }>("@helia/libp2p"),
        esmImport<{ withBitswap(helia: unknown, init: unknown): HeliaLike }>("@helia/bitswap"),
        esmImport<{ unixfs(helia: HeliaLike): UnixFsLike }>("@helia/unixfs"),
        esmImport<{ tcp(): unknown }>("@libp2p/tcp"),
        esmImport<{ noise(): unknown }>("@chainsafe/libp2p-noise"),
        esmImport<{ yamux(): unknown }>("@chainsafe/libp2p-yamux"),
        esmImport<{ identify(): unknown }>("@libp2p/identify"),
        esmImport<{ preSharedKey(init: { psk: Uint8Array }): unknown }>("@libp2p/pnet"),
        esmImport<{ multiaddr(text: string): unknown }>("@multiformats/multiaddr"),
        esmImport<{ CID: { decode(bytes: Uint8Array): Cid; parse(text: string): Cid } }>("multiformats/cid"),
        esmImport<{ FsDatastore: new (folder: string) => { open(): Promise<void>; close(): Promise<void> } }>(
          "datastore-fs",
        ),
      ]);
    return {
      decodeCid: (bytes) => cid.CID.decode(bytes),
      parseCid: (text) => cid.CID.parse(text),
      multiaddr: (text) => multiaddr.multiaddr(text),
      unixfs: (node) => unixfs.unixfs(node),
      newDatastore: (folder) => new datastoreFs.FsDatastore(folder),
      createHelia: ({ blockstore, datastore, privateKey, options }) =>
        bitswap.withBitswap(
          heliaLibp2p.withLibp2pLight(helia.createHeliaLight({ blockstore, datastore }), {
            privateKey,
            addresses: { listen: options.listen },
            transports: [tcp.tcp()],
            connectionProtector: pnet.preSharedKey({ psk: options.swarmKey }),
            connectionEncrypters: [noise.noise()],
            streamMuxers: [yamux.yamux()],
            services: { identify: identify.identify() },
          }),
          { maxIncomingMessageSize: MAX_MESSAGE_BYTES, maxOutgoingMessageSize: MAX_MESSAGE_BYTES },
        ),
    };
  })();
  return modules;
}

/** Why `cid` is not one a peer may make us fetch, or undefined when it is. */
function refusal(cid: Cid): string | undefined {
  if (cid.version !== 1) return "not a CIDv1";
  if (cid.multihash.code !== SHA2_256 || cid.multihash.digest.length !== 32) return "not sha2-256";
  if (cid.code !== RAW && cid.code !== DAG_PB) return "neither a raw block nor a UnixFS (dag-pb) root";
  return undefined;
}

/** The one-byte answer to an announcement. */
const TAKEN = 1;
const REFUSED = 0;

class TooLongError extends Error {}

/**
 * Reads from `stream` until it holds `length(first bytes)` bytes (or `min` when no `length` is
 * given); more than `max` bytes is a TooLongError. Does not wait for the end of the stream.
 */
async function readAtLeast(
  stream: StreamLike,
  min: number,
  max: number,
  signal: AbortSignal,
  length?: (head: Uint8Array) => number | undefined,
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = 0;
  const onAbort = () => stream.abort(new Error("timed out"));
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    for await (const chunk of stream) {
      parts.push(chunk instanceof Uint8Array ? chunk : chunk.subarray());
      size += parts[parts.length - 1].length;
      const bytes = Buffer.concat(parts);
      const wanted = length ? length(bytes) : min;
      if (wanted === undefined || size > max) throw new TooLongError();
      if (size >= wanted) return bytes;
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
  throw new Error("the stream ended early");
}

const peerIdOf = (address: string): string | undefined => /\/p2p\/([^/]+)$/.exec(address)?.[1];

/** See the file comment. Start with {@link PrivateSwarm.start}; {@link PrivateSwarm.stop} when done. */
export class PrivateSwarm {
  private readonly queue = new Map<string, { cid: Cid; from: string }>();
  private readonly fetching = new Map<string, Promise<Uint8Array>>();
  private active = 0;
  private stopped = false;
  private redial?: NodeJS.Timeout;

  private constructor(
    private readonly m: NetworkModules,
    private readonly helia: HeliaLike,
    private readonly datastore: { close(): Promise<void> },
    private readonly options: PrivateSwarmOptions,
  ) {}

  static async start(options: PrivateSwarmOptions): Promise<PrivateSwarm> {
    const m = await loadModules();
    for (const address of options.peers ?? []) {
      if (!peerIdOf(address)) {
        throw new FormatError("A swarm peer address has no peer id.", { details: `${address}: end it with /p2p/<id>` });
      }
    }
    const privateKey = await loadOrCreatePeerKey(path.join(options.folder, "peer.key"));
    const datastore = m.newDatastore(path.join(options.folder, "datastore"));
    await datastore.open();
    let helia: HeliaLike;
    try {
      helia = m.createHelia({
        blockstore: options.store.blockstore,
        datastore,
        privateKey,
        options: { listen: options.listen, swarmKey: options.swarmKey },
      });
      await helia.start();
    } catch (error) {
      await datastore.close();
      throw new StorageError("The private IPFS network could not start.", {
        cause: error,
        details: `listen ${options.listen.join(", ")}: ${(error as Error)?.message ?? String(error)}`,
      });
    }
    const swarm = new PrivateSwarm(m, helia, datastore, options);
    await helia.libp2p.handle(ANNOUNCE_PROTOCOL, (stream, connection) => swarm.receive(stream, connection), {
      maxInboundStreams: 16,
    });
    swarm.dialPeers();
    swarm.redial = setInterval(() => swarm.dialPeers(), REDIAL_INTERVAL_MS);
    swarm.redial.unref();
    return swarm;
  }

  /** This instance's peer id (`12D3KooW...`), the same across restarts. */
  get peerId(): string {
    return this.helia.libp2p.peerId.toString();
  }

  /** Where peers reach this instance: `/ip4/.../tcp/<port>/p2p/<peer id>` (the actual port when listening on 0). */
  get addresses(): string[] {
    return this.helia.libp2p.getMultiaddrs().map(String);
  }

  /** Whether the blob `cid` is stored and pinned on this instance. */
  holds(cid: string): Promise<boolean> {
    return this.options.store.isPinned(cid);
  }

  /** The peer ids connected now. */
  connectedPeers(): string[] {
    return [...new Set(this.helia.libp2p.getConnections().map((c) => c.remotePeer.toString()))];
  }

  /** Dials `address` (with its /p2p/ id) now; rejects when the peer cannot be reached or is not in this network. */
  async dial(address: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    const connection = await this.helia.libp2p.dial(this.m.multiaddr(address), options);
    // Kept connected: the connection manager neither prunes it nor gives up reconnecting soon.
    await this.helia.libp2p.peerStore.merge(connection.remotePeer, { tags: { "keep-alive": { value: 1 } } });
  }

  /**
   * Tells every connected peer that `cid` (a blob just stored and pinned here) exists, so each
   * fetches and pins it. Answers how many peers took the announcement; a peer that does not speak
   * the protocol (a Kubo node) or is gone is skipped.
   */
  async announce(cid: string): Promise<number> {
    const bytes = this.m.parseCid(cid).bytes;
    const results = await Promise.allSettled(
      this.helia.libp2p.getPeers().map(async (peer) => {
        const signal = AbortSignal.timeout(ANNOUNCE_TIMEOUT_MS);
        const stream = await this.helia.libp2p.dialProtocol(peer, ANNOUNCE_PROTOCOL, { signal });
        try {
          stream.send(Uint8Array.of(bytes.length, ...bytes));
          const [answer] = await readAtLeast(stream, 1, 1, signal);
          if (answer !== TAKEN) throw new Error("the peer refused the announcement");
        } finally {
          void stream.close().catch(() => undefined);
        }
      }),
    );
    for (const result of results) {
      if (result.status === "rejected") {
        this.options.logger?.debug({ cid, err: { name: result.reason?.name } }, "announce skipped a peer");
      }
    }
    return results.filter((r) => r.status === "fulfilled").length;
  }

  /**
   * The whole blob `cid` from the network, every block checked against its CID, within the limits
   * in the file comment; pinned here once whole. Rejects with StorageError when no peer gives it
   * within the timeout, FormatError when it is not a CID or blob we take.
   */
  fetch(cid: string, options: { signal?: AbortSignal } = {}): Promise<Uint8Array> {
    let parsed: Cid;
    try {
      parsed = this.m.parseCid(cid);
    } catch (error) {
      return Promise.reject(new FormatError("This is not a storage address (CID) this store uses.", { cause: error }));
    }
    const why = refusal(parsed);
    if (why) return Promise.reject(new FormatError("The network does not fetch this kind of CID.", { details: why }));
    const key = parsed.toString();
    let pending = this.fetching.get(key);
    if (!pending) {
      const signal = AbortSignal.any([
        AbortSignal.timeout(this.options.fetchTimeoutMs ?? 60_000),
        ...(options.signal ? [options.signal] : []),
      ]);
      pending = this.fetchBlob(parsed, signal).finally(() => this.fetching.delete(key));
      this.fetching.set(key, pending);
    }
    return pending;
  }

  /** Stops the node: no more announcements taken, connections closed, the peer records closed. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.redial);
    this.queue.clear();
    await this.helia.stop();
    await this.datastore.close();
  }

  private async fetchBlob(cid: Cid, signal: AbortSignal): Promise<Uint8Array> {
    const max = this.options.maxBlobBytes;
    const fs = this.m.unixfs(this.helia);
    try {
      if (cid.code === DAG_PB) {
        const stat = await fs.stat(cid, { signal });
        if (stat.type !== "file")
          throw new FormatError("The network does not fetch this kind of CID.", { details: "not a UnixFS file" });
        if (stat.size > BigInt(max)) {
          throw new FormatError("The file is larger than this service accepts.", {
            details: `${stat.size} > ${max} bytes`,
          });
        }
      }
      const parts: Uint8Array[] = [];
      let size = 0;
      for await (const part of fs.cat(cid, { signal })) {
        size += part.length;
        if (size > max)
          throw new FormatError("The file is larger than this service accepts.", { details: `> ${max} bytes` });
        parts.push(part);
      }
      const bytes = Buffer.concat(parts);
      await this.options.store.pinStored(cid.toString(), { sha256: toHex(await sha256(bytes)), size: bytes.length });
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (error) {
      if (error instanceof FormatError) throw error;
      throw new StorageError("The file could not be fetched from the network.", {
        cause: error,
        details: `${cid.toString()}: ${signal.aborted ? "no peer gave it in time" : ((error as Error)?.name ?? "error")}`,
      });
    }
  }

  /** One incoming announcement: a length byte and at most MAX_ANNOUNCEMENT_BYTES of CID, answered TAKEN or REFUSED. */
  private async receive(stream: StreamLike, connection: ConnectionLike): Promise<void> {
    const from = connection.remotePeer.toString();
    const answer = (taken: boolean) => {
      stream.send(Uint8Array.of(taken ? TAKEN : REFUSED));
      void stream.close().catch(() => undefined);
    };
    let frame: Uint8Array;
    try {
      frame = await readAtLeast(
        stream,
        1,
        1 + MAX_ANNOUNCEMENT_BYTES,
        AbortSignal.timeout(ANNOUNCE_TIMEOUT_MS),
        (head) => (head[0] > MAX_ANNOUNCEMENT_BYTES ? undefined : 1 + head[0]),
      );
    } catch (error) {
      stream.abort(error as Error);
      const reason = error instanceof TooLongError ? "announcement too long" : "announcement cut short";
      return this.report({ cid: "", from, outcome: "refused", reason });
    }
    let cid: Cid;
    try {
      cid = this.m.decodeCid(frame.subarray(1, 1 + frame[0]));
    } catch {
      answer(false);
      return this.report({ cid: "", from, outcome: "refused", reason: "not a CID" });
    }
    const why = refusal(cid);
    const key = cid.toString();
    if (why) {
      answer(false);
      return this.report({ cid: key, from, outcome: "refused", reason: why });
    }
    answer(true);
    if (this.queue.has(key)) return;
    if (this.queue.size >= MAX_QUEUED) return this.report({ cid: key, from, outcome: "dropped", reason: "queue full" });
    this.queue.set(key, { cid, from });
    this.pump();
  }

  /** Runs queued announcements, FETCH_CONCURRENCY at a time. */
  private pump(): void {
    while (!this.stopped && this.active < FETCH_CONCURRENCY && this.queue.size > 0) {
      const [key, { from }] = this.queue.entries().next().value as [string, { cid: Cid; from: string }];
      this.queue.delete(key);
      this.active++;
      void this.replicate(key, from).finally(() => {
        this.active--;
        this.pump();
      });
    }
  }

  private async replicate(cid: string, from: string): Promise<void> {
    try {
      if (await this.options.store.isPinned(cid)) return this.report({ cid, from, outcome: "already-pinned" });
      await this.fetch(cid);
      this.report({ cid, from, outcome: "pinned" });
    } catch (error) {
      if (this.stopped) return;
      const e = error as { shortMessage?: string; details?: string; name?: string };
      const reason = `${e?.shortMessage ?? e?.name ?? "error"}${e?.details ? ` (${e.details})` : ""}`;
      this.report({ cid, from, outcome: error instanceof FormatError ? "refused" : "failed", reason });
    }
  }

  private report(event: ReplicationEvent): void {
    const level = event.outcome === "pinned" || event.outcome === "already-pinned" ? "info" : "warn";
    this.options.logger?.[level]({ replication: event }, `replication ${event.outcome}`);
    this.options.onReplication?.(event);
  }

  /** Dials every configured peer that is not connected now (errors are expected while a peer is down). */
  private dialPeers(): void {
    if (this.stopped) return;
    const connected = new Set(this.connectedPeers());
    for (const address of this.options.peers ?? []) {
      const id = peerIdOf(address);
      if (!id || id === this.peerId || connected.has(id)) continue;
      this.dial(address, { signal: AbortSignal.timeout(REDIAL_INTERVAL_MS) }).catch((error: unknown) => {
        this.options.logger?.debug({ peer: id, err: { name: (error as Error)?.name } }, "swarm peer not reachable");
      });
    }
  }
}
