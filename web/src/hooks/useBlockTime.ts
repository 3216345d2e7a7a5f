import { useQuery } from "@tanstack/react-query";
import { useWallet } from "../ehr/useEhr";

/**
 * When block `blockNumber` was mined (unix seconds), from the chain's block header; undefined while
 * it loads or when the node cannot say. A mined block's time never changes, so one read per block
 * serves every record of it for the whole session.
 */
export function useBlockTime(blockNumber: bigint | number | undefined): number | undefined {
  const { publicClient } = useWallet();
  const { data } = useQuery({
    queryKey: ["block-time", blockNumber === undefined ? null : String(blockNumber)],
    enabled: blockNumber !== undefined && BigInt(blockNumber) > 0n,
    staleTime: Infinity,
    gcTime: Infinity,
    queryFn: async () => Number((await publicClient.getBlock({ blockNumber: BigInt(blockNumber!) })).timestamp),
  });
  return data;
}
