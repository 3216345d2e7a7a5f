import { toUserMessage } from "@lib/errors";
import { useErrorBanner, useShownError } from "../ehr/useEhr";
import { useFocusOn } from "../hooks/useFocusOn";

/** The one place failures are shown: one plain sentence (toUserMessage), announced at once. */
export function ErrorBanner() {
  const { clearError } = useErrorBanner();
  const { error } = useShownError();
  const ref = useFocusOn<HTMLDivElement>(error, error !== undefined);
  if (error === undefined) return null;
  return (
    <div className="banner banner-error" role="alert" tabIndex={-1} ref={ref} data-testid="error-banner">
      <p>{toUserMessage(error)}</p>
      <button type="button" onClick={clearError}>
        Dismiss
      </button>
    </div>
  );
}
