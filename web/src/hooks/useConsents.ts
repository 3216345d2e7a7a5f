import { useQuery } from "@tanstack/react-query";
import { ehrCoreAbi } from "@deployments/contracts";
import type { Address } from "viem";
import { useWallet } from "../ehr/useEhr";

/** A live grant between one patient and one doctor. */
export interface LiveGrant {
  patient: Address;
  doctor: Address;
  categories: number;
  /** Unix seconds. */
  expiresAt: number;
  grantedAt: number;
  /** 1 patient, 2 approved request, 3 appointment (IConsentRegistry.GrantSource). */
  source: number;
}

/** A doctor's pending request to the patient. */
export interface PendingRequest {
  doctor: Address;
  categories: number;
  /** Seconds the grant would last from approval. */
  duration: number;
  requestedAt: number;
}

export interface Consents {
  grants: LiveGrant[];
  /** Only filled for the patient side. */
  requests: PendingRequest[];
}

/**
 * The grants (and, for a patient, the pending requests) of the connected account. The events
 * (ConsentGranted, AccessRequested) only say which counterparts to look at; the state shown is
 * always the contract's current grantOf/requestOf, so revoked, replaced and expired grants vanish.
 */
export function useConsents(side: "patient" | "doctor") {
  const { publicClient, core, address, onRightChain } = useWallet();
  return useQuery({
    queryKey: ["consents", core, side, address],
    enabled: onRightChain && address !== undefined,
    queryFn: async (): Promise<Consents> => {
      const me = address!;
      const contract = { address: core, abi: ehrCoreAbi } as const;
      const filter = side === "patient" ? { patient: me } : { doctor: me };
      const granted = await publicClient.getContractEvents({
        address: core,
        abi: ehrCoreAbi,
        eventName: "ConsentGranted",
        args: filter,
        fromBlock: 0n,
      });
      const others = unique(granted.map((log) => (side === "patient" ? log.args.doctor : log.args.patient)));
      const now = Math.floor(Date.now() / 1000);
      const grants: LiveGrant[] = [];
      for (const other of others) {
        const [patient, doctor] = side === "patient" ? [me, other] : [other, me];
        const g = await publicClient.readContract({ ...contract, functionName: "grantOf", args: [patient, doctor] });
        if (g.categories !== 0 && Number(g.expiresAt) > now) {
          grants.push({
            patient,
            doctor,
            categories: g.categories,
            expiresAt: Number(g.expiresAt),
            grantedAt: Number(g.grantedAt),
            source: g.source,
          });
        }
      }
      const requests: PendingRequest[] = [];
      if (side === "patient") {
        const asked = await publicClient.getContractEvents({
          address: core,
          abi: ehrCoreAbi,
          eventName: "AccessRequested",
          args: { patient: me },
          fromBlock: 0n,
        });
        for (const doctor of unique(asked.map((log) => log.args.doctor))) {
          const r = await publicClient.readContract({ ...contract, functionName: "requestOf", args: [me, doctor] });
          if (Number(r.requestedAt) !== 0) {
            requests.push({
              doctor,
              categories: r.categories,
              duration: Number(r.duration),
              requestedAt: Number(r.requestedAt),
            });
          }
        }
      }
      return { grants, requests };
    },
  });
}

function unique(addresses: (Address | undefined)[]): Address[] {
  const seen = new Map<string, Address>();
  for (const a of addresses) if (a) seen.set(a.toLowerCase(), a);
  return [...seen.values()];
}
