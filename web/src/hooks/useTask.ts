import { useCallback, useState } from "react";
import { useEhr } from "../ehr/useEhr";
import type { TaskStage } from "../components/stages";

/**
 * Runs one piece of long work: tracks its step for <Progress> (and whether it failed there), and
 * sends any failure to the error banner (one plain sentence). `run` resolves with the work's result, or undefined when it failed.
 */
export function useTask() {
  const { showError, clearError } = useEhr();
  const [stage, setStage] = useState<TaskStage | undefined>();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const [failed, setFailed] = useState(false);
  const run = useCallback(
    async <T>(work: (report: (stage: TaskStage) => void) => Promise<T>): Promise<T | undefined> => {
      clearError();
      setBusy(true);
      setDone(false);
      setFailed(false);
      setStage(undefined);
      try {
        const result = await work(setStage);
        setDone(true);
        return result;
      } catch (error) {
        setFailed(true);
        showError(error);
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [showError, clearError],
  );
  return { run, stage, busy, done, failed };
}
