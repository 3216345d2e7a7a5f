import { equalBytes, fromHex, sha256 } from "../bytes";
import { FormatError, IntegrityError, StorageError } from "../errors";
import type { Hex } from "viem";
import type { BlobStore } from "../storage/types";
import { rawLeafDigest } from "./rawCid";
import type { ApiTransport } from "./transport";
import { blobStoredSchema, contentHashHeaderSchema } from "./wire/blobs";
import { cidField } from "./wireFields";

/**
 * The storage service's blobs (`POST /v1/blobs`, `GET /v1/blobs/:cid`) as a BlobStore, so the
 * record flows run unchanged over HTTP. It trusts the service for nothing it can check cheaply:
 * a raw-leaf CID (every blob up to 2 MiB − 256 bytes) must name the declared hash at upload and the bytes
 * received at download. Larger blobs (a UnixFS DAG) are checked by the flows against the hash on
 * the chain (`verifyEnvelopeHash`) before anything is decrypted.
 */
export class HttpBlobStore implements BlobStore {
  constructor(private readonly transport: ApiTransport) {}

  async put(bytes: Uint8Array, declaredHash: Hex): Promise<{ cid: string }> {
    if (!(bytes instanceof Uint8Array)) throw new FormatError("Only bytes can be stored.");
    if (!contentHashHeaderSchema.safeParse(declaredHash).success) {
      throw new FormatError("The declared hash is not valid.", { details: "expected 0x and 32 bytes of hex" });
    }
    const { cid, size } = await this.transport.json(
      {
        method: "POST",
        path: "/v1/blobs",
        body: bytes,
        contentType: "application/octet-stream",
        headers: { "X-Content-SHA256": declaredHash.toLowerCase() },
      },
      blobStoredSchema,
      201,
    );
    if (size !== bytes.length) {
      throw new StorageError("The storage service gave an answer this app does not understand.", {
        details: "upload answer with another size",
      });
    }
    const digest = rawLeafDigest(cid);
    if (digest && digest.toLowerCase() !== declaredHash.toLowerCase()) {
      throw new IntegrityError("The storage service stored something else than this file.", {
        details: `${cid} does not name the declared hash`,
      });
    }
    return { cid };
  }

  async get(cid: string): Promise<Uint8Array> {
    if (!cidField.safeParse(cid).success) {
      throw new FormatError("This is not a storage address (CID) this store uses.");
    }
    const bytes = await this.transport.bytes({ method: "GET", path: `/v1/blobs/${cid}` }, 200);
    const digest = rawLeafDigest(cid);
    if (digest && !equalBytes(await sha256(bytes), fromHex(digest))) {
      throw new IntegrityError("The file from storage does not match its address; it was not used.", {
        details: `${cid}: ${bytes.length} bytes that fail the CID's hash`,
      });
    }
    return bytes;
  }
}
