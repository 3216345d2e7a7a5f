import { useCallback, useEffect, useRef, useState } from "react";
import type { Notification as InboxItem } from "@lib/notifications";

/** "unsupported" when the browser has no Notification API (or the page is not a secure context). */
export type NotificationPermissionState = NotificationPermission | "unsupported";

function permissionNow(): NotificationPermissionState {
  return typeof window !== "undefined" && "Notification" in window ? window.Notification.permission : "unsupported";
}

/**
 * The browser's Notification API for inbox items: asks for permission only when the user presses
 * a button (`request`), never on load, and once allowed shows a system notification for each item
 * that arrives while the app is open (not for the backlog of the first read, once `ready`). The text is
 * the item's plain title: no patient data leaves the page.
 */
export function useBrowserNotifications(inbox: readonly InboxItem[], ready: boolean) {
  const [permission, setPermission] = useState<NotificationPermissionState>(permissionNow);
  const known = useRef<Set<string> | undefined>(undefined);

  useEffect(() => {
    if (!ready) return;
    if (known.current === undefined) {
      // The first inbox read is the backlog: remember it, notify nothing.
      known.current = new Set(inbox.map((n) => n.id));
      return;
    }
    const fresh = inbox.filter((n) => !known.current!.has(n.id));
    for (const n of fresh) known.current.add(n.id);
    // Read afresh: the permission may have been given from another component's button.
    if (permissionNow() !== "granted") return;
    for (const n of fresh) {
      new window.Notification(n.priority === "urgent" ? `Urgent: ${n.title}` : n.title, {
        tag: n.id,
        requireInteraction: n.priority === "urgent",
      });
    }
  }, [inbox, ready]);

  const request = useCallback(async () => {
    if (permissionNow() === "unsupported") return;
    setPermission(await window.Notification.requestPermission());
  }, []);

  return { permission, request };
}
