import type { RefusalPage, RefusalsQuery } from "../../lib/api/wire/audit";
import { roleOf } from "../../lib/chain/ehr";
import { AccessDeniedError } from "../../lib/errors";
import { sameAddress } from "../../lib/records/context";
import type { Caller } from "../http/validate";
import type { ApiServices } from "../services";

/**
 * The reads the service refused on `patient`'s records, newest first. Only the patient, or an admin
 * (role read from the chain now), may list them.
 */
export async function refusals(
  services: Pick<ApiServices, "audit" | "publicClient" | "core">,
  caller: Caller,
  { patient, offset, limit }: RefusalsQuery,
): Promise<RefusalPage> {
  const me = caller.me;
  if (!sameAddress(me, patient) && (await roleOf(services.publicClient, services.core, me)) !== "admin") {
    throw new AccessDeniedError("Only the patient or an admin can see who was refused.");
  }
  return services.audit.refusalsFor(patient, { offset, limit });
}
