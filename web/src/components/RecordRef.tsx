import type { Address } from "viem";
import { useCoreRead } from "../hooks/useCoreRead";
import { recordName } from "../records/recordNumber";
import { categoryName } from "./clinicalFormat";

/**
 * "record 2 (Clinical notes and reports)": a record of `patient` named with its category, read from
 * the chain (public, as the index is), as the patient's Activity names records; the bare name until
 * the read answers. For lines that carry only an index: the doctor's audit trail, a message's record.
 */
export function RecordRef({ patient, index }: { patient: Address; index: number }) {
  const record = useCoreRead("recordOf", [patient, BigInt(index)]);
  const category = record.data?.category;
  return (
    <>
      {recordName(index)}
      {category === undefined ? "" : ` (${categoryName(Number(category))})`}
    </>
  );
}
