import { useMutation } from "@tanstack/react-query";
import { useCallback, useState } from "react";
import type { TaskStage } from "../components/stages";
import { useErrorBanner } from "../ehr/useEhr";

/** One piece of long work: it reports each step it reaches, and resolves with its result. */
export type TaskWork<T> = (report: (stage: TaskStage) => void) => Promise<T>;

/**
 * Runs one piece of long work as a react-query mutation: tracks its step for <Progress> (and
 * whether it failed there), and sends any failure to the error banner (one plain sentence); the
 * failure is also returned as `error`, for display beside the form. `run` resolves with the
 * work's result, or undefined when it failed.
 *
 * The work runs whatever the browser thinks of its connection (`networkMode: "always"`): a
 * mutation in react-query's default mode would wait, silently, for the browser to come back
 * online, where the user needs the failure's sentence.
 */
export function useTaskMutation() {
  const { showError, clearError } = useErrorBanner();
  const [stage, setStage] = useState<TaskStage | undefined>();
  const mutation = useMutation<unknown, unknown, TaskWork<unknown>>({
    mutationFn: (work) => work(setStage),
    networkMode: "always",
  });
  const { mutateAsync, reset } = mutation;
  const run = useCallback(
    async <T>(
      work: TaskWork<T>,
      options: {
        /** Whether the page shows this failure itself, where it happened (then the banner does not). */
        showsError?: (error: unknown) => boolean;
      } = {},
    ): Promise<T | undefined> => {
      clearError();
      setStage(undefined);
      try {
        return (await mutateAsync(work as TaskWork<unknown>)) as T;
      } catch (error) {
        if (!options.showsError?.(error)) showError(error);
        return undefined;
      }
    },
    [mutateAsync, showError, clearError],
  );
  return {
    run,
    /** The step under way, or the one that failed; undefined before the first. */
    stage,
    busy: mutation.isPending,
    done: mutation.isSuccess,
    failed: mutation.isError,
    /** Why the last run failed, for display beside the form; null when it did not. */
    error: mutation.error,
    /** Back to before the first run (no step, not done, not failed). */
    reset,
  };
}
