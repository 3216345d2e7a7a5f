/**
 * What a grant or an access request covers and until when, as the sharing forms hold it, and its
 * check before anything is sent. A grant ends at a minute the patient enters in her own time zone
 * (a datetime-local value); a request asks for a number of days from the patient's approval.
 */
const DAY = 86_400;

/** "grant": the patient gives access until a date; "request": a doctor asks for some days. */
export type AccessScopeKind = "grant" | "request";

export interface AccessScope {
  /** The categories bitmask chosen so far (0: none). */
  categories: number;
  /** A grant's end ("YYYY-MM-DDTHH:mm", the viewer's time) or a request's number of days, as typed. */
  end: string;
}

/** A problem with the scope, beside the field it is about. */
export interface AccessScopeProblem {
  on: "categories" | "end";
  problem: string;
}

/** A checked scope: the mask, when access ends (Unix seconds) and how long it lasts from now. */
export interface CheckedAccessScope {
  categories: number;
  expiresAt: number;
  duration: number;
}

/** "YYYY-MM-DDTHH:mm" of a Unix time in the viewer's time zone, for a datetime-local input. */
export function localInput(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** The Unix time (seconds) of a datetime-local value, read in the viewer's time zone; NaN if malformed. */
export function fromLocalInput(value: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return NaN;
  const [y, mo, d, h, mi, sec] = m.slice(1).map((part) => Number(part ?? 0));
  return Math.floor(new Date(y, mo - 1, d, h, mi, sec).getTime() / 1000);
}

/** The end of the viewer's day `days` from now (23:59 local), as Unix seconds. */
function endOfLocalDay(nowSeconds: number, days: number): number {
  const d = new Date((nowSeconds + days * DAY) * 1000);
  d.setHours(23, 59, 0, 0);
  return Math.floor(d.getTime() / 1000);
}

/** A fresh scope: the given categories, for 30 days (a grant: until the end of the local day 30 days on). */
export function initialAccessScope(kind: AccessScopeKind, nowSeconds: number, categories = 0): AccessScope {
  return { categories, end: kind === "grant" ? localInput(endOfLocalDay(nowSeconds, 30)) : "30" };
}

/**
 * The scope checked against the chain's policy (`maxDuration`, seconds; unknown while it loads):
 * at least one category, and an end in the future within the policy. The first problem, if any.
 */
export function checkAccessScope(
  kind: AccessScopeKind,
  scope: AccessScope,
  nowSeconds: number,
  maxDuration: number | undefined,
): CheckedAccessScope | AccessScopeProblem {
  if (scope.categories === 0)
    return {
      on: "categories",
      problem: kind === "grant" ? "Choose at least one category to share." : "Choose at least one category to ask for.",
    };
  if (kind === "grant") {
    const expiresAt = fromLocalInput(scope.end);
    if (!Number.isFinite(expiresAt) || expiresAt <= nowSeconds)
      return { on: "end", problem: "Choose when access ends: a date and time in the future." };
    if (maxDuration !== undefined && expiresAt > nowSeconds + maxDuration)
      return { on: "end", problem: `Choose an end within ${Math.floor(maxDuration / DAY)} days from now.` };
    return { categories: scope.categories, expiresAt, duration: expiresAt - nowSeconds };
  }
  const days = Number(scope.end);
  const maxDays = maxDuration !== undefined ? Math.floor(maxDuration / DAY) : undefined;
  if (!Number.isInteger(days) || days < 1 || (maxDays !== undefined && days > maxDays))
    return {
      on: "end",
      problem: `Enter a whole number of days from 1${maxDays !== undefined ? ` to ${maxDays}` : ""}.`,
    };
  return { categories: scope.categories, expiresAt: nowSeconds + days * DAY, duration: days * DAY };
}

/** Whether a check found a problem. */
export const isScopeProblem = (checked: CheckedAccessScope | AccessScopeProblem): checked is AccessScopeProblem =>
  "problem" in checked;
