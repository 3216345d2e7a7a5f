import type { Address } from "viem";
import { setMessageIntent } from "../handoff";
import { recordName } from "../../../records/recordNumber";

export interface MessageAboutLinkProps {
  /** The patient whose record it is. */
  patient: Address;
  /** The record's index (IRecordRegistry order, 0-based). */
  index: number;
  /** The other party when known (the patient, for a doctor); the patient chooses a doctor otherwise. */
  counterpart?: Address;
}

/** "Message about this record": opens the messages page with a new message about one record. */
export function MessageAboutLink({ patient, index, counterpart }: MessageAboutLinkProps) {
  return (
    <a href="#/messages" onClick={() => setMessageIntent({ counterpart, record: { patient, index } })}>
      Message about this record<span className="visually-hidden"> ({recordName(index)})</span>
    </a>
  );
}
