/**
 * The two homes (issue 16): each says who is signed in and what to do next. A new doctor (office
 * hours published by script) and a new patient who saved her name and booked a slot (the booking
 * shares her name card); the doctor asks for access for 5 days (by script) and writes to her in the
 * dApp. On her home the patient approves the request in place (the grant is then on the chain and
 * on Sharing; "ending soon" only once half its 5 days have run, the page's clock moved on), sees the record the doctor then files (by script)
 * counted as new, her next appointment and the unread message. On his home the doctor, greeted as
 * "Dr <name>" with "<specialty> · <hospital>", sees the booking to confirm with the patient by name
 * and confirms it in place; once he opens emergency access (by script), an open window with its
 * countdown leads his home, and the patient's. Each home is saved at a laptop's and a phone's size.
 * Registered by run.ts.
 */
import { expect } from "chai";
import type { Page } from "playwright-core";
import { getAddress, keccak256, toHex } from "viem";
import { ehrCoreAbi } from "../../deployments/contracts";
import { Category, categoryMask } from "../../lib/categories";
import { doctorWithKeyThroughUi, nav, specKit, type E2e } from "./context";
import { bookFirstSlot, bookWrite, newPatient, onboardDoctor, saveGeneralDetails, VIEWPORTS } from "./steps";

const PASSPHRASE = "homes spec passphrase 2026";
const ALL_DAY = 2 ** 48 - 1;
const DAY = 86_400;
const PATIENT_NAME = "Ana Homeward";

export function homesSpecs(e2e: () => E2e): void {
  const kit = specKit(e2e);

  /** The home at both sizes, as test-results/home-<role>-<laptop|phone>.png; back to the laptop size. */
  const shots = async (page: Page, role: string) => {
    for (const [size, viewport] of Object.entries(VIEWPORTS)) {
      await page.setViewportSize(viewport);
      await page.waitForTimeout(300);
      await e2e().screenshot(page, `home-${role}-${size}`);
    }
    await page.setViewportSize(VIEWPORTS.laptop);
  };

  describe("homes: what to do next, by name", () => {
    it("patient approves a request from home, sees her visit and a message; doctor confirms in place, sees names and an emergency countdown", async function () {
      this.timeout(420_000);
      const { stack } = e2e();
      const chain = kit.chain();
      const doctorName = "Dr Lena Homes";
      const { key: doctorKey, address: doctor } = await onboardDoctor(e2e, kit, doctorName);
      await bookWrite(stack, doctorKey, "setWeeklyAvailability", [Array(7).fill(ALL_DAY)]);
      const hospital = await chain.readContract({
        address: stack.core,
        abi: ehrCoreAbi,
        functionName: "hospital",
        args: [1],
      });

      // The doctor's home says who he is.
      const d = await kit.open(doctorKey);
      await doctorWithKeyThroughUi(d, PASSPHRASE);
      await nav(d.page, "Home");
      await d.page.getByRole("heading", { level: 1, name: doctorName, exact: true }).waitFor();
      await d.page.getByText(`General practice · ${hospital.name}`, { exact: true }).waitFor();
      // The header names who is signed in, as the home does (the address in its tooltip).
      await d.page.getByLabel("Your account").getByText(doctorName, { exact: true }).waitFor();
      // Hours published (by script), nothing booked: the schedule says so, not "publish your office hours".
      await d.page
        .getByText("No appointments coming up. Patients can book in the office hours you published.")
        .waitFor();
      expect(await d.page.getByRole("link", { name: "publish your office hours" }).count()).to.equal(0);

      // The patient: her name saved, a slot booked (which shares her name card with the doctor).
      const { address: patient, session: p } = await newPatient(e2e, kit, PASSPHRASE);
      await saveGeneralDetails(p.page, PATIENT_NAME, "1984-03-09");
      const when = await bookFirstSlot(p.page, doctorName);

      // The doctor asks for access for 5 days and writes to her.
      await kit.write(doctorKey, "requestAccess", [
        patient,
        categoryMask([Category.LabResults]),
        5 * DAY,
        1,
        keccak256(toHex("homes spec")),
      ]);
      await nav(d.page, "Messages");
      const who = d.page.getByLabel("Patient", { exact: true });
      await who.locator("option").nth(1).waitFor({ state: "attached" });
      await who.selectOption({ index: 1 });
      await d.page.getByRole("button", { name: "Open the conversation" }).click();
      await d.page.getByRole("textbox", { name: "Message" }).fill("Please bring your latest blood results.");
      await d.page.getByRole("button", { name: "Send", exact: true }).click();
      await d.page.getByText("Please bring your latest blood results.").waitFor();

      // The patient's home: greeted by name; the request answered in place.
      await nav(p.page, "Home");
      await p.page.getByRole("heading", { level: 1, name: `Hello, ${PATIENT_NAME}` }).waitFor();
      await p.page.getByLabel("Your account").getByText(PATIENT_NAME, { exact: true }).waitFor();
      const requests = p.page.getByTestId("home-requests");
      await requests.getByText(doctorName).waitFor();
      await requests.getByText(/asks to read Lab results for 5 days/).waitFor();
      await requests.getByRole("button", { name: "Approve" }).click();
      await requests.getByText(`Approved: ${doctorName} can now read what you shared.`).waitFor({ timeout: 60_000 });
      await requests.getByText("No other doctor is asking for access.").waitFor();
      const grant = await chain.readContract({
        address: stack.core,
        abi: ehrCoreAbi,
        functionName: "grantOf",
        args: [patient, doctor],
      });
      expect(grant.categories).to.equal(categoryMask([Category.LabResults]));
      // The doctor files a lab result (by script: only its RecordAdded event is under test here): new on her home.
      await kit.write(doctorKey, "addRecord", [
        patient,
        {
          category: Category.LabResults,
          envelopeHash: keccak256(toHex("homes spec lab result")),
          cid: "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy",
          summaryHash: `0x${"00".repeat(32)}`,
          summaryCid: "",
        },
      ]);
      const records = p.page.getByTestId("home-records");
      await records.getByText("1 new record added by your doctors since you last looked.").waitFor();
      expect(await records.getByRole("link").getAttribute("href")).to.equal("#/records");
      // The 5-day grant just given is not "ending soon" (the consents that emptied the requests hold it).
      expect(await p.page.getByTestId("home-ending").count()).to.equal(0);
      const appointment = p.page.getByTestId("home-appointment");
      // Said by day, as a calendar does: "Today, Friday 4 December, 22:00" for "Fri, 4 Dec 2026, 22:00 UTC".
      const [, date, clock] = /^\w+,? (\d{1,2}) \w+ \d{4}, (\d{2}:\d{2}) /.exec(when)!;
      await appointment.getByText(new RegExp(`^((Today|Tomorrow), )?\\w+,? ${date} \\w+, ${clock}$`)).waitFor();
      await appointment.getByText(/waiting for the doctor to confirm/).waitFor();
      const messages = p.page.getByTestId("home-messages");
      await messages.getByText("1 conversation has a new message.").waitFor();
      expect(await messages.getByRole("link").getAttribute("href")).to.equal("#/messages");
      await shots(p.page, "patient");
      await nav(p.page, "Sharing");
      await p.page
        .getByRole("list", { name: "Active grants" })
        .getByRole("listitem")
        .filter({ hasText: doctorName })
        .waitFor();

      // The doctor's home: the booking to confirm, the patient by name; confirmed in place.
      await nav(d.page, "Home");
      const bookings = d.page.getByTestId("home-bookings");
      await bookings.getByText(when, { exact: true }).waitFor();
      await bookings.getByText(PATIENT_NAME).waitFor();
      await d.page.getByTestId("home-shared").getByText(PATIENT_NAME).waitFor();
      await d.page.getByTestId("home-messages").getByText("No unread messages.").waitFor();
      await d.page
        .getByTestId("home-schedule")
        .getByText("Nothing confirmed yet: answer the bookings waiting for you.")
        .waitFor();
      await bookings.getByRole("button", { name: `Confirm the appointment of ${when}` }).click();
      await bookings.getByText("Confirmed: the patient has been told.").waitFor({ timeout: 60_000 });
      await bookings.getByText("Every booking is answered.").waitFor();
      await d.page.getByTestId("home-schedule").getByText(PATIENT_NAME).waitFor();

      // Emergency access opened (by script): the open window and its countdown lead both homes.
      await kit.write(doctorKey, "openEmergencyAccess", [patient, 1, keccak256(toHex("homes spec emergency"))]);
      await nav(d.page, "Appointments");
      await nav(d.page, "Home");
      const emergency = d.page.getByTestId("home-emergency");
      await emergency.getByText(PATIENT_NAME).waitFor();
      const timer = emergency.getByRole("timer");
      const first = await timer.textContent();
      expect(first).to.match(/^\d+:\d{2}:\d{2}$/);
      await d.page.waitForTimeout(1_500);
      expect(await timer.textContent()).to.not.equal(first);
      expect(await emergency.getAttribute("class")).to.contain("home-card-urgent");
      // Leads the page: the first card.
      expect(await d.page.locator(".home-cards > section").first().getAttribute("data-testid")).to.equal(
        "home-emergency",
      );
      await shots(d.page, "doctor");
      // Its link opens Emergency access on that patient (in the URL): the open window, not the picker's empty form.
      const toWindow = emergency.getByRole("link", { name: "Read the emergency card on Emergency access" });
      expect(await toWindow.getAttribute("href")).to.equal(`#/emergency-access/${getAddress(patient)}`);
      await toWindow.click();
      await d.page.getByRole("heading", { name: "Emergency access is open" }).waitFor();
      await d.page.getByRole("button", { name: "Read the emergency card" }).waitFor();

      await nav(p.page, "Home");
      const opened = p.page.getByTestId("home-emergency");
      await opened.getByText(doctorName).first().waitFor();
      await opened.getByRole("timer").waitFor();
      await p.page.getByTestId("home-appointment").getByText("confirmed.").waitFor();
      // Not yet seen: the card announces it and carries the acknowledgement; Home shows no banner
      // besides (one notice, not two).
      const unseen = opened.getByRole("alert");
      await unseen.getByText(doctorName).waitFor();
      expect(await p.page.getByTestId("emergency-banner").count()).to.equal(0);
      await shots(p.page, "patient-emergency");
      await unseen.getByRole("button", { name: "I have seen this" }).click();
      await unseen.waitFor({ state: "detached" });
      // Seen, the open window stays on Home with its countdown.
      await opened.getByRole("timer").waitFor();
      expect(await opened.getAttribute("class")).to.contain("home-card-urgent");

      // Three days on (the page's clock moved on; the grant on the chain as it was), the 5-day grant
      // has run past half its length: now it is "ending soon", with the link to renew it on Sharing.
      await p.page.clock.setFixedTime(Date.now() + 3 * 86_400_000);
      await nav(p.page, "Sharing");
      await nav(p.page, "Home");
      const ending = p.page.getByTestId("home-ending");
      await ending.getByText(doctorName).waitFor();
      expect(await ending.getByRole("link").getAttribute("href")).to.equal("#/sharing");
    });
  });
}
