/**
 * Appointment outcomes and office hours in the browser: a new doctor publishes office hours in the
 * dApp (a malformed day is refused before any transaction); a patient books, the doctor declines;
 * the patient books again and a second slot, the doctor confirms both and, once the slots have started
 * (the chain's clock is moved past them with no block mined, as on an idle chain, and the doctor's
 * browser clock with it), completes the second with no outcome (a test order with no name refused
 * first) and the first with a prescription chosen with the arrow keys (no dose and a zero duration
 * refused first, each beside its field, nothing sent); the patient reads the prescription under
 * Appointments, where the appointments are in date order (a later day booked first by script). A patient denies a doctor's pending access request on Sharing.
 * Every step is checked against the chain too. Registered by run.ts.
 */
import { expect } from "chai";
import type { Locator, Page } from "playwright-core";
import type { Hex } from "viem";
import { appointmentBookAbi, ehrCoreAbi } from "../../deployments/contracts";
import { readPatientAppointments } from "../../lib/chain/appointmentEvents";
import { sentenceFor } from "../../lib/chain/errorCatalogue";
import { recordCount } from "../../lib/chain/ehr";
import { Category } from "../../lib/categories";
import { localMinute } from "../../lib/localTime";
import { doctorWithKeyThroughUi, nav, specKit, type E2e } from "./context";
import {
  bannerText,
  bookFirstSlot,
  bookWrite,
  calendarRows,
  confirmAppointment,
  newPatient,
  onboardDoctor,
  sentTransactions,
} from "./steps";

const PASSPHRASE = "appointments spec passphrase 2026";
const ALL_DAY = 2 ** 48 - 1;
const SLOT = 30 * 60;
const DAY = 86_400;
const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/** A Unix time's day ("2 December") and clock ("19:30") in `timeZone`, worked out here, apart from the dApp. */
function wallClock(unixSeconds: number, timeZone: string) {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    day: "numeric",
    month: "long",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(unixSeconds * 1000);
  const part = (type: string) => parts.find((p) => p.type === type)!.value;
  return { day: `${part("day")} ${part("month")}`, clock: `${part("hour")}:${part("minute")}` };
}

/** The field's problem, asserted beside it: aria-invalid, and the UI set's error that describes it. */
async function besideField(page: Page, field: Locator): Promise<string> {
  expect(await field.getAttribute("aria-invalid")).to.equal("true");
  const describedBy = (await field.getAttribute("aria-describedby"))!.split(" ");
  const problem = page.locator(describedBy.map((id) => `[id="${id}"]`).join(", ")).and(page.locator(".ui-field-error"));
  // In the same field box as the input (found by id: a locator under the form would not match inside it).
  const input = page.locator(`[id="${await field.getAttribute("id")}"]`);
  expect(await page.locator(".ui-field").filter({ has: input }).filter({ has: problem }).count()).to.equal(1);
  return (await problem.textContent())!;
}

const isFocused = (field: Locator) => field.evaluate((el) => el === document.activeElement);

/** The doctor's "Fill a form" page for `patient`; resolves with its "File under" choice. */
async function openFormFor(page: Page, patient: Hex) {
  await nav(page, "Fill a form");
  await page.getByLabel("Find a patient").fill(patient);
  await page.getByRole("button", { name: "Choose patient" }).click();
  const fileUnder = page.getByLabel("File under");
  await fileUnder.waitFor();
  return fileUnder;
}

export function appointmentsSpecs(e2e: () => E2e): void {
  const kit = specKit(e2e);
  const { open } = kit;
  const sent = sentTransactions;

  describe("appointments: office hours, decline, complete with a prescription", () => {
    it("publishes hours, declines, rebooks, confirms, completes with a prescription the patient reads", async function () {
      this.timeout(300_000);
      const { stack } = e2e();
      const shot = (page: Page, name: string) => e2e().screenshot(page, `appointments-${name}`);
      const doctorName = "Dr Amara Nwosu";
      const publicClient = kit.chain();
      const { key: doctorKey, address: doctor } = await onboardDoctor(e2e, kit, doctorName);
      const d = await open(doctorKey);
      await doctorWithKeyThroughUi(d, PASSPHRASE);

      // Office hours: none yet; open all day (this browser is in UTC; see the Kolkata test below).
      await nav(d.page, "Office hours");
      const published = d.page.getByLabel("Published hours", { exact: true });
      await published.getByText("Closed").first().waitFor();
      for (const day of WEEKDAYS) await d.page.getByLabel(`${day} hours`).fill("00:00-24:00");
      await d.page.getByRole("button", { name: "Publish office hours" }).click();
      await d.page.getByText("Published: patients can now book the hours you offer.").waitFor();
      await published.getByText("00:00-24:00").nth(6).waitFor();
      expect(await published.getByText("Closed").count()).to.equal(0);
      const hours = await publicClient.readContract({
        address: stack.book,
        abi: appointmentBookAbi,
        functionName: "weeklyAvailability",
        args: [doctor],
      });
      expect(hours.map(Number)).to.deep.equal(Array(7).fill(ALL_DAY));
      await shot(d.page, "01-office-hours");

      // A patient books; the doctor declines.
      const { key: patientKey, address: patient, session: p } = await newPatient(e2e, kit, PASSPHRASE);
      // Booked first, for a later day (by script): the patient's list is still in date order below.
      const chainStart = Number((await publicClient.getBlock()).timestamp);
      const laterStart = chainStart - (chainStart % SLOT) + 10 * SLOT;
      await bookWrite(stack, patientKey, "book", [doctor, laterStart]);
      const first = await bookFirstSlot(p.page, doctorName);
      await nav(d.page, "Appointments");
      // Both of the doctor's lists: coming up, and earlier (below).
      const rows = calendarRows(d.page);
      await d.page.getByRole("button", { name: `Decline the appointment of ${first}` }).click();
      await d.page.getByRole("button", { name: "Yes, decline" }).click();
      await rows.filter({ hasText: first }).filter({ hasText: "Declined" }).waitFor();
      await shot(d.page, "02-declined");

      // The patient sees it declined and books again; the doctor confirms.
      await nav(p.page, "Appointments");
      // Both of the patient's lists: what is coming, and the past and cancelled (below).
      const mine = p.page.getByRole("list", { name: /appointments$/ }).getByRole("listitem");
      await p.page
        .getByRole("list", { name: "Past and cancelled appointments" })
        .getByRole("listitem")
        .filter({ hasText: doctorName })
        .filter({ hasText: "Declined" })
        .waitFor();
      const when = await bookFirstSlot(p.page, doctorName);
      await nav(d.page, "Home");
      await confirmAppointment(d.page, when);
      // A second booking, another slot, confirmed too: completed below with no outcome.
      const next = await bookFirstSlot(p.page, doctorName);
      await nav(d.page, "Home");
      await confirmAppointment(d.page, next);
      const booked = (await readPatientAppointments(publicClient, stack.book, patient)).reverse().slice(1);
      expect(booked.map((a) => a.status)).to.deep.equal([3, 2, 2]); // Declined, Confirmed, Confirmed
      const start = Number(booked[1].start);
      const nextStart = Number(booked[2].start);
      expect(start % SLOT).to.equal(0);
      // (Which of the two is earlier depends on when the schedule re-read the declined slot.)
      // A third, booked and confirmed by script: cancelled below while the doctor files a form under it.
      const thirdStart = Math.max(start, nextStart) + SLOT;
      await bookWrite(stack, patientKey, "book", [doctor, thirdStart]);
      await bookWrite(stack, doctorKey, "confirm", [thirdStart]);

      // "File under" offers only appointments whose write-up window is open: none has started yet.
      const fileUnder = await openFormFor(d.page, patient);
      expect(await fileUnder.locator("option").allTextContents()).to.deep.equal(["The patient's permission"]);

      // Both slots start while the chain is idle: its clock moves past them (the only way not to
      // wait for them here) but no block is mined, so the latest block is from before they started,
      // while the next block, the doctor's transaction's, is stamped after. The doctor's computer's
      // clock says the slot has started (a fake clock in the page, ahead like the chain's).
      const chainNow = Number((await publicClient.getBlock()).timestamp);
      await publicClient.request({
        method: "evm_increaseTime" as never,
        params: [Math.max(0, thirdStart - chainNow)] as never,
      });
      await d.page.clock.install({ time: (thirdStart + 5) * 1000 });

      // Completing with no outcome is judged at the block it will be mined in, not the latest one
      // (the dApp simulated at the latest block and said the appointment had not started).
      await nav(d.page, "Home");
      await nav(d.page, "Appointments");
      expect(Number((await publicClient.getBlock()).timestamp)).to.be.below(nextStart);
      await d.page.getByRole("button", { name: `Complete the appointment of ${next}` }).click();
      const nextForm = d.page.getByRole("form", { name: `Complete the appointment of ${next}` });
      // A test order with no name and no reason: each problem beside its field, nothing sent.
      await nextForm.getByRole("radio", { name: "Test order" }).check();
      const beforeTestOrder = sent(d);
      await nextForm.getByRole("button", { name: "Complete the appointment" }).click();
      expect(await besideField(d.page, nextForm.getByLabel("Test name"))).to.equal("The test name is required.");
      expect(await besideField(d.page, nextForm.getByLabel("Reason", { exact: true }))).to.equal(
        "The reason is required.",
      );
      expect(await isFocused(nextForm.getByLabel("Test name"))).to.equal(true);
      expect(sent(d)).to.equal(beforeTestOrder);
      await nextForm.getByRole("radio", { name: "No outcome" }).check();
      await nextForm.getByRole("button", { name: "Complete the appointment" }).click();
      await rows
        .filter({ hasText: next })
        .filter({ hasText: "Completed" })
        .or(d.page.getByTestId("error-banner"))
        .first()
        .waitFor({ timeout: 60_000 });
      if (await d.page.getByTestId("error-banner").isVisible()) {
        throw new Error(`Completing on an idle chain failed: ${await bannerText(d.page)}`);
      }
      const nextAppointment = await publicClient.readContract({
        address: stack.book,
        abi: appointmentBookAbi,
        functionName: "appointmentOf",
        args: [doctor, nextStart],
      });
      expect(nextAppointment).to.include({ status: 5, outcomeRecord: 0 }); // Completed, no outcome

      // Now the started, confirmed ones are offered. The patient cancels the third while the doctor
      // fills a form under it: the chain's refusal is its catalogue sentence, and nothing is sent.
      await openFormFor(d.page, patient);
      await fileUnder.locator(`option[value="${thirdStart}"]`).waitFor({ state: "attached" });
      expect(await fileUnder.locator("option").count()).to.equal(3); // the grant, the first and the third
      // Each appointment is said as every time in the dApp is: local, with the zone (this browser is in UTC).
      expect(await fileUnder.locator(`option[value="${thirdStart}"]`).textContent()).to.equal(
        `The appointment of ${localMinute(thirdStart * 1000, "UTC")}`,
      );
      await fileUnder.selectOption(String(thirdStart));
      await d.page.getByLabel("Time of the measurements").fill("2026-03-01T09:00");
      await d.page.getByLabel("Height (cm)").fill("180");
      await d.page.getByLabel("Weight (kg)").fill("80");
      await bookWrite(stack, patientKey, "cancel", [doctor, thirdStart]);
      const beforeForm = sent(d);
      await d.page.getByRole("button", { name: "Save the form" }).click();
      expect(await bannerText(d.page)).to.equal(sentenceFor("RecordAppointmentWindowClosed"));
      expect(sent(d)).to.equal(beforeForm);
      expect(await recordCount(publicClient, stack.core, patient)).to.equal(0);
      await d.page.getByRole("button", { name: "Dismiss" }).click();

      // The doctor completes the first with a prescription; a zero dose is refused before any transaction.
      await nav(d.page, "Appointments");
      await d.page.getByRole("button", { name: `Complete the appointment of ${when}` }).click();
      const form = d.page.getByRole("form", { name: `Complete the appointment of ${when}` });
      // The outcome is a radio group: the arrow keys move the choice (No outcome, then Prescription).
      const outcome = form.getByRole("radiogroup", { name: "Outcome" });
      await outcome.getByRole("radio", { name: "No outcome" }).focus();
      await d.page.keyboard.press("ArrowRight");
      expect(await outcome.getByRole("radio", { name: "Prescription" }).isChecked()).to.equal(true);
      await form.getByLabel("Medication").fill("Amoxicillin 500 mg capsules");
      await form.getByLabel("Times a day").fill("3");
      await form.getByLabel("Duration (days)").fill("0");
      await form.getByLabel("Instructions for the patient (optional)").fill("Take with food.");
      // The prescribing check reads the patient's allergies first (this patient has no records).
      await form.getByRole("button", { name: "Check the patient's allergies" }).click();
      await form.getByText("No allergies are recorded in what you can read.").waitFor();
      // No dose and a zero duration: each problem beside its field, the first focused, nothing sent.
      const beforeComplete = sent(d);
      await form.getByRole("button", { name: "Complete the appointment" }).click();
      const dose = form.getByLabel("Dose", { exact: true });
      expect(await besideField(d.page, dose)).to.equal("The dose is required.");
      expect(await besideField(d.page, form.getByLabel("Duration (days)"))).to.equal(
        "The duration must be between 1 and 365 days.",
      );
      expect(await form.getByLabel("Times a day").getAttribute("aria-invalid")).to.equal(null);
      expect(await isFocused(dose)).to.equal(true);
      expect(await d.page.getByTestId("error-banner").isVisible()).to.equal(false);
      await shot(d.page, "03a-complete-form-problems");
      await d.page.setViewportSize({ width: 390, height: 844 });
      await dose.scrollIntoViewIfNeeded();
      await shot(d.page, "03b-complete-form-problems-phone");
      await d.page.setViewportSize({ width: 1280, height: 800 });
      expect(sent(d)).to.equal(beforeComplete);
      await dose.fill("500");
      expect(await dose.getAttribute("aria-invalid")).to.equal(null);
      await form.getByLabel("Duration (days)").fill("7");
      await shot(d.page, "03-complete-form");
      await form.getByRole("button", { name: "Complete the appointment" }).click();
      const doneRow = rows.filter({ hasText: when }).filter({ hasText: "Completed" });
      // The completed row, or the banner that says why not (so a failure names its cause).
      await doneRow.or(d.page.getByTestId("error-banner")).first().waitFor({ timeout: 60_000 });
      if (await d.page.getByTestId("error-banner").isVisible()) {
        throw new Error(`Completing failed: ${await bannerText(d.page)}`);
      }
      await rows
        .filter({ hasText: when })
        .filter({ hasText: "Completed" })
        .filter({ hasText: "outcome: record 1" })
        .waitFor({
          timeout: 60_000,
        });
      await shot(d.page, "04-completed");
      // The doctor's calendar puts what is ahead first, soonest first: the third slot (cancelled, its
      // time not over on this page's clock) and the later day's booking, waiting for an answer. The
      // visits whose slots are over are below, latest first.
      const ahead = d.page.getByRole("list", { name: "Coming appointments" }).getByRole("listitem");
      expect(await ahead.locator(".status").allTextContents()).to.deep.equal(["Cancelled", "Needs your answer"]);
      const earlier = d.page.getByRole("list", { name: "Earlier appointments" }).getByRole("listitem");
      const latestFirst = [
        { label: when, start },
        { label: next, start: nextStart },
      ]
        .sort((a, b) => b.start - a.start)
        .map((k) => k.label);
      // A visit's heading shows its time under its day's heading, and holds the full date for screen readers.
      const earlierHeadings = await earlier.getByRole("heading").locator(".visually-hidden").allTextContents();
      expect(earlierHeadings.filter((h) => latestFirst.includes(h))).to.deep.equal(latestFirst);
      const record = await publicClient.readContract({
        address: stack.core,
        abi: ehrCoreAbi,
        functionName: "recordOf",
        args: [patient, 0n],
      });
      expect(record.category).to.equal(Category.Prescriptions);
      expect(record.author).to.equal(doctor);
      const appointment = await publicClient.readContract({
        address: stack.book,
        abi: appointmentBookAbi,
        functionName: "appointmentOf",
        args: [doctor, start],
      });
      expect(appointment).to.include({ status: 5, outcomeRecord: 1 }); // Completed

      // The patient reads the prescription, decrypted in the browser.
      await nav(p.page, "Home");
      await nav(p.page, "Appointments");
      const completed = mine.filter({ hasText: "Completed" });
      const prescription = completed.getByLabel("Prescriptions", { exact: true });
      await prescription.getByText("Amoxicillin 500 mg capsules", { exact: true }).waitFor();
      expect(await prescription.textContent()).to.contain("500 mg oral, 3 times a day for 7 days");
      expect(await prescription.textContent()).to.contain("Take with food.");
      await shot(p.page, "05-patient-prescription");

      // What is still to happen comes first: the later day's booking (booked first, by script),
      // waiting for the doctor. Then the past and the cancelled, latest first, whatever the order of
      // booking (the same slot declined then booked again keeps its bookings' order, reversed).
      const upcoming = p.page.getByRole("list", { name: "Upcoming appointments" }).getByRole("listitem");
      // Booked, not yet answered: said as what it waits for, since "Booked" reads as settled.
      expect(await upcoming.locator(".status").allTextContents()).to.deep.equal(["Waiting for confirmation"]);
      const known = [
        { label: first, start: Number(booked[0].start), status: "Declined" },
        { label: when, start, status: "Completed" },
        { label: next, start: nextStart, status: "Completed" },
      ]
        .sort((a, b) => a.start - b.start) // stable: the declined booking stays before the rebooking
        .reverse();
      const past = p.page.getByRole("list", { name: "Past and cancelled appointments" }).getByRole("listitem");
      const headings = await past.getByRole("heading").allTextContents();
      // Said by day as on the home ("Today, Saturday 5 December, 01:30" for "Sat, 5 Dec 2026, 01:30 UTC").
      const byDay = (label: string) => {
        const [, date, year, clock] = /^\w+,? (\d{1,2}) \w+ (\d{4}), (\d{2}:\d{2}) /.exec(label)!;
        return new RegExp(
          `^((Today|Yesterday|Tomorrow), )?\\w+,? ${date} \\w+( ${year})?, ${clock} with ${doctorName}$`,
        );
      };
      expect(headings.length).to.equal(known.length + 1);
      known.forEach((k, i) => expect(headings[i + 1]).to.match(byDay(k.label)));
      expect(await past.locator(".status").allTextContents()).to.deep.equal([
        "Cancelled",
        ...known.map((k) => k.status),
      ]);
      expect(await past.first().textContent()).not.to.contain("Waiting for");
    });

    it("a doctor in Kolkata writes 09:00-17:00 of their own time, kept as 03:30-11:30 UTC; a patient in Los Angeles sees those slots in hers", async function () {
      this.timeout(240_000);
      const { stack } = e2e();
      const doctorName = "Dr Kavya Iyer";
      const publicClient = kit.chain();
      const { key: doctorKey, address: doctor } = await onboardDoctor(e2e, kit, doctorName);
      const d = await open(doctorKey);
      await doctorWithKeyThroughUi(d, PASSPHRASE);
      // The doctor's browser is in India (UTC+5:30, no daylight saving), told so by the browser itself.
      await (
        await d.context.newCDPSession(d.page)
      ).send("Emulation.setTimezoneOverride", {
        timezoneId: "Asia/Kolkata",
      });
      await nav(d.page, "Office hours");
      await d.page.getByText(/^Times are in your time zone, Asia\/(Kolkata|Calcutta) \(GMT\+5:30\)\./).waitFor();
      const hours = d.page.getByRole("group", { name: /^Hours, your time: Asia\/(Kolkata|Calcutta) \(GMT\+5:30\)$/ });
      await hours.getByText("They follow your current offset, UTC+5:30.", { exact: false }).waitFor();

      // A malformed day is refused beside its field, which takes the focus; nothing is sent.
      const monday = hours.getByLabel("Monday hours");
      const before = sent(d);
      await monday.fill("nine to five");
      await d.page.getByRole("button", { name: "Publish office hours" }).click();
      await hours.getByText("Monday: write hours like 09:00-12:00, 13:00-17:00, or leave it empty.").waitFor();
      expect(await monday.getAttribute("aria-invalid")).to.equal("true");
      expect(await monday.evaluate((el) => el === document.activeElement)).to.equal(true);
      expect(sent(d)).to.equal(before);

      for (const day of WEEKDAYS) await hours.getByLabel(`${day} hours`).fill("09:00-17:00");
      expect(await monday.getAttribute("aria-invalid")).to.equal(null);
      await d.page.getByRole("button", { name: "Publish office hours" }).click();
      await d.page.getByText("Published: patients can now book the hours you offer.").waitFor();
      const published = d.page.getByLabel("Published hours", { exact: true });
      await published.getByText("09:00-17:00", { exact: true }).nth(6).waitFor();
      expect(await published.getByText("Closed").count()).to.equal(0);
      await e2e().screenshot(d.page, "appointments-07-office-hours-kolkata");
      await d.page.setViewportSize({ width: 390, height: 844 });
      await e2e().screenshot(d.page, "appointments-07b-office-hours-kolkata-phone");

      // On the chain: 03:30-11:30 UTC every day (slots 7 to 22).
      let nineToFiveInKolkata = 0;
      for (let s = 7; s < 23; s++) nineToFiveInKolkata += 2 ** s;
      const onChain = await publicClient.readContract({
        address: stack.book,
        abi: appointmentBookAbi,
        functionName: "weeklyAvailability",
        args: [doctor],
      });
      expect(onChain.map(Number)).to.deep.equal(Array(7).fill(nineToFiveInKolkata));

      // A patient in Los Angeles sees them in her own time: 03:30 UTC is the evening before there.
      const { session: p } = await newPatient(e2e, kit, PASSPHRASE);
      await (
        await p.context.newCDPSession(p.page)
      ).send("Emulation.setTimezoneOverride", {
        timezoneId: "America/Los_Angeles",
      });
      await nav(p.page, "Find a doctor");
      await p.page.getByLabel("Name").fill(doctorName);
      await p.page.getByRole("button", { name: `See ${doctorName}'s schedule` }).click();
      await p.page.getByText(/^Times are in your time zone, America\/Los_Angeles \((PST|PDT|GMT-[78])\)\./).waitFor();
      const chainNow = Number((await publicClient.getBlock()).timestamp);
      // Three UTC days on: its Los Angeles day and the one before are wholly in the coming week.
      const opens = chainNow - (chainNow % DAY) + 3 * DAY + 7 * SLOT;
      const offered = [-1, 0, 1].flatMap((d) => Array.from({ length: 16 }, (_, k) => opens + d * DAY + k * SLOT));
      const laDay = wallClock(opens, "America/Los_Angeles").day;
      const expected = offered
        .map((start) => wallClock(start, "America/Los_Angeles"))
        .filter((t) => t.day === laDay)
        .map((t) => t.clock);
      const dayBox = p.page
        .getByRole("heading", { level: 3, name: new RegExp(`^\\w+,? ${laDay}$`) })
        .locator("xpath=..");
      await dayBox.getByRole("button").first().waitFor();
      expect(await dayBox.getByRole("button").allTextContents()).to.deep.equal(expected);
      // In December (PST, UTC-8): from midnight to 03:00 (the previous UTC day's 08:00-11:00), and 19:30 to 23:30.
      if (wallClock(opens, "America/Los_Angeles").clock === "19:30") {
        expect(expected).to.deep.equal([
          ...["00:00", "00:30", "01:00", "01:30", "02:00", "02:30", "03:00"],
          ...["19:30", "20:00", "20:30", "21:00", "21:30", "22:00", "22:30", "23:00", "23:30"],
        ]);
      }
      const opensThere = wallClock(opens, "America/Los_Angeles").clock;
      const first = dayBox.getByRole("button", { name: new RegExp(`, ${opensThere} `) });
      expect(await first.getAttribute("aria-label")).to.match(
        new RegExp(`^Book \\w{3},? \\d{1,2} \\w{3} \\d{4}, ${opensThere} (PST|PDT|GMT-[78])$`),
      );
      await e2e().screenshot(p.page, "appointments-08-patient-week-los-angeles");

      // She books it; the doctor's calendar says it at 09:00 in Kolkata, the zone named.
      await first.click();
      await p.page.getByRole("button", { name: "Confirm booking" }).click();
      await p.page.getByText(/^Booked for /).waitFor();
      await nav(d.page, "Appointments");
      await d.page
        .getByText(
          /^From a week ago to four weeks ahead\. Times are in your time zone, Asia\/(Kolkata|Calcutta) \(GMT\+5:30\)\.$/,
        )
        .waitFor();
      const visit = d.page.getByRole("list", { name: "Coming appointments" }).getByRole("heading");
      await visit.first().waitFor();
      expect(await visit.allTextContents()).to.have.length(1);
      // Under its day's heading (three days on: a day's name, not "Today"), the visit's time; the
      // heading's accessible name, what a screen reader says, is the full date with its zone.
      const date = new Date(opens * 1000).getUTCDate();
      const day = d.page.getByRole("heading", { level: 3, name: new RegExp(`^\\w+day,? ${date} \\w+$`) });
      expect(await day.count()).to.equal(1);
      expect(
        await day.locator("xpath=..").getByRole("heading", { level: 4 }).locator("[aria-hidden]").textContent(),
      ).to.equal("09:00–09:30");
      const spoken = new RegExp(`^\\w{3},? ${date} \\w{3} \\d{4}, 09:00 GMT\\+5:30$`);
      expect(await day.locator("xpath=..").getByRole("heading", { level: 4, name: spoken }).count()).to.equal(1);
    });

    it("a patient denies a doctor's pending access request", async function () {
      this.timeout(180_000);
      const { stack } = e2e();
      const doctorName = "Dr Ines Carvalho";
      const publicClient = kit.chain();
      const { key: doctorKey, address: doctor } = await onboardDoctor(e2e, kit, doctorName);
      const { address: patient, session: p } = await newPatient(e2e, kit, PASSPHRASE);
      const d = await open(doctorKey);
      await doctorWithKeyThroughUi(d, PASSPHRASE);

      await nav(d.page, "Request access");
      await d.page.getByLabel("Find a patient").fill(patient);
      await d.page.getByRole("button", { name: "Choose patient" }).click();
      await d.page.getByLabel("Lab results", { exact: true }).check();
      await d.page.getByLabel("For how many days").fill("7");
      await d.page.getByRole("button", { name: "Send request" }).click();
      await d.page.getByText("Request sent.", { exact: false }).waitFor();

      await nav(p.page, "Sharing");
      const requests = p.page.getByRole("list", { name: "Access requests" }).getByRole("listitem");
      await requests.filter({ hasText: doctorName }).filter({ hasText: "Lab results" }).waitFor();
      await p.page.getByRole("button", { name: `Deny ${doctorName}'s request` }).click();
      await p.page.getByText("No doctor is asking for access.").waitFor();
      await p.page
        .getByRole("status")
        .filter({ hasText: `Denied: ${doctorName} was not given access.` })
        .waitFor();
      await p.page.getByText("No doctor has access to your records.").waitFor();
      await e2e().screenshot(p.page, "appointments-06-request-denied");
      const grant = await publicClient.readContract({
        address: stack.core,
        abi: ehrCoreAbi,
        functionName: "grantOf",
        args: [patient, doctor],
      });
      expect(grant.categories).to.equal(0);
    });
  });
}
