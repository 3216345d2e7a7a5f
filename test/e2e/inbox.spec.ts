/**
 * The inbox in the browser: a doctor asks a new patient for access, the patient's Inbox link
 * shows one unread item and the inbox lists it; the patient approves from there and the doctor's
 * inbox tells them; a second doctor opens emergency access and the patient, on another page,
 * sees the urgent banner at once. The doctors' chain moves are sent as scripted transactions;
 * everything the users see is the real dApp polling the real chain. Registered by run.ts.
 */
import { expect } from "chai";
import { keccak256, toHex } from "viem";
import { Category, categoryMask } from "../../lib/categories";
import { doctorWithKeyThroughUi, nav, type E2e, specKit, inboxLink } from "./context";
import { ACCOUNTS, devKey } from "./stack";
import { newPatient } from "./steps";

const PASSPHRASE = "inbox spec passphrase 2026";
const DAY = 24 * 3600;

export function inboxSpecs(e2e: () => E2e): void {
  const kit = specKit(e2e);
  const { open, write } = kit;

  describe("inbox: notifications from chain events", () => {
    it("shows a request with an unread badge, tells the doctor of the grant, and an emergency at once", async () => {
      const { address: patient, session: p } = await newPatient(e2e, kit, PASSPHRASE);
      const doctorKey = devKey(ACCOUNTS.doctor);
      const doctor2Key = devKey(ACCOUNTS.doctor2);
      // A new patient has nothing: no badge, and an empty inbox.
      expect(await p.page.getByTestId("inbox-badge").count()).to.equal(0);

      const d = await open(doctorKey);
      await doctorWithKeyThroughUi(d, PASSPHRASE);

      // 1. The doctor asks for access: the patient's badge shows 1 without a reload.
      await write(doctorKey, "requestAccess", [
        patient,
        categoryMask([Category.LabResults]),
        30 * DAY,
        1,
        keccak256(toHex("inbox spec")),
      ]);
      await p.page.getByTestId("inbox-badge").filter({ hasText: "1" }).waitFor();
      expect(await inboxLink(p.page).textContent()).to.match(/^Inbox\s*1/);
      await inboxLink(p.page).click();
      const request = p.page.getByRole("listitem").filter({ hasText: "A doctor asked for access to your records." });
      await request.waitFor();
      expect(await request.textContent()).to.contain("New");
      await e2e().screenshot(p.page, "inbox-patient");
      // Opening the inbox marks it read.
      await p.page.getByTestId("inbox-badge").waitFor({ state: "detached" });

      // 2. The patient approves from the notification's link; the doctor's inbox tells them.
      await request.getByRole("link", { name: "Open" }).click();
      await p.page.getByRole("button", { name: /^Approve .*'s request$/ }).click();
      await p.page.getByRole("list", { name: "Active grants" }).waitFor();
      await d.page.getByTestId("inbox-badge").waitFor();
      // On a phone the Inbox is behind "More": the button carries the count, and says it.
      await d.page.setViewportSize({ width: 390, height: 844 });
      const more = d.page.getByRole("button", { name: "More 1 unread", exact: true });
      await more.waitFor();
      expect(await d.page.getByTestId("inbox-badge-more").isVisible()).to.equal(true);
      await e2e().screenshot(d.page, "inbox-doctor-more-phone");
      await d.page.setViewportSize({ width: 1280, height: 800 });
      await inboxLink(d.page).click();
      const granted = d.page.getByRole("listitem").filter({ hasText: "A patient approved your access request." });
      // Named as a patient without a card is: "Patient 0x69C6…4d44", the whole address in its title.
      const named = d.page.locator(`[title="${patient}"]`);
      await granted.filter({ has: named }).waitFor();
      expect(await granted.filter({ has: named }).textContent()).to.contain(
        `Patient ${patient.slice(0, 6)}…${patient.slice(-4)}`,
      );
      await e2e().screenshot(d.page, "inbox-doctor");

      // 3. Another doctor opens emergency access: the patient, on another page, sees the banner.
      await nav(p.page, "Records");
      expect(await p.page.getByTestId("emergency-banner").count()).to.equal(0);
      await write(doctor2Key, "openEmergencyAccess", [patient, 1, keccak256(toHex("unconscious on arrival"))]);
      const banner = p.page.getByTestId("emergency-banner");
      await banner.waitFor();
      expect(await banner.getAttribute("role")).to.equal("alert");
      expect(await banner.textContent()).to.contain("Emergency access to your records was opened");
      await e2e().screenshot(p.page, "inbox-emergency-banner");
      // In the inbox it is the newest item, marked urgent; having seen it, the banner goes.
      await inboxLink(p.page).click();
      const first = p.page.getByRole("list", { name: "Notifications, newest first" }).getByRole("listitem").first();
      await first.filter({ hasText: "Urgent" }).waitFor();
      expect(await first.textContent()).to.contain("A doctor opened emergency access to your records.");
      await banner.waitFor({ state: "detached" });
      // The stranger's view: a doctor the patient never dealt with has no item about them.
      const d2 = await open(doctor2Key);
      await doctorWithKeyThroughUi(d2, PASSPHRASE);
      await inboxLink(d2.page).click();
      await d2.page.getByRole("heading", { name: "Inbox" }).waitFor();
      await d2.page
        .getByText(/^Nothing yet\. You will see here when a patient gives you access/)
        .or(d2.page.getByRole("list", { name: "Notifications, newest first" }))
        .waitFor();
      expect(await d2.page.locator(`[title="${patient}"]`).count()).to.equal(0);
      expect(await d2.page.getByText(`${patient.slice(0, 6)}…${patient.slice(-4)}`).count()).to.equal(0);
    });
  });
}
