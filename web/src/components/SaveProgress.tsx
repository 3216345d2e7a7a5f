import type { ReactNode } from "react";
import type { Hex } from "viem";
import { Details } from "../ui/Disclosure";
import { Progress } from "./Progress";
import type { TaskStage } from "./stages";

export interface SaveProgressProps {
  title: string;
  stages: readonly TaskStage[];
  /** The step shown as under way until the save reports its first. */
  from: TaskStage;
  task: { busy: boolean; stage?: TaskStage };
  /** The record saved, once the chain confirmed it. */
  saved?: { txHash: Hex };
  /** What was saved, in words ("Saved as record 3 of this patient"); the transaction is under "Technical details". */
  children: ReactNode;
}

/** A record's save: its steps from the start, then what was saved (and, one click away, the transaction that recorded it). */
export function SaveProgress({ title, stages, from, task, saved, children }: SaveProgressProps) {
  return (
    <>
      {task.busy || saved ? (
        <Progress title={title} stages={stages} current={task.stage ?? from} done={Boolean(saved) && !task.busy} />
      ) : null}
      {saved && !task.busy ? (
        <div role="status" className="card">
          {children}.{" "}
          {/* Who wants to find it on the chain can; nobody else needs a 66-character hash in the sentence. */}
          <Details label="Technical details">
            Recorded on the chain by transaction <code>{saved.txHash}</code>.
          </Details>
        </div>
      ) : null}
    </>
  );
}
