/**
 * The number people see for the record at chain index `index` (0-based): counted from 1, the same
 * for the patient and the doctor on every page, as an appointment's outcome record is on the chain
 * (`outcomeRecord` = index + 1). The one place a record's index becomes its number.
 */
export function recordNumber(index: number): number {
  return index + 1;
}

/** "record 3": how a sentence names the record at chain index `index`. */
export function recordName(index: number): string {
  return `record ${recordNumber(index)}`;
}
