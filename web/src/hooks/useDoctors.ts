import { useQuery } from "@tanstack/react-query";
import { DoctorStatus, ehrCoreAbi } from "@deployments/contracts";
import { useWallet } from "../ehr/useEhr";

/** Rows per chain read: the registry's pages are bounded by gas, not by us. */
const PAGE = 100n;

/** A doctor as the directory shows it: the chain's public profile plus the hospital's name. */
export interface DirectoryDoctor {
  account: `0x${string}`;
  name: string;
  specialty: number;
  hospitalId: number;
  hospitalName: string;
  active: boolean;
}

/**
 * Every onboarded doctor with their hospital's name, from the core's doctorsPage and hospitalsPage
 * (public data, no key needed). Suspended doctors are kept, marked inactive, so pages can say so.
 */
export function useDoctors() {
  const { publicClient, core, onRightChain } = useWallet();
  return useQuery({
    queryKey: ["doctors", core],
    enabled: onRightChain,
    queryFn: async (): Promise<DirectoryDoctor[]> => {
      const contract = { address: core, abi: ehrCoreAbi } as const;
      const [doctorCount, hospitalCount] = await Promise.all([
        publicClient.readContract({ ...contract, functionName: "doctorCount" }),
        publicClient.readContract({ ...contract, functionName: "hospitalCount" }),
      ]);
      const hospitals: { name: string }[] = [];
      for (let offset = 0n; offset < hospitalCount; offset += PAGE) {
        hospitals.push(
          ...(await publicClient.readContract({ ...contract, functionName: "hospitalsPage", args: [offset, PAGE] })),
        );
      }
      const doctors: { account: `0x${string}`; name: string; specialty: number; hospitalId: number; status: number }[] =
        [];
      for (let offset = 0n; offset < doctorCount; offset += PAGE) {
        doctors.push(
          ...(await publicClient.readContract({ ...contract, functionName: "doctorsPage", args: [offset, PAGE] })),
        );
      }
      // Hospital ids start at 1 (0: none), in the order hospitalsPage lists them.
      return doctors.map((d) => ({
        account: d.account,
        name: d.name,
        specialty: d.specialty,
        hospitalId: d.hospitalId,
        hospitalName: hospitals[d.hospitalId - 1]?.name ?? `Hospital ${d.hospitalId}`,
        active: d.status === DoctorStatus.Active,
      }));
    },
  });
}
