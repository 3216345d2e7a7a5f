/**
 * The emergency QR card in Chromium. A freshly registered patient with a name in General details
 * sees the card on Emergency access, downloads it as a PNG (checked in Node: a PNG whose code jsQR
 * decodes to the doctor's emergency link for this patient and chain) and prints it (the print
 * stylesheet leaves the card alone). A doctor opens that link before signing in and, once signed in
 * and unlocked, lands on the emergency page with the patient filled in; a link for another chain
 * or with a damaged address is refused with its sentence. A second Chromium with a fake camera
 * playing a video of the card's code scans it for real; a refused camera reads as one sentence
 * pointing to the paste field. Screenshots at 1366x768 and 390x844. Registered by run.ts.
 */
import { expect } from "chai";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import jsQR from "jsqr";
import { chromium, type Browser, type Page } from "playwright-core";
import { PNG } from "pngjs";
import { create as createQr } from "qrcode";
import { createWalletClient, getAddress, http, keccak256, parseEther, toBytes, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { CHROMIUM_ARGS } from "../browser/chromium";
import { doctorWithKeyThroughUi, makeE2e, nav, registerPatientThroughUi, specKit, type E2e } from "./context";
import { ACCOUNTS, devKey } from "./stack";
import { VIEWPORTS } from "./steps";

const PASSPHRASE = "emergency card passphrase 2026";

/** The text of the QR code in a PNG, read with jsQR in Node. */
function decodePng(bytes: Buffer): string | undefined {
  const png = PNG.sync.read(bytes);
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
}

/**
 * A one-frame YUV4MPEG2 video (Chromium loops it as its fake camera) of `text`'s QR code, dark on
 * white, centred in a 640x480 frame.
 */
function qrVideo(text: string): Buffer {
  const { modules } = createQr(text, { errorCorrectionLevel: "M" });
  const width = 640;
  const height = 480;
  const module = Math.floor((height - 40) / (modules.size + 8));
  const left = Math.floor((width - module * modules.size) / 2);
  const top = Math.floor((height - module * modules.size) / 2);
  const luma = Buffer.alloc(width * height, 235);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const row = Math.floor((y - top) / module);
      const column = Math.floor((x - left) / module);
      if (row >= 0 && column >= 0 && row < modules.size && column < modules.size && modules.get(row, column))
        luma[y * width + x] = 16;
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  return Buffer.concat([
    Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`),
    Buffer.from("FRAME\n"),
    luma,
    chroma,
  ]);
}

/** At a laptop's and a phone's size, the page is no wider than the screen; a screenshot of each (`<name>-<width>`). */
async function fitsLaptopAndPhone(e2e: E2e, page: Page, name: string): Promise<void> {
  for (const size of [VIEWPORTS.laptop, VIEWPORTS.phone]) {
    await page.setViewportSize(size);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(size.width);
    await e2e.screenshot(page, `${name}-${size.width}`);
  }
}

/** Connects, signs in and unlocks, whichever of those this page still needs, until `done` shows. */
async function signInWherever(page: Page, done: ReturnType<Page["getByTestId"]>): Promise<void> {
  const connect = page.getByRole("button", { name: "Connect EHR Test Wallet" });
  const signIn = page.getByRole("button", { name: "Sign in with your wallet" });
  const unlock = page.getByRole("button", { name: "Unlock my key" });
  for (let step = 0; step < 4; step++) {
    await connect.or(signIn).or(unlock).or(done).first().waitFor({ timeout: 60_000 });
    if (await done.isVisible()) return;
    for (const button of [connect, signIn, unlock]) {
      if (await button.isVisible()) {
        await button.click();
        break;
      }
    }
    await page.waitForTimeout(200);
  }
  await done.waitFor();
}

export function emergencyCardSpecs(e2e: () => E2e): void {
  describe("emergency QR card", () => {
    const kit = specKit(e2e);
    let patientKey: Hex;
    let doctorKey: Hex;
    let patient: Hex;
    let link: string;
    let workDir: string;
    let cameraBrowser: Browser | undefined;

    before(async function () {
      this.timeout(60_000);
      const { stack } = e2e();
      [patientKey, doctorKey] = [generatePrivateKey(), generatePrivateKey()];
      // Funded by the admin with plain transfers (the chain refuses development calls such as anvil_setBalance).
      const admin = createWalletClient({
        account: privateKeyToAccount(devKey(ACCOUNTS.admin)),
        transport: http(stack.chain.url),
      });
      for (const key of [patientKey, doctorKey]) {
        const hash = await admin.sendTransaction({
          to: privateKeyToAccount(key).address,
          value: parseEther("10"),
          chain: null,
        });
        await kit.chain().waitForTransactionReceipt({ hash });
      }
      patient = getAddress(privateKeyToAccount(patientKey).address);
      link = `${new URL(stack.webUrl).origin}/#/emergency-access?patient=${patient}&chainId=${stack.chain.chainId}`;
      await kit.write(devKey(ACCOUNTS.admin), "onboardDoctor", [
        privateKeyToAccount(doctorKey).address,
        1,
        1,
        keccak256(toBytes("E2E-CARD-LIC")),
        "Dr Ines Varga",
        "",
      ]);
      workDir = await mkdtemp(path.join(tmpdir(), "ehr-card-"));
    });
    after(async () => {
      await cameraBrowser?.close().catch(() => undefined);
      if (workDir) await rm(workDir, { recursive: true, force: true });
    });

    it("the patient sees the card with their name, downloads a PNG whose code is the doctor's link, and prints the card alone", async () => {
      const session = await kit.open(patientKey);
      const { page } = session;
      await registerPatientThroughUi(session, PASSPHRASE);
      await nav(page, "General details");
      await page.locator("form.details-form").getByLabel("Full name").fill("Maja Lind");
      await page.getByRole("button", { name: "Save my details" }).click();
      await page.getByText("Your details were saved as a new encrypted record.").waitFor({ timeout: 60_000 });

      await nav(page, "Emergency access");
      const card = page.getByRole("article", { name: "Emergency card" });
      await card.getByText("Maja Lind").waitFor();
      expect(await card.textContent()).to.contain("In an emergency, scan to open my health record (EHR local chain)");
      expect(await page.getByTestId("emergency-card-link").textContent()).to.equal(link);
      // The code on screen says the same.
      expect(decodePng(await card.getByRole("img").screenshot())).to.equal(link);

      const download = page.waitForEvent("download");
      await page.getByRole("button", { name: "Save as picture" }).click();
      const saved = await download;
      expect(saved.suggestedFilename()).to.equal("emergency-card.png");
      const png = await readFile(await saved.path());
      expect([...png.subarray(0, 8)]).to.deep.equal([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      await writeFile(path.join(__dirname, "../../test-results/emergency-card-download.png"), png);
      expect(decodePng(png)).to.equal(link);

      // Printing shows the card and nothing else of the page.
      await page.emulateMedia({ media: "print" });
      expect(await card.isVisible()).to.equal(true);
      expect(await page.getByRole("heading", { level: 1 }).isVisible()).to.equal(false);
      expect(await page.getByRole("button", { name: "Print" }).isVisible()).to.equal(false);
      await e2e().screenshot(page, "emergency-card-print");
      await page.emulateMedia({ media: "screen" });

      await fitsLaptopAndPhone(e2e(), page, "emergency-card-patient");
    });

    it("a doctor opens the card's link before signing in and lands with the patient filled in; another chain's link is refused", async () => {
      const session = await kit.open(doctorKey);
      await doctorWithKeyThroughUi(session, PASSPHRASE);
      // A new tab opened from the card: not signed in yet in it.
      const page = await session.context.newPage();
      await page.goto(link);
      const fromCard = page.getByTestId("card-patient");
      await signInWherever(page, fromCard);
      expect(await fromCard.textContent()).to.equal(
        `From the card: Patient ${patient.slice(0, 6)}…${patient.slice(-4)}`,
      );
      expect(await page.getByLabel("Find a patient").inputValue()).to.equal(patient);
      await page.getByRole("button", { name: "Open emergency access" }).waitFor();
      // What concerns this patient comes first, under the page's heading; the reader and the search after it.
      expect((await page.locator("main h2").allTextContents()).slice(0, 3)).to.deep.equal([
        `Open emergency access to Patient ${patient.slice(0, 6)}…${patient.slice(-4)}`,
        "Another patient",
        "From the patient's emergency card",
      ]);
      await fitsLaptopAndPhone(e2e(), page, "emergency-card-doctor");

      // A card from another chain, pasted: refused, and no patient is taken from it.
      const field = page.getByLabel("Link from the card");
      await field.fill(link.replace(/chainId=\d+/, "chainId=1"));
      await page.getByRole("button", { name: "Use this link" }).click();
      const alert = page.locator(".card-reader .ui-field-error");
      expect(await alert.textContent()).to.equal(
        `This card was made for another network (chain id 1), not for EHR local chain (chain id ${e2e().stack.chain.chainId}): it cannot open a record here.`,
      );
      expect(await fromCard.count()).to.equal(0);
      // The same card opened as a link; then a damaged address.
      await page.goto(link.replace(/chainId=\d+/, "chainId=5"));
      await alert.getByText("chain id 5").waitFor();
      await field.fill(link.replace(patient, patient.slice(0, -1)));
      await page.getByRole("button", { name: "Use this link" }).click();
      expect(await alert.textContent()).to.equal(
        "The card's patient address is not valid: the link is damaged or was mistyped. Scan the card again or copy the whole link.",
      );
      await e2e().screenshot(page, "emergency-card-doctor-refused");
    });

    it("a doctor scans the card with the camera (a fake camera playing the code), and a refused camera reads as one sentence", async function () {
      this.timeout(150_000);
      const video = path.join(workDir, "card.y4m");
      await writeFile(video, qrVideo(link));
      cameraBrowser = await chromium.launch({
        executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
        args: [...CHROMIUM_ARGS, "--use-fake-device-for-media-stream", `--use-file-for-fake-video-capture=${video}`],
      });
      const withCamera = makeE2e(e2e().stack, cameraBrowser);
      const origin = new URL(e2e().stack.webUrl).origin;

      const allowed = await withCamera.open(doctorKey);
      await allowed.context.grantPermissions(["camera"], { origin });
      await doctorWithKeyThroughUi(allowed, PASSPHRASE);
      await nav(allowed.page, "Emergency access");
      await allowed.page.getByRole("button", { name: "Scan a card" }).click();
      const fromCard = allowed.page.getByTestId("card-patient");
      await fromCard.waitFor({ timeout: 30_000 });
      expect(await fromCard.textContent()).to.equal(
        `From the card: Patient ${patient.slice(0, 6)}…${patient.slice(-4)}`,
      );
      expect(await allowed.page.getByLabel("Find a patient").inputValue()).to.equal(patient);
      // The page's address now holds the card, so a reload lands on the same patient.
      expect(new URL(allowed.page.url()).hash).to.equal(new URL(link).hash);

      const refused = await withCamera.open(doctorKey);
      await refused.context.grantPermissions([], { origin });
      await doctorWithKeyThroughUi(refused, PASSPHRASE);
      await nav(refused.page, "Emergency access");
      await refused.page.getByRole("button", { name: "Scan a card" }).click();
      const error = refused.page.getByTestId("camera-error");
      await error.waitFor();
      expect(await error.textContent()).to.equal(
        "The camera was not allowed. Allow it in your browser's settings for this site, or paste the card's link below.",
      );
      expect(await refused.page.getByRole("button", { name: "Scan a card" }).isVisible()).to.equal(true);
      await withCamera.screenshot(refused.page, "emergency-card-camera-refused");
    });
  });
}
