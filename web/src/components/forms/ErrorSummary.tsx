import "./forms.css";
import { CircleAlert } from "lucide-react";
import type { MouseEvent, Ref } from "react";

export interface SummaryProblem {
  /** The problem in words, as it is shown beside its field. */
  message: string;
  /** The id of the field it is about (its input, or an element inside its fieldset); absent: the whole form. */
  target?: string;
}

const FOCUSABLE = "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea, button:not([disabled])";

/**
 * Focuses the field `id` names: the element itself when it is a control, else the first control
 * of the fieldset it is in (a list's problem). Its label is scrolled into view first, so the user
 * sees what the field is, not only the box (as GOV.UK's error summary does).
 */
export function focusField(id: string): void {
  const element = document.getElementById(id);
  if (!element) return;
  const control = element.matches(FOCUSABLE)
    ? element
    : element.closest("fieldset")?.querySelector<HTMLElement>(FOCUSABLE);
  if (!control) return;
  (control.closest(".ui-field, fieldset") ?? control).scrollIntoView({ block: "start" });
  control.focus({ preventScroll: true });
}

/**
 * The form's problems at its top, after a refused save (the GOV.UK design system's error summary):
 * how many there are, that nothing was saved, and each problem as a link that focuses its field,
 * where the same sentence stands beside it. The form moves the focus here when it refuses a save
 * (`ref`), so a screen reader reads the summary first.
 */
export function ErrorSummary({
  id,
  problems,
  ref,
}: {
  id: string;
  problems: SummaryProblem[];
  ref?: Ref<HTMLDivElement>;
}) {
  if (problems.length === 0) return null;
  const jump = (event: MouseEvent, target: string) => {
    // The dApp routes by the URL's hash: following "#field" would leave the page.
    event.preventDefault();
    focusField(target);
  };
  return (
    <div ref={ref} className="error-summary" role="group" tabIndex={-1} aria-labelledby={`${id}-summary-title`}>
      <h3 id={`${id}-summary-title`}>
        <CircleAlert className="icon" aria-hidden="true" />
        {problems.length === 1 ? "There is a problem" : `There are ${problems.length} problems`}: nothing was saved
      </h3>
      <ul>
        {problems.map((p, i) => (
          <li key={i}>
            {p.target ? (
              <a href={`#${p.target}`} onClick={(e) => jump(e, p.target!)}>
                {p.message}
              </a>
            ) : (
              p.message
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
