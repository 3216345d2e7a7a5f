import type { PublicClient } from "viem";
import { unwrapDataKey, wrapDataKey } from "../../lib/crypto/keyWrap";
import { AccessDeniedError, ChainError, NotFoundError } from "../../lib/errors";
import { encryptionKeyOf, readChainRecord } from "../../lib/chain/ehr";
import { ehrCoreAbi } from "../../deployments/contracts";
import type { Address, Hex } from "viem";
import type { KeyRequest, KeyVault, WrappedKeyEntry } from "../../lib/storage/types";
import type { ChainKeyVault } from "./vault";

export interface CustodianRewrapperOptions {
  vault: ChainKeyVault;
  publicClient: PublicClient;
  /** The EhrCore address; custodian-wrapped keys are bound to it as their reader. */
  core: Address;
  /** The private key whose public key the admin published with `setCustodianKey`. Never logged. */
  custodianPrivateKey: Hex;
}

/**
 * The emergency custodian, as a KeyVault in front of a {@link ChainKeyVault}: when a doctor asks for
 * a key the vault does not hold for them, and the vault's own checks passed (a recent `logAccess`
 * whose event covers the record: for an emergency, general details or a summary), and the doctor
 * has an open emergency window on the patient now (`hasEmergencyAccess`), it opens the key wrapped
 * to the custodian, re-wraps it to the doctor's registered key, stores and returns that.
 */
export class CustodianRewrapper implements KeyVault {
  constructor(private readonly options: CustodianRewrapperOptions) {}

  storeWrappedKeys(entries: WrappedKeyEntry[]): Promise<void> {
    return this.options.vault.storeWrappedKeys(entries);
  }

  async fetchWrappedKey(request: KeyRequest): Promise<string> {
    try {
      return await this.options.vault.fetchWrappedKey(request);
    } catch (error) {
      // Only "no key held for you" (raised after every access check passed) falls through.
      if (!(error instanceof NotFoundError)) throw error;
      return this.rewrap(request, error);
    }
  }

  private async rewrap(request: KeyRequest, notHeld: NotFoundError): Promise<string> {
    const { vault, publicClient, core, custodianPrivateKey } = this.options;
    if (request.patient.toLowerCase() === request.reader.toLowerCase()) throw notHeld;
    let open: boolean;
    try {
      open = await publicClient.readContract({
        address: core,
        abi: ehrCoreAbi,
        functionName: "hasEmergencyAccess",
        args: [request.patient, request.reader],
      });
    } catch (error) {
      throw new ChainError("The chain could not be reached to check emergency access.", { cause: error });
    }
    if (!open) throw notHeld;
    const custodianEntry = await vault.heldEntry({ ...request, reader: core });
    if (!custodianEntry) throw notHeld;
    const record = await readChainRecord(publicClient, core, request.patient, request.recordIndex);
    const recordedHash = request.part === "summary" ? record.summaryHash : record.envelopeHash;
    if (!recordedHash || recordedHash.toLowerCase() !== custodianEntry.envelopeHash.toLowerCase()) {
      throw new AccessDeniedError("This key does not belong to the record you asked for.");
    }
    const readerKey = await encryptionKeyOf(publicClient, core, request.reader);
    if (!readerKey) throw new AccessDeniedError("You have no registered encryption key.");
    const identity = {
      chainId: custodianEntry.chainId,
      contract: core,
      patient: request.patient,
      recordId: request.recordId,
      category: record.category,
      part: request.part,
    };
    const dataKey = await unwrapDataKey(custodianEntry.wrapped, custodianPrivateKey, { ...identity, reader: core });
    try {
      const binding = { ...identity, reader: request.reader };
      const entry: WrappedKeyEntry = {
        ...binding,
        envelopeHash: custodianEntry.envelopeHash,
        wrapped: await wrapDataKey(dataKey, readerKey, binding),
      };
      await vault.storeWrappedKeys([entry]);
      return entry.wrapped;
    } finally {
      dataKey.fill(0);
    }
  }
}
