import { zeroHash, type PublicClient, type Address, type Hex } from "viem";
import { ehrCoreAbi, contractConstants } from "../../deployments/contracts";
import { ChainError } from "../errors";
import { readOrFail } from "./readOrFail";

/** Record flag bits (IRecordRegistry.Record.flags). */
export const RecordFlags = {
  HasSummary: contractConstants.FLAG_HAS_SUMMARY,
  Superseded: contractConstants.FLAG_SUPERSEDED,
  Amendment: contractConstants.FLAG_AMENDMENT,
} as const;

/** A record as the chain knows it: the slot plus the pointers of its `RecordAdded` event. */
export interface ChainRecord {
  index: number;
  author: Address;
  category: number;
  flags: number;
  blockNumber: number;
  /** Index of the record this one amends; meaningful only with the Amendment flag. */
  supersedes: number;
  envelopeHash: Hex;
  cid: string;
  summaryHash?: Hex;
  summaryCid?: string;
}

export type RecordSlot = { author: Address; category: number; flags: number; blockNumber: number; supersedes: number };

/** The `RecordAdded` event of one record, found with a one-block log query. */
async function recordEvent(
  publicClient: PublicClient,
  core: Address,
  patient: Address,
  index: number,
  slot: RecordSlot,
) {
  const logs = await readOrFail("read the record's pointers", () =>
    publicClient.getContractEvents({
      address: core,
      abi: ehrCoreAbi,
      eventName: "RecordAdded",
      args: { patient, index: BigInt(index) },
      fromBlock: BigInt(slot.blockNumber),
      toBlock: BigInt(slot.blockNumber),
      strict: true,
    }),
  );
  const log = logs[0];
  if (!log) {
    throw new ChainError("The record's details could not be found on the chain.", {
      details: `no RecordAdded event for index ${index} in block ${slot.blockNumber}`,
    });
  }
  return log.args;
}

export async function withEvent(
  publicClient: PublicClient,
  core: Address,
  patient: Address,
  index: number,
  slot: RecordSlot,
): Promise<ChainRecord> {
  const event = await recordEvent(publicClient, core, patient, index, slot);
  const record: ChainRecord = {
    index,
    author: slot.author,
    category: Number(slot.category),
    flags: Number(slot.flags),
    blockNumber: Number(slot.blockNumber),
    supersedes: Number(slot.supersedes),
    envelopeHash: event.envelopeHash,
    cid: event.cid,
  };
  if (event.summaryHash !== zeroHash && event.summaryCid !== "") {
    record.summaryHash = event.summaryHash;
    record.summaryCid = event.summaryCid;
  }
  return record;
}
