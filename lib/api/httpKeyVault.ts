import { SessionError, StorageError } from "../errors";
import type { Address, Hex } from "viem";
import type { KeyRequest, KeyVault, WrappedKeyEntry } from "../storage/types";
import type { ApiTransport } from "./transport";

/** The most entries `POST /v1/keys` takes at once (offchain-api/README.md). */
export const MAX_KEYS_PER_REQUEST = 64;

/**
 * The storage service's wrapped keys (`POST /v1/keys`, `POST /v1/keys/release`) as a KeyVault.
 * The service takes the reader from the session, so a request for another reader (the wallet
 * switched accounts since sign-in) is a SessionError here rather than someone else's key there.
 */
export class HttpKeyVault implements KeyVault {
  constructor(
    private readonly transport: ApiTransport,
    /** The signed-in address, or undefined before sign-in. */
    private readonly signedInAs: () => Address | undefined,
  ) {}

  /**
   * Stores in batches of {@link MAX_KEYS_PER_REQUEST}, in order; the first refused batch stops it
   * (the batches before it stay stored).
   */
  async storeWrappedKeys(entries: WrappedKeyEntry[]): Promise<void> {
    for (let i = 0; i < entries.length; i += MAX_KEYS_PER_REQUEST) {
      await this.transport.json(
        { method: "POST", path: "/v1/keys", json: { entries: entries.slice(i, i + MAX_KEYS_PER_REQUEST) } },
        201,
      );
    }
  }

  /** `GET /v1/keys/held`: the service answers for the session's own records only. */
  async heldEnvelopeHashes(patient: Address, reader: Address): Promise<Hex[]> {
    const signedIn = this.signedInAs();
    if (signedIn && signedIn.toLowerCase() !== patient.toLowerCase()) {
      throw new SessionError("You are signed in to the storage service with another account: sign in again.", {
        details: "only the patient can ask which keys are held for their records",
      });
    }
    const { envelopeHashes } = await this.transport.json<{ envelopeHashes: Hex[] }>(
      { method: "GET", path: `/v1/keys/held?reader=${encodeURIComponent(reader)}` },
      200,
    );
    if (!Array.isArray(envelopeHashes)) {
      throw new StorageError("The storage service gave an answer this app does not understand.", {
        details: "held keys answer without a list",
      });
    }
    return envelopeHashes;
  }

  async fetchWrappedKey(request: KeyRequest): Promise<string> {
    const signedIn = this.signedInAs();
    if (signedIn && signedIn.toLowerCase() !== request.reader.toLowerCase()) {
      throw new SessionError("You are signed in to the storage service with another account: sign in again.", {
        details: "the key request's reader is not the session's address",
      });
    }
    const { patient, recordIndex, recordId, part, accessTx } = request;
    const { wrapped } = await this.transport.json<{ wrapped: string }>(
      { method: "POST", path: "/v1/keys/release", json: { patient, recordIndex, recordId, part, accessTx } },
      200,
    );
    if (typeof wrapped !== "string" || wrapped === "") {
      throw new StorageError("The storage service gave an answer this app does not understand.", {
        details: "release answer without a wrapped key",
      });
    }
    return wrapped;
  }
}
