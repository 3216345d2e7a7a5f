/**
 * Times as the dApp writes them: "Thu, 3 Dec 2026, 05:10 CET", in the reader's own time zone (or
 * `timeZone`), saying which. Shared by the dApp's pages (web/src/components/format.ts) and the API
 * client, which says a refusal's time in the reader's zone (lib/api/apiError.ts).
 */
const LOCAL_MINUTE = {
  weekday: "short",
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  timeZoneName: "short",
} as const;
const IN_READERS_ZONE = new Intl.DateTimeFormat("en-GB", LOCAL_MINUTE);

export function localMinute(at: Date | number, timeZone?: string): string {
  const format = timeZone ? new Intl.DateTimeFormat("en-GB", { ...LOCAL_MINUTE, timeZone }) : IN_READERS_ZONE;
  return format.format(at);
}
