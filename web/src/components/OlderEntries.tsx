/** What OlderEntries needs from useAccessEvents. */
interface OlderPages {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  isFetchNextPageError: boolean;
  fetchNextPage(): unknown;
}

/**
 * The trail is read newest first, a page at a time, so that its first page costs the same however
 * long the chain is: this button reads the next, older page while there is one.
 */
export function OlderEntries({ events }: { events: OlderPages }) {
  if (!events.hasNextPage) return null;
  return (
    <p>
      {events.isFetchNextPageError ? (
        <span role="alert">The older entries could not be read from the chain. </span>
      ) : null}
      <button type="button" onClick={() => void events.fetchNextPage()} disabled={events.isFetchingNextPage}>
        {events.isFetchingNextPage ? "Reading older entries…" : "Show older entries"}
      </button>
    </p>
  );
}
