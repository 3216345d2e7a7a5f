import { useContext, type Context } from "react";
import {
  ApiSessionContext,
  ErrorBannerContext,
  ShownErrorContext,
  UserKeyContext,
  WalletContext,
  type ApiSessionContextValue,
  type EhrContextValue,
  type ErrorBannerContextValue,
  type ShownErrorContextValue,
  type UserKeyContextValue,
  type WalletContextValue,
} from "./context";

function useRequired<T>(context: Context<T | undefined>, hook: string): T {
  const value = useContext(context);
  if (!value) throw new Error(`${hook}() must be used inside <EhrProvider>.`);
  return value;
}

/** The wallet and chain: runtime, clients, address, network, role, contract addresses. */
export function useWallet(): WalletContextValue {
  return useRequired(WalletContext, "useWallet");
}

/** The off-chain service's client and session: api, signedIn, restoring, walletReady, signIn. */
export function useApiSession(): ApiSessionContextValue {
  return useRequired(ApiSessionContext, "useApiSession");
}

/** The unlocked key: userKey, setUserKey, lock, lockEpoch, lastLock, flowContext. */
export function useUserKey(): UserKeyContextValue {
  return useRequired(UserKeyContext, "useUserKey");
}

/** The one error banner's showError and clearError (stable: a shown error re-renders no caller). */
export function useErrorBanner(): ErrorBannerContextValue {
  return useRequired(ErrorBannerContext, "useErrorBanner");
}

/** The error the banner shows. */
export function useShownError(): ShownErrorContextValue {
  return useRequired(ShownErrorContext, "useShownError");
}

/**
 * Everything at once (see EhrContextValue), for the app shell: it re-renders on any change of any
 * concern. A page takes the hooks above that it uses.
 */
export function useEhr(): EhrContextValue {
  return { ...useWallet(), ...useApiSession(), ...useUserKey(), ...useErrorBanner(), ...useShownError() };
}
