import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import type { PublicClient, WalletClient } from "viem";
import { useConnection, usePublicClient, useWalletClient } from "wagmi";
import { EhrApiClient } from "@lib/api/client";
import type { UserKey } from "@lib/keys";
import type { FlowProgress } from "@lib/records/flows";
import type { RuntimeConfig } from "../config";
import { nextPaint } from "../components/nextPaint";
import { useIdleTimer } from "../hooks/useIdleTimer";
import { useRole } from "../hooks/useRole";
import { EhrContext, PRIVATE_QUERY_KEY, type EhrContextValue, type LockReason } from "./context";

/**
 * Holds the session's secrets in memory only (the unlocked key, the service token, decrypted
 * queries) and clears them on lock, on idle timeout, when the wallet switches account or network,
 * and on disconnect.
 */
export function EhrProvider({ runtime, children }: { runtime: RuntimeConfig; children: ReactNode }) {
  const queryClient = useQueryClient();
  const { address, chainId, isConnected } = useConnection();
  const publicClient = usePublicClient({ chainId: runtime.chainId }) as PublicClient;
  const onRightChain = isConnected && chainId === runtime.chainId;
  const { data: walletClient } = useWalletClient({ chainId: runtime.chainId, query: { enabled: onRightChain } });
  const role = useRole(publicClient, runtime.core, address, onRightChain);

  const api = useMemo(
    () => new EhrApiClient({ baseUrl: runtime.apiUrl, origin: runtime.webOrigin }),
    // A fresh client (no session) for every account: `address` is a deliberate dependency.
    [runtime, address],
  );
  const [signedInAs, setSignedInAs] = useState<string | undefined>();
  const [userKey, setUserKeyState] = useState<UserKey | undefined>();
  const [lockEpoch, setLockEpoch] = useState(0);
  const [lastLock, setLastLock] = useState<LockReason | undefined>();
  const [error, setError] = useState<unknown>();

  const lock = useCallback(
    (reason: LockReason = "manual") => {
      setUserKeyState(undefined);
      queryClient.removeQueries({ queryKey: [PRIVATE_QUERY_KEY] });
      setLockEpoch((n) => n + 1);
      setLastLock(reason);
    },
    [queryClient],
  );

  // Account or network switch: nothing unlocked or decrypted for the previous one survives.
  const previous = useRef({ address, chainId, isConnected });
  useEffect(() => {
    const before = previous.current;
    previous.current = { address, chainId, isConnected };
    if (before.isConnected && !isConnected) lock("disconnect");
    else if (before.address && address && before.address !== address) lock("account-switch");
    else if (before.chainId !== undefined && chainId !== undefined && before.chainId !== chainId) {
      lock("network-switch");
    }
  }, [address, chainId, isConnected, lock]);

  // The old account's session ends with it.
  useEffect(() => {
    setSignedInAs(undefined);
    return () => void api.signOut().catch(() => undefined);
  }, [api]);

  useIdleTimer(runtime.idleMinutes * 60_000, () => {
    if (userKey || queryClient.getQueryCache().findAll({ queryKey: [PRIVATE_QUERY_KEY] }).length > 0) lock("idle");
  });

  const value = useMemo<EhrContextValue>(
    () => ({
      runtime,
      publicClient,
      walletClient: onRightChain ? (walletClient as WalletClient | undefined) : undefined,
      address,
      chainId,
      onRightChain,
      role: onRightChain ? role.data : undefined,
      async refreshRole() {
        await role.refetch();
      },
      core: runtime.core,
      book: runtime.book,
      api,
      signedIn: signedInAs !== undefined && signedInAs === address,
      walletReady: walletClient !== undefined,
      async signIn() {
        // The button waits for walletReady; a call before that is a bug, not a silent no-op.
        if (!walletClient) throw new Error("No wallet is connected.");
        const session = await api.signIn(walletClient as WalletClient);
        setSignedInAs(session.address);
      },
      userKey,
      setUserKey: (key) => setUserKeyState(key),
      lock,
      lockEpoch,
      lastLock,
      flowContext: (onProgress?: (progress: FlowProgress) => void) => {
        if (!walletClient) throw new Error("No wallet is connected.");
        return {
          publicClient,
          walletClient: walletClient as WalletClient,
          core: runtime.core,
          storage: api.blobStore(),
          vault: api.keyVault(),
          // Each stage is painted before the flow goes on (decryption would otherwise hide it).
          onProgress:
            onProgress &&
            (async (p: FlowProgress) => {
              onProgress(p);
              await nextPaint();
            }),
        };
      },
      showError: (e) => setError(e),
      clearError: () => setError(undefined),
      error,
    }),
    [
      runtime,
      publicClient,
      walletClient,
      address,
      chainId,
      onRightChain,
      role,
      api,
      signedInAs,
      userKey,
      lock,
      lockEpoch,
      lastLock,
      error,
    ],
  );
  return <EhrContext.Provider value={value}>{children}</EhrContext.Provider>;
}
