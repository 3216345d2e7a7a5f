/**
 * A test wallet for the browser tests: an EIP-1193 provider injected into every page (before the
 * dApp's scripts) and announced through EIP-6963, exactly as MetaMask announces itself, so the
 * dApp runs its injected-wallet code path. Every request goes to Node through a Playwright
 * binding; there one of anvil's well-known development accounts signs messages and typed data and
 * sends transactions (viem) to the real local chain, and other calls are forwarded to the chain.
 * A test double only at the boundary we cannot run here: the MetaMask extension itself.
 */
import type { BrowserContext, Page } from "playwright-core";
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  numberToHex,
  type Hex,
  type PrivateKeyAccount,
  type PublicClient,
  type TypedDataDefinition,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";

const BINDING = "__ehrTestWallet";
const EMIT = "__ehrTestWalletEmit";

export interface TestWalletOptions {
  /** The network the wallet starts on. @default the chain's id */
  startChainId?: number;
  /** Whether the wallet already knows the real chain (false: switching answers 4902 until it is added). @default true */
  knowsChain?: boolean;
}

interface WalletError {
  code: number;
  message: string;
}

/** The in-page half, serialized into an init script: the provider object and its announcement. */
function pageScript(binding: string, emit: string, info: { uuid: string; name: string; rdns: string; icon: string }) {
  const listeners = new Map<string, Set<(value: unknown) => void>>();
  const provider = {
    async request(args: { method: string; params?: unknown }) {
      const answer = (await (window as unknown as Record<string, (a: unknown) => Promise<unknown>>)[binding]({
        method: args.method,
        params: args.params ?? [],
      })) as { result?: unknown; error?: { code: number; message: string } };
      if (answer.error) throw Object.assign(new Error(answer.error.message), { code: answer.error.code });
      return answer.result;
    },
    on(event: string, listener: (value: unknown) => void) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(listener);
      return provider;
    },
    removeListener(event: string, listener: (value: unknown) => void) {
      listeners.get(event)?.delete(listener);
      return provider;
    },
  };
  (window as unknown as Record<string, unknown>)[emit] = (event: string, value: unknown) => {
    for (const listener of listeners.get(event) ?? []) listener(value);
  };
  const announce = () =>
    window.dispatchEvent(
      new CustomEvent("eip6963:announceProvider", { detail: Object.freeze({ info: Object.freeze(info), provider }) }),
    );
  window.addEventListener("eip6963:requestProvider", announce);
  announce();
}

const ICON =
  "data:image/svg+xml;base64," +
  Buffer.from(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><circle cx="12" cy="12" r="10"/></svg>',
  ).toString("base64");

/**
 * The Node half: one account, the network it is on, and the networks it knows. Tests steer it:
 * `rejectNext(n)` declines the next n connection, signature or transaction requests with code 4001,
 * `switchAccount(key)` and `switchChain(id)` act as the user would in the wallet.
 */
export class TestWallet {
  account: PrivateKeyAccount;
  chainId: number;
  /** Requests the wallet received, by method (what the dApp asked for). */
  readonly requests: string[] = [];
  private connected = false;
  private rejecting = { count: 0, method: undefined as string | undefined };
  private readonly known = new Set<number>();
  private readonly pages = new Set<Page>();
  private readonly publicClient: PublicClient;

  constructor(
    privateKey: Hex,
    private readonly chain: { chainId: number; rpcUrl: string },
    options: TestWalletOptions = {},
  ) {
    this.account = privateKeyToAccount(privateKey);
    this.chainId = options.startChainId ?? chain.chainId;
    this.known.add(this.chainId);
    if (options.knowsChain ?? true) this.known.add(chain.chainId);
    this.publicClient = createPublicClient({ transport: http(chain.rpcUrl) }) as PublicClient;
  }

  /** Injects the provider into every page of `context` (before any page script runs). */
  async install(context: BrowserContext): Promise<void> {
    await context.exposeBinding(BINDING, async ({ page }, args: { method: string; params: unknown[] }) => {
      this.pages.add(page);
      try {
        return { result: await this.handle(args.method, args.params) };
      } catch (error) {
        const e = error as Partial<WalletError>;
        return { error: { code: typeof e.code === "number" ? e.code : -32603, message: e.message ?? "Wallet error" } };
      }
    });
    const info = {
      uuid: "3b1e0f3c-7d1a-4c3e-9a51-2f6b0c9e8d01",
      name: "EHR Test Wallet",
      rdns: "org.ehr.testwallet",
      icon: ICON,
    };
    await context.addInitScript(
      `(${pageScript.toString()})(${JSON.stringify(BINDING)}, ${JSON.stringify(EMIT)}, ${JSON.stringify(info)});`,
    );
  }

  /** Declines the next `count` connection, signature and transaction requests (only `method`'s when given) with code 4001, as a user would. */
  rejectNext(count = 1, method?: string): void {
    this.rejecting = { count, method };
  }

  /** The user picks another account in the wallet. */
  async switchAccount(privateKey: Hex): Promise<void> {
    this.account = privateKeyToAccount(privateKey);
    if (this.connected) await this.emit("accountsChanged", [this.account.address]);
  }

  /** The user switches the wallet's network. */
  async switchChain(chainId: number): Promise<void> {
    this.known.add(chainId);
    this.chainId = chainId;
    await this.emit("chainChanged", numberToHex(chainId));
  }

  private async emit(event: string, value: unknown): Promise<void> {
    for (const page of this.pages) {
      if (page.isClosed()) continue;
      await page.evaluate(
        ([fn, e, v]) => (window as unknown as Record<string, (e: unknown, v: unknown) => void>)[fn as string]?.(e, v),
        [EMIT, event, value] as const,
      );
    }
  }

  private declineIfAsked(method: string): void {
    const { count, method: only } = this.rejecting;
    if (count > 0 && (only === undefined || only === method)) {
      this.rejecting.count--;
      throw Object.assign(new Error("User rejected the request."), { code: 4001 });
    }
  }

  private onRealChain(): void {
    if (this.chainId !== this.chain.chainId) {
      throw Object.assign(new Error(`The wallet is on chain ${this.chainId}.`), { code: 4901 });
    }
  }

  private async handle(method: string, params: unknown[]): Promise<unknown> {
    this.requests.push(method);
    switch (method) {
      case "eth_chainId":
        return numberToHex(this.chainId);
      case "net_version":
        return String(this.chainId);
      case "eth_accounts":
        return this.connected ? [this.account.address] : [];
      case "eth_requestAccounts":
        this.declineIfAsked(method);
        this.connected = true;
        return [this.account.address];
      case "wallet_requestPermissions":
        this.declineIfAsked(method);
        this.connected = true;
        return [{ parentCapability: "eth_accounts" }];
      case "wallet_getPermissions":
        return this.connected ? [{ parentCapability: "eth_accounts" }] : [];
      case "wallet_revokePermissions":
        this.connected = false;
        return null;
      case "wallet_switchEthereumChain": {
        const chainId = Number((params[0] as { chainId: string }).chainId);
        if (!this.known.has(chainId)) {
          throw Object.assign(new Error(`Unrecognized chain ID ${chainId}.`), { code: 4902 });
        }
        this.chainId = chainId;
        await this.emit("chainChanged", numberToHex(chainId));
        return null;
      }
      case "wallet_addEthereumChain": {
        const chain = params[0] as { chainId: string; rpcUrls?: string[] };
        const chainId = Number(chain.chainId);
        if (chainId !== this.chain.chainId || !chain.rpcUrls?.length) {
          throw Object.assign(new Error("The test wallet only adds the local chain."), { code: -32602 });
        }
        this.known.add(chainId);
        this.chainId = chainId;
        await this.emit("chainChanged", numberToHex(chainId));
        return null;
      }
      case "personal_sign": {
        this.declineIfAsked(method);
        const [message] = params as [Hex];
        return this.account.signMessage({ message: { raw: message } });
      }
      case "eth_signTypedData_v4": {
        this.declineIfAsked(method);
        const typed = JSON.parse(params[1] as string) as TypedDataDefinition;
        return this.account.signTypedData(typed);
      }
      case "eth_sendTransaction": {
        this.declineIfAsked(method);
        this.onRealChain();
        const tx = params[0] as { to?: Hex; data?: Hex; value?: Hex; gas?: Hex };
        const chain = defineChain({
          id: this.chain.chainId,
          name: "local",
          nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
          rpcUrls: { default: { http: [this.chain.rpcUrl] } },
        });
        const wallet = createWalletClient({ account: this.account, chain, transport: http(this.chain.rpcUrl) });
        return wallet.sendTransaction({
          to: tx.to,
          data: tx.data,
          value: tx.value ? BigInt(tx.value) : undefined,
          gas: tx.gas ? BigInt(tx.gas) : undefined,
        });
      }
      default:
        this.onRealChain();
        return this.publicClient.request({ method, params } as never);
    }
  }
}
