/**
 * The clinical pages in Chromium: a doctor with a grant (set up on the chain with viem) uploads a
 * real MTSamples note as text, sees its summary before saving, saves it and reads it in the chart;
 * a read outside the grant is refused with one plain sentence; the patient sees the read in
 * Activity; a second doctor opens emergency access and sees the countdown and the emergency card;
 * the patient's Activity shows the emergency; re-opening within the cool-down asks for a second
 * reason before anything is signed, and at the daily limit the form gives way to one sentence.
 * Registered by run.ts.
 */
import { expect } from "chai";
import { sampleNoteWithoutAllergies } from "../../offchain-api/testing/clinicalSamples";
import {
  createPublicClient,
  createWalletClient,
  http,
  keccak256,
  parseEther,
  toBytes,
  type Hex,
  type PublicClient,
  type WalletClient,
} from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { contractConstants, ehrCoreAbi } from "../../deployments/contracts";
import { sentenceFor } from "../../lib/chain/errorCatalogue";
import { EhrApiClient } from "../../lib/api/client";
import { Category, categoryMask } from "../../lib/categories";
import { readChainRecord, recordCount } from "../../lib/chain/ehr";
import { generateUserKey } from "../../lib/keys";
import { updateGeneralDetails } from "../../lib/records/flows";
import { summarizeText } from "../../lib/summary/summarizeText";
import { connectAndSignIn, doctorWithKeyThroughUi, nav as navTo, type E2e, type Session } from "./context";
import { ACCOUNTS, devKey } from "./stack";

const PASSPHRASE = "correct horse battery staple";

/** A fresh funded account: no other spec's patients or doctors are touched. */
function freshKey(): Hex {
  return generatePrivateKey();
}

export function clinicalSpecs(e2e: () => E2e): void {
  describe("clinical pages", () => clinicalFlows(e2e));
}

function clinicalFlows(e2e: () => E2e): void {
  let publicClient: PublicClient;
  let note: string;
  const keys = { patient: freshKey(), doctor: freshKey(), doctor2: freshKey() };
  const address = (key: Hex) => privateKeyToAccount(key).address;
  const sessions: Session[] = [];
  const open = async (key: Hex, viewport?: { width: number; height: number }) => {
    const session = await e2e().open(key, viewport ? { viewport } : {});
    sessions.push(session);
    return session;
  };
  const wallet = (key: Hex): WalletClient =>
    createWalletClient({ account: privateKeyToAccount(key), transport: http(e2e().stack.chain.url) });
  const write = async (key: Hex, functionName: string, args: readonly unknown[]) => {
    const hash = await wallet(key).writeContract({
      address: e2e().stack.core,
      abi: ehrCoreAbi,
      functionName,
      args,
      chain: null,
    } as never);
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    expect(receipt.status).to.equal("success");
  };

  before(async function () {
    this.timeout(120_000);
    const { stack } = e2e();
    publicClient = createPublicClient({ transport: http(stack.chain.url) }) as PublicClient;
    note = await sampleNoteWithoutAllergies();

    // Fund the fresh accounts from the admin, onboard the two doctors at the demo hospital.
    const admin = devKey(ACCOUNTS.admin);
    for (const key of Object.values(keys)) {
      const hash = await wallet(admin).sendTransaction({
        account: privateKeyToAccount(admin),
        to: address(key),
        value: parseEther("10"),
        chain: null,
      });
      await publicClient.waitForTransactionReceipt({ hash });
    }
    await write(admin, "onboardDoctor", [
      address(keys.doctor),
      1,
      1,
      keccak256(toBytes("E2E-LIC-1")),
      "Dr Ada Byrne",
      "",
    ]);
    await write(admin, "onboardDoctor", [
      address(keys.doctor2),
      1,
      2,
      keccak256(toBytes("E2E-LIC-2")),
      "Dr Ben Osei",
      "",
    ]);

    // The patient registers with a key, writes general details (through the real service), and
    // grants the first doctor clinical notes only, for a day.
    const patientKey = generateUserKey();
    await write(keys.patient, "registerPatient", [patientKey.publicKey, keccak256(toBytes("e2e backup"))]);
    const api = new EhrApiClient({ baseUrl: stack.apiUrl, origin: stack.webUrl });
    const patientWallet = wallet(keys.patient);
    await api.signIn(patientWallet);
    await updateGeneralDetails(
      { publicClient, walletClient: patientWallet, core: stack.core, storage: api.blobStore(), vault: api.keyVault() },
      {
        patient: address(keys.patient),
        patientKey,
        details: {
          fullName: "Mara Lind",
          dateOfBirth: "1990-04-02",
          bloodGroup: "O-",
          allergies: ["Penicillin"],
          chronicConditions: ["Asthma"],
          currentMedications: ["Salbutamol inhaler"],
          emergencyContacts: [{ name: "Jon Lind", relationship: "brother", phone: "+46 70 123 45 67" }],
          updatedAt: new Date().toISOString(),
        },
      },
    );
    const { timestamp } = await publicClient.getBlock();
    await write(keys.patient, "grantAccess", [
      address(keys.doctor),
      categoryMask([Category.ClinicalNotes]),
      Number(timestamp) + 86_400,
    ]);
  });
  afterEach(async () => {
    for (const s of sessions.splice(0)) await s.context.close();
  });

  /** Connects, signs in and creates the doctor's key in the dApp (the locked copy stays in this context). */
  const doctorWithKey = async (key: Hex) => {
    const session = await open(key);
    await doctorWithKeyThroughUi(session, PASSPHRASE);
    return session;
  };
  const pickPatient = async (session: Session, action: string) => {
    await session.page.getByLabel("Find a patient").fill(address(keys.patient));
    await session.page.getByRole("button", { name: action }).click();
  };
  const nav = (session: Session, label: string) => navTo(session.page, label);

  it("a doctor uploads a note (summary shown before saving), reads it in the chart, and is refused outside the grant", async () => {
    const session = await doctorWithKey(keys.doctor);
    const { page } = session;
    const patient = address(keys.patient);

    await nav(session, "Upload a report");
    await page.getByRole("heading", { name: "Upload a report", level: 1 }).waitFor();
    // A malformed address is refused before anything else.
    await page.getByLabel("Find a patient").fill("0x1234");
    await page.getByRole("button", { name: "Choose patient" }).click();
    await page.getByText("Enter the patient's address").waitFor();
    await pickPatient(session, "Choose patient");
    // Nothing to summarize: a plain sentence, nothing saved.
    await page.getByRole("button", { name: "Next: check the summary" }).click();
    const banner = page.getByTestId("error-banner");
    expect((await banner.locator("p").textContent())?.trim()).to.equal(
      "Choose a report file or paste the report's text first.",
    );

    await page.getByLabel("Or paste the report's text").fill(note);
    await page.getByRole("button", { name: "Next: check the summary" }).click();
    const preview = page.getByRole("region", { name: "Summary before saving" });
    await preview.waitFor();
    const expected = summarizeText(note);
    const previewText = (await preview.textContent()) ?? "";
    expect(previewText).to.contain(expected.medications[0].text.replace(/\s+/g, " ").slice(0, 40));
    expect(previewText).to.contain("no known allergies");
    expect(previewText).to.contain(expected.conditions[0].text);
    // Shown before saving: nothing is on the chain yet (the general details are record 1).
    expect(await recordCount(publicClient, e2e().stack.core, patient)).to.equal(1);
    await e2e().screenshot(page, "20-upload-summary-preview");

    await page.getByRole("button", { name: "Save the record" }).click();
    await page.getByText("Saved as record 2 of this patient").waitFor({ timeout: 60_000 });
    expect(await recordCount(publicClient, e2e().stack.core, patient)).to.equal(2);
    await e2e().screenshot(page, "21-upload-saved");

    // The chart: the note's summary and report, read under the grant.
    await nav(session, "Patient chart");
    await pickPatient(session, "Open chart");
    await page.getByRole("heading", { name: "Record 2: Clinical notes and reports" }).waitFor();
    // The count in words, in the right number (it said "2 record(s).").
    await page.getByText("2 records. Only what the patient").waitFor();
    await page.getByRole("button", { name: "Read summary of record 2" }).click();
    await page.getByText(expected.conditions[0].text).first().waitFor();
    await page.getByRole("button", { name: "Open report of record 2" }).click();
    await page.getByText("Report opened under: your access grant").waitFor();
    expect(await page.locator("pre.report-text").textContent()).to.equal(note);
    await e2e().screenshot(page, "22-patient-chart");

    // The general details (record 1) are outside a clinical-notes grant: the storage service refuses
    // (and records the attempt for the patient) before the wallet asks (chartRefusal.spec.ts).
    const sent = session.wallet.requests.filter((m) => m === "eth_sendTransaction").length;
    await page.getByRole("button", { name: "Try to open it anyway (record 1)" }).click();
    await page.getByRole("button", { name: "Open details of record 1" }).click();
    await page.getByRole("alert").getByText("does not cover general details records").waitFor();
    expect(session.wallet.requests.filter((m) => m === "eth_sendTransaction").length).to.equal(sent);
    await e2e().screenshot(page, "23-chart-refused");

    await nav(session, "My audit trail");
    const rows = page.getByRole("table").locator("tbody tr");
    await rows.first().waitFor();
    expect(await rows.count()).to.equal(2);
    // Each read names its record's category, read from the chain, as the patient's Activity does.
    await rows.filter({ hasText: "Read the summary of record 2 (Clinical notes and reports)" }).waitFor();
    await rows.filter({ hasText: /^.*Read record 2 \(Clinical notes and reports\)Grant$/ }).waitFor();
    await e2e().screenshot(page, "24-doctor-audit");
  });

  it("the patient sees the doctor's reads and a refused download in Activity", async () => {
    // The second doctor, without grant or emergency, tries to download the note's envelope: refused and audited.
    const { stack } = e2e();
    const outsider = new EhrApiClient({ baseUrl: stack.apiUrl, origin: stack.webUrl });
    await outsider.signIn(wallet(keys.doctor2));
    const { cid } = await readChainRecord(publicClient, stack.core, address(keys.patient), 1);
    let refused: unknown;
    await outsider
      .blobStore()
      .get(cid)
      .catch((error: unknown) => (refused = error));
    expect(refused, "the download was served").to.be.instanceOf(Error);

    const session = await open(keys.patient);
    await connectAndSignIn(session);
    const { page } = session;
    await nav(session, "Activity");
    const table = page.getByRole("region", { name: "Reads of your records" }).getByRole("table");
    await table.waitFor();
    const rows = table.locator("tbody tr");
    expect(await rows.count()).to.equal(2);
    await table.getByText("Dr Ada Byrne").first().waitFor(); // names load from the registry
    // Categories load from the chain after the reads: "Record 2" gains "(Clinical notes and reports)".
    await table.getByText("Record 2 (Clinical notes and reports), summary only").waitFor();
    const text = (await table.textContent()) ?? "";
    expect(text).to.contain("Record 2 (Clinical notes and reports), summary only");
    expect(text).to.contain("You shared it");
    expect(await page.getByRole("region", { name: "Emergency access" }).count()).to.equal(0);
    const refusals = page.getByRole("region", { name: "Refused attempts" }).getByRole("table");
    // Both refusals, each naming its record: the second doctor's download, and the first doctor's
    // chart click on record 1 outside the grant (the service refused it, so it is here too).
    const byBen = refusals.locator("tbody tr").filter({ hasText: "Dr Ben Osei" });
    await byBen.waitFor();
    expect(await refusals.locator("tbody tr").count()).to.equal(2);
    expect(await byBen.textContent()).to.contain("Record 2 (Clinical notes and reports)");
    expect(await byBen.textContent()).to.contain("The patient has not granted this doctor access.");
    const byAda = refusals.locator("tbody tr").filter({ hasText: "Dr Ada Byrne" });
    expect(await byAda.textContent()).to.contain("Record 1 (General details)");
    expect(await byAda.textContent()).to.contain("does not cover general details records");
    await e2e().screenshot(page, "25-patient-activity");
    const firstRow = table.getByRole("row").nth(1);
    /** Where the row's "When" and "Who" cells start, and the label shown before "Who". */
    const layout = async () => {
      const [when, who] = await Promise.all([0, 1].map((i) => firstRow.getByRole("cell").nth(i).boundingBox()));
      const label = await firstRow
        .getByRole("cell")
        .nth(1)
        .evaluate((cell) => getComputedStyle(cell, "::before").content);
      return { sideBySide: when!.y === who!.y, whoBelow: who!.y > when!.y, label };
    };
    // A laptop: columns under their headings.
    expect(await layout()).to.deep.include({ sideBySide: true });
    // On a phone each row is a card of labelled lines, and the page does not scroll sideways.
    await page.setViewportSize({ width: 375, height: 740 });
    expect(await layout()).to.deep.equal({ sideBySide: false, whoBelow: true, label: '"Who"' });
    expect(await table.getByRole("columnheader", { name: "Who" }).count()).to.equal(1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(375);
    await e2e().screenshot(page, "25b-patient-activity-phone");
  });

  it("a second doctor opens emergency access: countdown and emergency card; the patient's Activity shows it", async () => {
    const session = await doctorWithKey(keys.doctor2);
    const { page } = session;
    await nav(session, "Emergency access");
    await pickPatient(session, "Choose patient");
    // Missing reason: a plain sentence, no transaction.
    const sent = () => session.wallet.requests.filter((m) => m === "eth_sendTransaction").length;
    const before = sent();
    await page.getByLabel("Written justification").fill("Found unconscious in the emergency department.");
    await page.getByRole("button", { name: "Open emergency access" }).click();
    expect((await page.getByTestId("error-banner").locator("p").textContent())?.trim()).to.equal(
      "Choose a reason for emergency access.",
    );
    expect(sent()).to.equal(before);

    await page.getByLabel("Reason").selectOption({ label: "Patient unconscious or unable to consent" });
    await page.getByRole("button", { name: "Open emergency access" }).click();
    const card = page.getByRole("region", { name: "Emergency card", exact: true });
    await card.waitFor({ timeout: 60_000 });
    const timer = page.getByRole("timer");
    expect(await timer.textContent()).to.match(/^[0-4]:\d\d:\d\d$/);
    // The open window and its card come first; the search for another patient after them.
    const another = page.getByRole("heading", { name: "Another patient" });
    expect((await card.boundingBox())!.y).to.be.below((await another.boundingBox())!.y);
    expect(await page.locator("main h2").first().textContent()).to.match(/^Emergency access is open: /);
    // The window's end in the reader's zone, naming it.
    expect(await page.locator(".countdown").first().textContent()).to.match(
      /\(until \w{3},? \d{1,2} \w{3} \d{4}, \d{2}:\d{2} \S+\)/,
    );
    const cardText = (await card.textContent()) ?? "";
    // Allergies come first, then blood group, contacts, medications (details and the note), conditions.
    const fromNote = summarizeText(note);
    const order = [
      "Allergies",
      "Penicillin",
      "Blood group",
      "O-",
      "Jon Lind",
      "Salbutamol inhaler",
      fromNote.medications[0].text.replace(/\s+/g, " ").slice(0, 40),
      "Asthma",
      fromNote.conditions[0].text.replace(/\s+/g, " ").slice(0, 40),
    ];
    const at = order.map((t) => cardText.indexOf(t));
    expect(
      at.every((i) => i >= 0),
      cardText,
    ).to.equal(true);
    expect([...at].sort((a, b) => a - b)).to.deep.equal(at);
    await e2e().screenshot(page, "26-emergency-card");

    const patient = await open(keys.patient);
    await connectAndSignIn(patient);
    await nav(patient, "Activity");
    const emergencies = patient.page.getByRole("region", { name: "Emergency access" });
    await emergencies.getByText("Dr Ben Osei").waitFor();
    expect(await emergencies.textContent()).to.contain("Dr Ben Osei opened emergency access");
    expect(await emergencies.textContent()).to.contain("Patient unconscious or unable to consent");
    const reads = patient.page.getByRole("region", { name: "Reads of your records" }).getByRole("table");
    expect(await reads.textContent()).to.contain("Emergency access");
    await e2e().screenshot(patient.page, "27-patient-activity-emergency");
  });

  it("re-opening within the cool-down asks for a second reason before signing; at the daily limit the page says so", async () => {
    const admin = devKey(ACCOUNTS.admin);
    const doctor2 = address(keys.doctor2);
    // The patient's opt-out and opt-in close the open window for good: the doctor may open again,
    // but within the cool-down of the first opening.
    const closeWindow = async () => {
      await write(keys.patient, "setEmergencyOptOut", [true]);
      await write(keys.patient, "setEmergencyOptOut", [false]);
      // A window opened in the opt-out's second counts as closed (IEmergencyAccess), and the dApp
      // simulates against the latest block: one block a second later, as a doctor's click would be.
      const { timestamp } = await publicClient.getBlock();
      await publicClient.request({ method: "evm_mine" as never, params: [Number(timestamp) + 1] as never });
    };
    await closeWindow();
    const session = await doctorWithKey(keys.doctor2);
    const { page } = session;
    const sent = () => session.wallet.requests.filter((m) => m === "eth_sendTransaction").length;
    await nav(session, "Emergency access");
    await pickPatient(session, "Choose patient");
    const note = page.getByRole("note");
    await note.waitFor();
    expect(await note.textContent()).to.contain(
      "opening it again needs a second justification, different from the first",
    );
    // The first opening and the cool-down's end, in the reader's zone, naming it.
    expect(await note.textContent()).to.match(
      /at \w{3},? \d{1,2} \w{3} \d{4}, \d{2}:\d{2} \S+\. Until \w{3},? \d{1,2} \w{3} \d{4}, \d{2}:\d{2} \S+, opening/,
    );
    // The chain counts per UTC day: the page says when the count starts again, in the reader's time.
    expect(
      await page
        .getByText(
          /You have opened 1 of your 5 emergency accesses today; the count starts again at \w{3}, \d{1,2} \w{3} \d{4}, \d{2}:\d{2} \S+\./,
        )
        .count(),
    ).to.equal(1);

    // The first opening's justification again: refused on the page, nothing signed or sent.
    const before = sent();
    await page.getByLabel("Reason").selectOption({ label: "Patient unconscious or unable to consent" });
    await page.getByLabel("Second justification").fill("Found unconscious in the emergency department.");
    await page.getByRole("button", { name: "Open emergency access" }).click();
    expect((await page.getByTestId("error-banner").locator("p").textContent())?.trim()).to.equal(
      "This is the justification of your previous opening: write a second one saying why emergency access is needed again.",
    );
    expect(sent()).to.equal(before);

    await page
      .getByLabel("Second justification")
      .fill("Unresponsive again after a second seizure; records needed again.");
    await page.getByRole("button", { name: "Open emergency access" }).click();
    // The card, or the banner that says why not (so a failure names its cause).
    const opened = page.getByRole("region", { name: "Emergency card", exact: true });
    await opened.or(page.getByTestId("error-banner")).first().waitFor({ timeout: 90_000 });
    expect(
      await page.getByTestId("error-banner").count(),
      await page
        .getByTestId("error-banner")
        .first()
        .textContent()
        .then((text) => text ?? "")
        .catch(() => ""),
    ).to.equal(0);
    await opened.waitFor();
    const openings = () =>
      publicClient.readContract({
        address: e2e().stack.core,
        abi: ehrCoreAbi,
        functionName: "emergencyOpeningsToday",
        args: [doctor2],
      });
    expect(await openings()).to.equal(2n);
    await e2e().screenshot(page, "28-emergency-second-reason");

    // The admin lowers the daily limit to what this doctor has used: the form gives way to a sentence.
    await write(admin, "setEmergencyPolicy", [2, contractConstants.DEFAULT_EMERGENCY_COOLDOWN]);
    try {
      await closeWindow();
      // Away and back: the page reads the chain's rules afresh (a reload would lock the key again).
      await nav(session, "Patient chart");
      await nav(session, "Emergency access");
      await pickPatient(session, "Choose patient");
      const status = page.getByRole("region", { name: "Emergency access is not available" }).getByRole("status");
      await status.waitFor();
      expect(await status.textContent()).to.equal(sentenceFor("EmergencyDailyLimitReached"));
      expect(await page.getByRole("button", { name: "Open emergency access" }).count()).to.equal(0);
      expect(await openings()).to.equal(2n);
      await e2e().screenshot(page, "29-emergency-daily-limit");
    } finally {
      // Later groups run on the same chain with the deploy defaults.
      await write(admin, "setEmergencyPolicy", [
        contractConstants.DEFAULT_EMERGENCY_DAILY_LIMIT,
        contractConstants.DEFAULT_EMERGENCY_COOLDOWN,
      ]);
    }
  });
}
