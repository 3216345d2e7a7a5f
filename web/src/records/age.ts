/** Whole years between a YYYY-MM-DD birth date and `today`; undefined for an unreadable or future date. */
export function ageInYears(dateOfBirth: string, today: Date = new Date()): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dateOfBirth);
  if (!m) return undefined;
  const [year, month, day] = [+m[1], +m[2], +m[3]];
  const [ty, tm, td] = [today.getFullYear(), today.getMonth() + 1, today.getDate()];
  const age = ty - year - (tm < month || (tm === month && td < day) ? 1 : 0);
  return age >= 0 && age < 150 ? age : undefined;
}
