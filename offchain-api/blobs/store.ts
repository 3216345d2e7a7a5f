import { randomBytes } from "node:crypto";
import { open, readdir, rm } from "node:fs/promises";
import path from "node:path";
import type { Logger } from "pino";
import { NotFoundError, StorageError } from "../../lib/errors";
import { HeliaBlobStore } from "../storage/heliaBlobStore";
import { KuboBlobStore } from "../storage/kuboBlobStore";
import type { ManagedBlobStore } from "../../lib/storage/types";
import { apiDataDir, type ApiConfig } from "../config";
import { PrivateSwarm } from "../storage/privateSwarm";
import { readSwarmKeyFile } from "../storage/swarmKey";

/** The blob store the service runs on: the lib's BlobStore plus what operations need. */
export interface ServiceBlobStore extends ManagedBlobStore {
  /** "helia" (embedded, on disk) or "kubo" (IPFS_API_URL). */
  readonly kind: "helia" | "kubo";
  /** The private IPFS network this instance is part of (`EHR_SWARM_LISTEN`), if any. */
  readonly swarm?: PrivateSwarm;
  /** Resolves when a write would succeed now (readiness); rejects with StorageError otherwise. */
  checkWritable(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Writes, fsyncs and removes a small probe file in `folder`: a full disk, a read-only mount or a
 * removed folder fails here (StorageError) before an upload would.
 */
export async function probeWritable(folder: string): Promise<void> {
  const probe = path.join(folder, `.write-probe-${process.pid}-${randomBytes(4).toString("hex")}`);
  try {
    const handle = await open(probe, "wx", 0o600);
    try {
      await handle.writeFile(randomBytes(64));
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw new StorageError("The block store cannot be written.", { cause: error, details: folder });
  } finally {
    await rm(probe, { force: true }).catch(() => undefined);
  }
}

/**
 * Removes the temporary files that interrupted writes left under `folder`: blockstore-fs and
 * datastore-fs write `.<name>.tmp` and then rename it, so a write cut short (a full disk, a
 * file-size limit, a killed process) leaves a partial `.tmp` file that is never served but keeps
 * taking space. Only safe while nothing else writes there. Answers how many were removed.
 */
export async function removeInterruptedWrites(folder: string): Promise<number> {
  let removed = 0;
  const entries = await readdir(folder, { withFileTypes: true, recursive: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.startsWith(".") || !entry.name.endsWith(".tmp")) continue;
    await rm(path.join(entry.parentPath, entry.name), { force: true });
    removed++;
  }
  return removed;
}

/** How long a read of a blob not held here waits for the private network to give it (then 404). */
const READ_THROUGH_MS = 5_000;

/**
 * The store the configuration names: a Kubo node (or IPFS Cluster proxy) over its RPC API when
 * `IPFS_API_URL` is set (readiness asks the node for its version), otherwise the embedded Helia
 * block store under `<dataDir>/api/ipfs` (readiness writes a probe file there). With
 * `EHR_SWARM_LISTEN`, that store is also a node of the private IPFS network
 * (../storage/privateSwarm.ts): a blob stored here is announced to the connected instances, which
 * fetch and pin it, and a blob not held here is fetched from them on first read.
 */
export async function openBlobStore(config: ApiConfig, logger: Logger): Promise<ServiceBlobStore> {
  if (config.ipfsApiUrl) {
    const store = await KuboBlobStore.open({
      url: config.ipfsApiUrl,
      authorization: config.ipfsApiAuthorization?.(),
    });
    logger.info({ blobStore: "kubo", origin: new URL(config.ipfsApiUrl).origin }, "blob store opened");
    return {
      kind: "kubo",
      put: (bytes, hash) => store.put(bytes, hash),
      get: (cid) => store.get(cid),
      readStart: (cid) => store.readStart(cid),
      remove: (cid) => store.remove(cid),
      checkWritable: async () => void (await store.version()),
      close: async () => undefined,
    };
  }
  const folder = path.join(apiDataDir(config), "ipfs");
  const store = await HeliaBlobStore.open({ folder });
  const swept = await removeInterruptedWrites(folder);
  let swarm: PrivateSwarm | undefined;
  if (config.swarm) {
    try {
      swarm = await PrivateSwarm.start({
        folder: path.join(apiDataDir(config), "swarm"),
        store,
        swarmKey: config.swarm.key ?? (await readSwarmKeyFile(config.swarm.keyFile as string)),
        listen: config.swarm.listen,
        peers: config.swarm.peers,
        maxBlobBytes: config.maxUploadBytes,
        logger,
      });
    } catch (error) {
      await store.stop();
      throw error;
    }
  }
  logger.info(
    {
      blobStore: "helia",
      interruptedWritesRemoved: swept,
      swarm: swarm && { peerId: swarm.peerId, addresses: swarm.addresses, peers: config.swarm?.peers.length },
    },
    "blob store opened",
  );
  /** `read`, or when the blob `cid` (or a part of it) is not here, the private network's copy. */
  async function readThrough<T>(cid: string, read: () => Promise<T>, fromPeer?: (bytes: Uint8Array) => T): Promise<T> {
    try {
      return await read();
    } catch (error) {
      // Not here (or a part lost here): another instance of the private network may hold it.
      if (!swarm || !(error instanceof NotFoundError)) throw error;
      const bytes = await swarm
        .fetch(cid, { signal: AbortSignal.timeout(READ_THROUGH_MS) })
        .catch(() => Promise.reject(error));
      return fromPeer ? fromPeer(bytes) : (bytes as T);
    }
  }
  // Uploads in flight in this process; a failed one cleans up after itself when it is the only one.
  let writing = 0;
  return {
    kind: "helia",
    put: async (bytes, hash) => {
      writing++;
      try {
        const stored = await store.put(bytes, hash);
        // Every connected instance hears of it before the upload is answered; each then fetches and pins it.
        await swarm?.announce(stored.cid);
        return stored;
      } catch (error) {
        if (!(error instanceof StorageError)) throw error;
        if (writing === 1) await removeInterruptedWrites(folder);
        // blockstore-fs keeps no errno code, and Node's recursive mkdir says ENOENT on a read-only
        // mount: the write probe's error says why the folder cannot be written, when it cannot.
        throw (
          (await probeWritable(folder).then(
            () => undefined,
            (probeError: unknown) => probeError,
          )) ?? error
        );
      } finally {
        writing--;
      }
    },
    get: (cid) => readThrough(cid, () => store.get(cid)),
    // A blob only a peer holds is fetched whole (and pinned here) before its header is read.
    readStart: (cid) =>
      readThrough(
        cid,
        () => store.readStart(cid),
        (bytes) => ({ bytes, whole: true }),
      ),
    // Peers that fetched an announced blob keep their copy (README, "Blobs").
    remove: (cid) => store.remove(cid),
    holds: (sha256) => store.holds(sha256),
    swarm,
    checkWritable: () => probeWritable(folder),
    close: async () => {
      await swarm?.stop();
      await store.stop();
    },
  };
}
