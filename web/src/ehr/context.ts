import { createContext } from "react";
import type { PublicClient, WalletClient } from "viem";
import type { EhrApiClient } from "@lib/api/client";
import type { AccountRole } from "@lib/chain/ehr";
import type { Address } from "viem";
import type { UserKey } from "@lib/keys";
import type { FlowContext, FlowProgress } from "@lib/records/flows";
import type { RuntimeConfig } from "../config";

/** Why the unlocked key and decrypted data were last cleared. */
export type LockReason = "manual" | "idle" | "account-switch" | "network-switch" | "disconnect";

/** The wallet and chain: who is connected, on which network, with which role (`useWallet()`). */
export interface WalletContextValue {
  runtime: RuntimeConfig;
  /** Reads through the configured RPC URL, whatever network the wallet is on. */
  publicClient: PublicClient;
  /** The connected wallet on the right network; undefined otherwise. */
  walletClient: WalletClient | undefined;
  address: Address | undefined;
  /** The wallet's network. */
  chainId: number | undefined;
  /** Connected, and on the network the system runs on. */
  onRightChain: boolean;
  /** The role read from the chain; undefined while unknown. */
  role: AccountRole | undefined;
  refreshRole(): Promise<void>;
  /** The EhrCore address. */
  core: Address;
  /** The AppointmentBook address. */
  book: Address;
}

/** The off-chain service's session for the connected account (`useApiSession()`). */
export interface ApiSessionContextValue {
  /** The off-chain service's client for the connected account. */
  api: EhrApiClient;
  /** Whether `api` holds a session for `address`. */
  signedIn: boolean;
  /**
   * After a reload: the wallet is reconnecting, or the kept service session or key is being checked.
   * The shell shows neither the connect nor the sign-in screen meanwhile.
   */
  restoring: boolean;
  /** The wallet client is connected and can sign; until then signing in cannot start. */
  walletReady: boolean;
  /** Sign-In with Ethereum to the service (one free signature). */
  signIn(): Promise<void>;
}

/** The unlocked encryption key and what it opens (`useUserKey()`). */
export interface UserKeyContextValue {
  /**
   * The unlocked encryption key: in memory, and for a reload wrapped under a non-extractable key of
   * this tab (keys/sessionKeyStore.ts); lock() clears both.
   */
  userKey: UserKey | undefined;
  setUserKey(key: UserKey): void;
  /** Clears the unlocked key and every decrypted thing (queries under PRIVATE_QUERY_KEY, page state). */
  lock(reason?: LockReason): void;
  /** Changes on every lock: pages are keyed by it, so their decrypted state is dropped. */
  lockEpoch: number;
  lastLock: LockReason | undefined;
  /** The record flows' context (lib/records/flows) over this wallet and the service. */
  flowContext(onProgress?: (progress: FlowProgress) => void): FlowContext;
}

/** The one error banner's actions (`useErrorBanner()`): stable, so a shown error re-renders no caller. */
export interface ErrorBannerContextValue {
  /** Shows toUserMessage(error) in the banner. */
  showError(error: unknown): void;
  clearError(): void;
}

/** The error the banner shows (`useShownError()`), read by the banner itself. */
export interface ShownErrorContextValue {
  error: unknown;
}

/** All of the above, from `useEhr()`: for the app shell; a page takes only the hooks it uses. */
export type EhrContextValue = WalletContextValue &
  ApiSessionContextValue &
  UserKeyContextValue &
  ErrorBannerContextValue &
  ShownErrorContextValue;

/** Query keys starting with this hold decrypted data: lock() removes them. */
export const PRIVATE_QUERY_KEY = "private";

/** One context per concern: a change in one re-renders only the consumers of that one. */
export const WalletContext = createContext<WalletContextValue | undefined>(undefined);
export const ApiSessionContext = createContext<ApiSessionContextValue | undefined>(undefined);
export const UserKeyContext = createContext<UserKeyContextValue | undefined>(undefined);
export const ErrorBannerContext = createContext<ErrorBannerContextValue | undefined>(undefined);
export const ShownErrorContext = createContext<ShownErrorContextValue | undefined>(undefined);
