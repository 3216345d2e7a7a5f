import { Check, Circle, LoaderCircle, X, type LucideIcon } from "lucide-react";
import { useId } from "react";
import "../ui/ui.css";
import { STAGE_LABELS, type TaskStage } from "./stages";

export interface ProgressProps {
  /** What the work is, e.g. "Setting up your key". */
  title: string;
  /** The steps in order. */
  stages: readonly TaskStage[];
  /** The step under way (or the one that failed); undefined before the first. */
  current: TaskStage | undefined;
  /** All steps finished. @default false */
  done?: boolean;
  /** The work stopped with an error: `current` failed and the steps after it never started. @default false */
  failed?: boolean;
  /** What is now so, said once all is done ("Appointment of … confirmed."). @default "Done." */
  doneText?: string;
}

type StepState = "done" | "current" | "failed" | "todo" | "not-started";

const MARKS: Record<StepState, LucideIcon> = {
  done: Check,
  current: LoaderCircle,
  failed: X,
  todo: Circle,
  "not-started": Circle,
};
const SPOKEN: Record<StepState, string> = {
  done: " (done)",
  current: " (in progress)",
  failed: " (failed)",
  todo: " (to come)",
  "not-started": " (not started)",
};

/**
 * Long work, step by step: an ordered list marking each step done, under way or to come (after a
 * failure: done, failed, not started), and a polite live region that announces the step under way
 * to screen readers. Once all is done, the list goes and the title with "Done." (or `doneText`,
 * what is now so) stays.
 */
export function Progress({ title, stages, current, done = false, failed = false, doneText }: ProgressProps) {
  const id = useId();
  const stopped = failed && !done;
  const at = done ? stages.length : current ? stages.indexOf(current) : -1;
  const status = done
    ? (doneText ?? "Done.")
    : stopped
      ? `Stopped${current ? ` at: ${STAGE_LABELS[current]}` : " before the first step"}. Nothing after it was done.`
      : current
        ? `${STAGE_LABELS[current]}…`
        : "Starting…";
  const stateOf = (i: number): StepState => {
    if (i < at) return "done";
    if (i === at) return stopped ? "failed" : "current";
    return stopped ? "not-started" : "todo";
  };
  return (
    <section className="progress" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {/* Finished, the steps have said all they had to: only "Done." stays. */}
      {done ? null : (
        <ol>
          {stages.map((stage, i) => {
            const state = stateOf(i);
            const Mark = MARKS[state];
            return (
              <li key={stage} className={`step step-${state}`} aria-current={state === "current" ? "step" : undefined}>
                <Mark
                  aria-hidden="true"
                  className={state === "current" ? "icon step-mark ui-spin" : "icon step-mark"}
                />
                {STAGE_LABELS[stage]}
                <span className="visually-hidden">{SPOKEN[state]}</span>
              </li>
            );
          })}
        </ol>
      )}
      <p role="status" aria-live="polite" className="progress-status">
        {status}
      </p>
    </section>
  );
}

/** The part of `useTaskMutation()`'s state a progress list shows. */
export interface TaskState {
  stage: TaskStage | undefined;
  busy: boolean;
  done: boolean;
  failed: boolean;
}

/**
 * A task's progress list, shown once the task has started (and kept after it ends or fails), saying
 * `doneText` (what is now so) once it is done.
 */
export function TaskProgress({
  title,
  stages,
  task,
  doneText,
}: {
  title: string;
  stages: readonly TaskStage[];
  task: TaskState;
  doneText?: string;
}) {
  if (!task.busy && !task.stage) return null;
  return (
    <Progress
      title={title}
      stages={stages}
      current={task.stage}
      done={task.done}
      failed={task.failed}
      doneText={doneText}
    />
  );
}
