import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { esmImport } from "../../lib/esmImport";
import { FormatError } from "../../lib/errors";

/** A libp2p private key (@libp2p/crypto), opaque here: it goes to `createLibp2p({ privateKey })`. */
export interface PeerPrivateKey {
  readonly type: string;
}

interface CryptoKeysModule {
  generateKeyPair(type: "Ed25519"): Promise<PeerPrivateKey>;
  privateKeyToProtobuf(key: PeerPrivateKey): Uint8Array;
  privateKeyFromProtobuf(bytes: Uint8Array): PeerPrivateKey;
}

/**
 * This instance's libp2p identity (an Ed25519 key, so its peer id `12D3KooW...` stays the same
 * across restarts and the other instances' `EHR_SWARM_PEERS` keep naming it). Kept in `file` as
 * libp2p's protobuf encoding, mode 0600 in a 0700 folder; made on first start; a file readable by
 * others is tightened, a damaged one refused (a silent new identity would leave every peer's
 * configuration pointing at a peer id that no longer exists).
 */
export async function loadOrCreatePeerKey(file: string): Promise<PeerPrivateKey> {
  const keys = await esmImport<CryptoKeysModule>("@libp2p/crypto/keys");
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  let bytes: Uint8Array | undefined;
  try {
    bytes = await readFile(file);
  } catch (error) {
    if ((error as { code?: string }).code !== "ENOENT") throw error;
  }
  if (bytes === undefined) {
    const key = await keys.generateKeyPair("Ed25519");
    try {
      await writeFile(file, keys.privateKeyToProtobuf(key), { mode: 0o600, flag: "wx" });
    } catch (error) {
      // Another process made it first: use theirs.
      if ((error as { code?: string }).code !== "EEXIST") throw error;
      return loadOrCreatePeerKey(file);
    }
    return key;
  }
  if (((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);
  try {
    return keys.privateKeyFromProtobuf(bytes);
  } catch (error) {
    throw new FormatError("The swarm identity file is damaged; restore it from backup or remove it.", {
      cause: error,
      details: file,
    });
  }
}
