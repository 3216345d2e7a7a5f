import { SessionError } from "../errors";
import type { Address, Hex } from "viem";
import type { KeyRequest, KeyVault, WrappedKeyEntry } from "../storage/types";
import type { ApiTransport } from "./transport";
import { heldKeysSchema, keysStoredSchema, MAX_KEYS_PER_REQUEST, releasedKeySchema } from "./wire/keys";

export { MAX_KEYS_PER_REQUEST };

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
        keysStoredSchema,
        201,
      );
    }
  }

  /** `GET /v1/keys/held`: the service answers for the session's own records only. */
  async heldEnvelopeHashes(patient: Address, reader: Address): Promise<Hex[]> {
    this.mustBeSignedInAs(patient, "only the patient can ask which keys are held for their records");
    const { envelopeHashes } = await this.transport.json(
      { method: "GET", path: `/v1/keys/held?reader=${encodeURIComponent(reader)}` },
      heldKeysSchema,
      200,
    );
    return envelopeHashes;
  }

  async fetchWrappedKey(request: KeyRequest): Promise<string> {
    this.mustBeSignedInAs(request.reader, "the key request's reader is not the session's address");
    const { patient, recordIndex, recordId, part, accessTx } = request;
    const { wrapped } = await this.transport.json(
      { method: "POST", path: "/v1/keys/release", json: { patient, recordIndex, recordId, part, accessTx } },
      releasedKeySchema,
      200,
    );
    return wrapped;
  }

  private mustBeSignedInAs(account: Address, details: string): void {
    const signedIn = this.signedInAs();
    if (signedIn && signedIn.toLowerCase() !== account.toLowerCase()) {
      throw new SessionError("You are signed in to the storage service with another account: sign in again.", {
        details,
      });
    }
  }
}
