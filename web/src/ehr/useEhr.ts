import { useContext } from "react";
import { EhrContext, type EhrContextValue } from "./context";

/** The connected account, clients, role, service client and unlocked key (see EhrContextValue). */
export function useEhr(): EhrContextValue {
  const value = useContext(EhrContext);
  if (!value) throw new Error("useEhr() must be used inside <EhrProvider>.");
  return value;
}
