import type { CustodianInfo } from "../../lib/api/wire/custodian";
import { custodianKey } from "../../lib/chain/ehr";
import { compressPublicKey } from "../../lib/crypto/publicKey";
import type { ApiServices } from "../services";

/**
 * The emergency custodian's public key (64 bytes x || y, what `setCustodianKey` takes: the admin's
 * `ehr:publish-custodian` task fetches it) and whether the chain holds it now (otherwise emergency
 * keys cannot be re-wrapped). Public.
 */
export async function custodianInfo(
  services: Pick<ApiServices, "publicClient" | "core" | "custodian">,
): Promise<CustodianInfo> {
  const onChain = await custodianKey(services.publicClient, services.core);
  const publicKey = services.custodian.publicKey;
  return { publicKey, published: onChain?.toLowerCase() === compressPublicKey(publicKey) };
}
