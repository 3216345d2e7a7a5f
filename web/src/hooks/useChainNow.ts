import { useQuery } from "@tanstack/react-query";
import { useWallet } from "../ehr/useEhr";

/**
 * "Now" as the contracts judge it: the later of this computer's clock and the latest block's
 * time (unix seconds). A chain whose clock runs ahead (a local one moved forward) is then not
 * second-guessed by the browser, e.g. whether an appointment has started.
 */
export function useChainNow(): { now: number; refetch: () => Promise<unknown> } {
  const { publicClient, onRightChain } = useWallet();
  const block = useQuery({
    queryKey: ["chain-now", publicClient.chain?.id],
    enabled: onRightChain,
    queryFn: async () => Number((await publicClient.getBlock({ blockTag: "latest" })).timestamp),
  });
  return { now: Math.max(Math.floor(Date.now() / 1000), block.data ?? 0), refetch: block.refetch };
}
