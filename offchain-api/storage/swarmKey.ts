import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { FormatError } from "../../lib/errors";

/**
 * The private network's pre-shared key in Kubo's `swarm.key` format (libp2p pnet v1), the same file
 * Kubo, IPFS Cluster and @libp2p/pnet read:
 *
 *     /key/swarm/psk/1.0.0/
 *     /base16/
 *     <64 hex digits: 32 random bytes>
 *
 * Only nodes holding it can open a connection at all (every byte on the wire is XSalsa20-encrypted
 * under it before noise even starts). Errors name the variable or file, never the key.
 */
const HEADER = "/key/swarm/psk/1.0.0/";
const ENCODING = "/base16/";

/** The key as the file bytes @libp2p/pnet expects (`psk`), canonical: `\n` line ends, no trailing newline. */
export type SwarmKey = Uint8Array;

/**
 * Parses a swarm key: the whole `swarm.key` text (CRLF, trailing newline and surrounding blanks
 * tolerated) or just its 64 hex digits. Throws FormatError naming `source` otherwise.
 */
export function parseSwarmKey(text: string, source = "The swarm key"): SwarmKey {
  const lines = text
    .trim()
    .split(/\r?\n/)
    .map((line) => line.trim());
  const hex =
    lines.length === 1 ? lines[0] : lines.length === 3 && lines[0] === HEADER && lines[1] === ENCODING ? lines[2] : "";
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new FormatError(`${source} is not a swarm key.`, {
      details: `expected Kubo's swarm.key format: "${HEADER}", "${ENCODING}", then 64 hex digits (32 bytes)`,
    });
  }
  if (/^0+$/.test(hex)) throw new FormatError(`${source} is all zeros: make a random one.`);
  return new TextEncoder().encode(`${HEADER}\n${ENCODING}\n${hex.toLowerCase()}`);
}

/** Reads and parses a `swarm.key` file (see {@link parseSwarmKey}). */
export async function readSwarmKeyFile(file: string): Promise<SwarmKey> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new FormatError("The swarm key file cannot be read.", { cause: error, details: file });
  }
  return parseSwarmKey(text, `The swarm key file ${file}`);
}

/** A new random swarm key, as the text of a `swarm.key` file (what `ipfs-swarm-key-gen` prints). */
export function newSwarmKeyText(): string {
  return `${HEADER}\n${ENCODING}\n${randomBytes(32).toString("hex")}\n`;
}
