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
  isAddress,
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
  /**
   * Accounts are returned in lower case (eth_accounts, eth_requestAccounts, accountsChanged, permission
   * caveats), as MetaMask returns them: its keyholder check normalizes every address to lower case
   * (MetaMask/core eth-json-rpc-middleware, validateAndNormalizeKeyholder). @default false
   */
  lowercaseAccounts?: boolean;
  /**
   * wallet_addEthereumChain checks its parameter as MetaMask does and answers -32602 (invalid params)
   * with MetaMask's message when it is malformed: chainId a 0x-prefixed, unpadded, non-zero hex
   * string; a non-empty chainName; nativeCurrency.decimals 18; nativeCurrency.symbol 2-6 characters
   * (EIP-3085 and docs.metamask.io wallet_addEthereumChain; the extension's own check has since
   * loosened it to 1-6); an rpcUrl that is https or on localhost/127.0.0.1, reachable, and whose
   * eth_chainId equals chainId (metamask-extension app/scripts/lib/rpc-method-middleware/handlers/
   * add-ethereum-chain.js and ethereum-chain-utils.js). Off: only the chain id is checked. @default false
   */
  strictAddNetwork?: boolean;
  /**
   * wallet_addEthereumChain adds the network and answers null but leaves the wallet on its network,
   * as MetaMask does when the user approves the network and declines the switch that follows (wagmi's
   * injected connector then rejects with "User rejected switch after adding network."). @default false
   */
  addWithoutSwitch?: boolean;
  /** wallet_switchEthereumChain to a known network is declined with 4001, as a user may in MetaMask. @default false */
  declineSwitch?: boolean;
  /**
   * A connection request (eth_requestAccounts, wallet_requestPermissions) stays open until the test
   * answers it ({@link TestWallet.answerConnect}), and another one meanwhile is answered -32002 "Request
   * of type 'wallet_requestPermissions' already pending for origin …. Please wait.", as MetaMask does
   * while its popup is unanswered (metamask-extension issues 8919, 10584). @default false
   */
  pendingConnect?: boolean;
  /**
   * wallet_requestPermissions and wallet_getPermissions answer as MetaMask does (EIP-2255): the
   * eth_accounts permission with its `restrictReturnedAccounts` caveat listing the connected accounts,
   * plus id, date and invoker; wagmi's injected connector takes the accounts from that caveat.
   * Off: a bare `{ parentCapability: "eth_accounts" }`. @default false
   */
  permissionsCaveats?: boolean;
  /**
   * personal_sign and eth_signTypedData_v4 sign with the account named in their parameters, as
   * MetaMask does, not with the account selected now: an address the wallet does not hold is refused
   * with 4100 ("The requested account and/or method has not been authorized by the user."), a
   * parameter that is not an address with -32602 (validateAndNormalizeKeyholder). Off: the selected
   * account signs whatever address was named. @default false
   */
  signWithGivenAddress?: boolean;
}

interface WalletError {
  code: number;
  message: string;
}

/** An EIP-1193 error as a wallet answers it. */
function walletError(code: number, message: string): Error & WalletError {
  return Object.assign(new Error(message), { code });
}

/** The parameter of wallet_addEthereumChain (EIP-3085), as received: unchecked. */
interface AddChainParameter {
  chainId?: unknown;
  chainName?: unknown;
  nativeCurrency?: { name?: unknown; symbol?: unknown; decimals?: unknown } | null;
  rpcUrls?: unknown;
}

/** MetaMask takes an RPC URL that is https, or http on localhost or 127.0.0.1 (ethereum-chain-utils.js). */
function localhostOrHttps(value: unknown): boolean {
  try {
    const url = new URL(String(value));
    return url.protocol === "https:" || url.hostname === "localhost" || url.hostname === "127.0.0.1";
  } catch {
    return false;
  }
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
 * `switchAccount(key)` and `switchChain(id)` act as the user would in the wallet, `answerConnect()`
 * answers a connection request left open ({@link TestWalletOptions.pendingConnect}). The options
 * turn on MetaMask's own answers where they differ from the kindest wallet.
 */
export class TestWallet {
  account: PrivateKeyAccount;
  chainId: number;
  /** Requests the wallet received, by method (what the dApp asked for). */
  readonly requests: string[] = [];
  private connected = false;
  /** Every account the user has had in this wallet (by lower-case address): MetaMask signs with any it holds. */
  private readonly held = new Map<string, PrivateKeyAccount>();
  /** The connection request the user has not answered yet ({@link TestWalletOptions.pendingConnect}). */
  private openConnect?: { resolve(): void; reject(error: Error): void };
  /** The origin of the page that asked last (MetaMask names it in its -32002 message). */
  private origin = "";
  private readonly options: TestWalletOptions;
  private rejecting = { count: 0, method: undefined as string | undefined };
  private readonly known = new Set<number>();
  private readonly pages = new Set<Page>();
  private readonly publicClient: PublicClient;

  constructor(
    privateKey: Hex,
    private readonly chain: { chainId: number; rpcUrl: string },
    options: TestWalletOptions = {},
  ) {
    this.options = options;
    this.account = this.hold(privateKey);
    this.chainId = options.startChainId ?? chain.chainId;
    this.known.add(this.chainId);
    if (options.knowsChain ?? true) this.known.add(chain.chainId);
    this.publicClient = createPublicClient({ transport: http(chain.rpcUrl) }) as PublicClient;
  }

  /** Injects the provider into every page of `context` (before any page script runs). */
  async install(context: BrowserContext): Promise<void> {
    await context.exposeBinding(BINDING, async ({ page }, args: { method: string; params: unknown[] }) => {
      this.pages.add(page);
      this.origin = new URL(page.url()).origin;
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
    this.account = this.hold(privateKey);
    if (this.connected) await this.emit("accountsChanged", this.accounts());
  }

  /** The user answers the connection request left open ({@link TestWalletOptions.pendingConnect}): approves, or declines (4001). */
  answerConnect(approve = true): void {
    const open = this.openConnect;
    if (!open) throw new Error("no connection request is open");
    this.openConnect = undefined;
    if (approve) {
      this.connected = true;
      open.resolve();
    } else open.reject(walletError(4001, "User rejected the request."));
  }

  /** Whether a connection request is waiting for the user. */
  get connectOpen(): boolean {
    return this.openConnect !== undefined;
  }

  private hold(privateKey: Hex): PrivateKeyAccount {
    const account = privateKeyToAccount(privateKey);
    this.held.set(account.address.toLowerCase(), account);
    return account;
  }

  /** The connected accounts as this wallet writes them. */
  private accounts(): string[] {
    return [this.options.lowercaseAccounts ? this.account.address.toLowerCase() : this.account.address];
  }

  /** The eth_accounts permission, as EIP-2255 and MetaMask write it, or bare. */
  private permissions(): unknown[] {
    if (!this.options.permissionsCaveats) return [{ parentCapability: "eth_accounts" }];
    return [
      {
        id: "00000000-0000-4000-8000-000000000001",
        parentCapability: "eth_accounts",
        invoker: this.origin,
        date: Date.now(),
        caveats: [{ type: "restrictReturnedAccounts", value: this.accounts() }],
      },
    ];
  }

  /** A connection request: approved at once, or left open for the test to answer while a second one gets -32002. */
  private async askToConnect(method: string): Promise<void> {
    this.declineIfAsked(method);
    // MetaMask answers eth_requestAccounts at once for a site already connected; a permissions request always prompts.
    if (!this.options.pendingConnect || (method === "eth_requestAccounts" && this.connected)) {
      this.connected = true;
      return;
    }
    if (this.openConnect) {
      throw walletError(
        -32002,
        `Request of type 'wallet_requestPermissions' already pending for origin ${this.origin}. Please wait.`,
      );
    }
    await new Promise<void>((resolve, reject) => {
      this.openConnect = { resolve, reject };
    });
  }

  /** The account that signs for `address`: the one named, as MetaMask signs ({@link TestWalletOptions.signWithGivenAddress}), or the selected one. */
  private signer(address: unknown): PrivateKeyAccount {
    if (!this.options.signWithGivenAddress) return this.account;
    if (typeof address !== "string" || !isAddress(address, { strict: false })) {
      throw walletError(-32602, "Invalid parameters: must provide an Ethereum address.");
    }
    const account = this.held.get(address.toLowerCase());
    if (!account || !this.connected) {
      throw walletError(4100, "The requested account and/or method has not been authorized by the user.");
    }
    return account;
  }

  /** wallet_addEthereumChain's parameter checked as MetaMask checks it (see {@link TestWalletOptions.strictAddNetwork}). */
  private async checkAddNetwork(parameter: AddChainParameter | undefined): Promise<void> {
    const invalid = (message: string) => walletError(-32602, message);
    if (!parameter || typeof parameter !== "object") {
      throw invalid(`Expected single, object parameter. Received:\n${JSON.stringify(parameter)}`);
    }
    const { chainId, chainName, nativeCurrency, rpcUrls } = parameter;
    if (typeof chainId !== "string" || !/^0x[1-9a-f][0-9a-f]*$/.test(chainId.toLowerCase())) {
      throw invalid(`Expected 0x-prefixed, unpadded, non-zero hexadecimal string 'chainId'. Received:\n${chainId}`);
    }
    const rpcUrl = Array.isArray(rpcUrls) ? (rpcUrls.find(localhostOrHttps) as string | undefined) : undefined;
    if (!rpcUrl) {
      throw invalid(`Expected an array with at least one valid string HTTPS url 'rpcUrls', Received:\n${rpcUrls}`);
    }
    if (typeof chainName !== "string" || !chainName) {
      throw invalid(`Expected non-empty string 'chainName'. Received:\n${chainName}`);
    }
    if (nativeCurrency != null) {
      if (nativeCurrency.decimals !== 18) {
        throw invalid(
          `Expected the number 18 for 'nativeCurrency.decimals' when 'nativeCurrency' is provided. Received: ${nativeCurrency.decimals}`,
        );
      }
      const symbol = nativeCurrency.symbol;
      if (typeof symbol !== "string" || symbol.length < 2 || symbol.length > 6) {
        throw invalid(`Expected 2-6 character string 'nativeCurrency.symbol'. Received:\n${symbol}`);
      }
    }
    let answered: string;
    try {
      answered = await createPublicClient({ transport: http(rpcUrl, { retryCount: 0, timeout: 5_000 }) }).request({
        method: "eth_chainId",
      });
    } catch {
      throw walletError(-32603, `Request for method 'eth_chainId' on ${rpcUrl} failed`);
    }
    if (answered.toLowerCase() !== chainId.toLowerCase()) {
      throw invalid(`Chain ID returned by RPC URL ${rpcUrl} does not match ${chainId.toLowerCase()}`);
    }
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
      throw walletError(4001, "User rejected the request.");
    }
  }

  private onRealChain(): void {
    if (this.chainId !== this.chain.chainId) {
      throw walletError(4901, `The wallet is on chain ${this.chainId}.`);
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
        return this.connected ? this.accounts() : [];
      case "eth_requestAccounts":
        await this.askToConnect(method);
        return this.accounts();
      case "wallet_requestPermissions":
        await this.askToConnect(method);
        return this.permissions();
      case "wallet_getPermissions":
        return this.connected ? this.permissions() : [];
      case "wallet_revokePermissions":
        this.connected = false;
        return null;
      case "wallet_switchEthereumChain": {
        const chainId = Number((params[0] as { chainId: string }).chainId);
        if (!this.known.has(chainId)) {
          throw walletError(
            4902,
            `Unrecognized chain ID "${numberToHex(chainId)}". Try adding the chain using wallet_addEthereumChain first.`,
          );
        }
        if (this.options.declineSwitch) throw walletError(4001, "User rejected the request.");
        this.chainId = chainId;
        await this.emit("chainChanged", numberToHex(chainId));
        return null;
      }
      case "wallet_addEthereumChain": {
        const chain = params[0] as AddChainParameter | undefined;
        if (this.options.strictAddNetwork) await this.checkAddNetwork(chain);
        const chainId = Number(chain?.chainId);
        if (chainId !== this.chain.chainId || !Array.isArray(chain?.rpcUrls) || chain.rpcUrls.length === 0) {
          throw walletError(-32602, "The test wallet only adds the local chain.");
        }
        this.known.add(chainId);
        if (this.options.addWithoutSwitch) return null;
        this.chainId = chainId;
        await this.emit("chainChanged", numberToHex(chainId));
        return null;
      }
      case "personal_sign": {
        this.declineIfAsked(method);
        const [message, address] = params as [Hex, unknown];
        return this.signer(address).signMessage({ message: { raw: message } });
      }
      case "eth_signTypedData_v4": {
        this.declineIfAsked(method);
        const typed = JSON.parse(params[1] as string) as TypedDataDefinition;
        return this.signer(params[0]).signTypedData(typed);
      }
      case "eth_sendTransaction": {
        this.declineIfAsked(method);
        this.onRealChain();
        const tx = params[0] as { from?: Hex; to?: Hex; data?: Hex; value?: Hex; gas?: Hex };
        const account = this.signer(tx.from);
        const chain = defineChain({
          id: this.chain.chainId,
          name: "local",
          nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
          rpcUrls: { default: { http: [this.chain.rpcUrl] } },
        });
        const wallet = createWalletClient({ account, chain, transport: http(this.chain.rpcUrl) });
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
