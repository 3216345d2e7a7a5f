/**
 * Care in the browser: a new patient finds a demo doctor by specialty and books a slot of their
 * week, the doctor confirms it, the patient gives access to chosen categories until a date, the
 * doctor sees the patient under My patients, and the patient revokes (the patient disappears).
 * Every step is checked against the chain, not only the screen. Registered by run.ts.
 */
import { expect } from "chai";
import type { Locator } from "playwright-core";
import { privateKeyToAddress } from "viem/accounts";
import { ehrCoreAbi } from "../../deployments/contracts";
import { readPatientAppointments } from "../../lib/chain/appointmentEvents";
import { Category, categoryMask } from "../../lib/categories";
import { doctorWithKeyThroughUi, nav, specKit, type E2e } from "./context";
import { ACCOUNTS, devKey } from "./stack";
import { confirmAppointment, newPatient, sentTransactions } from "./steps";

const PASSPHRASE = "care spec passphrase 2026";
const DOCTOR_NAME = "Dr Tomas Lindqvist";

export function careSpecs(e2e: () => E2e): void {
  const kit = specKit(e2e);

  describe("care: doctors, appointments and sharing", () => {
    it("books a demo doctor's slot, the doctor confirms, access is granted, seen and revoked", async () => {
      const { stack } = e2e();
      const publicClient = kit.chain();
      const doctorKey = devKey(ACCOUNTS.doctor2);
      const doctor = privateKeyToAddress(doctorKey);

      // A fresh patient account, funded on anvil, so this spec never depends on another's state; the
      // patient registers (key + backup), as a user would.
      const { address: patient, session: p } = await newPatient(e2e, kit, PASSPHRASE);
      const grantOf = () =>
        publicClient.readContract({
          address: stack.core,
          abi: ehrCoreAbi,
          functionName: "grantOf",
          args: [patient, doctor],
        });

      // The doctor signs in and, if no other spec did it yet, sets up an encryption key.
      const d = await kit.open(doctorKey);
      await doctorWithKeyThroughUi(d, PASSPHRASE);

      // Find the doctor: a name that matches nobody lists none; the specialty filter finds them.
      await nav(p.page, "Find a doctor");
      await p.page.getByRole("heading", { name: "Find a doctor" }).waitFor();
      await p.page.getByText(/^\d+ of \d+ doctors$/).waitFor();
      await p.page.getByLabel("Name").fill("nobody by this name");
      await p.page.getByText(/^0 of \d+ doctors$/).waitFor();
      await p.page.getByLabel("Name").fill("");
      await p.page.getByLabel("Specialty").selectOption({ label: "General practice" });
      await p.page.getByLabel("Hospital").selectOption({ label: "Demo General Hospital" });
      const doctors = p.page.getByRole("list", { name: "Doctors" }).getByRole("listitem");
      // Other specs may onboard more doctors: every one listed matches, and ours is there once.
      await doctors.filter({ hasText: DOCTOR_NAME }).waitFor();
      for (const text of await doctors.allTextContents()) {
        expect(text).to.contain("General practice · Demo General Hospital");
      }
      expect(await doctors.filter({ hasText: "Cardiology" }).count()).to.equal(0);
      await e2e().screenshot(p.page, "care-01-find-doctors");

      // The week's schedule: book the first free slot.
      await p.page.getByRole("button", { name: `See ${DOCTOR_NAME}'s schedule` }).click();
      const slot = p.page.getByRole("button", { name: /^Book / }).first();
      await slot.waitFor();
      const label = (await slot.getAttribute("aria-label"))!.replace(/^Book /, "");
      // Choosing a slot opens the review: nothing is sent until "Confirm booking".
      const sentBefore = sentTransactions(p);
      await slot.click();
      await p.page.getByRole("heading", { name: "Review your booking" }).waitFor();
      // This patient has saved no name: the review says the doctor will see only her account, and where to add it.
      await p.page
        .getByTestId("name-sharing-hint")
        .getByText(/You have not added your name yet/)
        .waitFor();
      expect(await p.page.getByTestId("name-sharing-hint").textContent()).to.contain(
        `${DOCTOR_NAME} will see only your account number`,
      );
      await e2e().screenshot(p.page, "care-02a-booking-review");
      await p.page.getByRole("button", { name: "Choose another time" }).click();
      await p.page.getByRole("heading", { name: "Review your booking" }).waitFor({ state: "detached" });
      expect(sentTransactions(p)).to.equal(sentBefore);
      await slot.click();
      await p.page.getByLabel("Reason for the visit (optional)").fill("Knee pain since Sunday");
      await p.page.getByRole("button", { name: "Confirm booking" }).click();
      await p.page.getByText(`Booked for ${label}.`).waitFor();
      // No general details yet: no name card, and the page says how to be known by name.
      await p.page.getByText(/Add your general details so your doctor knows you by name/).waitFor();
      // The slot now reads as hers, not as taken by someone.
      await p.page.getByRole("button", { name: `${label} (your appointment)` }).waitFor();
      await e2e().screenshot(p.page, "care-02-doctor-week-booked");

      const appointments = async () => (await readPatientAppointments(publicClient, stack.book, patient)).reverse();
      let booked = await appointments();
      expect(booked.length).to.equal(1);
      expect(booked[0].doctor).to.equal(doctor);
      expect(booked[0].status).to.equal(1); // Booked

      await nav(p.page, "Appointments");
      const mine = p.page.getByRole("list", { name: "Upcoming appointments" }).getByRole("listitem");
      await mine.filter({ hasText: "Waiting for confirmation" }).filter({ hasText: DOCTOR_NAME }).waitFor();
      await e2e().screenshot(p.page, "care-03-patient-appointments");
      await p.page.setViewportSize({ width: 390, height: 844 });
      await e2e().screenshot(p.page, "care-03b-patient-appointments-phone");
      await p.page.setViewportSize({ width: 1280, height: 800 });

      // The reason reached the doctor, sealed, in their conversation with the patient.
      await nav(d.page, "Messages");
      await d.page
        .getByRole("list", { name: "Conversations, latest first" })
        .getByRole("button")
        .filter({ hasText: patient.slice(0, 6) })
        .first()
        .click();
      await d.page
        .getByRole("list", { name: "Messages, oldest first" })
        .getByText("Reason for the visit: Knee pain since Sunday")
        .waitFor();

      // The doctor confirms it.
      await confirmAppointment(d.page, label);
      await e2e().screenshot(d.page, "care-04-doctor-appointments");
      booked = await appointments();
      expect(booked[0].status).to.equal(2); // Confirmed

      // The patient gives access: a form without a doctor is refused before any transaction. She is
      // in India (UTC+5:30, chosen for its half hour) and enters the end in her own time.
      const cdp = await p.context.newCDPSession(p.page);
      await cdp.send("Emulation.setTimezoneOverride", { timezoneId: "Asia/Kolkata" });
      await nav(p.page, "Sharing");
      await p.page.getByRole("heading", { name: "Give a doctor access" }).waitFor();
      const sent = sentTransactions(p);
      await p.page.getByRole("button", { name: "Give access" }).click();
      await p.page.getByText("Choose a doctor.").waitFor();
      // Every problem at once: the missing categories are said beside the missing doctor.
      expect(await p.page.getByText("Choose at least one category to share.").count()).to.equal(1);
      // Each refusal moves the focus to the field to fix, where its problem is said.
      const focused = (field: Locator) => field.evaluate((el) => el === document.activeElement);
      expect(await focused(p.page.getByLabel("Doctor", { exact: true }))).to.equal(true);
      await p.page.getByLabel("Doctor", { exact: true }).selectOption(doctor);
      await p.page.getByRole("button", { name: "Give access" }).click();
      await p.page.getByText("Choose at least one category to share.").waitFor();
      expect(await focused(p.page.getByLabel("All records"))).to.equal(true);
      expect(sentTransactions(p)).to.equal(sent);
      // The scope (AccessScopeFields) on a phone: a fieldset with its legend and its problem under
      // it, the 14 categories two to a row under "All records", one tab stop each.
      await p.page.setViewportSize({ width: 390, height: 844 });
      const scope = p.page.getByRole("group", { name: "What they may read" });
      const problemId = await scope.getAttribute("aria-describedby");
      expect(await p.page.locator(`[id="${problemId}"]`).textContent()).to.equal(
        "Choose at least one category to share.",
      );
      const rowsOf = async (group: typeof scope) => {
        const tops = new Set<number>();
        for (const box of await group.locator("label.ui-checkbox").all())
          tops.add(Math.round((await box.boundingBox())!.y));
        return tops.size;
      };
      expect(await scope.getByRole("checkbox").count()).to.equal(15);
      expect(await rowsOf(scope)).to.equal(8); // "All records", then 7 rows of two
      await p.page.getByLabel("Allergies", { exact: true }).focus();
      await p.page.keyboard.press("Tab");
      expect(
        await p.page.getByLabel("Medications", { exact: true }).evaluate((el) => el === document.activeElement),
      ).to.equal(true);
      expect(await p.page.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(390);
      await e2e().screenshot(p.page, "care-05-grant-form-phone");
      await p.page.setViewportSize({ width: 1280, height: 800 });

      await p.page.getByLabel("Allergies", { exact: true }).check();
      await p.page.getByLabel("Medications", { exact: true }).check();
      // 18:30 in India, 10 days on, is 13:00 UTC on the chain. An end in the past is refused at the field.
      const ends = p.page.getByLabel(/^Access ends \(your time zone: Asia\/(Kolkata|Calcutta) \(GMT\+5:30\)\)$/);
      const day = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
      await ends.fill("2020-01-01T09:00");
      await p.page.getByRole("button", { name: "Give access" }).click();
      await p.page.getByText("Choose when access ends: a date and time in the future.").waitFor();
      expect(await ends.getAttribute("aria-invalid")).to.equal("true");
      expect(sentTransactions(p)).to.equal(sent);
      await ends.fill(`${day}T18:30`);
      // The chosen end in words beside the picker, whatever order the browser writes dates in.
      const inWords = new RegExp(
        `^Access stops \\w{3},? ${Number(day.slice(8, 10))} \\w{3} \\d{4}, 18:30 GMT\\+5:30\\.$`,
      );
      const describedBy = (await ends.getAttribute("aria-describedby"))!.split(" ");
      const descriptions = await Promise.all(describedBy.map((id) => p.page.locator(`[id="${id}"]`).textContent()));
      expect(descriptions.some((text) => inWords.test(text ?? ""))).to.equal(true);
      await p.page.getByRole("button", { name: "Give access" }).click();
      const grants = p.page.getByRole("list", { name: "Active grants" }).getByRole("listitem");
      await grants.filter({ hasText: DOCTOR_NAME }).filter({ hasText: "Allergies, Medications" }).waitFor();
      // The list says the end in her time, naming the zone, not the chain's 13:00 UTC.
      const until = new RegExp(`Until \\w{3},? ${Number(day.slice(8, 10))} \\w{3} \\d{4}, 18:30 GMT\\+5:30 ·`);
      expect(await grants.filter({ hasText: DOCTOR_NAME }).textContent()).to.match(until);
      await e2e().screenshot(p.page, "care-05-sharing");

      const grant = await grantOf();
      expect(grant.categories).to.equal(categoryMask([Category.Allergies, Category.Medications]));
      expect(grant.expiresAt).to.equal(Date.parse(`${day}T13:00:00Z`) / 1000);

      // The doctor sees the patient, with what the grant covers.
      await nav(d.page, "My patients");
      const patients = d.page.getByRole("list", { name: "Patients" }).getByRole("listitem");
      await patients.filter({ hasText: patient }).filter({ hasText: "Allergies, Medications" }).waitFor();
      await e2e().screenshot(d.page, "care-06-my-patients");

      // A record the grant covers, uploaded by the patient: the page says that doctor reads it too
      // (the grant is the consent); one it does not cover says nothing of the doctor.
      await nav(p.page, "Upload a record");
      const category = p.page.getByLabel("Category", { exact: true });
      await category.selectOption(String(Category.Allergies));
      const sharedWith = p.page.getByTestId("shared-with");
      await sharedWith
        .filter({
          hasText: new RegExp(
            `^Also readable by the doctor you gave access to .+: ${DOCTOR_NAME}\\. Change that under Sharing\\.$`,
          ),
        })
        .waitFor();
      await category.selectOption(String(Category.Imaging));
      expect(await sharedWith.count()).to.equal(0);
      await nav(p.page, "Sharing");

      // The patient revokes: gone on-chain, from the patient's list and from the doctor's.
      await p.page.getByRole("button", { name: `Stop sharing with ${DOCTOR_NAME}` }).click();
      await p.page.getByText(/will no longer be able to open your records/).waitFor();
      await p.page.getByLabel(`Reason, sent to ${DOCTOR_NAME} (optional)`).fill("Treatment finished");
      await e2e().screenshot(p.page, "care-05a-revoke-confirm");
      await p.page.getByRole("button", { name: "Yes, stop sharing" }).click();
      await p.page.getByText("No doctor has access to your records.").waitFor();
      // Said where the work was shown, what is now so (not a bare "Done.").
      await p.page
        .getByRole("status")
        .filter({ hasText: `Sharing stopped: ${DOCTOR_NAME} can no longer read your records.` })
        .waitFor();
      const after = await grantOf();
      expect(after.categories).to.equal(0);
      await d.page.getByRole("button", { name: "Refresh" }).click();
      await d.page.getByText("No patient has given you access right now.").waitFor();
      expect(await patients.filter({ hasText: patient }).count()).to.equal(0);

      // The doctor asks for access, the patient chosen with the chart's picker: a malformed address
      // is refused before any form or transaction.
      await nav(d.page, "Request access");
      const doctorSent = sentTransactions(d);
      await d.page.getByLabel("Find a patient").fill("0x1234");
      await d.page.getByRole("button", { name: "Choose patient" }).click();
      await d.page.getByText("Enter the patient's address: 0x followed by 40 hexadecimal characters.").waitFor();
      expect(await d.page.getByRole("button", { name: "Send request" }).count()).to.equal(0);
      await d.page.getByLabel("Find a patient").fill(patient);
      await d.page.getByRole("button", { name: "Choose patient" }).click();
      await d.page.getByRole("heading", { name: /^Ask Patient 0x\w{4}…\w{4} for access$/ }).waitFor();
      await d.page.getByRole("button", { name: "Send request" }).click();
      await d.page.getByText("Choose at least one category to ask for.").waitFor();
      expect(await focused(d.page.getByLabel("All records"))).to.equal(true);
      expect(sentTransactions(d)).to.equal(doctorSent);
      await d.page.getByLabel("Lab results", { exact: true }).check();
      await d.page.getByLabel("For how many days").fill("7");
      await d.page.getByRole("button", { name: "Send request" }).click();
      await d.page.getByText("Request sent.", { exact: false }).waitFor();
      await e2e().screenshot(d.page, "care-07-request-access");

      // The patient approves it on Sharing: a grant of what was asked, for the asked duration.
      await nav(p.page, "Appointments");
      await nav(p.page, "Sharing");
      const requests = p.page.getByRole("list", { name: "Access requests" }).getByRole("listitem");
      await requests.filter({ hasText: DOCTOR_NAME }).filter({ hasText: "Lab results" }).waitFor();
      await e2e().screenshot(p.page, "care-08-access-request");
      await p.page.getByRole("button", { name: `Approve ${DOCTOR_NAME}'s request` }).click();
      await grants.filter({ hasText: DOCTOR_NAME }).filter({ hasText: "approved request" }).waitFor();
      await p.page.getByText("No doctor is asking for access.").waitFor();
      const approved = await grantOf();
      expect(approved.categories).to.equal(categoryMask([Category.LabResults]));
      expect(approved.expiresAt - approved.grantedAt).to.equal(7 * 86_400);
      await d.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My patients" }).click();
      await patients.filter({ hasText: patient }).filter({ hasText: "Lab results" }).waitFor();

      // The pages fit a phone screen.
      await p.page.setViewportSize({ width: 375, height: 740 });
      await nav(p.page, "Find a doctor");
      await p.page.getByText(/^\d+ of \d+ doctors$/).waitFor();
      expect(await p.page.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(375);
      await e2e().screenshot(p.page, "care-09-doctors-phone");
    });
  });
}
