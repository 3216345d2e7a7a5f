export * from "./types";
export { inboxFor } from "./inbox";
export { decodeNotificationEvent, type DecodedLog } from "./decodeEvent";
export { fetchNotificationEvents, type FetchedEvents, type InboxSide, type NotificationSource } from "./fetchEvents";
export * from "./unread";
