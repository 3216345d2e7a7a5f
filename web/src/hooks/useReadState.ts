import { useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useCallback, useMemo } from "react";
import type { EhrApiClient } from "@lib/api/client";
import type { ReadMarks, ReadState } from "@lib/api/wire/readState";
import {
  mergeReadState,
  readStateCovers,
  syncReadState,
  webPendingReadMarks,
  type PendingReadMarks,
} from "@lib/notifications";
import { useWallet, useApiSession } from "../ehr/useEhr";

/** How often the read state is read again, in ms: what another browser read shows within it. */
export const READ_STATE_POLL_MS = 5_000;
/** How long marks wait before they are sent, in ms: reading several things sends one request. */
const SEND_AFTER_MS = 600;

/** One send scheduled per account (the badge, the banner and the pages share it). */
const scheduled = new Map<string, ReturnType<typeof setTimeout>>();

/**
 * The signed-in user's read state (the inbox's "last seen" marker and the conversations read),
 * kept by the service so every browser of the user agrees (GET/POST /v1/read-state): read at
 * sign-in and every few seconds, written shortly after something is read. Marks are kept in
 * localStorage only until the service has them, so while it cannot be reached nothing is lost and
 * this browser's view stays right. Times and ids only, no content.
 */
export function useReadState() {
  const { address, runtime, core } = useWallet();
  const { api, signedIn } = useApiSession();
  const queryClient = useQueryClient();
  const pending = useMemo(
    () => (address ? webPendingReadMarks(window.localStorage, runtime.chainId, core, address) : undefined),
    [address, runtime.chainId, core],
  );
  const queryKey = useMemo(
    () => ["read-state", runtime.chainId, core, address, signedIn],
    [runtime.chainId, core, address, signedIn],
  );
  const state = useQuery({
    queryKey,
    enabled: pending !== undefined,
    refetchInterval: signedIn ? READ_STATE_POLL_MS : false,
    queryFn: async (): Promise<ReadState> => {
      const previous = queryClient.getQueryData<ReadState>(queryKey);
      // Before sign-in the service cannot say: what this browser has not yet sent is all there is.
      if (!signedIn) return mergeReadState(previous, pending!.pending());
      return syncReadState(api, pending!, previous);
    },
  });

  /** Records `marks` (forward only): shown at once, kept here, sent shortly. */
  const mark = useCallback(
    (marks: ReadMarks) => {
      if (!pending) return;
      const current = queryClient.getQueryData<ReadState>(queryKey);
      if (readStateCovers(current, marks)) return;
      pending.keep(marks);
      queryClient.setQueryData<ReadState>(queryKey, mergeReadState(current, marks));
      if (signedIn) scheduleSend(queryClient, queryKey, api, pending);
    },
    [pending, queryClient, queryKey, signedIn, api],
  );
  return { state: state.data, isSuccess: state.isSuccess, mark };
}

function scheduleSend(
  queryClient: QueryClient,
  queryKey: readonly unknown[],
  api: EhrApiClient,
  pending: PendingReadMarks,
): void {
  const id = JSON.stringify(queryKey);
  clearTimeout(scheduled.get(id));
  scheduled.set(
    id,
    setTimeout(() => {
      scheduled.delete(id);
      void syncReadState(api, pending, queryClient.getQueryData<ReadState>(queryKey)).then((next) =>
        queryClient.setQueryData<ReadState>(queryKey, (old) => mergeReadState(old, next)),
      );
    }, SEND_AFTER_MS),
  );
}
