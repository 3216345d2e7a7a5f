const DAY = 86_400;
/** The most warning a grant gets: one ending within a week is listed, so it can be renewed in time. */
export const ENDING_SOON = 7 * DAY;

/**
 * Whether a grant is worth a "Access ending soon" line on the patient's home at `now` (Unix
 * seconds): it ends within {@link ENDING_SOON} and has run at least half its length. So a 30-day
 * grant shows in its last week, a 5-day one in its last 2½ days, and a grant the patient has just
 * given is never news the moment she gives it.
 */
export function isEndingSoon(grant: { grantedAt: number; expiresAt: number }, now: number): boolean {
  const left = grant.expiresAt - now;
  return left > 0 && left <= Math.min(ENDING_SOON, (grant.expiresAt - grant.grantedAt) / 2);
}
