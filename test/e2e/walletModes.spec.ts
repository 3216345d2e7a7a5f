/**
 * The dApp against MetaMask's own answers, one test wallet mode at a time (wallet.ts
 * TestWalletOptions): lower-case accounts, a malformed network refused with -32602, a network added
 * without switching, a declined switch, a second connection request while one is open (-32002),
 * permissions with caveats, and signing with the address named in the request. On the dApp before
 * these modes, strictAddNetwork, addWithoutSwitch and declineSwitch read "You declined the request
 * in your wallet" and pendingConnect "Something went wrong"; lowercaseAccounts, permissionsCaveats
 * and signWithGivenAddress passed there too (wagmi checksums accounts, the API client checksums the
 * sign-in address, the wallet client follows accountsChanged): they guard it. Registered by
 * run.ts (a function, so that Hardhat's test task, which loads every file under test/, runs nothing
 * from here).
 */
import { expect } from "chai";
import path from "node:path";
import type { Page } from "playwright-core";
import { privateKeyToAddress } from "viem/accounts";
import { serveWeb, type WebRuntimeConfig, type WebServer } from "../../scripts/lib/web";
import { fundedAccount, registerPatientThroughUi, type E2e, type Session } from "./context";
import { bannerText } from "./steps";
import { TestWallet, type TestWalletOptions } from "./wallet";

const KEPT_ON_OTHER_NETWORK = /^You kept your wallet on another network, so nothing was changed\./;
const CONNECT_OPEN = "Your wallet already has a connection request open — open EHR Test Wallet to answer it.";

export function walletModesSpecs(e2e: () => E2e): void {
  const sessions: Session[] = [];
  const servers: WebServer[] = [];
  const open = async (options: TestWalletOptions) => {
    const session = await e2e().open(await fundedAccount(e2e().stack), options);
    sessions.push(session);
    return session;
  };
  /** The same built dApp served by a second real server whose config.json differs from the stack's by `change`. */
  const openWithConfig = async (change: Record<string, unknown>, options: TestWalletOptions) => {
    const { stack, browser } = e2e();
    const web = await serveWeb(path.join(stack.dataDir, "web"));
    servers.push(web);
    web.setConfig({
      chainId: stack.chain.chainId,
      rpcUrl: stack.chain.url,
      apiUrl: stack.apiUrl,
      core: stack.core,
      book: stack.book,
      webOrigin: stack.webUrl,
      ...change,
    } as WebRuntimeConfig);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const wallet = new TestWallet(
      await fundedAccount(stack),
      { chainId: stack.chain.chainId, rpcUrl: stack.chain.url },
      options,
    );
    await wallet.install(context);
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(web.url);
    const session = { context, page, wallet };
    sessions.push(session);
    return session;
  };
  const connect = (page: Page) => page.getByRole("button", { name: "Connect EHR Test Wallet" }).click();
  /** The connected account as the header shows it (full address in the title). */
  const connectedAccount = (page: Page) => page.locator("code[title]").first().getAttribute("title");
  const wrongNetwork = (page: Page) => page.getByRole("region", { name: "Wrong network" });

  afterEach(async () => {
    for (const s of sessions.splice(0)) await s.context.close();
    for (const w of servers.splice(0)) await w.close();
  });

  describe("wallet modes", () => {
    it("lowercaseAccounts: a patient registers, signs and sends with a wallet that answers lower-case accounts", async () => {
      const session = await open({ lowercaseAccounts: true });
      await registerPatientThroughUi(session, "correct horse battery staple");
      // The account is shown checksummed (EIP-55), as the chain and the service know it.
      expect(await connectedAccount(session.page)).to.equal(session.wallet.account.address);
      expect(session.wallet.requests).to.include.members(["personal_sign", "eth_sendTransaction"]);
    });

    it("strictAddNetwork: chain settings a wallet refuses are caught before the wallet is asked, naming the setting", async () => {
      // An RPC that serves another chain id than config.json names: MetaMask answers -32602 "Chain ID
      // returned by RPC URL … does not match …", which wagmi reported as "You declined the request".
      const chainId = e2e().stack.chain.chainId + 1;
      const { page, wallet } = await openWithConfig(
        { chainId },
        { startChainId: 1, knowsChain: false, strictAddNetwork: true },
      );
      await connect(page);
      await wrongNetwork(page).getByRole("button", { name: "Switch network" }).click();
      expect(await bannerText(page)).to.equal(
        `The app's network settings (config.json) disagree: rpcUrl serves chain id ${e2e().stack.chain.chainId}, not the chainId ${chainId} it names, so wallets refuse the network. Ask whoever runs this site to correct them.`,
      );
      expect(wallet.requests).not.to.include("wallet_addEthereumChain");
      expect(wallet.requests).not.to.include("wallet_switchEthereumChain");

      // A currency symbol outside 2-6 characters: the dApp says so at start, and asks the wallet nothing.
      const second = await openWithConfig({ currencySymbol: "E" }, { strictAddNetwork: true });
      await second.page.getByRole("alert").waitFor();
      expect(await second.page.getByRole("alert").textContent()).to.equal(
        `The app's network setting currencySymbol (config.json) is "E", which wallets refuse: a currency symbol has 2 to 6 characters. Ask whoever runs this site to correct it.`,
      );
      expect(second.wallet.requests).to.deep.equal([]);
    });

    it("addWithoutSwitch: the wallet adds the network but stays, the dApp says so, and a second Switch works", async () => {
      // Strict too: the network the dApp offers passes MetaMask's checks of wallet_addEthereumChain.
      const { page, wallet } = await open({
        startChainId: 1,
        knowsChain: false,
        addWithoutSwitch: true,
        strictAddNetwork: true,
      });
      await connect(page);
      await wrongNetwork(page).getByRole("button", { name: "Switch network" }).click();
      expect(await bannerText(page)).to.match(KEPT_ON_OTHER_NETWORK);
      expect(wallet.requests).to.include("wallet_addEthereumChain");
      expect(wallet.chainId).to.equal(1);

      await wrongNetwork(page).getByRole("button", { name: "Switch network" }).click();
      await wrongNetwork(page).waitFor({ state: "detached" });
      expect(wallet.chainId).to.equal(e2e().stack.chain.chainId);
    });

    it("declineSwitch: a declined switch reads as keeping the wallet on its network, not as a declined request", async () => {
      const { page, wallet } = await open({ startChainId: 1, declineSwitch: true });
      await connect(page);
      await wrongNetwork(page).getByRole("button", { name: "Switch network" }).click();
      const text = await bannerText(page);
      expect(text).to.match(KEPT_ON_OTHER_NETWORK);
      expect(text).to.contain(`(chain id ${e2e().stack.chain.chainId})`);
      expect(wallet.requests).not.to.include("wallet_addEthereumChain");

      // The user switches in the wallet: the banner goes.
      await wallet.switchChain(e2e().stack.chain.chainId);
      await wrongNetwork(page).waitFor({ state: "detached" });
    });

    it("pendingConnect: a second connection request while one is open says to answer it in the wallet", async () => {
      const { page, wallet } = await open({ pendingConnect: true });
      await connect(page);
      await page.getByRole("button", { name: "Connecting to EHR Test Wallet…" }).waitFor();
      // The first screen says "Connecting…" at the click; the wallet is asked once the full app
      // (wagmi) has taken over, a moment later (web/src/firstScreen).
      for (let waited = 0; !wallet.connectOpen && waited < 10_000; waited += 50) await page.waitForTimeout(50);
      expect(wallet.connectOpen).to.equal(true);
      // The user reloads instead of answering the wallet's popup, then tries again.
      await page.reload();
      await connect(page);
      expect(await bannerText(page)).to.equal(CONNECT_OPEN);
      await page.getByRole("heading", { name: "Connect your wallet" }).waitFor();

      // Once the open request is answered, connecting works.
      wallet.answerConnect();
      await connect(page);
      while (!wallet.connectOpen) await page.waitForTimeout(50);
      wallet.answerConnect();
      await page.getByRole("button", { name: "Sign in with your wallet" }).waitFor();
    });

    it("permissionsCaveats: the account comes from the eth_accounts permission's caveat, as MetaMask answers", async () => {
      const session = await open({ permissionsCaveats: true, lowercaseAccounts: true });
      await registerPatientThroughUi(session, "correct horse battery staple");
      expect(await connectedAccount(session.page)).to.equal(session.wallet.account.address);
      expect(session.wallet.requests).to.include("wallet_requestPermissions");
      expect(session.wallet.requests).not.to.include("eth_requestAccounts");
    });

    it("signWithGivenAddress: after the user picks another account, the dApp signs and sends as the account it shows", async () => {
      const { page, wallet } = await open({ signWithGivenAddress: true });
      await connect(page);
      await page.getByRole("button", { name: "Sign in with your wallet" }).waitFor();
      // The user picks another account in the wallet before signing in: the wallet, as MetaMask,
      // signs with whichever of its accounts the request names.
      const other = await fundedAccount(e2e().stack);
      await wallet.switchAccount(other);
      await page.waitForFunction(
        (address) => document.querySelector("code[title]")?.getAttribute("title") === address,
        privateKeyToAddress(other),
      );
      await page.getByRole("button", { name: "Sign in with your wallet" }).click();
      await page.getByRole("button", { name: "Register as a patient" }).first().click();
      await page.getByLabel(/Backup passphrase/).fill("correct horse battery staple");
      await page.getByLabel("Repeat the passphrase").fill("correct horse battery staple");
      await page.getByRole("button", { name: "Create my key and register" }).click();
      await page.getByRole("heading", { name: "Your encryption key is ready" }).waitFor();
      expect(await connectedAccount(page)).to.equal(privateKeyToAddress(other));
    });
  });
}
