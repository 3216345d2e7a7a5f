import { CATEGORY_LABELS, isCategoryId } from "@lib/categories";
import { localMinute, localSecond } from "@lib/localTime";

/** A record category in words; a category this version does not know by its number. */
export function categoryName(category: number): string {
  return isCategoryId(category) ? CATEGORY_LABELS[category] : `Category ${category}`;
}

/** "21 Nov 2026, 19:52:23 CET" in the viewer's time zone, which it names (audit entries are the viewer's own past). */
export function formatWhen(date: Date): string {
  return localSecond(date);
}

/** "Fri, 21 Nov 2026, 19:52 CET": when a message was sent or something happened to the viewer, to the minute, as a mail app says it (the `<time>` element keeps the instant). */
export function formatSent(date: Date): string {
  return localMinute(date);
}
