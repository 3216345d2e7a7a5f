import { useQuery } from "@tanstack/react-query";
import type { PublicClient } from "viem";
import type { AccountRole } from "@lib/chain/ehr";
import type { Address } from "viem";

/**
 * The account's role read from the chain (lib/chain/ehr.ts roleOf): never assumed, re-read when the
 * window regains focus and after every write that changes it (`refetch`).
 */
export function useRole(publicClient: PublicClient, core: Address, address: Address | undefined, enabled: boolean) {
  return useQuery<AccountRole>({
    queryKey: ["role", core, address],
    // Imported when first needed (once connected), so the contracts' ABIs stay off the first screen.
    queryFn: async () => (await import("@lib/chain/ehr")).roleOf(publicClient, core, address!),
    enabled: enabled && address !== undefined,
    staleTime: 0,
    retry: 1,
  });
}
