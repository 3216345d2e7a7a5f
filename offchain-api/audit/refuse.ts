import type { ApiServices } from "../services";
import type { RefusalEvent } from "./log";

/**
 * Records a refused read: counted in the audit log (the patient sees it; a repeat the same day
 * bumps the count of its row) and logged at warn with
 * the addresses, record index, part and CID only (never content, keys or tokens). An audit log
 * that cannot be written is logged as an error and does not change the answer (still 403).
 */
export async function auditRefusal(
  services: Pick<ApiServices, "audit" | "logger">,
  /** The request, or `{ id: caller.requestId }` from a service function: its id goes into the log line. */
  request: { id?: unknown },
  refusal: Omit<RefusalEvent, "at">,
): Promise<void> {
  const entry: RefusalEvent = { at: new Date().toISOString(), ...refusal };
  services.logger.warn(
    {
      requestId: request.id,
      reader: entry.reader,
      patient: entry.patient,
      recordIndex: entry.recordIndex,
      part: entry.part,
      cid: entry.cid,
      reason: entry.reason,
    },
    "read refused",
  );
  try {
    await services.audit.append(entry);
  } catch (error) {
    services.logger.error({ requestId: request.id, err: { name: (error as Error).name } }, "audit log write failed");
  }
}
