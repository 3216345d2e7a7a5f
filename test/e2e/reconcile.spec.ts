/**
 * Review, reconcile and the prescribing check in Chromium (issue 13, parts 3 and 4). A patient
 * (set up on the chain with the library, general details naming penicillin) grants a new doctor
 * access; the doctor uploads a note, corrects its penicillin allergy to anaphylaxis (severe),
 * confirms one medication and leaves the rest unreviewed, and saves. Under emergency access the
 * card shows one reconciled penicillin line (details and the confirmed extraction merged, the
 * severe reaction kept) and, apart, the unreviewed mentions with their sentence. Completing an
 * appointment with flucloxacillin then needs the allergy check, shows a severe warning (and a
 * cross-reactivity caution for cefalexin), and needs a reason, which the stored prescription carries.
 * Screenshots of the review list and the card at 1366x768 and 390x844. Registered by run.ts.
 */
import { expect } from "chai";
import type { Page } from "playwright-core";
import { createWalletClient, http, keccak256, toBytes, type Hex } from "viem";
import { privateKeyToAccount, privateKeyToAddress } from "viem/accounts";
import { appointmentBookAbi } from "../../deployments/contracts";
import { EhrApiClient } from "../../lib/api/client";
import { ALL_CATEGORIES_MASK } from "../../lib/categories";
import { fromUtf8 } from "../../lib/bytes";
import { OVERRIDE_NOTE_PREFIX } from "../../lib/fhir/orders";
import { generateUserKey } from "../../lib/keys";
import { readRecord, updateGeneralDetails } from "../../lib/records/flows";
import { doctorWithKeyThroughUi, fundedAccount, nav, specKit, type E2e } from "./context";
import { ACCOUNTS, devKey } from "./stack";
import { calendarRows } from "./steps";

const PASSPHRASE = "reconcile spec passphrase 2026";
const DOCTOR_NAME = "Dr Lena Okafor";
const SLOT = 30 * 60;
const ALL_DAY = 2 ** 48 - 1;
const WIDE = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };

const NOTE = `CHIEF COMPLAINT: Cough and fever for three days.

HISTORY OF PRESENT ILLNESS: A 54-year-old woman with hypertension and type 2 diabetes presents with a productive cough.

ALLERGIES: Penicillin (hives), sulfa (rash).

CURRENT MEDICATIONS: Lisinopril 20 mg daily, Glucophage 500 mg twice a day, atorvastatin 40 mg nightly.

ASSESSMENT: Community-acquired pneumonia. Myalgia, possibly from the statin.

PLAN: Chest x-ray. Stop atorvastatin. Start an antibiotic after the allergy review.`;

export function reconcileSpecs(e2e: () => E2e): void {
  const kit = specKit(e2e);

  /** Screenshots of `page` at the two sizes, then back to the wide one. */
  const shots = async (page: Page, name: string) => {
    for (const [size, viewport] of [
      ["390", PHONE],
      ["1366", WIDE],
    ] as const) {
      await page.setViewportSize(viewport);
      await e2e().screenshot(page, `reconcile-${name}-${size}`);
    }
  };

  describe("review, reconcile and the prescribing check", () => {
    it("a doctor corrects an extracted allergy, the emergency card shows one reconciled list, and prescribing a penicillin needs a reason", async function () {
      this.timeout(400_000);
      const { stack } = e2e();
      const chain = kit.chain();
      const admin = devKey(ACCOUNTS.admin);

      // A new doctor, onboarded by the admin; a patient with general details naming penicillin,
      // who grants the doctor every category for a day.
      const doctorKey = await fundedAccount(stack);
      const doctor = privateKeyToAddress(doctorKey);
      await kit.write(admin, "onboardDoctor", [doctor, 1, 3, keccak256(toBytes("E2E-RECONCILE")), DOCTOR_NAME, ""]);
      const patientWalletKey = await fundedAccount(stack);
      const patient = privateKeyToAddress(patientWalletKey);
      const patientKey = generateUserKey();
      await kit.write(patientWalletKey, "registerPatient", [patientKey.publicKey, keccak256(toBytes("backup"))]);
      const api = new EhrApiClient({ baseUrl: stack.apiUrl, origin: stack.webUrl });
      const patientWallet = createWalletClient({
        account: privateKeyToAccount(patientWalletKey),
        transport: http(stack.chain.url),
      });
      await api.signIn(patientWallet);
      const patientCtx = {
        publicClient: chain,
        walletClient: patientWallet,
        core: stack.core,
        storage: api.blobStore(),
        vault: api.keyVault(),
      };
      await updateGeneralDetails(patientCtx, {
        patient,
        patientKey,
        details: {
          fullName: "Ines Varga",
          dateOfBirth: "1972-03-14",
          allergies: ["Penicillin"],
          chronicConditions: ["Hypertension"],
          currentMedications: ["Atorvastatin 40 mg"],
          emergencyContacts: [],
          updatedAt: new Date().toISOString(),
        },
      });
      const now = Number((await chain.getBlock()).timestamp);
      await kit.write(patientWalletKey, "grantAccess", [doctor, ALL_CATEGORIES_MASK, now + 86_400]);

      const d = await kit.open(doctorKey);
      const { page } = d;
      await page.setViewportSize(WIDE);
      await doctorWithKeyThroughUi(d, PASSPHRASE);
      const sends = () => d.wallet.requests.filter((m) => m === "eth_sendTransaction").length;

      // Upload: the extraction is a list to review.
      await nav(page, "Upload a report");
      await page.getByLabel("Find a patient").fill(patient);
      await page.getByRole("button", { name: "Choose patient" }).click();
      await page.getByLabel("Or paste the report's text").fill(NOTE);
      await page.getByRole("button", { name: "Next: check the summary" }).click();
      const preview = page.getByRole("region", { name: "Summary before saving" });
      await preview.waitFor();
      const allergies = preview.getByRole("list", { name: "Allergies to review" }).getByRole("listitem");
      const medications = preview.getByRole("list", { name: "Medications to review" }).getByRole("listitem");
      const penicillin = allergies.filter({ hasText: /Penicillin/i }).first();
      await penicillin.waitFor();
      // The drug the plan stops is not offered as current: it is listed apart, in the plan's words.
      const stopped = preview.locator(".summary-stopped");
      expect(await stopped.getByRole("heading").textContent()).to.equal("Not taken now");
      expect(await stopped.getByRole("listitem").allTextContents()).to.deep.equal(["Stop atorvastatin"]);
      expect((await medications.allTextContents()).join(" ")).to.not.match(/atorvastatin/i);
      expect(await preview.locator(".summary-medications").textContent()).to.not.match(/atorvastatin/i);
      expect(await penicillin.textContent()).to.contain("To review");
      expect(await penicillin.textContent()).to.contain("From the report:");
      await shots(page, "01-review");

      // Correct the penicillin allergy: an empty substance is refused beside the field.
      await penicillin.getByRole("button", { name: /^Edit / }).click();
      const editing = preview.locator(".review-editing");
      await editing.getByLabel("Substance").fill("");
      await editing.getByRole("button", { name: "Confirm" }).click();
      await editing.getByText("Name the substance to accept it, or remove it.").waitFor();
      await editing.getByLabel("Substance").fill("Penicillin");
      await editing.getByLabel("Reaction").fill("anaphylaxis");
      await editing.getByLabel("Severity").selectOption("severe");
      await shots(page, "02-review-editing");
      await editing.getByRole("button", { name: "Confirm" }).click();
      const confirmed = allergies.filter({ hasText: "Confirmed" });
      await confirmed.filter({ hasText: "anaphylaxis · severe" }).waitFor();
      // One medication confirmed as shown; the rest left unreviewed stay mentions.
      await medications
        .filter({ hasText: /Lisinopril/i })
        .getByRole("button", { name: /^Confirm / })
        .click();
      await medications
        .filter({ hasText: /Lisinopril/i })
        .filter({ hasText: "Confirmed" })
        .waitFor();
      await preview.getByText(/not reviewed: saved as mentioned in the report, not confirmed/).waitFor();
      await shots(page, "03-review-done");
      const before = sends();
      await preview.getByRole("button", { name: "Save the record" }).click();
      await page.getByText("Saved as record 2 of this patient").waitFor({ timeout: 60_000 });
      expect(sends()).to.be.greaterThan(before);

      // Emergency access: one reconciled list, then the mentions apart.
      await nav(page, "Emergency access");
      await page.getByLabel("Find a patient").fill(patient);
      await page.getByRole("button", { name: "Choose patient" }).click();
      await page.getByLabel("Reason").selectOption({ label: "Suspected allergic reaction or drug interaction" });
      await page.getByLabel("Written justification").fill("Collapsed after the first dose of an antibiotic.");
      await page.getByRole("button", { name: "Open emergency access" }).click();
      const card = page.getByRole("region", { name: "Emergency card", exact: true });
      await card.waitFor({ timeout: 90_000 });
      const cardAllergies = card.getByRole("region", { name: "Allergies" });
      const confirmedAllergies = cardAllergies.getByRole("list", { name: "Confirmed allergies" }).getByRole("listitem");
      expect(await confirmedAllergies.count()).to.equal(1);
      const line = (await confirmedAllergies.first().textContent()) ?? "";
      expect(line).to.match(/^Penicillin — anaphylaxis, severe/);
      expect(line).to.contain("General details");
      expect(line).to.contain("Confirmed from a report");
      const mentions = cardAllergies.getByRole("list", { name: "Mentioned in notes, not confirmed" });
      const mentionText = (await mentions.textContent()) ?? "";
      expect(mentionText).to.match(/sulfa/i);
      expect(mentionText).to.contain("record 2");
      expect(mentionText).to.not.match(/penicillin/i);
      const cardMeds = card.getByRole("region", { name: "Medications" });
      expect(await cardMeds.getByRole("list", { name: "Confirmed medications" }).textContent()).to.match(/Lisinopril/i);
      // A brand carries its generic name, for a doctor who knows the drug by that.
      expect(
        await cardMeds.getByRole("list", { name: "Medications mentioned in notes, not confirmed" }).textContent(),
      ).to.contain("Glucophage (metformin)");
      // The patient lists atorvastatin; the report stops it: the card keeps it, flagged with the report's words.
      const atorvastatin = cardMeds
        .getByRole("list", { name: "Confirmed medications" })
        .getByRole("listitem")
        .filter({ hasText: "Atorvastatin" });
      expect(await atorvastatin.textContent()).to.equal(
        "Atorvastatin 40 mg (General details) Check: record 2 says “Stop atorvastatin”.",
      );
      await shots(page, "04-emergency-card");

      // An appointment, confirmed and started (the chain's clock moves to it).
      const book = (key: Hex, functionName: string, args: readonly unknown[]) =>
        createWalletClient({ account: privateKeyToAccount(key), transport: http(stack.chain.url) })
          .writeContract({ address: stack.book, abi: appointmentBookAbi, functionName, args, chain: null } as never)
          .then((hash) => chain.waitForTransactionReceipt({ hash }))
          .then((receipt) => expect(receipt.status, functionName).to.equal("success"));
      await book(doctorKey, "setWeeklyAvailability", [Array(7).fill(ALL_DAY)]);
      const later = Number((await chain.getBlock()).timestamp) + 2 * SLOT;
      const start = later - (later % SLOT);
      await book(patientWalletKey, "book", [doctor, start]);
      await book(doctorKey, "confirm", [start]);
      const chainNow = Number((await chain.getBlock()).timestamp);
      await chain.request({ method: "evm_increaseTime" as never, params: [Math.max(0, start - chainNow)] as never });
      await chain.request({ method: "evm_mine" as never, params: [] as never });

      // Prescribing flucloxacillin: the check is required, warns in strong words, and needs a reason.
      await nav(page, "Appointments");
      await page
        .getByRole("button", { name: /^Complete the appointment of / })
        .first()
        .click();
      const form = page.getByRole("form", { name: /^Complete the appointment of / });
      await form.getByRole("radio", { name: "Prescription" }).check();
      await form.getByLabel("Medication").fill("Flucloxacillin 500 mg capsules");
      await form.getByLabel("Dose", { exact: true }).fill("500");
      await form.getByLabel("Times a day").fill("4");
      const beforeCheck = sends();
      await form.getByRole("button", { name: "Complete the appointment" }).click();
      await form.getByText("Check the patient's allergies before prescribing.").waitFor();
      expect(sends()).to.equal(beforeCheck);
      await form.getByRole("button", { name: "Check the patient's allergies" }).click();
      await form.getByText(/^Checked against \d+ allerg/).waitFor({ timeout: 60_000 });
      const alert = form.getByRole("alert");
      expect(await alert.textContent()).to.contain(
        "Severe allergy: Flucloxacillin 500 mg capsules is a penicillin, and the patient is allergic to Penicillin (anaphylaxis, severe).",
      );
      await shots(page, "05-prescribing-warning");

      // Cefalexin: the cross-reactivity caution instead.
      await form.getByLabel("Medication").fill("Cefalexin 500 mg capsules");
      await alert.getByText(/^Caution: Cefalexin 500 mg capsules is a cephalosporin/).waitFor();
      await shots(page, "06-prescribing-caution");

      // Back to flucloxacillin: no reason, no transaction; with a reason, it is saved with it.
      await form.getByLabel("Medication").fill("Flucloxacillin 500 mg capsules");
      const beforeReason = sends();
      await form.getByRole("button", { name: "Complete the appointment" }).click();
      await form.getByText("Give the reason for prescribing despite the warning, or change the medication.").waitFor();
      expect(sends()).to.equal(beforeReason);
      const reason = "Penicillin allergy disproved by an oral challenge; infectious diseases agreed.";
      await form.getByLabel("Reason for prescribing despite the warning").fill(reason);
      await form.getByRole("button", { name: "Complete the appointment" }).click();
      await calendarRows(page).filter({ hasText: "Completed" }).waitFor({ timeout: 90_000 });

      // The stored prescription (read back by the patient) carries the reason and the warning shown.
      const read = await readRecord(patientCtx, { patient, index: 2, readerKey: patientKey });
      const bundle = JSON.parse(fromUtf8(read.plaintext)) as fhir4.Bundle;
      const request = bundle.entry![0].resource as fhir4.MedicationRequest;
      expect(request.medicationCodeableConcept?.text).to.equal("Flucloxacillin 500 mg capsules");
      expect(request.note?.[0].text).to.equal(`${OVERRIDE_NOTE_PREFIX} Reason: ${reason}`);
      expect(request.note?.[1].text).to.match(/^Warning shown: Severe allergy: Flucloxacillin/);
    });
  });
}
