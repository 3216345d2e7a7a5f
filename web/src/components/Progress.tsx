import { useId } from "react";
import { STAGE_LABELS, type TaskStage } from "./stages";

export interface ProgressProps {
  /** What the work is, e.g. "Setting up your key". */
  title: string;
  /** The steps in order. */
  stages: readonly TaskStage[];
  /** The step under way; undefined before the first. */
  current: TaskStage | undefined;
  /** All steps finished. @default false */
  done?: boolean;
}

/**
 * Long work, step by step: an ordered list marking each step done, under way or to come, and a
 * polite live region that announces the step under way to screen readers.
 */
export function Progress({ title, stages, current, done = false }: ProgressProps) {
  const id = useId();
  const at = done ? stages.length : current ? stages.indexOf(current) : -1;
  const status = done ? "Done." : current ? `${STAGE_LABELS[current]}…` : "Starting…";
  return (
    <section className="progress" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <ol>
        {stages.map((stage, i) => {
          const state = i < at ? "done" : i === at ? "current" : "todo";
          return (
            <li key={stage} className={`step step-${state}`} aria-current={state === "current" ? "step" : undefined}>
              <span aria-hidden="true" className="step-mark">
                {state === "done" ? "✓" : state === "current" ? "…" : "○"}
              </span>{" "}
              {STAGE_LABELS[stage]}
              <span className="visually-hidden">
                {state === "done" ? " (done)" : state === "current" ? " (in progress)" : " (to come)"}
              </span>
            </li>
          );
        })}
      </ol>
      <p role="status" aria-live="polite" className="progress-status">
        {status}
      </p>
    </section>
  );
}
