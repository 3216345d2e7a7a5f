import { mkdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createPublicClient, createWalletClient, http, parseEther, toHex, type Hex, type PublicClient } from "viem";
import { generatePrivateKey, privateKeyToAccount, privateKeyToAddress } from "viem/accounts";
import { ehrCoreAbi } from "../../deployments/contracts";
import type { E2eStack } from "./stack";
import { TestWallet, type TestWalletOptions } from "./wallet";

const RESULTS = path.resolve(__dirname, "../../test-results");

/** One user at one browser: a fresh context (own localStorage), a page and the wallet in it. */
export interface Session {
  context: BrowserContext;
  page: Page;
  wallet: TestWallet;
}

/** What the specs get from the runner. */
export interface E2e {
  stack: E2eStack;
  browser: Browser;
  /** Opens the dApp for the dev account `privateKey`, with its injected wallet. */
  open(
    privateKey: Hex,
    options?: TestWalletOptions & { viewport?: { width: number; height: number } },
  ): Promise<Session>;
  /** Saves a full-page screenshot as test-results/<name>.png. */
  screenshot(page: Page, name: string): Promise<void>;
}

export function makeE2e(stack: E2eStack, browser: Browser): E2e {
  mkdirSync(RESULTS, { recursive: true });
  return {
    stack,
    browser,
    async open(privateKey, options = {}) {
      const context = await browser.newContext({
        viewport: options.viewport ?? { width: 1280, height: 800 },
        acceptDownloads: true,
      });
      const wallet = new TestWallet(privateKey, { chainId: stack.chain.chainId, rpcUrl: stack.chain.url }, options);
      await wallet.install(context);
      const page = await context.newPage();
      page.setDefaultTimeout(30_000);
      await page.goto(stack.webUrl);
      return { context, page, wallet };
    },
    async screenshot(page, name) {
      await page.screenshot({ path: path.join(RESULTS, `${name}.png`), fullPage: true });
    },
  };
}

/** What a spec needs besides the browser: its sessions, closed after its tests, and the chain. */
export interface SpecKit {
  /** Opens the dApp for `key` (see E2e.open); the session is closed after the spec's tests. */
  open(key: Hex): Promise<Session>;
  /** A scripted EhrCore transaction from `key` (another user's move, not under test); must succeed. */
  write(key: Hex, functionName: string, args: readonly unknown[]): Promise<void>;
  /** A public client of the stack's chain (available from the spec's `before` on). */
  chain(): PublicClient;
}

/** Registers the spec's before/after hooks (call it inside the spec function, before `describe`). */
export function specKit(e2e: () => E2e): SpecKit {
  let publicClient: PublicClient | undefined;
  const sessions: Session[] = [];
  const chain = () => {
    if (!publicClient) throw new Error("the chain client is ready only from the spec's before hook on");
    return publicClient;
  };
  before(() => {
    publicClient = createPublicClient({ transport: http(e2e().stack.chain.url) }) as PublicClient;
  });
  after(async () => {
    for (const s of sessions.splice(0)) await s.context.close();
  });
  return {
    async open(key) {
      const session = await e2e().open(key);
      sessions.push(session);
      return session;
    },
    async write(key, functionName, args) {
      const hash = await createWalletClient({
        account: privateKeyToAccount(key),
        transport: http(e2e().stack.chain.url),
      }).writeContract({ address: e2e().stack.core, abi: ehrCoreAbi, functionName, args, chain: null } as never);
      const receipt = await chain().waitForTransactionReceipt({ hash });
      if (receipt.status !== "success") throw new Error(`${functionName} reverted`);
    },
    chain,
  };
}

/** The Inbox link of the main navigation, whatever its unread badge says. */
export const inboxLink = (page: Page) =>
  page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /^Inbox/ });

/** Connects the announced test wallet and signs in to the service, on the right network. */
export async function connectAndSignIn(session: Session): Promise<void> {
  const { page } = session;
  await page.getByRole("button", { name: "Connect EHR Test Wallet" }).click();
  await page.getByRole("button", { name: "Sign in with your wallet" }).click();
  await page.getByRole("heading", { level: 1 }).and(page.locator(":not(#signin-title)")).waitFor();
}

/**
 * Clicks a link of the main navigation (exact label): in the sidebar on a laptop; on a phone in the
 * bottom bar, or under "More" when the page is not one of the bar's.
 */
export async function nav(page: Page, label: string | RegExp): Promise<void> {
  const menu = page.getByRole("navigation", { name: "Main" });
  const link = menu.getByRole("link", { name: label, exact: typeof label === "string" });
  if ((await link.count()) === 0) await menu.getByRole("button", { name: "More" }).click();
  await link.click();
}

/** A new random account with 10 ETH on anvil, so a spec never depends on another's state. */
export async function fundedAccount(stack: E2eStack): Promise<Hex> {
  const key = generatePrivateKey();
  await createPublicClient({ transport: http(stack.chain.url) }).request({
    method: "anvil_setBalance" as never,
    params: [privateKeyToAddress(key), toHex(parseEther("10"))] as never,
  });
  return key;
}

/** Registers the session's account as a patient through the dApp; resolves with the backup file. */
export async function registerPatientThroughUi(session: Session, passphrase: string): Promise<Buffer> {
  const { page } = session;
  await connectAndSignIn(session);
  await page.getByRole("button", { name: "Register as a patient" }).first().click();
  await page.getByLabel(/Backup passphrase/).fill(passphrase);
  await page.getByLabel("Repeat the passphrase").fill(passphrase);
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Create my key and register" }).click();
  await page.getByRole("heading", { name: "Your encryption key is ready" }).waitFor();
  const file = await readFile(await (await download).path());
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("heading", { name: "Your health record" }).waitFor();
  return file;
}

/**
 * The key backup file of every doctor key made through the dApp in this run, by address: specs share
 * the demo doctors, so a later spec's fresh browser context restores the key an earlier one made.
 */
const doctorBackups = new Map<string, { file: Buffer; passphrase: string }>();

/**
 * Signs a doctor in and makes sure the key is unlocked in this browser context: created in the dApp
 * when the doctor has none, or restored from the backup file an earlier spec kept when the key was
 * made in another context (then re-locked in this one's localStorage).
 */
export async function doctorWithKeyThroughUi(session: Session, passphrase: string): Promise<void> {
  const { page } = session;
  const address = session.wallet.account.address.toLowerCase();
  await connectAndSignIn(session);
  const setup = page.getByRole("heading", { name: "Set up your encryption key" });
  const restore = page.getByRole("button", { name: "Restore my key" });
  const ready = page.getByRole("heading", { name: /Your (encryption )?key is (un)?locked/ });
  await setup.or(restore).or(ready).first().waitFor();
  if (await restore.isVisible()) {
    const backup = doctorBackups.get(address);
    if (!backup)
      throw new Error(`doctor ${address} has a key made outside this run's dApp sessions; no backup to restore`);
    await page.getByLabel("Key backup file").setInputFiles({
      name: "ehr-key-backup.json",
      mimeType: "application/json",
      buffer: backup.file,
    });
    await page.getByLabel("Backup passphrase").fill(backup.passphrase);
    await restore.click();
    await page.getByRole("heading", { name: "Unlocked in this tab" }).waitFor({ timeout: 60_000 });
    return;
  }
  if (!(await setup.isVisible())) return;
  await page.getByLabel(/Backup passphrase/).fill(passphrase);
  await page.getByLabel("Repeat the passphrase").fill(passphrase);
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: /Create my key/ }).click();
  await page.getByRole("heading", { name: "Your encryption key is ready" }).waitFor({ timeout: 60_000 });
  doctorBackups.set(address, { file: await readFile(await (await download).path()), passphrase });
  await page.getByRole("button", { name: "Continue" }).click();
}
