import { useQuery } from "@tanstack/react-query";
import type { PublicClient } from "viem";
import { ehrCoreAbi } from "@deployments/contracts";
import { ACCESS_BASES, type AccessBasisName } from "@lib/chain/ehr";
import type { Address, Hex } from "@lib/crypto/identity";
import { useEhr } from "../ehr/useEhr";

/** One entry of the audit trail, from the chain's `RecordAccessed` / `EmergencyAccessOpened` events. */
export type AccessEvent =
  | {
      kind: "read";
      patient: Address;
      doctor: Address;
      index: number;
      summaryOnly: boolean;
      basis: AccessBasisName;
      at: Date;
      txHash: Hex;
      key: string;
    }
  | {
      kind: "emergency";
      patient: Address;
      doctor: Address;
      id: number;
      reasonCode: number;
      expiresAt: Date;
      at: Date;
      txHash: Hex;
      key: string;
    };

/** Whose trail: every access to one patient's records, or every access one doctor made. */
export type AccessEventFilter = { patient: Address } | { doctor: Address };

/** Reads the trail from block 0, newest first, with each block's time (fetched once per block). */
export async function readAccessEvents(
  publicClient: PublicClient,
  core: Address,
  filter: AccessEventFilter,
): Promise<AccessEvent[]> {
  const byPatient = "patient" in filter;
  const [reads, emergencies] = await Promise.all([
    publicClient.getContractEvents({
      address: core,
      abi: ehrCoreAbi,
      eventName: "RecordAccessed",
      args: byPatient ? { patient: filter.patient } : { reader: filter.doctor },
      fromBlock: 0n,
    }),
    publicClient.getContractEvents({
      address: core,
      abi: ehrCoreAbi,
      eventName: "EmergencyAccessOpened",
      args: byPatient ? { patient: filter.patient } : { doctor: filter.doctor },
      fromBlock: 0n,
    }),
  ]);
  const blocks = new Map<bigint, Promise<Date>>();
  const timeOf = (blockNumber: bigint) => {
    if (!blocks.has(blockNumber)) {
      blocks.set(
        blockNumber,
        publicClient.getBlock({ blockNumber }).then((b) => new Date(Number(b.timestamp) * 1000)),
      );
    }
    return blocks.get(blockNumber)!;
  };
  const order = (log: { blockNumber: bigint; logIndex: number }) => Number(log.blockNumber) * 1e6 + log.logIndex;
  const events: (AccessEvent & { order: number })[] = [
    ...(await Promise.all(
      reads.map(async (log) => ({
        kind: "read" as const,
        patient: log.args.patient!,
        doctor: log.args.reader!,
        index: Number(log.args.index),
        summaryOnly: log.args.summaryOnly!,
        basis: ACCESS_BASES[log.args.basis!],
        at: await timeOf(log.blockNumber),
        txHash: log.transactionHash,
        key: `${log.transactionHash}:${log.logIndex}`,
        order: order(log),
      })),
    )),
    ...(await Promise.all(
      emergencies.map(async (log) => ({
        kind: "emergency" as const,
        patient: log.args.patient!,
        doctor: log.args.doctor!,
        id: Number(log.args.id),
        reasonCode: log.args.reasonCode!,
        expiresAt: new Date(Number(log.args.expiresAt) * 1000),
        at: await timeOf(log.blockNumber),
        txHash: log.transactionHash,
        key: `${log.transactionHash}:${log.logIndex}`,
        order: order(log),
      })),
    )),
  ];
  return events.sort((a, b) => b.order - a.order);
}

/** The access trail for `filter` (undefined: disabled), refreshed every 15 s and on focus. */
export function useAccessEvents(filter: AccessEventFilter | undefined) {
  const { publicClient, core, onRightChain } = useEhr();
  const who = filter ? ("patient" in filter ? `patient:${filter.patient}` : `doctor:${filter.doctor}`) : "";
  return useQuery({
    queryKey: ["access-events", core, who],
    queryFn: () => readAccessEvents(publicClient, core, filter!),
    enabled: onRightChain && filter !== undefined,
    refetchInterval: 15_000,
  });
}
