/**
 * Structured forms in Chromium: a doctor with a vital-signs grant fills the vitals form; an
 * impossible weight and pulse are refused, each beside its input, with a summary at the top that
 * takes the focus and links to each field, and nothing is sent, as is a save before the
 * patient grants vital signs (phone size: the summary and the messages fit); two forms with different
 * weights are saved as encrypted records; the doctor's chart and the patient's Trends page chart
 * both readings (checked in the data table), and glucose entered in mmol/L in mmol/L; the
 * patient's Inbox shows the new records, unread.
 * The grant and the doctor's onboarding are scripted transactions. Registered by run.ts.
 */
import { expect } from "chai";
import type { Locator, Page } from "playwright-core";
import { Category, categoryMask } from "../../lib/categories";
import { recordCount } from "../../lib/chain/ehr";
import { doctorWithKeyThroughUi, nav, type E2e, specKit } from "./context";
import { newPatient, onboardDoctor, seenSteps, watchSteps } from "./steps";

const PASSPHRASE = "forms spec passphrase 2026";

/** The values of a chart's data table, one array per row (time cell left out). */
async function tableValues(figure: Locator): Promise<string[][]> {
  const rows = figure.locator("table tbody tr");
  const out: string[][] = [];
  for (let i = 0; i < (await rows.count()); i++) out.push(await rows.nth(i).locator("td").allTextContents());
  return out;
}

const weightChart = (page: Page) => page.getByRole("figure", { name: "Weight (kg)" });

export function formsSpecs(e2e: () => E2e): void {
  const kit = specKit(e2e);
  const { open, write } = kit;

  describe("clinical forms and trends", () => {
    it("refuses an impossible value, files two vitals forms, charts them for doctor and patient, and notifies", async function () {
      this.timeout(240_000);
      const { stack } = e2e();
      const { key: doctorKey, address: doctor } = await onboardDoctor(e2e, kit, "Dr Vera Form", { specialty: 1 });
      const { key: patientKey, address: patient, session: p } = await newPatient(e2e, kit, PASSPHRASE);

      const d = await open(doctorKey);
      await doctorWithKeyThroughUi(d, PASSPHRASE);
      const page = d.page;
      await nav(page, "Fill a form");
      await page.getByLabel("Find a patient").fill(patient);
      await page.getByRole("button", { name: "Choose patient" }).click();
      await page.getByRole("heading", { name: /^Form for/ }).waitFor();

      // 1. An impossible weight and pulse: each message beside its input, a summary at the top
      // that takes the focus and links to each field (GOV.UK's error summary), nothing sent.
      const sent = () => d.wallet.requests.filter((m) => m === "eth_sendTransaction").length;
      const before = sent();
      await page.getByLabel("Time of the measurements").fill("2026-03-01T09:00");
      await page.getByLabel("Height (cm)").fill("180");
      await page.getByLabel("Weight (kg)").fill("700");
      await page.getByLabel("Pulse (beats per minute)").fill("5");
      await page.getByRole("button", { name: "Save the form" }).click();
      const weight = page.getByLabel("Weight (kg)");
      const pulse = page.getByLabel("Pulse (beats per minute)");
      const isFocused = (field: Locator) => field.evaluate((el) => el === document.activeElement);
      const besideIt = async (field: Locator) => {
        expect(await field.getAttribute("aria-invalid")).to.equal("true");
        // The problem is what describes the input, in the same field box, right under it.
        const describedBy = (await field.getAttribute("aria-describedby"))!.split(" ");
        const problem = page
          .locator(describedBy.map((id) => `[id="${id}"]`).join(", "))
          .and(page.locator(".ui-field-error"));
        expect(await page.locator(".ui-field").filter({ has: field }).filter({ has: problem }).count()).to.equal(1);
        return (await problem.textContent())!;
      };
      expect(await besideIt(weight)).to.equal("Weight must be between 0.5 and 650 kg.");
      expect(await besideIt(pulse)).to.match(/^Pulse must be between \d+ and \d+ beats per minute\.$/);
      expect(await page.getByLabel("Height (cm)").getAttribute("aria-invalid")).to.equal(null);
      // No BMI from a weight nobody could weigh.
      await page.getByText("BMI: check height and weight").waitFor();
      const summary = page.getByRole("group", { name: /^There (is a problem|are \d+ problems): nothing was saved$/ });
      await summary.getByRole("heading", { name: "There are 2 problems: nothing was saved" }).waitFor();
      expect(await isFocused(summary)).to.equal(true);
      const links = summary.getByRole("link");
      expect(await links.allTextContents()).to.deep.equal([
        "Weight must be between 0.5 and 650 kg.",
        await besideIt(pulse),
      ]);
      // The summary sits above the form's first field.
      const summaryBox = (await summary.boundingBox())!;
      expect(summaryBox.y).to.be.below((await page.getByLabel("Form", { exact: true }).boundingBox())!.y);
      const url = page.url();
      await links.first().click();
      expect(await isFocused(weight)).to.equal(true);
      expect(page.url()).to.equal(url); // the hash route is kept
      await links.nth(1).click();
      expect(await isFocused(pulse)).to.equal(true);
      await page.setViewportSize({ width: 390, height: 844 });
      await e2e().screenshot(page, "forms-refused-phone");
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(390);
      await page.setViewportSize({ width: 1280, height: 800 });
      expect(sent()).to.equal(before);
      expect(await recordCount(kit.chain(), stack.core, patient)).to.equal(0);
      await e2e().screenshot(page, "forms-refused");

      // The pulse cleared: one problem left, the summary says so; then the weight is corrected.
      await pulse.fill("");
      await summary.getByRole("heading", { name: "There is a problem: nothing was saved" }).waitFor();
      expect(await pulse.getAttribute("aria-invalid")).to.equal(null);

      // 2. Corrected (the BMI follows as typed) and saved; then a second reading.
      await weight.fill("80");
      await page.getByText("BMI: 24.7 kg/m²").waitFor();
      expect(await weight.getAttribute("aria-invalid")).to.equal(null);
      expect(await summary.count()).to.equal(0);
      await page.getByLabel("Systolic pressure (mmHg)").fill("128");
      await page.getByLabel("Diastolic pressure (mmHg)").fill("84");
      // Without a grant covering vital signs: one plain sentence, nothing sent.
      await page.getByRole("button", { name: "Save the form" }).click();
      const banner = page.getByTestId("error-banner");
      await banner.waitFor();
      expect(await banner.locator("p").textContent()).to.contain("does not cover Vital signs");
      expect(sent()).to.equal(before);
      const { timestamp } = await kit.chain().getBlock();
      await write(patientKey, "grantAccess", [doctor, categoryMask([Category.VitalSigns]), Number(timestamp) + 86_400]);
      await watchSteps(page);
      await page.getByRole("button", { name: "Save the form" }).click();
      await page.getByText(/saved as record 1 of this patient/).waitFor({ timeout: 90_000 });
      // The last step was shown before the list was done (it was skipped: the flow did not wait for a paint).
      expect(await seenSteps(page)).to.include("Recorded on the chain (in progress)");
      await e2e().screenshot(page, "forms-saved");
      await page.getByLabel("Time of the measurements").fill("2026-06-01T09:00");
      await page.getByLabel("Height (cm)").fill("180");
      await page.getByLabel("Weight (kg)").fill("76.5");
      // Glucose in mmol/L: stored so, and charted so (it was charted as 99.1 mg/dL).
      await page.getByLabel("Blood glucose", { exact: true }).fill("5.5");
      await page.getByLabel("Blood glucose unit").selectOption("mmol/L");
      await page.getByRole("button", { name: "Save the form" }).click();
      await page.getByText(/saved as record 2 of this patient/).waitFor({ timeout: 90_000 });
      expect(await recordCount(kit.chain(), stack.core, patient)).to.equal(2);

      // 3. The doctor's chart: trends within the grant, both readings.
      await nav(page, "Patient chart");
      await page.getByLabel("Find a patient").fill(patient);
      await page.getByRole("button", { name: "Open chart" }).click();
      await watchSteps(page);
      await page.getByRole("button", { name: "Show trends" }).click();
      await weightChart(page).waitFor({ timeout: 90_000 });
      expect(await seenSteps(page)).to.include("Decrypting in your browser (in progress)");
      expect(await tableValues(weightChart(page))).to.deep.equal([["80"], ["76.5"]]);
      const bp = page.getByRole("figure", { name: "Blood pressure (mmHg)" });
      expect(await tableValues(bp)).to.deep.equal([["128", "84"]]);
      expect(await weightChart(page).locator("circle title").count()).to.equal(2);
      await e2e().screenshot(page, "forms-doctor-trends");

      // 4. The patient's Trends page, decrypted in their browser.
      await nav(p.page, "Trends");
      await weightChart(p.page).waitFor({ timeout: 60_000 });
      expect(await tableValues(weightChart(p.page))).to.deep.equal([["80"], ["76.5"]]);
      expect(await tableValues(p.page.getByRole("figure", { name: "Body mass index (kg/m2)" }))).to.deep.equal([
        ["24.7"],
        ["23.6"],
      ]);
      expect(await tableValues(p.page.getByRole("figure", { name: "Blood glucose (mmol/L)" }))).to.deep.equal([
        ["5.5"],
      ]);
      // Each chart says its latest reading in words; a lone reading says the line comes with the next.
      const latest = (name: string) => p.page.getByRole("figure", { name }).getByTestId("trend-latest").textContent();
      expect(await latest("Weight (kg)")).to.match(/^Latest: 76\.5 kg on \d{1,2} [A-Z][a-z]{2} \d{4}$/);
      expect(await latest("Blood pressure (mmHg)")).to.match(
        /^Latest: Systolic 128, Diastolic 84 mmHg on .+\. One reading so far/,
      );
      expect(await latest("Blood glucose (mmol/L)")).to.match(/^Latest: 5\.5 mmol\/L on .+\. One reading so far/);
      await e2e().screenshot(p.page, "forms-patient-trends");

      // 5. The patient's Inbox: the new records, unread.
      await p.page.getByTestId("inbox-badge").waitFor();
      await p.page
        .getByRole("navigation", { name: "Main" })
        .getByRole("link", { name: /^Inbox/ })
        .click();
      const added = p.page
        .getByRole("listitem")
        .filter({ hasText: "A doctor added a new record to your health record." });
      await added.first().waitFor();
      expect(await added.count()).to.equal(2);
      expect(await added.first().textContent()).to.contain("New");
      await e2e().screenshot(p.page, "forms-patient-inbox");
    });
  });
}
