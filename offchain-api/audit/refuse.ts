import { isRegisteredPatient, roleOf, type AccountRole } from "../../lib/chain/ehr";
import { sameAddress } from "../../lib/records/context";
import type { ApiServices } from "../services";
import type { RefusalEvent } from "./log";

/**
 * Records a refused read: counted in the audit log (the patient sees it; a repeat the same day
 * bumps the count of its row) and logged at warn with
 * the addresses, record index, part and CID only (never content, keys or tokens). An audit log
 * that cannot be written is logged as an error and does not change the answer (still 403).
 *
 * Only the refusals of accountable readers go into the patient's Activity: the patient's own, and
 * those of accounts the consortium onboarded (a doctor, active or suspended, a hospital, the
 * admin). Anyone can sign in with a fresh address, or register as a patient, and name any
 * patient's record: with each such address a new row, strangers could bury a doctor's refused
 * attempt under their own for free, and grow the log without end. Their refusals are logged
 * (`audited: false`), not audited. Nor is a refusal naming an address that is no registered patient
 * (a message "to" a made-up or a fresh patient address, the sender's own included): nobody's Activity
 * would show it, and each made-up address would be a new row. A chain that cannot be read to tell
 * audits the refusal.
 */
export async function auditRefusal(
  services: Pick<ApiServices, "audit" | "logger" | "publicClient" | "core">,
  /** The request, or `{ id: caller.requestId }` from a service function: its id goes into the log line. */
  request: { id?: unknown },
  refusal: Omit<RefusalEvent, "at">,
  /** The reader's role when the caller has just read it (grantRefusal): not read again. */
  known: { readerRole?: AccountRole } = {},
): Promise<void> {
  const entry: RefusalEvent = { at: new Date().toISOString(), ...refusal };
  const audited = await isAccountable(services, entry, known.readerRole);
  services.logger.warn(
    {
      requestId: request.id,
      reader: entry.reader,
      patient: entry.patient,
      recordIndex: entry.recordIndex,
      part: entry.part,
      cid: entry.cid,
      reason: entry.reason,
      audited,
    },
    "read refused",
  );
  if (!audited) return;
  try {
    await services.audit.append(entry);
  } catch (error) {
    services.logger.error({ requestId: request.id, err: { name: (error as Error).name } }, "audit log write failed");
  }
}

/**
 * Whether the refusal names a registered patient and the reader is that patient or an account the
 * consortium onboarded (see {@link auditRefusal}).
 */
async function isAccountable(
  services: Pick<ApiServices, "publicClient" | "core">,
  refusal: Pick<RefusalEvent, "reader" | "patient">,
  readerRole: AccountRole | undefined,
): Promise<boolean> {
  const registered = await isRegisteredPatient(services.publicClient, services.core, refusal.patient).catch(() => true);
  if (!registered) return false;
  if (sameAddress(refusal.reader, refusal.patient)) return true;
  const role =
    readerRole ?? (await roleOf(services.publicClient, services.core, refusal.reader).catch(() => undefined));
  return role === undefined || role === "doctor" || role === "suspended" || role === "hospital" || role === "admin";
}
