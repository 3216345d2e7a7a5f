import { useBlockTime } from "../hooks/useBlockTime";
import { Details } from "../ui/Disclosure";
import { formatSlot } from "./format";

/**
 * " on Thu, 3 Dec 2026, 09:00 CET": when a record was added (its block's time), with the block and the author's address
 * behind "Details" (chain words most readers need not see).
 */
export function AddedWhen({ blockNumber, author }: { blockNumber: bigint | number; author: string }) {
  const time = useBlockTime(blockNumber);
  return (
    <>
      {time === undefined ? null : <> on {formatSlot(time)}</>}{" "}
      <Details>
        Block {String(blockNumber)} · author <code>{author}</code>
      </Details>
    </>
  );
}
