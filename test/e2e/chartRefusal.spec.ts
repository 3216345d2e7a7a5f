/**
 * A doctor's attempt outside the grant, in Chromium against the real stack (issue 16 bug 4): the
 * chart marks a record "Not shared with you" with "Ask for access" as its action and the read
 * buttons one deliberate step away ("Try to open it anyway"); opening it asks the storage service, which
 * refuses (403) with the reason and records the attempt; the chart shows that sentence and "Ask for
 * access", decrypts nothing and sends no transaction; the patient's Activity lists the attempt
 * (who, which record, why). After the patient revokes, a record the doctor read before is refused
 * and listed the same way. Before, the browser decided: the wallet's simulation of `logAccess`
 * reverted, the banner said so, and the patient's Activity said "No attempt to read your records
 * was refused". Registered by run.ts.
 */
import { expect } from "chai";
import type { Page } from "playwright-core";
import { getAddress } from "viem";
import { Category, categoryMask } from "../../lib/categories";
import { nav, specKit, type E2e } from "./context";
import { doctorWithKeyThroughUi } from "./context";
import { readChainRecord } from "../../lib/chain/ehr";
import { damageBlock, newPatient, onboardDoctor, openChart, saveGeneralDetails, sentTransactions } from "./steps";

const NOTE = "Clinic note: reviewed asthma, inhaler technique fine, no change to treatment.";

/** The patient's Activity row of refused attempts that names `record`, once it shows. */
async function refusedRow(page: Page, record: string, reason: RegExp) {
  await nav(page, "Activity");
  const section = page.getByRole("region", { name: "Refused attempts" });
  const row = section.getByRole("row").filter({ hasText: record }).filter({ hasText: reason });
  // Activity re-reads refusals every 15 s; a fresh visit reads them at once.
  await row.waitFor({ timeout: 30_000 });
  return row;
}

export function chartRefusalSpecs(e2e: () => E2e): void {
  describe("chart refusal", () => {
    const kit = specKit(e2e);

    it("opening a record outside the grant, or after a revoke, is refused by the service and listed in the patient's Activity", async function () {
      this.timeout(300_000);
      // The patient: general details (record 1) and a clinical note (record 2), saved in the dApp.
      const patient = await newPatient(e2e, kit, "chart refusal patient passphrase");
      const pp = patient.session.page;
      await saveGeneralDetails(pp, "Rae Fusal", "1984-05-06");
      await nav(pp, "Upload a record");
      await pp.getByLabel("Report file (PDF, plain text or FHIR Bundle)").setInputFiles({
        name: "clinic-note.txt",
        mimeType: "text/plain",
        buffer: Buffer.from(NOTE),
      });
      await pp.getByLabel("Category").selectOption({ label: "Clinical notes and reports" });
      await pp.getByRole("button", { name: "Next: check the summary" }).click();
      await pp
        .getByRole("region", { name: "Summary before saving" })
        .getByRole("button", { name: "Save the record" })
        .click();
      await pp.getByText("Saved as your record 2 (as listed in Records)").waitFor({ timeout: 60_000 });

      // A doctor with a key; the patient grants clinical notes only, and Records shares the note's key.
      const doctor = await onboardDoctor(e2e, kit, "Dr Ada Refusal");
      const ds = await kit.open(doctor.key);
      const dp = ds.page;
      await doctorWithKeyThroughUi(ds, "chart refusal doctor passphrase");
      const { timestamp } = await kit.chain().getBlock();
      await kit.write(patient.key, "grantAccess", [
        doctor.address,
        categoryMask([Category.ClinicalNotes]),
        Number(timestamp) + 86_400,
      ]);
      await nav(pp, "Records");
      await pp.getByText("Shared your newer records with").waitFor({ timeout: 60_000 });

      // Outside the grant: marked, but the click reaches the service, which refuses and says why.
      await openChart(dp, patient.address);
      const details = dp
        .getByRole("listitem")
        .filter({ has: dp.getByRole("heading", { name: "Record 1: General details" }) });
      await details.getByText("Not shared with you").waitFor();
      const sent = sentTransactions(ds);
      const blobAnswers: number[] = [];
      dp.on("response", (r) => {
        if (r.url().includes("/v1/blobs/")) blobAnswers.push(r.status());
      });
      // Asking for access leads; opening waits one deliberate step away (a refused try is shown to the patient).
      expect(await details.getByRole("button", { name: "Open details of record 1" }).count()).to.equal(0);
      expect(await details.getByRole("link", { name: "Ask for access" }).getAttribute("href")).to.equal(
        `#/request-access/${getAddress(patient.address)}`,
      );
      await e2e().screenshot(dp, "chart-refusal-00-not-shared");
      await details.getByRole("button", { name: "Try to open it anyway (record 1)" }).click();
      await details.getByText(/the patient sees each refused try\.$/).waitFor();
      await details.getByRole("button", { name: "Open details of record 1" }).click();
      const refusal = details.getByRole("alert");
      await refusal.waitFor();
      expect(await refusal.textContent()).to.match(
        /Refused by the storage service: The patient's grant to this doctor does not cover general details records\./,
      );
      expect(await refusal.getByRole("link", { name: "Ask for access" }).getAttribute("href")).to.equal(
        `#/request-access/${getAddress(patient.address)}`,
      );
      expect(blobAnswers).to.deep.equal([403]);
      expect(sentTransactions(ds)).to.equal(sent); // no logAccess: nothing to spend on a refused read
      expect(await details.locator(".report").count()).to.equal(0);
      await e2e().screenshot(dp, "chart-refusal-01-outside-grant");

      // Within the grant: the note opens.
      const note = dp.getByRole("listitem").filter({
        has: dp.getByRole("heading", { name: "Record 2: Clinical notes and reports" }),
      });
      expect(await note.getByText("Not shared with you").count()).to.equal(0);
      await note.getByRole("button", { name: "Open report of record 2" }).click();
      await note.getByText(NOTE).waitFor({ timeout: 60_000 });

      // Its summary's stored block damaged on disk: said in the record's card, nothing shown, no banner.
      const { summaryCid } = await readChainRecord(kit.chain(), e2e().stack.core, patient.address, 1);
      const repair = await damageBlock(e2e().stack, summaryCid!);
      await note.getByRole("button", { name: "Read summary of record 2" }).click();
      const damaged = note.getByTestId("record-damaged");
      await damaged.waitFor({ timeout: 60_000 });
      expect(await damaged.textContent()).to.match(/^The summary failed its check, so it was not opened: /);
      expect(await dp.getByTestId("error-banner").count()).to.equal(0);
      expect(await note.locator(".summary-section").count()).to.equal(0);
      await e2e().screenshot(dp, "chart-refusal-01a-damaged-summary");
      await repair();

      // The chart's summary at the top: the general details and every summary the grant covers,
      // read together in one transaction; record 1 (general details) is named as not covered and
      // never asked for, so no refusal is added to the patient's Activity.
      const summary = dp.getByRole("region", { name: "Allergies, medications and conditions" });
      const beforeSummary = sentTransactions(ds);
      const refusedBefore = blobAnswers.filter((status) => status === 403).length;
      await summary.getByRole("button", { name: "Show allergies, medications and conditions" }).click();
      await summary.getByText(/^From 1 summary\./).waitFor({ timeout: 60_000 });
      expect(await summary.getByText("Not read: record 1 (Your access does not cover this record).").count()).to.equal(
        1,
      );
      expect(await summary.getByRole("heading", { name: "Allergies", exact: true }).count()).to.equal(1);
      expect(await summary.getByRole("link", { name: "Ask for access" }).getAttribute("href")).to.equal(
        `#/request-access/${getAddress(patient.address)}`,
      );
      expect(sentTransactions(ds)).to.equal(beforeSummary + 1);
      expect(blobAnswers.filter((status) => status === 403).length).to.equal(refusedBefore);
      await e2e().screenshot(dp, "chart-refusal-01b-chart-summary");

      // The patient sees the refused attempt: who, which record, why.
      const first = await refusedRow(pp, "Record 1 (General details)", /does not cover general details records/);
      expect(await first.textContent()).to.contain("Dr Ada Refusal");
      await e2e().screenshot(pp, "chart-refusal-02-activity");

      // The patient widens the grant to general details; Records shares their key. The doctor reads
      // them field by field (not the file's JSON), with the age and BMI worked out.
      await kit.write(patient.key, "grantAccess", [
        doctor.address,
        categoryMask([Category.ClinicalNotes, Category.GeneralDetails]),
        Number(timestamp) + 86_400,
      ]);
      await nav(pp, "Records");
      await pp.getByText("Shared your newer records with").waitFor({ timeout: 60_000 });
      await nav(dp, "Appointments"); // away and back: a fresh chart that reads the new grant
      await openChart(dp, patient.address);
      const shared = dp
        .getByRole("listitem")
        .filter({ has: dp.getByRole("heading", { name: "Record 1: General details" }) });
      // The grant read before shows first, then the chain's new one.
      await shared.getByText("Not shared with you").waitFor({ state: "detached" });
      await shared.getByRole("button", { name: "Open details of record 1" }).click();
      await shared.getByText("Details opened under: your access grant.").waitFor({ timeout: 60_000 });
      const fields = await shared
        .locator(".details-list > div")
        .evaluateAll((rows) =>
          rows.map((row) => [row.querySelector("dt")?.textContent, row.querySelector("dd")?.textContent]),
        );
      expect(fields[0]).to.deep.equal(["Full name", "Rae Fusal"]);
      expect(fields[1][0]).to.equal("Date of birth");
      expect(fields[1][1]).to.match(/^6 May 1984 \(age \d+\)$/);
      expect(fields.map(([term]) => term)).to.include.members(["Allergies", "Emergency contacts", "Last updated"]);
      expect(await shared.locator("pre").count()).to.equal(0);
      expect(await shared.getByRole("button", { name: "Download the file" }).count()).to.equal(1);
      await e2e().screenshot(dp, "chart-refusal-02a-general-details");
      // Now covered, the general details join the chart's summary: her name on it, nothing left out.
      const widened = dp.getByRole("region", { name: "Allergies, medications and conditions" });
      await widened.getByRole("button", { name: "Show allergies, medications and conditions" }).click();
      await widened.getByText(/^From 1 summary and the general details\.$/).waitFor({ timeout: 60_000 });
      const born = widened.locator("p").filter({ hasText: /^Rae Fusal, born 6 May 1984 \(age \d+\)$/ });
      expect(await born.count()).to.equal(1);
      // No name card was shared with this doctor, but the name is now on screen: the chart's heading
      // uses it rather than "Patient 0x…".
      await dp.getByRole("heading", { name: /^Records of Rae Fusal, \d+/ }).waitFor();
      await dp.setViewportSize({ width: 390, height: 844 });
      await widened.scrollIntoViewIfNeeded();
      await e2e().screenshot(dp, "chart-refusal-02b-chart-summary-phone");
      await dp.setViewportSize({ width: 1280, height: 800 });

      // The patient revokes; the doctor opens the note read before: refused, and listed.
      await kit.write(patient.key, "revokeAccess", [doctor.address]);
      await nav(dp, "Appointments"); // away and back: a fresh chart, nothing opened in memory
      await openChart(dp, patient.address);
      const again = dp.getByRole("listitem").filter({
        has: dp.getByRole("heading", { name: "Record 2: Clinical notes and reports" }),
      });
      await again.getByText("Not shared with you").waitFor();
      const sentBefore = sentTransactions(ds);
      await again.getByRole("button", { name: "Try to open it anyway (record 2)" }).click();
      await again.getByRole("button", { name: "Open report of record 2" }).click();
      await again.getByRole("alert").getByText("The patient revoked this doctor's access.").waitFor();
      expect(sentTransactions(ds)).to.equal(sentBefore);
      expect(await again.getByText(NOTE).count()).to.equal(0);
      await e2e().screenshot(dp, "chart-refusal-03-revoked");
      // The chart's summary after the revoke: nothing read, nothing sent, and no empty card that
      // would read as "no allergies".
      const revokedSummary = dp.getByRole("region", { name: "Allergies, medications and conditions" });
      await revokedSummary.getByRole("button", { name: "Show allergies, medications and conditions" }).click();
      await revokedSummary
        .getByRole("status")
        .filter({ hasText: /could be read: your access does not cover them\. Ask for access\.$/ })
        .waitFor({ timeout: 60_000 });
      expect(sentTransactions(ds)).to.equal(sentBefore);
      expect(await revokedSummary.getByRole("heading", { name: "Allergies", exact: true }).count()).to.equal(0);

      const second = await refusedRow(pp, "Record 2 (Clinical notes and reports)", /revoked this doctor's access/);
      expect(await second.textContent()).to.contain("Dr Ada Refusal");

      // "Ask for access" opens the request to this patient (the patient is in the link), ready to send.
      await again.getByRole("link", { name: "Ask for access" }).click();
      await dp.getByRole("heading", { name: "Request access" }).waitFor();
      // No name card shared with this doctor: the address in the field; the heading names the patient
      // by the general details the doctor read above.
      const address = getAddress(patient.address);
      await dp.getByRole("heading", { name: /^Ask Rae Fusal, \d+ for access$/ }).waitFor();
      expect(await dp.getByLabel("Find a patient").inputValue()).to.equal(address);
      await dp.getByRole("button", { name: "Send request" }).waitFor();
      expect(await dp.evaluate(() => location.hash)).to.equal(`#/request-access/${getAddress(patient.address)}`);
    });
  });
}
