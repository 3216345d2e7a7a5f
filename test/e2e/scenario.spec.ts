/**
 * The one end-to-end story (issue 5), through the real stack in Chromium: a new patient registers;
 * the admin onboards a new doctor with the real `ehr:onboard-doctor` task (Hardhat CLI against the
 * e2e anvil); the doctor sets up a key; the patient books, the doctor confirms; the patient grants;
 * the doctor uploads a real note (summary before saving); the patient opens it and downloads the
 * very bytes uploaded; the patient revokes and the doctor is refused; a demo doctor opens emergency
 * access and the patient sees it in Activity; the whole stack restarts on the same data folder and
 * everything is still there; a tampered block makes the patient's open fail with the integrity
 * sentence. Registered by run.ts, after the other specs (it restarts the stack).
 */
import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { Page } from "playwright-core";
import { createPublicClient, createWalletClient, http, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { appointmentBookAbi } from "../../deployments/contracts";
import { readChainRecord, recordCount, roleOf } from "../../lib/chain/ehr";
import { sampleNoteWithoutAllergies } from "../../offchain-api/testing/clinicalSamples";
import { DEFAULT_POLICY } from "../../scripts/lib/deploy";
import { DEMO, OFFICE_HOURS } from "../../scripts/lib/demo";
import { COMPILER_VERSION, writeDeployment } from "../../scripts/lib/deployments";
import { doctorWithKeyThroughUi, fundedAccount, nav, specKit, type E2e, type Session } from "./context";
import { ACCOUNTS, devKey } from "./stack";
import { bookFirstSlot, confirmAppointment, damageBlock, newPatient, openChart } from "./steps";

const ROOT = path.resolve(__dirname, "..", "..");
const PASSPHRASE = "scenario passphrase 2026";
const DOCTOR_NAME = "Dr Noor Haddad";
const DEMO_DOCTOR = DEMO.doctors[0].name;

/** Runs `npx hardhat <task> --network localhost` against the e2e chain, with a deployment file for it. */
async function runTask(e2e: E2e, args: string[]): Promise<string> {
  const { stack } = e2e;
  const dir = await mkdtemp(path.join(tmpdir(), "ehr-e2e-deployments-"));
  try {
    writeDeployment(
      {
        chainId: stack.chain.chainId,
        network: "localhost",
        core: { address: stack.core },
        appointmentBook: { address: stack.book },
        deployBlock: 0,
        deployedAt: new Date().toISOString(),
        policy: DEFAULT_POLICY,
        compiler: COMPILER_VERSION,
      },
      dir,
    );
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        path.join(ROOT, "node_modules", "hardhat", "internal", "cli", "bootstrap.js"),
        ...args,
        "--network",
        "localhost",
      ],
      {
        cwd: ROOT,
        env: { ...process.env, LOCAL_RPC_URL: stack.chain.url, EHR_DEPLOYMENTS_DIR: dir },
        timeout: 120_000,
      },
    );
    return stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** After a reload wagmi reconnects by itself; the service session and the key may need the wallet again. */
async function reconnect(session: Session): Promise<void> {
  const { page } = session;
  await page.reload();
  const signIn = page.getByRole("button", { name: "Sign in with your wallet" });
  const menu = page.getByRole("navigation", { name: "Main" });
  await signIn.or(menu).first().waitFor();
  if (await signIn.isVisible()) await signIn.click();
  await nav(page, "Home");
  await page.getByRole("heading", { name: "Your health record" }).waitFor();
  const unlocked = page.getByRole("heading", { name: "Unlocked in this tab" });
  const unlock = page.getByRole("button", { name: "Unlock my key" });
  await unlock.or(unlocked).first().waitFor();
  if (await unlock.isVisible()) await unlock.click();
  await unlocked.waitFor();
}

/** Opens the patient's first record on Records and answers the page once it is opened or refused. */
async function openFirstRecord(page: Page): Promise<void> {
  await nav(page, "Records");
  const item = page.getByRole("list", { name: "Your records" }).getByRole("listitem").first();
  await item.getByRole("heading", { name: "Record 1: Clinical notes and reports" }).waitFor();
  await item.getByRole("button", { name: "Open record 1" }).click();
  await page.getByRole("button", { name: "Open the record" }).click();
}

export function scenarioSpecs(e2e: () => E2e): void {
  const kit = specKit(e2e);

  describe("scenario: the story of issue 5", () => {
    it("register, onboard, book, grant, upload, download, revoke, emergency, restart, tamper", async function () {
      this.timeout(600_000);
      const { stack } = e2e();
      const shot = (page: Page, name: string) => e2e().screenshot(page, `scenario-${name}`);
      let publicClient = createPublicClient({ transport: http(stack.chain.url) }) as PublicClient;
      const note = await sampleNoteWithoutAllergies();

      // 1. A new patient registers and sets up a key.
      const { address: patient, session: p } = await newPatient(e2e, kit, PASSPHRASE);
      expect(await roleOf(publicClient, stack.core, patient)).to.equal("patient");
      await shot(p.page, "01-patient-registered");

      // 2. The admin onboards a new doctor with the real task; the doctor publishes office hours
      // (no page for that yet: the same contract call as the demo seed) and sets up a key.
      const doctorKey = await fundedAccount(stack);
      const doctor = privateKeyToAccount(doctorKey).address;
      const output = await runTask(e2e(), [
        "ehr:onboard-doctor",
        "--account",
        doctor,
        "--hospital",
        "1",
        "--specialty",
        "2",
        "--licence",
        "E2E-SCENARIO-0001",
        "--name",
        DOCTOR_NAME,
      ]);
      expect(output).to.contain(`Onboarded ${DOCTOR_NAME} (${doctor})`);
      expect(await roleOf(publicClient, stack.core, doctor)).to.equal("doctor");
      const hours = await createWalletClient({
        account: privateKeyToAccount(doctorKey),
        transport: http(stack.chain.url),
      }).writeContract({
        address: stack.book,
        abi: appointmentBookAbi,
        functionName: "setWeeklyAvailability",
        args: [OFFICE_HOURS.map(Number) as [number, number, number, number, number, number, number]],
        chain: null,
      });
      await publicClient.waitForTransactionReceipt({ hash: hours });
      const d = await kit.open(doctorKey);
      await doctorWithKeyThroughUi(d, PASSPHRASE);
      await shot(d.page, "02-doctor-key");

      // 3. The patient books the doctor; the doctor confirms.
      const when = await bookFirstSlot(p.page, DOCTOR_NAME);
      await shot(p.page, "03-booked");
      await confirmAppointment(d.page, when);
      await shot(d.page, "04-confirmed");

      // 4. The patient grants the doctor clinical notes.
      await nav(p.page, "Sharing");
      await p.page.getByLabel("Doctor", { exact: true }).selectOption(doctor);
      await p.page.getByLabel("Clinical notes and reports", { exact: true }).check();
      await p.page.getByRole("button", { name: "Give access" }).click();
      const grants = p.page.getByRole("list", { name: "Active grants" }).getByRole("listitem");
      await grants.filter({ hasText: DOCTOR_NAME }).filter({ hasText: "Clinical notes and reports" }).waitFor();
      await shot(p.page, "05-granted");

      // 5. The doctor uploads the note as a file: the summary shows before anything is saved.
      await nav(d.page, "Upload a report");
      await d.page.getByLabel("Find a patient").fill(patient);
      await d.page.getByRole("button", { name: "Choose patient" }).click();
      await d.page
        .getByLabel("Report file (PDF, plain text or FHIR Bundle)")
        .setInputFiles({ name: "note.txt", mimeType: "text/plain", buffer: Buffer.from(note, "utf8") });
      await d.page.getByRole("button", { name: "Next: check the summary" }).click();
      const preview = d.page.getByRole("region", { name: "Summary before saving" });
      await preview.waitFor();
      expect(await preview.textContent()).to.contain("no known allergies");
      // The review says what the report states, not "none found" (which reads as a miss).
      await preview.getByText(/^The report says: no known allergies\./).waitFor();
      expect(await recordCount(publicClient, stack.core, patient)).to.equal(0);
      await shot(d.page, "06-summary-before-saving");
      await d.page.getByRole("button", { name: "Save the record" }).click();
      await d.page.getByText("Saved as record 1 of this patient").waitFor({ timeout: 60_000 });
      await shot(d.page, "07-saved");

      // 6. The patient opens it and downloads exactly the uploaded bytes.
      await openFirstRecord(p.page);
      await p.page.getByText("Verified: unchanged since it was added").waitFor();
      const download = p.page.waitForEvent("download");
      await p.page.getByRole("button", { name: "Download the original" }).click();
      const downloaded = await readFile(await (await download).path());
      expect(downloaded.equals(Buffer.from(note, "utf8"))).to.equal(true);
      await shot(p.page, "08-patient-opened");

      // 7. The patient revokes; the doctor's attempt is refused with a plain sentence.
      await nav(p.page, "Sharing");
      await p.page.getByRole("button", { name: `Stop sharing with ${DOCTOR_NAME}` }).click();
      await p.page.getByRole("button", { name: "Yes, stop sharing" }).click();
      await p.page.getByText("No doctor has access to your records.").waitFor();
      await openChart(d.page, patient);
      // The service refuses (and records it for the patient's Activity), in the record's card.
      const card = d.page.getByRole("listitem").filter({ has: d.page.getByRole("heading", { name: /^Record 1: / }) });
      // Not shared any more: asking leads; opening is one deliberate step away.
      await card.getByRole("button", { name: "Try to open it anyway (record 1)" }).click();
      await card.getByRole("button", { name: "Open report of record 1" }).click();
      const refusal = card.getByRole("alert");
      await refusal.waitFor();
      expect(await refusal.textContent()).to.match(/The patient revoked this doctor's access\./);
      expect(await d.page.locator("pre.report-text").count()).to.equal(0);
      await shot(d.page, "09-doctor-refused");

      // 8. A demo doctor opens emergency access; the patient sees it in Activity.
      const e = await kit.open(devKey(ACCOUNTS.doctor));
      await doctorWithKeyThroughUi(e, PASSPHRASE);
      await nav(e.page, "Emergency access");
      await e.page.getByLabel("Find a patient").fill(patient);
      await e.page.getByRole("button", { name: "Choose patient" }).click();
      await e.page.getByLabel("Reason").selectOption({ label: "Patient unconscious or unable to consent" });
      await e.page.getByLabel("Written justification").fill("Brought in unconscious after a road accident.");
      await e.page.getByRole("button", { name: "Open emergency access" }).click();
      await e.page.getByRole("region", { name: "Emergency card", exact: true }).waitFor({ timeout: 60_000 });
      await shot(e.page, "10-emergency-card");
      const seesEverything = async (stage: string) => {
        await nav(p.page, "Activity");
        const emergencies = p.page.getByRole("region", { name: "Emergency access" });
        await emergencies.getByText(`${DEMO_DOCTOR} opened emergency access`).waitFor();
        await shot(p.page, `${stage}-activity`);
        await nav(p.page, "Appointments");
        await p.page
          .getByRole("list", { name: "Upcoming appointments" })
          .getByRole("listitem")
          .filter({ hasText: DOCTOR_NAME })
          .filter({ hasText: "Confirmed" })
          .waitFor();
        await shot(p.page, `${stage}-appointments`);
      };
      await seesEverything("11");

      // 9. The whole stack restarts on the same data folder; the patient reconnects and finds it all.
      for (const s of [d, e]) await s.context.close();
      await stack.restart();
      publicClient = createPublicClient({ transport: http(stack.chain.url) }) as PublicClient;
      await reconnect(p);
      await seesEverything("12-after-restart");
      await openFirstRecord(p.page);
      await p.page.getByText("Verified: unchanged since it was added").waitFor();
      expect(await p.page.locator("pre.preview").textContent()).to.equal(note);
      await shot(p.page, "13-after-restart-record");

      // 10. A flipped byte in the report's stored block: the open fails with the integrity sentence.
      const { cid } = await readChainRecord(publicClient, stack.core, patient, 0);
      await damageBlock(stack, cid);
      await p.page.getByRole("button", { name: "Back to the list" }).click();
      await openFirstRecord(p.page);
      // Said in the record's card, where she asked to open it; nothing of the file shown.
      const damaged = p.page.getByTestId("record-damaged");
      await damaged.waitFor();
      expect(await damaged.textContent()).to.match(
        /^This record's file failed its check, so it was not opened\. The stored file is corrupt\./,
      );
      expect(await p.page.getByTestId("error-banner").count()).to.equal(0);
      expect(await p.page.getByRole("button", { name: "Try again" }).count()).to.equal(1);
      expect(await p.page.getByText("Verified: unchanged since it was added").count()).to.equal(0);
      await shot(p.page, "14-tampered");
    });
  });
}
