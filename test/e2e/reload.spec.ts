/**
 * Reload (issue 16 bug 10): a page reload keeps the user where they were. The wallet reconnects
 * without a prompt, the service session is reused while it lasts, the unlocked key comes back
 * without a new signature (it was kept wrapped under a non-extractable key of this tab), and the
 * deep link, with its parameters, shows the same page. A manual lock, an idle lock or a sign-out
 * (disconnect) ends that: the next reload asks again. Another account in the wallet after a reload
 * gets neither the previous user's key nor their session, and the service no longer takes the
 * previous user's token. Registered by run.ts.
 */
import { expect } from "chai";
import type { Page } from "playwright-core";
import { privateKeyToAddress } from "viem/accounts";
import { restoreKeyBackup } from "../../lib/keys";
import {
  doctorWithKeyThroughUi,
  fundedAccount,
  registerPatientThroughUi,
  specKit,
  type E2e,
  type Session,
} from "./context";
import { ACCOUNTS, devKey } from "./stack";

const PASSPHRASE = "reload spec passphrase 2026";

/** Signature requests the wallet received (sign-in and key unlock are personal_sign). */
const signatures = (s: Session) =>
  s.wallet.requests.filter((m) => m === "personal_sign" || m === "eth_signTypedData_v4").length;

/**
 * This tab's session storage entries, and how many wrapping keys in the origin's IndexedDB are this
 * tab's (0 or 1: other tabs keep their own).
 */
async function stored(page: Page): Promise<{ session: string[]; wrappingKeys: number }> {
  return page.evaluate(async () => {
    const session = Object.keys(sessionStorage).filter((k) => k.startsWith("ehr:"));
    const entry = sessionStorage.getItem("ehr:session-key:v1");
    const id = entry ? (JSON.parse(entry) as { id: string }).id : undefined;
    const ids = await new Promise<string[]>((resolve) => {
      const open = indexedDB.open("ehr-session");
      open.onerror = () => resolve([]);
      open.onsuccess = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains("wrapping-keys")) {
          db.close();
          resolve([]);
          return;
        }
        const keys = db.transaction("wrapping-keys").objectStore("wrapping-keys").getAllKeys();
        keys.onsuccess = () => {
          db.close();
          resolve(keys.result.map(String));
        };
        keys.onerror = () => resolve([]);
      };
    });
    return { session, wrappingKeys: id !== undefined && ids.includes(id) ? 1 : 0 };
  });
}

/** The service's answer to GET /v1/auth/session with `token`. */
async function sessionStatus(apiUrl: string, token: string): Promise<number> {
  const answer = await fetch(`${apiUrl}/v1/auth/session`, { headers: { authorization: `Bearer ${token}` } });
  return answer.status;
}

async function savedToken(page: Page): Promise<string> {
  const raw = await page.evaluate(() => {
    const key = Object.keys(sessionStorage).find((k) => k.startsWith("ehr:api-session:"));
    return key ? sessionStorage.getItem(key) : null;
  });
  expect(raw, "the service session kept in sessionStorage").to.be.a("string");
  return (JSON.parse(raw!) as { token: string }).token;
}

/** A new tab of a browser whose wallet is connected: the wallet reconnects, the tab signs in. */
async function signInNewTab(page: Page): Promise<void> {
  const signIn = page.getByRole("button", { name: "Sign in with your wallet" });
  const connect = page.getByRole("button", { name: "Connect EHR Test Wallet" });
  await signIn.or(connect).first().waitFor();
  if (await connect.isVisible()) await connect.click();
  await signIn.click();
  await page.locator("main h1:not(#signin-title)").first().waitFor();
}

export function reloadSpecs(e2e: () => E2e): void {
  const kit = specKit(e2e);

  describe("reload", () => {
    let patientKey: `0x${string}`;
    /** The patient's browser context (its localStorage keeps the signature-locked key). */
    let patient: Session;

    it("a patient's reload keeps the session, the unlocked key and the record page; lock and sign-out end it", async () => {
      patientKey = await fundedAccount(e2e().stack);
      const p = await kit.open(patientKey);
      patient = p;
      const backup = await registerPatientThroughUi(p, PASSPHRASE);
      const { page } = p;
      const { key } = await restoreKeyBackup(new Uint8Array(backup), PASSPHRASE);

      // The plainest case first: a reload of a page of the navigation.
      await page.goto(`${e2e().stack.webUrl}/#/sharing`);
      await page.getByRole("heading", { level: 1, name: "Sharing" }).waitFor();
      const first = signatures(p);
      await page.reload();
      await page
        .getByRole("heading", { level: 1, name: "Sharing" })
        .or(page.getByRole("button", { name: "Sign in with your wallet" }))
        .or(page.getByRole("button", { name: "Connect EHR Test Wallet" }))
        .first()
        .waitFor();
      expect(await page.getByRole("heading", { level: 1 }).first().textContent(), "the page after a reload").to.equal(
        "Sharing",
      );
      expect(signatures(p), "signatures asked by the reload").to.equal(first);

      // A first record: the general details.
      await page.goto(`${e2e().stack.webUrl}/#/details`);
      const form = page.locator("form.details-form");
      await form.getByLabel("Full name").fill("Grace Hopper");
      await form.getByLabel("Date of birth").fill("1986-12-09");
      await form.getByRole("button", { name: "Save my details" }).click();
      await page.getByText("Your details were saved as a new encrypted record.").waitFor({ timeout: 60_000 });

      // The record's own page has its number in the link.
      await page.goto(`${e2e().stack.webUrl}/#/records`);
      await page.getByRole("button", { name: "Open record 1" }).click();
      await page.waitForURL(/#\/records\/1$/);
      await page.getByRole("button", { name: "Open the record" }).waitFor();

      const before = signatures(p);
      await page.reload();
      expect(page.url()).to.match(/#\/records\/1$/);
      await page.getByRole("button", { name: "Open the record" }).click();
      await page.getByText("Verified: unchanged since it was added").waitFor({ timeout: 60_000 });
      expect(await page.getByRole("button", { name: "Sign in with your wallet" }).count()).to.equal(0);
      expect(signatures(p), "signatures asked by the reload").to.equal(before);
      expect(await page.getByRole("button", { name: "Connect EHR Test Wallet" }).count()).to.equal(0);
      // At rest: a wrapping key the page cannot export, and no key material in readable form.
      const kept = await stored(page);
      expect(kept.wrappingKeys).to.equal(1);
      const dump = await page.evaluate(() => JSON.stringify({ ...sessionStorage, ...localStorage }).toLowerCase());
      expect(dump).to.not.contain(key.privateKey.slice(2).toLowerCase());
      expect(dump).to.contain("ehr:session-key:v1");

      // Lock: the key is gone for this tab; a reload keeps the session but asks for the key's signature.
      await page.getByRole("button", { name: "Lock your key now" }).click();
      await page.reload();
      await page.getByRole("button", { name: "Unlock my key" }).waitFor();
      expect((await stored(page)).wrappingKeys).to.equal(0);
      expect(signatures(p)).to.equal(before);
      await page.getByRole("button", { name: "Unlock my key" }).click();
      await page.getByRole("button", { name: "Open the record" }).waitFor();
      expect(signatures(p)).to.equal(before + 1);

      // Sign-out (disconnect): nothing survives; the service no longer takes the token.
      const token = await savedToken(page);
      expect(await sessionStatus(e2e().stack.apiUrl, token)).to.equal(200);
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.getByRole("button", { name: "Connect EHR Test Wallet" }).waitFor();
      await page.reload();
      await page.getByRole("button", { name: "Connect EHR Test Wallet" }).click();
      await page.getByRole("button", { name: "Sign in with your wallet" }).waitFor();
      expect(await sessionStatus(e2e().stack.apiUrl, token)).to.equal(401);
      expect(await stored(page)).to.deep.include({ wrappingKeys: 0 });
      await page.getByRole("button", { name: "Sign in with your wallet" }).click();
      await page.getByRole("button", { name: "Unlock my key" }).waitFor();
      expect(signatures(p)).to.equal(before + 2);
    });

    it("another account in the wallet after a reload gets neither the key nor the session", async () => {
      const p = { ...patient, page: await patient.context.newPage() };
      const { page, wallet } = p;
      await page.goto(`${e2e().stack.webUrl}/#/records/1`);
      await signInNewTab(page);
      await page.getByRole("button", { name: "Unlock my key" }).click();
      await page.getByRole("button", { name: "Open the record" }).waitFor();
      const token = await savedToken(page);

      // The user leaves the page, picks another account in the wallet, and comes back.
      await page.goto("about:blank");
      const other = await fundedAccount(e2e().stack);
      await wallet.switchAccount(other);
      await page.goto(`${e2e().stack.webUrl}/#/records/1`);
      await page.getByRole("button", { name: "Sign in with your wallet" }).waitFor();
      const account = page.getByLabel("Your account");
      expect(await account.textContent()).to.contain(privateKeyToAddress(other).slice(0, 6));
      const kept = await stored(page);
      expect(kept.wrappingKeys, "the previous user's wrapping key").to.equal(0);
      expect(kept.session.filter((k) => k.startsWith("ehr:api-session:") || k.startsWith("ehr:session-key:"))).to.be
        .empty;
      expect(await sessionStatus(e2e().stack.apiUrl, token)).to.equal(401);
      await page.getByRole("button", { name: "Sign in with your wallet" }).click();
      await page.getByRole("heading", { level: 1, name: /Welcome/ }).waitFor();
      await wallet.switchAccount(patientKey);
    });

    it("a doctor's reload on a patient's chart keeps the chart, the session and the key", async () => {
      const d = await kit.open(devKey(ACCOUNTS.doctor2));
      await doctorWithKeyThroughUi(d, PASSPHRASE);
      const { page } = d;
      const patient = privateKeyToAddress(patientKey);
      await page.goto(`${e2e().stack.webUrl}/#/chart/${patient}`);
      await page.getByRole("heading", { name: "Record 1: General details" }).waitFor();
      const before = signatures(d);
      await page.reload();
      expect(page.url()).to.contain(`#/chart/${patient}`);
      await page.getByRole("heading", { name: "Record 1: General details" }).waitFor();
      expect(await page.getByLabel("Find a patient").inputValue()).to.equal(patient);
      expect(signatures(d), "signatures asked by the reload").to.equal(before);
    });

    // Last: the fake clock is the whole browser context's.
    it("an idle lock ends the kept key: the reload after it asks for the signature", async () => {
      // A new tab of the same browser: its own sessionStorage, the same locked key and wallet.
      const p = { ...patient, page: await patient.context.newPage() };
      const { page } = p;
      await page.clock.install();
      await page.goto(`${e2e().stack.webUrl}/#/records/1`);
      await signInNewTab(page);
      await page.getByRole("button", { name: "Unlock my key" }).click();
      await page.getByRole("button", { name: "Open the record" }).waitFor();
      await page.reload();
      await page.getByRole("button", { name: "Open the record" }).waitFor();
      const before = signatures(p);

      await page.clock.fastForward("16:00");
      await page.getByText("It was locked after a period without activity.").waitFor();
      await page.reload();
      await page.getByRole("button", { name: "Unlock my key" }).waitFor();
      expect(page.url()).to.match(/#\/records\/1$/);
      expect(signatures(p)).to.equal(before);
      expect((await stored(page)).wrappingKeys).to.equal(0);
    });
  });
}
