/**
 * Steps several specs take the same way (a new patient, a new doctor, a booking, a chart opened), so
 * that each spec reads as its story and a change to a page's wording is made once. Not a spec: run.ts
 * registers none of it.
 */
import { expect } from "chai";
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Locator, Page } from "playwright-core";
import { createPublicClient, createWalletClient, http, keccak256, toBytes, type Hex } from "viem";
import { privateKeyToAccount, privateKeyToAddress } from "viem/accounts";
import { appointmentBookAbi } from "../../deployments/contracts";
import { fundedAccount, nav, registerPatientThroughUi, type E2e, type Session, type SpecKit } from "./context";
import { ACCOUNTS, devKey, type E2eStack } from "./stack";

/** The two screen sizes the specs check pages at: a common laptop and a common phone. */
export const VIEWPORTS = {
  laptop: { width: 1366, height: 768 },
  phone: { width: 390, height: 844 },
} as const;

/** An account made for one spec: its key and address. */
export interface User {
  key: Hex;
  address: Hex;
}

/**
 * A new funded account registered as a patient through the dApp, key unlocked, on its home page.
 * Resolves with the key backup file too.
 */
export async function newPatient(
  e2e: () => E2e,
  kit: SpecKit,
  passphrase: string,
): Promise<User & { session: Session; backup: Buffer }> {
  const key = await fundedAccount(e2e().stack);
  const session = await kit.open(key);
  const backup = await registerPatientThroughUi(session, passphrase);
  await session.page.getByRole("heading", { name: "Unlocked in this tab" }).waitFor();
  return { key, address: privateKeyToAddress(key), session, backup };
}

/**
 * A new funded account onboarded by the admin as a doctor at the demo hospital (the contract call the
 * `ehr:onboard-doctor` task makes), with no key yet. Specialty 2 is general practice.
 */
export async function onboardDoctor(
  e2e: () => E2e,
  kit: SpecKit,
  name: string,
  { specialty = 2 }: { specialty?: number } = {},
): Promise<User> {
  const key = await fundedAccount(e2e().stack);
  const address = privateKeyToAddress(key);
  await kit.write(devKey(ACCOUNTS.admin), "onboardDoctor", [
    address,
    1,
    specialty,
    keccak256(toBytes(`E2E-${name}-${address}`)),
    name,
    "",
  ]);
  return { key, address };
}

/** Opens Register as a patient and types the passphrase twice; the caller presses the button. */
export async function fillRegistration(page: Page, passphrase: string): Promise<void> {
  await page.getByRole("button", { name: "Register as a patient" }).first().click();
  await page.getByLabel(/Backup passphrase/).fill(passphrase);
  await page.getByLabel("Repeat the passphrase").fill(passphrase);
}

/** Saves General details (the patient's first record) from the patient's page. */
export async function saveGeneralDetails(page: Page, fullName: string, birthDate: string): Promise<void> {
  await nav(page, "General details");
  const form = page.locator("form.details-form");
  await form.getByLabel("Full name").fill(fullName);
  await form.getByLabel("Date of birth").fill(birthDate);
  await form.getByRole("button", { name: "Save my details" }).click();
  await page.getByText("Your details were saved as a new encrypted record.").waitFor();
}

/** The sentence of the error banner, once it shows. */
export async function bannerText(page: Page): Promise<string | undefined> {
  const alert = page.getByTestId("error-banner");
  await alert.waitFor();
  return (await alert.locator("p").textContent())?.trim();
}

/** How many transactions the session's wallet has been asked to send so far. */
export const sentTransactions = (session: Session): number =>
  session.wallet.requests.filter((m) => m === "eth_sendTransaction").length;

/** From now on, every animation frame, records the progress step shown as under way: what the user saw. */
export async function watchSteps(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: string[] = [];
    Object.assign(window, { seenSteps: seen });
    const look = () => {
      const step = document.querySelector('.progress [aria-current="step"]')?.textContent ?? "";
      if (step && seen[seen.length - 1] !== step) seen.push(step);
      requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
  });
}

/** The progress steps seen since watchSteps, in order. */
export const seenSteps = (page: Page): Promise<string[]> =>
  page.evaluate(() => (window as unknown as { seenSteps: string[] }).seenSteps);

/** The patient books the first free slot of `doctorName`'s week; resolves with the slot's label. */
export async function bookFirstSlot(page: Page, doctorName: string): Promise<string> {
  await nav(page, "Find a doctor");
  await page.getByLabel("Name").fill(doctorName);
  await page.getByRole("button", { name: `See ${doctorName}'s schedule` }).click();
  const slot = page.getByRole("button", { name: /^Book / }).first();
  await slot.waitFor();
  const label = (await slot.getAttribute("aria-label"))!;
  const when = label.replace(/^Book /, "");
  // Click the slot read above, not `.first()` again: the schedule may re-render in between (a slot
  // freed by a decline comes back), and a locator resolves anew at every action.
  await page.getByRole("button", { name: label, exact: true }).click();
  await page.getByRole("button", { name: "Confirm booking" }).click();
  await page.getByText(`Booked for ${when}.`).waitFor();
  return when;
}

/** Every visit on the doctor's Appointments page: each day's visits are a list of their own ("Coming appointments, Today, Friday 4 December"). */
export function calendarRows(page: Page): Locator {
  return page.getByRole("list", { name: /^(Coming|Earlier) appointments, / }).getByRole("listitem");
}

/** The doctor confirms the appointment at `when` on Appointments and waits until it reads Confirmed. */
export async function confirmAppointment(page: Page, when: string): Promise<void> {
  await nav(page, "Appointments");
  await page.getByRole("button", { name: `Confirm the appointment of ${when}` }).click();
  await calendarRows(page).filter({ hasText: when }).filter({ hasText: "Confirmed" }).waitFor();
  // What was done, said where the work was shown: not a bare "Done.".
  await page
    .getByRole("status")
    .filter({ hasText: `Confirmed the appointment of ${when}.` })
    .waitFor();
}

/** The doctor opens `patient`'s chart on Patient chart. */
export async function openChart(page: Page, patient: Hex): Promise<void> {
  await nav(page, "Patient chart");
  await page.getByLabel("Find a patient").fill(patient);
  await page.getByRole("button", { name: "Open chart" }).click();
}

/** A scripted AppointmentBook transaction (another user's move, not under test); must succeed. */
export async function bookWrite(
  stack: E2eStack,
  key: Hex,
  functionName: string,
  args: readonly unknown[],
): Promise<void> {
  const client = createWalletClient({ account: privateKeyToAccount(key), transport: http(stack.chain.url) });
  const hash = await client.writeContract({
    address: stack.book,
    abi: appointmentBookAbi,
    functionName,
    args,
    chain: null,
  } as never);
  const receipt = await createPublicClient({ transport: http(stack.chain.url) }).waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error(`${functionName} reverted`);
}

/**
 * Flips one byte of the blob `cid`'s block file in the stack's IPFS folder (one raw block: an
 * envelope of up to 2 MiB), as damage on disk would; answers how to put it back.
 */
export async function damageBlock(stack: E2eStack, cid: string): Promise<() => Promise<void>> {
  const stored = Buffer.from(await stack.services.blobs.get(cid));
  const blocks: string[] = [];
  // Under blocks/ only: a raw block's pin is a hard link to it (the same bytes under pins/).
  const folder = path.join(stack.dataDir, "api", "ipfs", "blocks");
  for (const entry of await readdir(folder, { withFileTypes: true, recursive: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (entry.isFile() && (await readFile(file)).equals(stored)) blocks.push(file);
  }
  expect(blocks, "the blob's block file").to.have.length(1);
  const damaged = Buffer.from(stored);
  damaged[damaged.length >> 1] ^= 0x01;
  await writeFile(blocks[0], damaged);
  return () => writeFile(blocks[0], stored);
}
