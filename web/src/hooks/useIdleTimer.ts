import { useEffect, useRef } from "react";

const ACTIVITY_EVENTS = ["pointerdown", "keydown", "wheel", "touchstart", "scroll"] as const;

/**
 * Calls `onIdle` after `timeoutMs` without keyboard, pointer or scroll activity (and when the tab
 * comes back after being hidden that long). Timers in background tabs are throttled, so the
 * elapsed time is measured, not counted.
 */
export function useIdleTimer(timeoutMs: number, onIdle: () => void): void {
  const callback = useRef(onIdle);
  callback.current = onIdle;
  useEffect(() => {
    let last = Date.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const check = () => {
      const idle = Date.now() - last;
      if (idle >= timeoutMs) {
        last = Date.now();
        callback.current();
        schedule(timeoutMs);
      } else schedule(timeoutMs - idle);
    };
    const schedule = (ms: number) => {
      clearTimeout(timer);
      timer = setTimeout(check, Math.min(ms, 60_000));
    };
    const active = () => {
      last = Date.now();
    };
    const visibility = () => {
      if (document.visibilityState === "visible") check();
    };
    for (const event of ACTIVITY_EVENTS) window.addEventListener(event, active, { passive: true, capture: true });
    document.addEventListener("visibilitychange", visibility);
    schedule(timeoutMs);
    return () => {
      clearTimeout(timer);
      for (const event of ACTIVITY_EVENTS) window.removeEventListener(event, active, { capture: true });
      document.removeEventListener("visibilitychange", visibility);
    };
  }, [timeoutMs]);
}
