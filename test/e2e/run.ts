/**
 * `npm run test:e2e`: the dApp in a real Chromium against the real stack (stack.ts), with an
 * injected EIP-6963 wallet per user (wallet.ts). Mocha runs the specs; screenshots of the main
 * pages land in test-results/. CHROMIUM_PATH overrides /usr/bin/chromium; `--grep <text>` runs
 * only matching tests. Exits non-zero on any failure.
 */
import Mocha from "mocha";
import type { Browser } from "playwright-core";
import { launchChromium } from "../browser/chromium";
import { exitWith } from "../browser/exitWith";
import { makeE2e, type E2e } from "./context";
import { a11ySpecs } from "./a11y.spec";
import { appointmentsSpecs } from "./appointments.spec";
import { careSpecs } from "./care.spec";
import { clinicalSpecs } from "./clinical.spec";
import { onboardingSpecs } from "./onboarding.spec";
import { patientRecordsSpecs } from "./patientRecords.spec";
import { inboxSpecs } from "./inbox.spec";
import { inboxReadStateSpecs } from "./inboxReadState.spec";
import { keyRestoreSpecs } from "./keyRestore.spec";
import { formsSpecs } from "./forms.spec";
import { messagesSpecs } from "./messages.spec";
import { patientUploadSpecs } from "./patientUpload.spec";
import { reconcileSpecs } from "./reconcile.spec";
import { walletModesSpecs } from "./walletModes.spec";
import { reloadSpecs } from "./reload.spec";
import { scenarioSpecs } from "./scenario.spec";
import { keySharingSpecs } from "./keySharing.spec";
import { emergencyCardSpecs } from "./emergencyCard.spec";
import { chartRefusalSpecs } from "./chartRefusal.spec";
import { homesSpecs } from "./homes.spec";
import { namesSpecs } from "./names.spec";
import { startE2eStack, type E2eStack } from "./stack";

async function main(): Promise<number> {
  const grepAt = process.argv.indexOf("--grep");
  const mocha = new Mocha({
    timeout: 90_000,
    reporter: "spec",
    grep: grepAt > 0 ? process.argv[grepAt + 1] : undefined,
  });
  let stack: E2eStack | undefined;
  let browser: Browser | undefined;
  let e2e: E2e | undefined;
  const get = () => {
    if (!e2e) throw new Error("the e2e stack did not start");
    return e2e;
  };

  // Install mocha's globals (describe, it, before...) and register the specs under one root suite.
  mocha.suite.emit("pre-require", globalThis, "e2e", mocha);
  describe("dApp in Chromium", function () {
    before(async function () {
      this.timeout(180_000);
      stack = await startE2eStack();
      browser = await launchChromium();
      e2e = makeE2e(stack, browser);
    });
    // A failed test leaves a screenshot of every page still open, to see what the user saw.
    afterEach(async function () {
      if (this.currentTest?.state !== "failed" || !browser || !e2e) return;
      const name = (this.currentTest.title.match(/[a-z0-9]+/gi) ?? []).slice(0, 6).join("-");
      const pages = browser.contexts().flatMap((context) => context.pages());
      for (const [i, page] of pages.entries())
        await e2e.screenshot(page, `failed-${name}-${i + 1}`).catch(() => undefined);
    });
    after(async function () {
      this.timeout(60_000);
      await browser?.close().catch(() => undefined);
      await stack?.close();
    });
    onboardingSpecs(get);
    walletModesSpecs(get);
    clinicalSpecs(get);
    careSpecs(get);
    patientRecordsSpecs(get);
    keyRestoreSpecs(get);
    inboxSpecs(get);
    inboxReadStateSpecs(get);
    appointmentsSpecs(get);
    formsSpecs(get);
    messagesSpecs(get);
    patientUploadSpecs(get);
    reconcileSpecs(get);
    keySharingSpecs(get);
    emergencyCardSpecs(get);
    chartRefusalSpecs(get);
    homesSpecs(get);
    namesSpecs(get);
    reloadSpecs(get);
    a11ySpecs(get);
    // Last: it restarts the stack.
    scenarioSpecs(get);
  });

  return new Promise((resolve) => mocha.run((failures) => resolve(failures ? 1 : 0)));
}

if (require.main === module) exitWith(main);
