import { useWallet } from "../../ehr/useEhr";
import { emergencyCardLink } from "./cardLink";

/** The connected patient's card link: this dApp's address, their address and this chain; undefined before connecting. */
export function useEmergencyCardLink(): string | undefined {
  const { address, runtime } = useWallet();
  if (!address) return undefined;
  return emergencyCardLink(window.location.origin + window.location.pathname, {
    patient: address,
    chainId: runtime.chainId,
  });
}
