/** Test helper (universal): the identity of a record on the local development chain. */
import { newRecordId, type RecordIdentity } from "../crypto/identity";

/**
 * A report of the second development account (Hardhat/anvil) under the first contract deployed on
 * chain 31337, with a fresh record id; `changes` replaces any field.
 */
export function localRecordIdentity(changes: Partial<RecordIdentity> = {}): RecordIdentity {
  return {
    chainId: 31337,
    contract: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
    patient: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    recordId: newRecordId(),
    category: 6,
    part: "report",
    ...changes,
  };
}
