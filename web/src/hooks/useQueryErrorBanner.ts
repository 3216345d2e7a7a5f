import { useEffect } from "react";
import { useEhr } from "../ehr/useEhr";

/** Sends a query's failure to the one error banner (one plain sentence), once per new error. */
export function useQueryErrorBanner(error: unknown): void {
  const { showError } = useEhr();
  useEffect(() => {
    if (error) showError(error);
  }, [error, showError]);
}
