/**
 * The patient's record pages in Chromium: a freshly registered patient saves general details
 * (age and BMI computed as they type), sees them listed as a record with its summary, opens it
 * (checked against the chain) and downloads the original, exports the whole record as a FHIR
 * Bundle, and opts out of emergency access and back in. The downloaded bytes are compared with
 * what Node decrypts independently through lib/records readRecord with the key restored from the
 * patient's own backup file. Registered by run.ts.
 */
import { expect } from "chai";
import { readFile } from "node:fs/promises";
import type { Page } from "playwright-core";
import { createPublicClient, createWalletClient, defineChain, http, type PublicClient, type WalletClient } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { EhrApiClient } from "../../lib/api/client";
import { emergencyOptedOut, readChainRecord, recordCount } from "../../lib/chain/ehr";
import { validateGeneralDetails } from "../../lib/fhir/generalDetails";
import { restoreKeyBackup } from "../../lib/keys";
import { createRecord, readRecord } from "../../lib/records/flows";
import { utf8 } from "../../lib/bytes";
import { Category } from "../../lib/categories";
import { nav, registerPatientThroughUi, specKit, type E2e, type Session } from "./context";
import { newPatient } from "./steps";

const PASSPHRASE = "patient records passphrase";
const DECLINED = "You declined the request in your wallet; nothing was changed.";

async function goTo(page: Page, label: string, heading: string): Promise<void> {
  await nav(page, label);
  await page.getByRole("heading", { level: 1, name: heading }).waitFor();
}

async function bannerText(page: Page): Promise<string | undefined> {
  const alert = page.getByTestId("error-banner");
  await alert.waitFor();
  return (await alert.locator("p").textContent())?.trim();
}

export function patientRecordsSpecs(e2e: () => E2e): void {
  const kit = specKit(e2e);
  let publicClient: PublicClient;
  let session: Session | undefined;

  before(() => {
    publicClient = createPublicClient({ transport: http(e2e().stack.chain.url) }) as PublicClient;
  });
  after(async () => {
    await session?.context.close();
  });

  describe("patient record pages", () => {
    it("saves general details with BMI, lists, opens and downloads them, exports FHIR and toggles emergency opt-out", async () => {
      const { stack } = e2e();
      // A fresh account, funded on anvil, so no other spec's registrations matter.
      const privateKey = generatePrivateKey();
      const account = privateKeyToAccount(privateKey);
      await publicClient.request({
        method: "anvil_setBalance" as never,
        params: [account.address, "0x56BC75E2D63100000"] as never,
      });
      session = await e2e().open(privateKey);
      const { page, wallet } = session;
      const backup = await registerPatientThroughUi(session, PASSPHRASE);
      const patient = account.address;

      // General details: a missing name is refused before the wallet is asked anything.
      await goTo(page, "General details", "General details");
      await page.getByText("You have not filled in your details yet.").waitFor();
      const sends = () => wallet.requests.filter((m) => m === "eth_sendTransaction").length;
      const sentBefore = sends();
      const form = page.locator("form.details-form");
      // Each problem beside its field and in a summary that takes the focus; nothing sent.
      // Contact 1 left blank (not sent), contact 2 with a phone and no name: its problems say "contact 2".
      await form.getByRole("button", { name: "Add an emergency contact" }).click();
      await form.getByRole("button", { name: "Add an emergency contact" }).click();
      await form.getByLabel("Contact 2 phone").fill("call me");
      await form.getByLabel("Height (cm)").fill("500");
      await page.getByRole("button", { name: "Save my details" }).click();
      const summary = form.getByRole("group", { name: /There are 4 problems: nothing was saved/ });
      await summary.waitFor();
      expect(await summary.evaluate((element) => element === document.activeElement)).to.equal(true);
      expect(await summary.getByRole("link").allTextContents()).to.deep.equal([
        "Full name is required.",
        "Height must be between 30 and 272 cm.",
        "Emergency contact 2 name is required.",
        "Emergency contact 2 phone must be digits, spaces, brackets or dashes, optionally starting with +.",
      ]);
      const name = form.getByLabel("Full name");
      expect(await name.getAttribute("aria-invalid")).to.equal("true");
      expect(await page.locator(`#${await name.getAttribute("aria-describedby")}`).textContent()).to.equal(
        "Full name is required.",
      );
      await e2e().screenshot(page, "patient-01a-general-details-problems");
      await page.setViewportSize({ width: 390, height: 844 });
      await e2e().screenshot(page, "patient-01b-general-details-problems-phone");
      await page.setViewportSize({ width: 1280, height: 800 });
      expect(await page.getByTestId("error-banner").count()).to.equal(0);
      expect(sends()).to.equal(sentBefore);
      expect(await recordCount(publicClient, stack.core, patient)).to.equal(0);
      // A link in the summary takes the user to the field; changing a field drops its problem.
      await summary.getByRole("link", { name: "Height must be between 30 and 272 cm." }).click();
      expect(await form.getByLabel("Height (cm)").evaluate((element) => element === document.activeElement)).to.equal(
        true,
      );
      await name.fill("Ada Lovelace");
      expect(await name.getAttribute("aria-invalid")).to.equal(null);
      expect(await form.getByLabel("Contact 2 name").getAttribute("aria-invalid")).to.equal("true");
      await form.getByRole("button", { name: "Remove contact 2" }).click();
      await form.getByRole("button", { name: "Remove contact 1" }).click();
      await form.getByRole("group", { name: /There is a problem: nothing was saved/ }).waitFor();
      await form.getByLabel("Date of birth").fill("1990-04-15");
      expect(await page.getByTestId("age").textContent()).to.match(/^Age: \d+ \(born 15 Apr 1990\)$/);
      await form.getByLabel("Gender").selectOption("female");
      await form.getByLabel("Height (cm)").fill("180");
      expect(await page.getByTestId("bmi").textContent()).to.equal("BMI: enter your height and weight");
      await form.getByLabel("Weight (kg)").fill("81");
      expect(await page.getByTestId("bmi").textContent()).to.equal("BMI: 25 kg/m²");
      await form.getByLabel("Blood group").selectOption("O-");
      await form.getByLabel(/Known allergies/).fill("Penicillin\nPeanuts");
      await form.getByLabel(/Current medications/).fill("Metformin 500 mg twice daily");
      await form.getByLabel(/Chronic conditions/).fill("Type 2 diabetes");
      await form.getByRole("button", { name: "Add an emergency contact" }).click();
      await form.getByLabel("Contact 1 name").fill("Charles Babbage");
      await form.getByLabel("Contact 1 relationship").fill("Friend");
      await form.getByLabel("Contact 1 phone").fill("+44 20 7946 0000");
      await e2e().screenshot(page, "patient-01-general-details-form");
      await form.getByRole("button", { name: "Save my details" }).click();
      await page.getByText("Your details were saved as a new encrypted record.").waitFor();
      const saved = page.getByRole("region", { name: "Your saved details" });
      await saved.getByText("25 kg/m²").waitFor();
      expect(await saved.textContent()).to.contain("Penicillin, Peanuts");
      await e2e().screenshot(page, "patient-02-general-details-saved");

      // On the chain: one category-0 record by the patient.
      expect(await recordCount(publicClient, stack.core, patient)).to.equal(1);
      const onChain = await readChainRecord(publicClient, stack.core, patient, 0);
      expect(onChain.category).to.equal(0);
      expect(onChain.author.toLowerCase()).to.equal(patient.toLowerCase());

      // Records: listed with its summary, allergies and medications first.
      await goTo(page, "Records", "Your records");
      const item = page.getByRole("list", { name: "Your records" }).getByRole("listitem").first();
      await item.getByRole("heading", { name: "Record 1: General details" }).waitFor();
      await item.getByText("Penicillin, Peanuts").waitFor();
      const terms = await item.locator("dt").allTextContents();
      expect(terms.slice(0, 2)).to.deep.equal(["Allergies", "Medications"]);
      await e2e().screenshot(page, "patient-03-records");

      // Trends: the general details' weight and BMI are charted (they were left out).
      await goTo(page, "Trends", "Trends");
      const weightRows = page.getByRole("figure", { name: "Weight (kg)" }).locator("table tbody tr td");
      await weightRows.first().waitFor({ state: "attached", timeout: 60_000 });
      expect(await weightRows.allTextContents()).to.deep.equal(["81"]);
      const bmiRows = page.getByRole("figure", { name: "Body mass index (kg/m2)" }).locator("table tbody tr td");
      expect(await bmiRows.allTextContents()).to.deep.equal(["25"]);
      await goTo(page, "Records", "Your records");

      await item.getByRole("button", { name: "Open record 1" }).click();
      await page.getByRole("button", { name: "Open the record" }).click();
      await page.getByText("Verified: unchanged since it was added").waitFor();
      expect(await page.locator("main").textContent()).to.contain(onChain.envelopeHash);
      // Opened, the details read field by field, as saved (the gist above the button has three lists).
      const fields = await page
        .locator("#record-title")
        .locator("xpath=..")
        .locator(".details-list > div")
        .evaluateAll((rows) =>
          rows.map((row) => [row.querySelector("dt")?.textContent, row.querySelector("dd")?.textContent]),
        );
      expect(fields.slice(0, 8)).to.deep.equal([
        ["Full name", "Ada Lovelace"],
        ["Date of birth", fields[1][1]],
        ["Gender", "Female"],
        ["Height", "180 cm"],
        ["Weight", "81 kg"],
        ["BMI", "25 kg/m²"],
        ["Blood group", "O-"],
        ["Allergies", "Penicillin, Peanuts"],
      ]);
      expect(fields[1][1]).to.match(/^15 Apr 1990 \(age \d+\)$/);
      await e2e().screenshot(page, "patient-04-record-open");
      const download = page.waitForEvent("download");
      await page.getByRole("button", { name: "Download the original" }).click();
      const original = await readFile(await (await download).path());

      // Node decrypts the same record on its own, with the key from the patient's backup file.
      const { key } = await restoreKeyBackup(new Uint8Array(backup), PASSPHRASE);
      const chain = defineChain({
        id: stack.chain.chainId,
        name: "e2e",
        nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
        rpcUrls: { default: { http: [stack.chain.url] } },
      });
      const walletClient = createWalletClient({ account, chain, transport: http(stack.chain.url) }) as WalletClient;
      const api = new EhrApiClient({ baseUrl: stack.apiUrl, origin: stack.webUrl });
      await api.signIn(walletClient);
      const ctx = { publicClient, walletClient, core: stack.core, storage: api.blobStore(), vault: api.keyVault() };
      const stored = await readRecord(ctx, { patient, index: 0, readerKey: key });
      expect(Buffer.from(stored.plaintext).equals(original)).to.equal(true);
      const details = validateGeneralDetails(JSON.parse(original.toString("utf8")));
      expect(details).to.include({ fullName: "Ada Lovelace", heightCm: 180, weightKg: 81, bloodGroup: "O-" });
      expect(details.allergies).to.deep.equal(["Penicillin", "Peanuts"]);
      expect(details.emergencyContacts).to.deep.equal([
        { name: "Charles Babbage", relationship: "Friend", phone: "+44 20 7946 0000" },
      ]);

      // Export: one FHIR Bundle with the Patient and the BMI observation.
      await goTo(page, "Export", "Export your record");
      const exported = page.waitForEvent("download");
      await page.getByRole("button", { name: "Download my record" }).click();
      const bundleFile = await exported;
      const bundle = JSON.parse((await readFile(await bundleFile.path())).toString("utf8")) as fhir4.Bundle;
      // Where it went and what it holds: the file's name, its resources, the records read.
      expect(bundleFile.suggestedFilename()).to.match(/^health-record-[0-9a-f]{8}-\d{4}-\d{2}-\d{2}\.fhir\.json$/);
      const file = bundleFile.suggestedFilename().replaceAll(".", "\\.");
      await page
        .getByText(new RegExp(`^Saved as ${file}: ${bundle.entry!.length} FHIR resources from \\d+ records?\\.$`))
        .waitFor();
      await e2e().screenshot(page, "patient-05-export");
      expect(bundle).to.include({ resourceType: "Bundle", type: "collection" });
      const resources = (bundle.entry ?? []).map((e) => e.resource!);
      expect(resources[0]).to.include({ resourceType: "Patient" });
      expect((resources[0] as fhir4.Patient).name?.[0].text).to.equal("Ada Lovelace");
      const bmiObservation = resources.find(
        (r) => r.resourceType === "Observation" && r.code.coding?.[0].code === "39156-5",
      ) as fhir4.Observation | undefined;
      expect(bmiObservation?.valueQuantity?.value).to.equal(25);
      expect(resources.filter((r) => r.resourceType === "AllergyIntolerance")).to.have.length(2);

      // Emergency access: a declined transaction changes nothing; then opt out and back in.
      await goTo(page, "Emergency access", "Emergency access");
      const status = page.getByTestId("emergency-status");
      await status.getByText(/Emergency access is allowed/).waitFor();
      wallet.rejectNext(1, "eth_sendTransaction");
      await page.getByRole("button", { name: "Opt out of emergency access" }).click();
      expect(await bannerText(page)).to.equal(DECLINED);
      expect(await emergencyOptedOut(publicClient, stack.core, patient)).to.equal(false);

      await page.getByRole("button", { name: "Opt out of emergency access" }).click();
      await status.getByText(/You have opted out/).waitFor();
      expect(await emergencyOptedOut(publicClient, stack.core, patient)).to.equal(true);
      await e2e().screenshot(page, "patient-06-emergency-opted-out");
      await page.getByRole("button", { name: "Allow emergency access" }).click();
      await status.getByText(/Emergency access is allowed/).waitFor();
      expect(await emergencyOptedOut(publicClient, stack.core, patient)).to.equal(false);

      // The details page fits a phone screen.
      await page.setViewportSize({ width: 375, height: 740 });
      await goTo(page, "General details", "General details");
      await page.getByRole("region", { name: "Your saved details" }).waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(375);
      await e2e().screenshot(page, "patient-07-details-phone");
    });

    it("a link to a record beyond the first page opens that record, and one to no record says so", async function () {
      this.timeout(300_000);
      const { stack } = e2e();
      const passphrase = "records deep link passphrase";
      const patient = await newPatient(e2e, kit, passphrase);
      const { page } = patient.session;
      // 21 records, added by the patient's own key (from her backup file) through the real service:
      // the list shows the newest 20, so record 1 is on the second page.
      const { key } = await restoreKeyBackup(new Uint8Array(patient.backup), passphrase);
      const chain = defineChain({
        id: stack.chain.chainId,
        name: "e2e",
        nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
        rpcUrls: { default: { http: [stack.chain.url] } },
      });
      const walletClient = createWalletClient({
        account: privateKeyToAccount(patient.key),
        chain,
        transport: http(stack.chain.url),
      }) as WalletClient;
      const api = new EhrApiClient({ baseUrl: stack.apiUrl, origin: stack.webUrl });
      await api.signIn(walletClient);
      const ctx = { publicClient, walletClient, core: stack.core, storage: api.blobStore(), vault: api.keyVault() };
      for (let n = 1; n <= 21; n++) {
        await createRecord(ctx, {
          patient: patient.address,
          category: n === 1 ? Category.Allergies : Category.ClinicalNotes,
          content: utf8(`Deep link note ${n}`),
          mediaType: "text/plain",
          authorKey: key,
        });
      }
      expect(await recordCount(publicClient, stack.core, patient.address)).to.equal(21);

      await page.goto(`${stack.webUrl}/#/records/1`);
      await page.reload();
      const detail = page.getByRole("heading", { level: 2, name: "Record 1: Allergies" });
      await detail.waitFor({ timeout: 60_000 });
      expect(await page.getByRole("list", { name: "Your records" }).count()).to.equal(0);
      await page.getByRole("button", { name: "Open the record" }).click();
      await page.getByText("Deep link note 1").waitFor({ timeout: 60_000 });
      await page.getByRole("button", { name: "Back to the list" }).click();
      await page.getByRole("list", { name: "Your records" }).waitFor();
      expect(page.url()).to.match(/#\/records$/);

      await page.goto(`${stack.webUrl}/#/records/22`);
      await page.getByText("There is no record 22: your records are numbered 1 to 21.").waitFor();
      await page.getByRole("list", { name: "Your records" }).waitFor();
    });
  });
}
