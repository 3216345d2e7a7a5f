import { useCallback } from "react";
import { utf8 } from "@lib/bytes";
import { orderBundle, orderCategory, describeOrder, type Order } from "@lib/fhir/orders";
import { createRecord } from "@lib/records/flows";
import { summarizeFhirBundle } from "@lib/summary/summarizeFhirBundle";
import { KeyUnlockError } from "@lib/errors";
import { encodeStoredSummary } from "@lib/summary/stored";
import type { TaskStage } from "../../../components/stages";
import { useUserKey } from "../../../ehr/useEhr";
import { useBookWrite } from "../../../hooks/useBookWrite";

/** FHIR's media type for JSON resources: how the patient's pages know to show the order. */
export const ORDER_MEDIA_TYPE = "application/fhir+json";

/**
 * Completes one of the doctor's confirmed appointments, with an outcome or none. With one, the
 * order becomes an encrypted record for the patient first (a FHIR Bundle with its summary, added
 * through `addAppointmentRecord`, so no grant is needed during the appointment's write window),
 * then `complete(start, index + 1)` points the appointment at it.
 */
export function useCompleteAppointment() {
  const { flowContext, userKey } = useUserKey();
  const write = useBookWrite();
  return useCallback(
    async (
      appointment: { start: number; patient: `0x${string}` },
      order: Order | undefined,
      report: (stage: TaskStage) => void,
    ) => {
      let outcome = 0;
      if (order) {
        if (!userKey) throw new KeyUnlockError("Unlock your key first.");
        const bundle = orderBundle(order, {
          id: crypto.randomUUID(),
          patient: { identifier: { system: "urn:ietf:rfc:3986", value: `urn:ethereum:${appointment.patient}` } },
          requester: { display: "The doctor of this appointment" },
          authoredOn: new Date(),
        });
        const summary = {
          summary: summarizeFhirBundle(bundle),
          narrative: { engine: "order-template/1", text: describeOrder(order) },
          source: "fhir" as const,
        };
        const content = utf8(JSON.stringify(bundle));
        const created = await createRecord(
          flowContext((p) => report(p.stage)),
          {
            patient: appointment.patient,
            category: orderCategory(order),
            content,
            mediaType: ORDER_MEDIA_TYPE,
            fileName: order.kind === "prescription" ? "prescription.json" : "test-order.json",
            summary: encodeStoredSummary(summary),
            authorKey: userKey,
            appointmentStart: appointment.start,
          },
        );
        outcome = created.index + 1;
      }
      await write("complete", [appointment.start, outcome], "complete the appointment", report);
      return outcome;
    },
    [flowContext, userKey, write],
  );
}
