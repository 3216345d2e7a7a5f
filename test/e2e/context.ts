import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { Hex } from "viem";
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

/** Connects the announced test wallet and signs in to the service, on the right network. */
export async function connectAndSignIn(session: Session): Promise<void> {
  const { page } = session;
  await page.getByRole("button", { name: "Connect EHR Test Wallet" }).click();
  await page.getByRole("button", { name: "Sign in with your wallet" }).click();
  await page.getByRole("heading", { level: 1 }).and(page.locator(":not(#signin-title)")).waitFor();
}
