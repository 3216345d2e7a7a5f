/**
 * The patient's own upload in Chromium: a freshly registered patient opens "Upload a record",
 * tries an image (refused with one plain sentence; nothing reaches the service or the chain),
 * then uploads a real MTSamples note as a text file, sees its summary before saving, saves it
 * (the patient is the record's author on-chain) and finds it in Records with that summary.
 * Registered by run.ts.
 */
import { expect } from "chai";
import type { Request } from "playwright-core";
import { createPublicClient, http, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { sampleNote } from "../../offchain-api/testing/clinicalSamples";
import { Category } from "../../lib/categories";
import { readChainRecord, recordCount } from "../../lib/chain/ehr";
import { summarizeText } from "../../lib/summary/summarizeText";
import { fundedAccount, nav, registerPatientThroughUi, type E2e, type Session } from "./context";

const PASSPHRASE = "patient upload passphrase 2026";
const WRONG_TYPE = "Choose a PDF, a plain-text file or a FHIR Bundle (.json).";

export function patientUploadSpecs(e2e: () => E2e): void {
  let session: Session | undefined;
  after(async () => {
    await session?.context.close();
  });

  describe("patient upload", () => {
    it("a patient uploads a text report (summary before saving), finds it in Records, and a wrong file type is refused", async () => {
      const { stack } = e2e();
      const publicClient = createPublicClient({ transport: http(stack.chain.url) }) as PublicClient;
      const key = await fundedAccount(stack);
      const patient = privateKeyToAccount(key).address;
      session = await e2e().open(key);
      const { page, wallet } = session;
      await registerPatientThroughUi(session, PASSPHRASE);
      const summaries: Request[] = [];
      page.on("request", (r) => {
        if (r.url().includes("/v1/summaries")) summaries.push(r);
      });
      const sends = () => wallet.requests.filter((m) => m === "eth_sendTransaction").length;

      await nav(page, "Upload a record");
      await page.getByRole("heading", { name: "Upload a record", level: 1 }).waitFor();
      const fileInput = page.getByLabel("Report file (PDF, plain text or FHIR Bundle)");

      // A file of the wrong type: one plain sentence, nothing sent to the service or the chain.
      const sentBefore = sends();
      await fileInput.setInputFiles({
        name: "scan.png",
        mimeType: "image/png",
        buffer: Buffer.from([137, 80, 78, 71]),
      });
      await page.getByRole("button", { name: "Next: check the summary" }).click();
      const banner = page.getByTestId("error-banner");
      await banner.waitFor();
      expect((await banner.locator("p").textContent())?.trim()).to.equal(WRONG_TYPE);
      expect(summaries).to.have.length(0);
      expect(sends()).to.equal(sentBefore);
      expect(await page.getByRole("region", { name: "Summary before saving" }).count()).to.equal(0);
      expect(await recordCount(publicClient, stack.core, patient)).to.equal(0);
      await e2e().screenshot(page, "patient-upload-01-wrong-type");

      // A real note as a text file: summarized and shown before anything is saved.
      const note = await sampleNote();
      const expected = summarizeText(note);
      await fileInput.setInputFiles({ name: "discharge-note.txt", mimeType: "text/plain", buffer: Buffer.from(note) });
      await page.getByLabel("Category").selectOption({ label: "Clinical notes and reports" });
      await page.getByRole("button", { name: "Next: check the summary" }).click();
      const preview = page.getByRole("region", { name: "Summary before saving" });
      await preview.waitFor();
      expect(summaries).to.have.length(1);
      expect(await preview.textContent()).to.contain(expected.conditions[0].text);
      expect(sends()).to.equal(sentBefore);
      expect(await recordCount(publicClient, stack.core, patient)).to.equal(0);
      await e2e().screenshot(page, "patient-upload-02-summary");

      await preview.getByRole("button", { name: "Save the record" }).click();
      await page.getByText("Saved as your record 1 (as listed in Records)").waitFor({ timeout: 60_000 });
      expect(await recordCount(publicClient, stack.core, patient)).to.equal(1);
      const onChain = await readChainRecord(publicClient, stack.core, patient, 0);
      expect(onChain.author.toLowerCase()).to.equal(patient.toLowerCase());
      expect(onChain.category).to.equal(Category.ClinicalNotes);
      // The form is ready for the next report: no file shown as chosen that would not be sent.
      expect(await fileInput.evaluate((input: HTMLInputElement) => input.files?.length ?? 0)).to.equal(0);
      await e2e().screenshot(page, "patient-upload-03-saved");

      // Records: listed as the patient's own, with its summary read back from the encrypted copy.
      await nav(page, "Records");
      const item = page.getByRole("list", { name: "Your records" }).getByRole("listitem").first();
      await item.getByRole("heading", { name: "Record 1: Clinical notes and reports" }).waitFor();
      expect(await item.getByText("Added by you").count()).to.equal(1);
      // When, in words with the zone (the block's time); the block and address only behind "Technical details".
      await item.getByText(/Added by you on \w{3},? \d{1,2} \w{3} \d{4}, \d{2}:\d{2} \S+/).waitFor();
      expect(await item.getByText(`Block ${onChain.blockNumber}`).isVisible()).to.equal(false);
      await item.getByRole("button", { name: "Technical details" }).click();
      await item.getByText(`Block ${onChain.blockNumber}`).waitFor();
      await item.getByText(expected.conditions[0].text).first().waitFor();
      // Above the records, one reconciled list: nothing was reviewed, so the note's allergies are mentions.
      const own = page.getByRole("region", { name: "Allergies and medications" });
      await own.getByRole("region", { name: "Allergies" }).waitFor();
      if (expected.allergies.some((a) => !a.negated)) {
        await own.getByRole("list", { name: "Mentioned in notes, not confirmed", exact: true }).waitFor();
        expect(await own.getByRole("list", { name: "Confirmed allergies" }).count()).to.equal(0);
      }
      await e2e().screenshot(page, "patient-upload-04-records");
    });
  });
}
