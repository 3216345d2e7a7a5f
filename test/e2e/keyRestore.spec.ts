/**
 * Restoring a key from its backup file in a browser that holds no copy of it: the restored key is
 * checked against the chain, locked again under the wallet's signature and kept in this browser, so
 * that after a reload one signature unlocks it. A missing file (said beside its input), a wrong
 * passphrase and a declined signature are covered too. Registered by run.ts.
 */
import { expect } from "chai";
import type { Page } from "playwright-core";
import { connectAndSignIn, fundedAccount, registerPatientThroughUi, type E2e, type Session } from "./context";

const PASSPHRASE = "restore me from the file";
const WRONG_PASSPHRASE = "not the passphrase at all";

/** The entries this browser keeps under lockedKeyStore's prefix. */
const lockedKeys = (page: Page) =>
  page.evaluate(() =>
    Object.keys(localStorage)
      .filter((k) => k.startsWith("ehr:locked-key"))
      .map((k) => localStorage.getItem(k) ?? ""),
  );

/**
 * After a reload wagmi reconnects by itself; the sign-in button stays disabled ("Connecting to your
 * wallet…") until its wallet client is back, and Playwright's click waits for it to be enabled.
 */
async function signInAfterReload(page: Page): Promise<void> {
  const heading = page.getByRole("heading", { name: "Sign in", exact: true });
  await heading.waitFor();
  await page.getByRole("button", { name: "Sign in with your wallet" }).click();
  await heading.waitFor({ state: "detached" });
}

export function keyRestoreSpecs(e2e: () => E2e): void {
  describe("key restore from the backup file", () => {
    let patientKey: `0x${string}`;
    let backup: Buffer;
    const sessions: Session[] = [];
    const open = async () => {
      const session = await e2e().open(patientKey);
      sessions.push(session);
      return session;
    };
    const signatures = (session: Session) => session.wallet.requests.filter((m) => m === "personal_sign").length;

    /** A fresh browser (no stored key), signed in, at the restore form, with the file and passphrase filled. */
    async function atRestoreForm(passphrase: string): Promise<Session> {
      const session = await open();
      await connectAndSignIn(session);
      const { page } = session;
      await page.getByRole("heading", { name: "Your encryption key is locked" }).waitFor();
      expect(await lockedKeys(page)).to.deep.equal([]);
      await page
        .getByLabel("Key backup file")
        .setInputFiles({ name: "ehr-key-backup.json", mimeType: "application/json", buffer: backup });
      await page.getByLabel("Backup passphrase").fill(passphrase);
      return session;
    }

    before(async function () {
      this.timeout(180_000);
      patientKey = await fundedAccount(e2e().stack);
      const first = await e2e().open(patientKey);
      backup = await registerPatientThroughUi(first, PASSPHRASE);
      await first.context.close();
    });
    afterEach(async () => {
      for (const s of sessions.splice(0)) await s.context.close();
    });

    it("restores the key, keeps it locked in this browser, and unlocks it in a new tab with one signature", async () => {
      const session = await atRestoreForm(PASSPHRASE);
      let page = session.page;
      await e2e().screenshot(page, "key-restore-01-form");
      const before = signatures(session);
      await page.getByRole("button", { name: "Restore my key" }).click();
      await page.getByRole("heading", { name: "Unlocked in this tab" }).waitFor({ timeout: 60_000 });
      // Two signatures lock the restored key again (the second checks the wallet signs the same way).
      expect(signatures(session) - before).to.equal(2);
      const stored = await lockedKeys(page);
      expect(stored).to.have.length(1);
      const locked = JSON.parse(stored[0]);
      expect(locked).to.include({ version: 1, address: session.wallet.account.address });
      expect(locked.publicKey).to.equal(JSON.parse(backup.toString()).publicKey);
      expect(await page.getByTestId("error-banner").count()).to.equal(0);

      // A reload keeps the tab's unlocked key (reload.spec.ts); a new tab has only the locked one.
      page = await session.context.newPage();
      await page.goto(e2e().stack.webUrl);
      await signInAfterReload(page);
      await page.getByRole("heading", { name: "Your encryption key is locked" }).waitFor();
      // The browser now holds the key: no file, no passphrase, only a signature.
      expect(await page.getByLabel("Key backup file").count()).to.equal(0);
      await e2e().screenshot(page, "key-restore-02-unlock-after-reload");
      const atUnlock = signatures(session);
      await page.getByRole("button", { name: "Unlock my key" }).click();
      await page.getByRole("heading", { name: "Unlocked in this tab" }).waitFor();
      expect(signatures(session) - atUnlock).to.equal(1);
    });

    it("says the passphrase is wrong in one sentence and stores nothing", async () => {
      const session = await atRestoreForm(WRONG_PASSPHRASE);
      const { page } = session;
      const before = signatures(session);
      // No file: said beside the file input, which takes the focus; the wallet is not asked.
      const fileInput = page.getByLabel("Key backup file");
      await fileInput.setInputFiles([]);
      await page.getByRole("button", { name: "Restore my key" }).click();
      const problemId = await fileInput.getAttribute("aria-describedby");
      expect(await page.locator(`[id="${problemId}"]`).textContent()).to.equal("Choose your key backup file first.");
      expect(await fileInput.getAttribute("aria-invalid")).to.equal("true");
      expect(await fileInput.evaluate((el) => el === document.activeElement)).to.equal(true);
      expect(await page.getByTestId("error-banner").count()).to.equal(0);
      await fileInput.setInputFiles({ name: "ehr-key-backup.json", mimeType: "application/json", buffer: backup });
      expect(await fileInput.getAttribute("aria-invalid")).to.equal(null);
      await page.getByRole("button", { name: "Restore my key" }).click();
      const alert = page.getByTestId("error-banner");
      await alert.waitFor({ timeout: 60_000 });
      expect((await alert.locator("p").textContent())?.trim()).to.equal(
        "Cannot unlock this key backup: the passphrase is wrong, or the file was changed.",
      );
      await e2e().screenshot(page, "key-restore-03-wrong-passphrase");
      expect(signatures(session)).to.equal(before);
      expect(await lockedKeys(page)).to.deep.equal([]);
      expect(await page.getByRole("heading", { name: "Unlocked in this tab" }).count()).to.equal(0);
      await page.getByRole("button", { name: "Restore my key" }).waitFor();
    });

    it("keeps the key in this tab only when the user declines the signature, and says so", async () => {
      const session = await atRestoreForm(PASSPHRASE);
      const { page, wallet } = session;
      wallet.rejectNext(1, "personal_sign");
      await page.getByRole("button", { name: "Restore my key" }).click();
      await page.getByRole("heading", { name: "Unlocked in this tab" }).waitFor({ timeout: 60_000 });
      const alert = page.getByTestId("error-banner");
      expect((await alert.locator("p").textContent())?.trim()).to.equal(
        "You declined the signature, so your key is unlocked in this tab only and you will need the backup file again next time.",
      );
      expect(await lockedKeys(page)).to.deep.equal([]);
    });
  });
}
