import { useEffect, useRef } from "react";

/**
 * A ref whose element takes the focus each time `key` changes while `active` (a new error, a new
 * emergency, a refused save), so a screen reader announces it and the keyboard starts there.
 */
export function useFocusOn<T extends HTMLElement>(key: unknown, active: boolean) {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (active) ref.current?.focus();
  }, [key, active]);
  return ref;
}
