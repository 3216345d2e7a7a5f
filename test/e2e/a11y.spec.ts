/**
 * Accessibility and screenshots (issue 16): every page of the patient's and the doctor's navigation,
 * at a laptop (1366x768) and a phone (390x844) size, checked by axe-core (WCAG 2 A and AA rules and
 * axe's best practices) in the real Chromium against the real stack. One patient with a record (their
 * general details) who has granted access to one new doctor; the doctor's chart shows that patient.
 * Writes test-results/a11y.json ([{page, role, viewport, violations: [{id, impact, help, targets}]}])
 * and a full-page screenshot of each page at each size (test-results/a11y-<role>-<page>-<size>.png).
 * Fails when any violation is serious or critical, naming the rule, the page and the elements (a
 * seeded image with no text alternative checks that such a violation is reported).
 * Registered by run.ts.
 */
import { expect } from "chai";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { Category, categoryMask } from "../../lib/categories";
import { doctorWithKeyThroughUi, specKit, type E2e, type Session } from "./context";
import { newPatient, onboardDoctor, openChart, saveGeneralDetails, VIEWPORTS } from "./steps";

const PASSPHRASE = "a11y spec passphrase 2026";
const RESULTS = path.resolve(__dirname, "../../test-results");
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const AXE_TAGS = ["wcag2a", "wcag2aa", "best-practice"];
const BLOCKING = new Set(["serious", "critical"]);

type Role = "patient" | "doctor";
type ViewportName = keyof typeof VIEWPORTS;

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  /** The CSS selectors of the offending elements. */
  targets: string[];
}
interface PageResult {
  page: string;
  role: Role;
  viewport: ViewportName;
  violations: Violation[];
}

/** A page of a role's navigation: its name in the results, its hash path, and what to do once there. */
interface PageVisit {
  name: string;
  path: string;
  /** Brings the page to the state worth checking (e.g. a patient's chart opened). */
  prepare?: (page: Page) => Promise<void>;
}

const PATIENT_PAGES: PageVisit[] = [
  { name: "home", path: "/" },
  { name: "details", path: "/details" },
  { name: "records", path: "/records" },
  { name: "upload", path: "/upload" },
  {
    // Details without a weight: no chart, and no count of records "with measurements" that has none.
    name: "trends",
    path: "/trends",
    prepare: async (page) => {
      await page.getByText(/^No measurements to chart yet/).waitFor({ timeout: 60_000 });
      expect(await page.getByText(/^Based on /).count()).to.equal(0);
    },
  },
  { name: "export", path: "/export" },
  { name: "emergency-card", path: "/emergency" },
  { name: "doctors", path: "/doctors" },
  { name: "appointments", path: "/appointments" },
  { name: "sharing", path: "/sharing" },
  {
    // The grant form refused (no doctor, no category): problems beside their fields.
    name: "sharing-errors",
    path: "/sharing",
    prepare: async (page) => {
      await page.getByRole("button", { name: "Give access" }).click();
      await page.getByText("Choose a doctor.").waitFor();
    },
  },
  { name: "activity", path: "/activity" },
  { name: "inbox", path: "/inbox" },
  { name: "messages", path: "/messages" },
];

/** The doctor's pages; the chart is opened on the patient (built in `before`). */
const doctorPages = (patient: string): PageVisit[] => [
  { name: "home", path: "/" },
  { name: "appointments", path: "/appointments" },
  { name: "office-hours", path: "/office-hours" },
  { name: "patients", path: "/patients" },
  { name: "request-access", path: `/request-access/${patient}` },
  {
    name: "chart",
    path: "/chart",
    prepare: async (page) => {
      await openChart(page, patient as `0x${string}`);
      await page.getByRole("heading", { name: "Record 1: General details" }).waitFor();
    },
  },
  {
    // The patient picker with its list open: react-aria hides the rest of the page from screen
    // readers, and it must leave nothing hidden that Tab can still reach (aria-hidden-focus).
    name: "chart-picker-open",
    path: "/chart",
    prepare: async (page) => {
      // The chart visit left this patient's address in the field: cleared, the list offers everyone.
      const field = page.getByRole("combobox", { name: "Find a patient" });
      await field.fill("");
      await field.press("ArrowDown");
      await page.getByRole("listbox").waitFor();
    },
  },
  { name: "upload-report", path: "/upload" },
  { name: "forms", path: "/forms" },
  {
    // A form refused with two problems: the error summary at the top, each message beside its field.
    name: "forms-errors",
    path: "/forms",
    prepare: async (page) => {
      await page.getByLabel("Find a patient").fill(patient);
      await page.getByRole("button", { name: "Choose patient" }).click();
      await page.getByLabel("Weight (kg)").fill("700");
      await page.getByLabel("Pulse (beats per minute)").fill("5");
      await page.getByRole("button", { name: "Save the form" }).click();
      await page.getByRole("heading", { name: "There are 2 problems: nothing was saved" }).waitFor();
    },
  },
  { name: "emergency-access", path: "/emergency-access" },
  { name: "audit", path: "/audit" },
  { name: "inbox", path: "/inbox" },
  { name: "messages", path: "/messages" },
];

/**
 * Shows the page at `path` (hash route, no reload) and waits until it has settled: its own heading in
 * place of the loading placeholder, and no status line still saying it is reading (ends with "…").
 */
async function show(page: Page, visit: PageVisit): Promise<void> {
  await page.evaluate((to) => {
    window.location.hash = to;
  }, visit.path);
  const main = page.locator("main");
  await main.locator("h1").and(page.locator(":not(.visually-hidden)")).first().waitFor();
  await visit.prepare?.(page);
  await page
    .waitForFunction(
      () =>
        ![...document.querySelectorAll('[role="status"]')].some((el) => el.textContent?.trim().endsWith("…")) &&
        !document.querySelector("main h1.visually-hidden"),
      undefined,
      { timeout: 15_000 },
    )
    .catch(() => undefined); // a page that keeps a status line is checked as it is
  await page.waitForTimeout(300);
}

/** Runs axe-core on the page (injected once per document) and resolves with its violations. */
async function axeViolations(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: typeof import("axe-core") }).axe;
    const result = await axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(" ")),
    }));
  }, AXE_TAGS);
}

/** A readable line per serious or critical violation. */
function blocking(results: PageResult[]): string[] {
  return results.flatMap((r) =>
    r.violations
      .filter((v) => v.impact && BLOCKING.has(v.impact))
      .map((v) => `${r.role} ${r.page} (${r.viewport}): ${v.id} [${v.impact}] ${v.help} at ${v.targets.join(", ")}`),
  );
}

export function a11ySpecs(e2e: () => E2e): void {
  describe("a11y: every page of both roles at laptop and phone size", () => {
    const kit = specKit(e2e);
    const results: PageResult[] = [];
    let patient: Session;
    let doctor: Session;
    let patientAddress: string;

    before(async function () {
      this.timeout(240_000);
      const p = await newPatient(e2e, kit, PASSPHRASE);
      patient = p.session;
      patientAddress = p.address;
      await saveGeneralDetails(patient.page, "Ada Lovelace", "1985-12-10");
      const d = await onboardDoctor(e2e, kit, "Dr Alma Axe");
      const { timestamp } = await kit.chain().getBlock();
      await kit.write(p.key, "grantAccess", [
        d.address,
        categoryMask([Category.GeneralDetails, Category.ClinicalNotes]),
        Number(timestamp) + 7 * 86_400,
      ]);
      doctor = await kit.open(d.key);
      await doctorWithKeyThroughUi(doctor, PASSPHRASE);
    });
    after(() => {
      if (results.length) writeFileSync(path.join(RESULTS, "a11y.json"), `${JSON.stringify(results, null, 2)}\n`);
    });

    const check = async (role: Role, session: Session, pages: PageVisit[]) => {
      const mine: PageResult[] = [];
      for (const viewport of Object.keys(VIEWPORTS) as ViewportName[]) {
        await session.page.setViewportSize(VIEWPORTS[viewport]);
        for (const visit of pages) {
          await show(session.page, visit);
          const result = { page: visit.name, role, viewport, violations: await axeViolations(session.page) };
          mine.push(result);
          results.push(result);
          await e2e().screenshot(session.page, `a11y-${role}-${visit.name}-${viewport}`);
        }
        if (viewport === "phone") {
          // Every bottom-bar label whole ("Appointments" was cut to "Appointm…" at 390 px).
          const cut = await session.page.$$eval(".nav-bar a, .nav-bar button, .nav-bar .nav-label", (items) =>
            items.filter((item) => item.scrollWidth > item.clientWidth + 1).map((item) => item.textContent),
          );
          expect(cut, `${role}: bottom-bar labels cut short`).to.deep.equal([]);
        }
      }
      const problems = blocking(mine);
      if (problems.length)
        console.log(`\n  Serious or critical accessibility violations:\n    ${problems.join("\n    ")}`);
      expect(problems, "serious or critical accessibility violations").to.deep.equal([]);
      // Headings do not skip a level (moderate, but it was found on Doctors and My patients: h1 -> h3).
      const skipped = mine.filter((r) => r.violations.some((v) => v.id === "heading-order"));
      expect(
        skipped.map((r) => `${r.page} (${r.viewport})`),
        "pages whose headings skip a level",
      ).to.deep.equal([]);
    };

    it("reports a seeded critical violation (an image with no text alternative) as blocking", async () => {
      const { page } = patient;
      await show(page, PATIENT_PAGES[0]);
      await page.evaluate(() => {
        const image = Object.assign(document.createElement("img"), {
          id: "seeded",
          src: "data:image/gif;base64,R0lGODlhAQABAAAAACw=",
        });
        document.querySelector("main")?.append(image);
      });
      const violations = await axeViolations(page).finally(() =>
        page.evaluate(() => document.getElementById("seeded")?.remove()),
      );
      const lines = blocking([{ page: "home", role: "patient", viewport: "laptop", violations }]);
      expect(lines).to.have.length(1);
      expect(lines[0]).to.match(/^patient home \(laptop\): image-alt \[critical\] .* at #seeded$/);
    });

    it("the patient's pages have no serious or critical violation", async function () {
      this.timeout(300_000);
      await check("patient", patient, PATIENT_PAGES);
    });

    it("the doctor's pages have no serious or critical violation", async function () {
      this.timeout(300_000);
      await check("doctor", doctor, doctorPages(patientAddress));
    });
  });
}
