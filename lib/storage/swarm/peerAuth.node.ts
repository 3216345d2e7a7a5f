import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Request authentication between the storage nodes of one private swarm, from a pre-shared key.
 *
 * Why not libp2p's private network (@libp2p/pnet): libp2p, @libp2p/tcp, @libp2p/pnet, helia and
 * @helia/bitswap are not among the installed packages (only @libp2p/crypto, peer-id, interface,
 * utils and logger come in as dependencies of @helia/unixfs). The swarm therefore talks HTTP over
 * loopback or a private link, and every request carries an HMAC-SHA256 of its method, path, time
 * and body hash under the swarm key: a node without the key can neither read nor write, as with a
 * pnet swarm key. Bodies are ciphertext envelopes and content-addressed, so a replayed request can
 * only store again what was already stored; requests older than {@link MAX_CLOCK_SKEW_MS} are refused.
 */

export const TIME_HEADER = "x-ehr-swarm-time";
export const AUTH_HEADER = "x-ehr-swarm-auth";
/** How far a request's time may be from the receiver's clock. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;
/** A swarm key is at least this many bytes (pnet keys are 32). */
export const MIN_SWARM_KEY_BYTES = 32;

function mac(key: Uint8Array, method: string, path: string, time: string, bodySha256: string): Buffer {
  return createHmac("sha256", key).update(`${method}\n${path}\n${time}\n${bodySha256}`).digest();
}

/** Throws (a programming error) when the key is too short to be a swarm key. */
export function checkSwarmKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length < MIN_SWARM_KEY_BYTES) {
    throw new RangeError(`A swarm key must be at least ${MIN_SWARM_KEY_BYTES} random bytes.`);
  }
}

/** The two headers that authenticate one request. `bodySha256` is hex without 0x ("" for none). */
export function signRequest(
  key: Uint8Array,
  method: string,
  path: string,
  bodySha256 = "",
  now = Date.now(),
): Record<string, string> {
  const time = String(now);
  return { [TIME_HEADER]: time, [AUTH_HEADER]: mac(key, method, path, time, bodySha256).toString("hex") };
}

/** Whether the headers authenticate this request under `key` (constant-time compare). */
export function verifyRequest(
  key: Uint8Array,
  method: string,
  path: string,
  headers: Record<string, string | string[] | undefined>,
  bodySha256 = "",
  now = Date.now(),
): boolean {
  const time = headers[TIME_HEADER];
  const auth = headers[AUTH_HEADER];
  if (typeof time !== "string" || typeof auth !== "string" || !/^\d{1,16}$/.test(time)) return false;
  if (Math.abs(now - Number(time)) > MAX_CLOCK_SKEW_MS) return false;
  if (!/^[0-9a-f]{64}$/.test(auth)) return false;
  return timingSafeEqual(Buffer.from(auth, "hex"), mac(key, method, path, time, bodySha256));
}
