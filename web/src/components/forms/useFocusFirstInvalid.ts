import { useEffect, type RefObject } from "react";

/** A control the form marked invalid, or the first enabled input of a group marked invalid (CategoryPicker). */
const INVALID = '[aria-invalid="true"], fieldset[data-invalid] input:not([disabled])';

/**
 * After each refused submit (`refusals` counts them), moves the focus to the form's first invalid
 * control, in screen order, where its problem is said beside it; a keyboard or screen-reader user
 * lands on what to fix.
 */
export function useFocusFirstInvalid(form: RefObject<HTMLFormElement | null>, refusals: number): void {
  useEffect(() => {
    if (refusals > 0) form.current?.querySelector<HTMLElement>(INVALID)?.focus();
  }, [form, refusals]);
}
