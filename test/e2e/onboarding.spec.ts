/**
 * The first browser flows: connecting through the EIP-6963 wallet, fixing the wrong network,
 * signing in, a patient registering with a key and a backup, unlocking, locking and switching
 * accounts, and a declined signature that changes nothing. Registered by run.ts (a function, so
 * that Hardhat's test task, which loads every file under test/, runs nothing from here).
 */
import { expect } from "chai";
import { readFile } from "node:fs/promises";
import { createPublicClient, http, parseEventLogs, sha256, type PublicClient } from "viem";
import { ehrCoreAbi } from "../../deployments/contracts";
import { rawLeafCid } from "../../lib/api/rawCid";
import { roleOf } from "../../lib/chain/ehr";
import { connectAndSignIn, type E2e, type Session } from "./context";
import { ACCOUNTS, devKey } from "./stack";
import { bannerText, fillRegistration, seenSteps, watchSteps } from "./steps";

const PASSPHRASE = "correct horse battery staple";
const DECLINED = "You declined the request in your wallet; nothing was changed.";

export function onboardingSpecs(e2e: () => E2e): void {
  let publicClient: PublicClient;
  const sessions: Session[] = [];
  const open = async (...args: Parameters<E2e["open"]>) => {
    const session = await e2e().open(...args);
    sessions.push(session);
    return session;
  };
  const role = (address: `0x${string}`) => roleOf(publicClient, e2e().stack.core, address);

  before(() => {
    publicClient = createPublicClient({ transport: http(e2e().stack.chain.url) }) as PublicClient;
  });
  afterEach(async () => {
    for (const s of sessions.splice(0)) await s.context.close();
  });

  describe("connecting", () => {
    it("lists the announced wallet, detects the wrong network, and adds and switches to the chain", async () => {
      const { page, wallet } = await open(devKey(ACCOUNTS.patient3), { startChainId: 1, knowsChain: false });
      await page.getByRole("heading", { name: "Connect your wallet" }).waitFor();
      await e2e().screenshot(page, "01-connect");
      await page.getByRole("button", { name: "Connect EHR Test Wallet" }).click();

      const banner = page.getByRole("region", { name: "Wrong network" });
      await banner.waitFor();
      expect(await banner.textContent()).to.contain("chain id 1");
      await e2e().screenshot(page, "02-wrong-network");
      await banner.getByRole("button", { name: "Switch network" }).click();
      await banner.waitFor({ state: "detached" });
      expect(wallet.chainId).to.equal(e2e().stack.chain.chainId);
      // The wallet did not know the chain: it answered 4902 and the dApp asked it to add the chain.
      expect(wallet.requests).to.include.members(["wallet_switchEthereumChain", "wallet_addEthereumChain"]);

      await page.getByRole("button", { name: "Sign in with your wallet" }).click();
      await page.getByRole("heading", { name: "Welcome to Patient EHR" }).waitFor();
      await e2e().screenshot(page, "03-welcome");

      // The user switches the wallet back to another network: the banner returns, the page goes.
      await wallet.switchChain(1);
      await banner.waitFor();
      expect(await page.getByRole("heading", { name: "Welcome to Patient EHR" }).count()).to.equal(0);
    });

    it("shows one plain sentence when the user declines to connect, and stays disconnected", async () => {
      const { page, wallet } = await open(devKey(ACCOUNTS.patient3));
      wallet.rejectNext(1);
      await page.getByRole("button", { name: "Connect EHR Test Wallet" }).click();
      expect(await bannerText(page)).to.equal(DECLINED);
      await page.getByRole("heading", { name: "Connect your wallet" }).waitFor();
      expect(await page.getByRole("button", { name: "Sign out" }).count()).to.equal(0);
    });
  });

  describe("patient registration", () => {
    it("refuses a short passphrase before asking the wallet anything", async () => {
      const session = await open(devKey(ACCOUNTS.patient2));
      await connectAndSignIn(session);
      const { page, wallet } = session;
      await fillRegistration(page, "too short");
      const before = wallet.requests.filter((m) => m === "personal_sign").length;
      await page.getByRole("button", { name: "Create my key and register" }).click();
      await page.getByText("Choose a passphrase of at least 12 characters.").waitFor();
      // Beside the passphrase (aria-invalid, described by the sentence), which takes the focus.
      const passphrase = page.getByLabel(/^Backup passphrase/);
      expect(await passphrase.getAttribute("aria-invalid")).to.equal("true");
      const describedBy = (await passphrase.getAttribute("aria-describedby"))!.split(" ");
      const texts = await Promise.all(describedBy.map((id) => page.locator(`[id="${id}"]`).textContent()));
      expect(texts).to.include("Choose a passphrase of at least 12 characters.");
      expect(await passphrase.evaluate((el) => el === document.activeElement)).to.equal(true);
      expect(wallet.requests.filter((m) => m === "personal_sign").length).to.equal(before);
      expect(await role(wallet.account.address)).to.equal("none");
    });

    it("a declined key signature shows the plain sentence and changes nothing", async () => {
      const session = await open(devKey(ACCOUNTS.patient2));
      await connectAndSignIn(session);
      const { page, wallet } = session;
      await fillRegistration(page, PASSPHRASE);
      wallet.rejectNext(1);
      await page.getByRole("button", { name: "Create my key and register" }).click();
      expect(await bannerText(page)).to.equal(DECLINED);
      await e2e().screenshot(page, "04-declined-signature");
      expect(await role(wallet.account.address)).to.equal("none");
      expect(
        await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("ehr:locked-key"))),
      ).to.deep.equal([]);
      expect(wallet.requests).to.not.include("eth_sendTransaction");
    });

    it("a declined transaction leaves the account unregistered and no key stored", async () => {
      const session = await open(devKey(ACCOUNTS.patient2));
      await connectAndSignIn(session);
      const { page, wallet } = session;
      await fillRegistration(page, PASSPHRASE);
      // Both key signatures pass; the transaction is declined.
      wallet.rejectNext(1, "eth_sendTransaction");
      await page.getByRole("button", { name: "Create my key and register" }).click();
      expect(await bannerText(page)).to.equal(DECLINED);
      expect(wallet.requests.filter((m) => m === "personal_sign").length).to.be.at.least(3);
      // The progress list says where it stopped: the declined step failed, the later ones never started.
      const progress = page.getByRole("region", { name: "Registering you as a patient" });
      expect(await progress.getByRole("listitem").allTextContents()).to.deep.equal([
        "Sign the key message in your wallet (1 of 2) (done)",
        "Sign it once more, to check your wallet (2 of 2) (done)",
        "Creating and locking your encryption key (done)",
        "Encrypting the backup file with your passphrase (done)",
        "Storing the encrypted backup (done)",
        "Confirm the transaction in your wallet (failed)",
        "Waiting for the transaction to be recorded (not started)",
        "Recorded on the chain (not started)",
      ]);
      expect(await progress.getByRole("status").textContent()).to.equal(
        "Stopped at: Confirm the transaction in your wallet. Nothing after it was done.",
      );
      expect(await role(wallet.account.address)).to.equal("none");
      expect(
        await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("ehr:locked-key"))),
      ).to.deep.equal([]);
    });

    it("registers a patient with an encryption key and a backup file, then unlocks, locks and forgets on account switch", async () => {
      const session = await open(devKey(ACCOUNTS.patient));
      await connectAndSignIn(session);
      const { page, wallet } = session;
      const address = wallet.account.address;
      await page.getByRole("button", { name: "Register as a patient" }).first().click();
      await page.getByRole("heading", { name: "Register as a patient" }).waitFor();
      await e2e().screenshot(page, "05-register");
      await page.getByLabel(/Backup passphrase/).fill(PASSPHRASE);
      await page.getByLabel("Repeat the passphrase").fill(PASSPHRASE);
      await watchSteps(page);
      const download = page.waitForEvent("download");
      await page.getByRole("button", { name: "Create my key and register" }).click();
      await page.getByRole("heading", { name: "Your encryption key is ready" }).waitFor();
      await e2e().screenshot(page, "06-key-ready");
      // Each step appeared while it ran (the key and backup steps never did: the list stayed on the
      // second signature while scrypt held the main thread).
      expect(await seenSteps(page)).to.include.members([
        "Creating and locking your encryption key (in progress)",
        "Encrypting the backup file with your passphrase (in progress)",
        "Storing the encrypted backup (in progress)",
      ]);
      // The header follows the chain on the screen right after the receipt (it said "not registered").
      expect(await page.getByLabel("Your account").locator(".role").textContent()).to.equal(" · patient");

      // The chain has the patient, with the key and the hash of the very file the user downloaded.
      expect(await role(address)).to.equal("patient");
      const file = await readFile(await (await download).path());
      const logs = await publicClient.getContractEvents({
        address: e2e().stack.core,
        abi: ehrCoreAbi,
        eventName: "PatientRegistered",
        args: { patient: address },
        fromBlock: 0n,
      });
      expect(parseEventLogs({ abi: ehrCoreAbi, logs }).length).to.equal(1);
      expect(logs[0].args.keyBackup).to.equal(sha256(new Uint8Array(file)));
      expect(JSON.parse(file.toString()).format).to.equal("ehr-key-backup");
      // The service holds the same backup (uploaded before the transaction).
      const stored = await e2e().stack.services.blobs.get(rawLeafCid(logs[0].args.keyBackup!));
      expect(Buffer.from(stored).equals(file)).to.equal(true);

      await page.getByRole("button", { name: "Continue" }).click();
      await page.getByRole("heading", { name: "Your health record" }).waitFor();
      await page.getByRole("heading", { name: "Unlocked in this tab" }).waitFor();
      await e2e().screenshot(page, "07-patient-home");

      // Lock: the key is gone from the page; one signature unlocks it again.
      await page.getByRole("button", { name: "Lock your key now" }).click();
      await page.getByRole("heading", { name: "Your encryption key is locked" }).waitFor();
      await page.getByRole("button", { name: "Unlock my key" }).click();
      await page.getByRole("heading", { name: "Unlocked in this tab" }).waitFor();

      // A reload keeps the tab signed in and the key unlocked, with no wallet signature (reload.spec.ts).
      const signed = wallet.requests.filter((m) => m === "personal_sign").length;
      await page.reload();
      await page.getByRole("heading", { name: "Unlocked in this tab" }).waitFor();
      expect(wallet.requests.filter((m) => m === "personal_sign").length).to.equal(signed);

      // The wallet switches account: the key is cleared and the new account must sign in.
      await wallet.switchAccount(devKey(ACCOUNTS.patient3));
      await page.getByRole("button", { name: "Sign in with your wallet" }).waitFor();
      expect(await page.getByRole("heading", { name: "Unlocked in this tab" }).count()).to.equal(0);
    });

    it("fits a phone screen (375 px) with the navigation and forms usable", async () => {
      const session = await open(devKey(ACCOUNTS.patient2), { viewport: { width: 375, height: 740 } });
      await connectAndSignIn(session);
      const { page } = session;
      await page.getByRole("button", { name: "Register as a patient" }).first().click();
      await page.getByRole("navigation", { name: "Main" }).waitFor();
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width).to.be.at.most(375);
      // The page heading takes the focus after navigation (screen readers announce it).
      expect(await page.evaluate(() => document.activeElement?.tagName)).to.equal("H1");
      await e2e().screenshot(page, "08-register-phone");
    });
  });
}
