import { useInfiniteQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import type { PublicClient } from "viem";
import { deploymentFor } from "@deployments/contracts";
import {
  readAccessEventPage,
  type AccessEvent,
  type AccessEventFilter,
  type AccessEventPage,
} from "@lib/chain/accessEvents";
import type { Address } from "viem";
import { useWallet } from "../ehr/useEhr";

export type { AccessEvent, AccessEventFilter };

/**
 * The block the trail's scans stop at: the deployment's block when the generated module describes
 * this very contract, else 0 (a contract deployed elsewhere, e.g. by the e2e harness).
 */
export function floorBlockFor(chainId: number, core: Address): bigint {
  const deployment = deploymentFor(chainId);
  return deployment && deployment.core.toLowerCase() === core.toLowerCase() ? BigInt(deployment.deployBlock) : 0n;
}

/**
 * One page of the trail as the pages read it: newest first, from `toBlock` (default: the head)
 * back until a page is filled (lib/chain/accessEvents.ts). The benchmark times this very function.
 */
export function readAccessEvents(
  publicClient: PublicClient,
  core: Address,
  filter: AccessEventFilter,
  options: { toBlock?: bigint; floorBlock?: bigint } = {},
): Promise<AccessEventPage> {
  return readAccessEventPage(publicClient, core, { filter, ...options });
}

/**
 * The access trail for `filter` (undefined: disabled), newest first, refreshed every 15 s and on
 * focus. `data` holds the pages read so far; `fetchNextPage` reads older ones while `hasNextPage`,
 * and `since` is the time of the oldest block covered (undefined once the whole trail is read).
 */
export function useAccessEvents(filter: AccessEventFilter | undefined) {
  const { publicClient, core, onRightChain, runtime } = useWallet();
  const who = filter ? ("patient" in filter ? `patient:${filter.patient}` : `doctor:${filter.doctor}`) : "";
  const floorBlock = floorBlockFor(runtime.chainId, core);
  const query = useInfiniteQuery({
    queryKey: ["access-events", core, who],
    initialPageParam: undefined as bigint | undefined,
    getNextPageParam: (last: AccessEventPage) => last.older,
    queryFn: ({ pageParam }) => readAccessEvents(publicClient, core, filter!, { toBlock: pageParam, floorBlock }),
    enabled: onRightChain && filter !== undefined,
    refetchInterval: 15_000,
  });
  const events = useMemo(() => query.data?.pages.flatMap((p) => p.events), [query.data]);
  const oldest = query.data?.pages[query.data.pages.length - 1];
  return { ...query, data: events, since: oldest?.older === undefined ? undefined : oldest.scannedFrom };
}
