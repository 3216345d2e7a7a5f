import type { Address } from "viem";
import { useCoreRead } from "../hooks/useCoreRead";

/** A doctor's public name from the registry, with the address on hover; the address while loading. */
export function DoctorName({ address }: { address: Address }) {
  const doctor = useCoreRead("doctor", [address]);
  const name = doctor.data?.name;
  return <span title={address}>{name ? name : <code>{address}</code>}</span>;
}
