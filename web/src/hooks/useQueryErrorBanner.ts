import { useEffect } from "react";
import { useErrorBanner } from "../ehr/useEhr";

/** Sends a query's failure to the one error banner (one plain sentence), once per new error. */
export function useQueryErrorBanner(error: unknown): void {
  const { showError } = useErrorBanner();
  useEffect(() => {
    if (error) showError(error);
  }, [error, showError]);
}
