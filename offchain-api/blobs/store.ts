import path from "node:path";
import type { Logger } from "pino";
import { HeliaBlobStore } from "../../lib/storage/heliaBlobStore.node";
import type { BlobStore } from "../../lib/storage/types";
import { apiDataDir, type ApiConfig } from "../config";

/** The blob store the service runs on: the lib's BlobStore plus what operations need. */
export interface ServiceBlobStore extends BlobStore {
  /** "helia" (embedded, on disk) or "kubo" (IPFS_API_URL). */
  readonly kind: "helia" | "kubo";
  /** Resolves when a write would succeed now (readiness); rejects with StorageError otherwise. */
  checkWritable(): Promise<void>;
  close(): Promise<void>;
}

/** TODO(helper B): Kubo through kubo-rpc-client when `config.ipfsApiUrl` is set; writability probe. */
export async function openBlobStore(config: ApiConfig, _logger: Logger): Promise<ServiceBlobStore> {
  const store = await HeliaBlobStore.open({ folder: path.join(apiDataDir(config), "ipfs") });
  return {
    kind: "helia",
    put: (bytes, hash) => store.put(bytes, hash),
    get: (cid) => store.get(cid),
    checkWritable: async () => undefined,
    close: () => store.stop(),
  };
}
