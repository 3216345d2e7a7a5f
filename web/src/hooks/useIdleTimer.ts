import { useEffect, useRef } from "react";

const ACTIVITY_EVENTS = ["pointerdown", "keydown", "wheel", "touchstart", "scroll"] as const;
/** This tab's last activity (epoch ms) in sessionStorage: the idle time runs on across a reload. */
const LAST_ACTIVITY = "ehr:last-activity";
/** Activity is written at most this often. */
const WRITE_EVERY_MS = 5_000;

/** This tab's last recorded activity (epoch ms), or undefined when none is recorded. */
export function lastActivityAt(): number | undefined {
  const value = Number(sessionStorage.getItem(LAST_ACTIVITY));
  return value > 0 ? value : undefined;
}

/** The last activity recorded before this page loaded: what a reload's restore is judged by. */
export const LAST_ACTIVITY_BEFORE_LOAD = lastActivityAt();

function recordActivity(at: number): void {
  try {
    sessionStorage.setItem(LAST_ACTIVITY, String(at));
  } catch {
    // Disabled storage: a reload then starts the idle time afresh, and keeps nothing (EhrProvider).
  }
}

/**
 * Calls `onIdle` after `timeoutMs` without keyboard, pointer or scroll activity (and when the tab
 * comes back after being hidden that long). Timers in background tabs are throttled, so the
 * elapsed time is measured, not counted. The last activity is kept in this tab's sessionStorage,
 * so a reload neither resets the idle time nor brings back what it should have locked.
 */
export function useIdleTimer(timeoutMs: number, onIdle: () => void): void {
  const callback = useRef(onIdle);
  callback.current = onIdle;
  useEffect(() => {
    let last = lastActivityAt() ?? Date.now();
    let written = 0;
    const write = (force = false) => {
      if (force || last - written >= WRITE_EVERY_MS) {
        written = last;
        recordActivity(last);
      }
    };
    write(true);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const check = () => {
      const idle = Date.now() - last;
      if (idle >= timeoutMs) {
        callback.current();
        last = Date.now();
        write(true);
        schedule(timeoutMs);
      } else schedule(timeoutMs - idle);
    };
    const schedule = (ms: number) => {
      clearTimeout(timer);
      timer = setTimeout(check, Math.min(ms, 60_000));
    };
    const active = () => {
      last = Date.now();
      write();
    };
    const leaving = () => write(true);
    const visibility = () => {
      if (document.visibilityState === "visible") check();
    };
    for (const event of ACTIVITY_EVENTS) window.addEventListener(event, active, { passive: true, capture: true });
    document.addEventListener("visibilitychange", visibility);
    window.addEventListener("pagehide", leaving);
    check();
    return () => {
      clearTimeout(timer);
      for (const event of ACTIVITY_EVENTS) window.removeEventListener(event, active, { capture: true });
      document.removeEventListener("visibilitychange", visibility);
      window.removeEventListener("pagehide", leaving);
    };
  }, [timeoutMs]);
}
