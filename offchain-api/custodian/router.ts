import { Router } from "express";
import { custodianKey } from "../../lib/chain/ehr";
import { compressPublicKey } from "../../lib/crypto/publicKey";
import type { ApiServices } from "../services";

/**
 * `/v1/custodian`: GET / → `{publicKey, published}`: the emergency custodian's public key (64 bytes
 * x || y, what `setCustodianKey` takes: the admin's `ehr:publish-custodian` task fetches it here)
 * and whether the chain holds it now (otherwise emergency keys cannot be re-wrapped). Public.
 */
export function custodianRouter(services: ApiServices): Router {
  const router = Router();
  router.get("/", async (_req, res) => {
    const onChain = await custodianKey(services.publicClient, services.core);
    const publicKey = services.custodian.publicKey;
    const published = onChain?.toLowerCase() === compressPublicKey(publicKey);
    res.set("Cache-Control", "no-store").json({ publicKey, published });
  });
  return router;
}
