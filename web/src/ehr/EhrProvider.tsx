import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import type { PublicClient, WalletClient } from "viem";
import { useConnection, usePublicClient, useWalletClient } from "wagmi";
import { EhrApiClient } from "@lib/api/client";
import { SessionError } from "@lib/errors";
import type { UserKey } from "@lib/keys";
import type { FlowProgress } from "@lib/records/flows";
import type { RuntimeConfig } from "../config";
import { nextPaint } from "../components/nextPaint";
import { LAST_ACTIVITY_BEFORE_LOAD, useIdleTimer } from "../hooks/useIdleTimer";
import { useRole } from "../hooks/useRole";
import { forgetSessionKey, hasSessionKey, keepSessionKey, restoreSessionKey } from "../keys/sessionKeyStore";
import { forgetApiSession, keepApiSession, loadApiSession, peekApiSession } from "./apiSession";
import {
  ApiSessionContext,
  ErrorBannerContext,
  PRIVATE_QUERY_KEY,
  ShownErrorContext,
  UserKeyContext,
  WalletContext,
  type ApiSessionContextValue,
  type ErrorBannerContextValue,
  type LockReason,
  type ShownErrorContextValue,
  type UserKeyContextValue,
  type WalletContextValue,
} from "./context";

function sameAddress(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

/**
 * Holds the session's secrets (the unlocked key, the service token, decrypted queries) and clears
 * them on lock, on idle timeout, when the wallet switches account or network, and on disconnect.
 * A reload keeps the user where they were: the wallet reconnects (wagmi), the service token kept in
 * this tab's sessionStorage (./apiSession.ts) is checked with the service and reused, and the
 * unlocked key comes back from its wrapped copy (../keys/sessionKeyStore.ts: never readable at
 * rest, bound to the account, dropped after the idle timeout); decrypted data is read again.
 */
export function EhrProvider({ runtime, children }: { runtime: RuntimeConfig; children: ReactNode }) {
  const queryClient = useQueryClient();
  const { address, chainId, isConnected, status } = useConnection();
  const publicClient = usePublicClient({ chainId: runtime.chainId }) as PublicClient;
  const onRightChain = isConnected && chainId === runtime.chainId;
  const { data: walletClient } = useWalletClient({ chainId: runtime.chainId, query: { enabled: onRightChain } });
  const role = useRole(publicClient, runtime.core, address, onRightChain);

  const api = useMemo(() => {
    // A fresh client for every account (`address` is a deliberate dependency), with this tab's kept
    // session when it is this account's: checked with the service before it counts (below).
    const kept = address ? loadApiSession({ address, chainId: runtime.chainId, core: runtime.core }) : undefined;
    return new EhrApiClient({
      baseUrl: runtime.apiUrl,
      origin: runtime.webOrigin,
      session: kept && { token: kept.token, address: kept.address },
    });
  }, [runtime, address]);
  const [signedInAs, setSignedInAs] = useState<string | undefined>();
  const [userKey, setUserKeyState] = useState<UserKey | undefined>();
  const [lockEpoch, setLockEpoch] = useState(0);
  const [lastLock, setLastLock] = useState<LockReason | undefined>();
  const [error, setError] = useState<unknown>();
  /** A kept service session is being checked with the service. */
  const [checkingSession, setCheckingSession] = useState(false);
  /** A kept key may come back: true from the load until the wallet has reconnected and it was tried. */
  const [restoringKey, setRestoringKey] = useState(hasSessionKey);
  /** Bumped on every lock and key change: a key kept after a later lock is dropped again. */
  const keyGeneration = useRef(0);

  const lock = useCallback(
    (reason: LockReason = "manual") => {
      keyGeneration.current++;
      void forgetSessionKey();
      setUserKeyState(undefined);
      queryClient.removeQueries({ queryKey: [PRIVATE_QUERY_KEY] });
      setLockEpoch((n) => n + 1);
      setLastLock(reason);
    },
    [queryClient],
  );

  // Account or network switch: nothing unlocked or decrypted for the previous one survives, and
  // the previous account's service session ends (on the service too) with a disconnect or a switch.
  const previous = useRef({ address, chainId, isConnected, api });
  useEffect(() => {
    const before = previous.current;
    previous.current = { address, chainId, isConnected, api };
    const endSession = () => {
      forgetApiSession();
      if (before.api !== api) void before.api.signOut().catch(() => undefined);
    };
    if (before.isConnected && !isConnected) {
      lock("disconnect");
      endSession();
    } else if (before.address && address && before.address !== address) {
      lock("account-switch");
      endSession();
    } else if (before.chainId !== undefined && chainId !== undefined && before.chainId !== chainId) {
      lock("network-switch");
    }
  }, [address, chainId, isConnected, lock, api]);

  // Another account than the kept session's after a reload: that session ends, on the service too.
  useEffect(() => {
    if (status !== "connected" || !address) return;
    const kept = peekApiSession();
    if (kept && !sameAddress(kept.address, address)) {
      forgetApiSession();
      const stale = new EhrApiClient({ baseUrl: runtime.apiUrl, origin: runtime.webOrigin, session: kept });
      void stale.signOut().catch(() => undefined);
    }
  }, [status, address, runtime]);

  useEffect(() => setSignedInAs(undefined), [api]);

  // A kept session counts once the service still takes it for this account; else sign in again.
  useEffect(() => {
    if (status !== "connected" || !address || !api.token || sameAddress(api.signedInAs, signedInAs)) return;
    let live = true;
    setCheckingSession(true);
    api
      .session()
      .then((info) => {
        if (!live) return;
        if (sameAddress(info.address, address)) setSignedInAs(info.address);
        else forgetApiSession();
      })
      .catch((e: unknown) => {
        if (!live) return;
        if (e instanceof SessionError) {
          forgetApiSession();
          void api.signOut().catch(() => undefined);
        } else setError(e);
      })
      .finally(() => {
        if (live) setCheckingSession(false);
      });
    return () => {
      live = false;
      setCheckingSession(false);
    };
  }, [status, address, api, signedInAs]);

  // The key this tab kept, once the wallet is back on the same account and network, unless the
  // tab was idle past the timeout before the reload (then it is dropped, as the timer would have).
  useEffect(() => {
    if (!restoringKey || status === "reconnecting" || status === "connecting") return;
    const done = () => setRestoringKey(false);
    if (status !== "connected" || !address || !onRightChain) {
      void forgetSessionKey();
      done();
      return;
    }
    const since = LAST_ACTIVITY_BEFORE_LOAD;
    if (since === undefined || Date.now() - since >= runtime.idleMinutes * 60_000) {
      void forgetSessionKey();
      setLastLock("idle");
      done();
      return;
    }
    let live = true;
    const generation = keyGeneration.current;
    restoreSessionKey({ chainId: runtime.chainId, contract: runtime.core, address })
      .then((key) => {
        if (live && key && generation === keyGeneration.current) setUserKeyState(key);
      })
      .catch(() => undefined)
      .finally(() => {
        if (live) done();
      });
    return () => {
      live = false;
    };
  }, [restoringKey, status, address, onRightChain, runtime]);

  useIdleTimer(runtime.idleMinutes * 60_000, () => {
    if (userKey || queryClient.getQueryCache().findAll({ queryKey: [PRIVATE_QUERY_KEY] }).length > 0) lock("idle");
  });

  const wallet = useMemo<WalletContextValue>(
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
    }),
    [runtime, publicClient, walletClient, address, chainId, onRightChain, role],
  );

  const session = useMemo<ApiSessionContextValue>(
    () => ({
      api,
      signedIn: sameAddress(signedInAs, address),
      restoring: status === "reconnecting" || checkingSession || restoringKey,
      walletReady: walletClient !== undefined,
      async signIn() {
        // The button waits for walletReady; a call before that is a bug, not a silent no-op.
        if (!walletClient) throw new Error("No wallet is connected.");
        const session = await api.signIn(walletClient as WalletClient);
        if (api.token) {
          keepApiSession({
            token: api.token,
            address: session.address,
            chainId: runtime.chainId,
            core: runtime.core,
            expiresAt: session.expiresAt,
          });
        }
        setSignedInAs(session.address);
      },
    }),
    [api, signedInAs, address, status, checkingSession, restoringKey, walletClient, runtime],
  );

  const key = useMemo<UserKeyContextValue>(
    () => ({
      userKey,
      setUserKey: (key) => {
        setUserKeyState(key);
        if (!address) return;
        const generation = ++keyGeneration.current;
        keepSessionKey(key, { chainId: runtime.chainId, contract: runtime.core, address })
          .then(() => {
            // Locked (or replaced) while it was being kept: keep nothing.
            if (generation !== keyGeneration.current) return forgetSessionKey();
          })
          .catch(() => undefined); // not kept: the next reload asks for the signature
      },
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
    }),
    [userKey, address, runtime, lock, lockEpoch, lastLock, walletClient, publicClient, api],
  );

  // The banner's actions never change: showing an error re-renders the banner, not every caller.
  const banner = useMemo<ErrorBannerContextValue>(
    () => ({ showError: (e) => setError(e), clearError: () => setError(undefined) }),
    [],
  );
  const shown = useMemo<ShownErrorContextValue>(() => ({ error }), [error]);

  return (
    <WalletContext.Provider value={wallet}>
      <ApiSessionContext.Provider value={session}>
        <UserKeyContext.Provider value={key}>
          <ErrorBannerContext.Provider value={banner}>
            <ShownErrorContext.Provider value={shown}>{children}</ShownErrorContext.Provider>
          </ErrorBannerContext.Provider>
        </UserKeyContext.Provider>
      </ApiSessionContext.Provider>
    </WalletContext.Provider>
  );
}
