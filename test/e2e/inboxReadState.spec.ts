/**
 * Inbox read state across browsers (issue 16 bug 9): the same patient is signed in in two browser
 * contexts (each with its own localStorage). Two doctors ask for access (scripted chain moves);
 * both browsers show 2 unread. The patient opens the inbox in the first: the second's badge goes
 * without a reload, because read state is kept by the service per signed-in address. A stale
 * browser cannot make read things unread again, and what arrives later is unread in both. On the
 * old code (read state in localStorage only) the second browser kept "2 unread" and the test timed
 * out waiting for its badge to go. Registered by run.ts.
 */
import { expect } from "chai";
import type { Page } from "playwright-core";
import { keccak256, toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { Category, categoryMask } from "../../lib/categories";
import {
  connectAndSignIn,
  fundedAccount,
  inboxLink,
  nav,
  registerPatientThroughUi,
  type E2e,
  specKit,
} from "./context";
import { ACCOUNTS, devKey } from "./stack";

const PASSPHRASE = "inbox read state passphrase 2026";
const DAY = 24 * 3600;
/** Longer than the dApp's read-state poll (5 s) and the inbox's chain poll (3 s), under load. */
const WITHIN_A_POLL = 30_000;

const badge = (page: Page) => page.getByTestId("inbox-badge");

export function inboxReadStateSpecs(e2e: () => E2e): void {
  const kit = specKit(e2e);
  const { open, write } = kit;

  describe("inbox read state: the same user in two browsers", () => {
    it("reading in one browser clears the unread count in the other, and only new items count again", async () => {
      const { stack } = e2e();
      const patientKey = await fundedAccount(stack);
      const patient = privateKeyToAccount(patientKey).address;
      const ask = (doctorKey: `0x${string}`, why: string) =>
        write(doctorKey, "requestAccess", [
          patient,
          categoryMask([Category.LabResults]),
          30 * DAY,
          1,
          keccak256(toHex(why)),
        ]);

      const first = await open(patientKey);
      await registerPatientThroughUi(first, PASSPHRASE);
      await ask(devKey(ACCOUNTS.doctor), "read state 1");
      await ask(devKey(ACCOUNTS.doctor2), "read state 2");
      await badge(first.page).filter({ hasText: /^2/ }).waitFor({ timeout: WITHIN_A_POLL });

      // A second browser (its own localStorage) signs in as the same patient: 2 unread there too.
      const second = await open(patientKey);
      await connectAndSignIn(second);
      await badge(second.page).filter({ hasText: /^2/ }).waitFor({ timeout: WITHIN_A_POLL });

      // Read in the first: its badge goes at once, the second's within a poll, with no reload.
      await inboxLink(first.page).click();
      await first.page
        .getByRole("listitem")
        .filter({ hasText: "A doctor asked for access to your records." })
        .first()
        .waitFor();
      await badge(first.page).waitFor({ state: "detached" });
      await badge(second.page).waitFor({ state: "detached", timeout: WITHIN_A_POLL });

      // The second browser, behind on nothing now, reloads: still nothing unread after signing in.
      await second.page.reload();
      const signIn = second.page.getByRole("button", { name: "Sign in with your wallet" });
      const connect = second.page.getByRole("button", { name: "Connect EHR Test Wallet" });
      await connect.or(signIn).or(inboxLink(second.page)).first().waitFor();
      if (await connect.isVisible()) await connectAndSignIn(second);
      else if (await signIn.isVisible()) await signIn.click();
      await inboxLink(second.page).waitFor();
      // Give the inbox and the read state one full poll to disagree, if they would.
      await second.page.waitForTimeout(6_000);
      expect(await badge(second.page).count()).to.equal(0);

      // Something new is unread in both browsers, and only that (the first has left its inbox,
      // which marks what it lists as seen).
      await nav(first.page, "Records");
      await write(devKey(ACCOUNTS.doctor2), "openEmergencyAccess", [patient, 1, keccak256(toHex("read state 3"))]);
      await badge(first.page).filter({ hasText: /^1/ }).waitFor({ timeout: WITHIN_A_POLL });
      await badge(second.page).filter({ hasText: /^1/ }).waitFor({ timeout: WITHIN_A_POLL });
      // Seen in the second this time, on its Home: there the emergency card carries the
      // acknowledgement in place of the banner. Gone in the first (on Records, a banner) as well.
      await first.page.getByTestId("emergency-banner").waitFor({ timeout: WITHIN_A_POLL });
      await nav(second.page, "Home");
      const unseen = second.page.getByTestId("home-emergency").getByRole("alert");
      await unseen.getByText("opened emergency access to your records").waitFor({ timeout: WITHIN_A_POLL });
      expect(await second.page.getByTestId("emergency-banner").count()).to.equal(0);
      await unseen.getByRole("button", { name: "I have seen this" }).click();
      await unseen.waitFor({ state: "detached" });
      await badge(second.page).waitFor({ state: "detached" });
      await badge(first.page).waitFor({ state: "detached", timeout: WITHIN_A_POLL });
      await first.page.getByTestId("emergency-banner").waitFor({ state: "detached", timeout: WITHIN_A_POLL });
      await e2e().screenshot(second.page, "inbox-read-state-second-browser");
    });
  });
}
