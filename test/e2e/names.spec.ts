/**
 * People by name: a patient with general details gives a doctor access through the dApp, which
 * shares her name card (name and date of birth, sealed to that doctor). The doctor then finds her
 * by name in the patient picker (part of the name typed, then the arrow keys and Enter) and sees her
 * by name, with her age, under My patients; a doctor she did not share with does not see her name,
 * and her address pasted into the picker still opens her chart. Registered by run.ts.
 */
import { expect } from "chai";
import { doctorWithKeyThroughUi, nav, specKit, type E2e } from "./context";
import { newPatient, onboardDoctor, saveGeneralDetails } from "./steps";

const PASSPHRASE = "names spec passphrase 2026";
const DOCTOR_NAME = "Dr Ines Moreau";
const PATIENT_NAME = "Grace Okonkwo";

export function namesSpecs(e2e: () => E2e): void {
  const kit = specKit(e2e);

  describe("people by name", () => {
    it("shares the patient's name card on a grant; the doctor finds and sees her by name", async () => {
      const { address: patient, session: p } = await newPatient(e2e, kit, PASSPHRASE);
      await saveGeneralDetails(p.page, PATIENT_NAME, "1980-06-15");
      const doctor = await onboardDoctor(e2e, kit, DOCTOR_NAME);
      const d = await kit.open(doctor.key);
      await doctorWithKeyThroughUi(d, PASSPHRASE);

      // The patient gives access through the form, which says the name card goes with it.
      await nav(p.page, "Sharing");
      await p.page.getByText(/Giving access also shares your name and date of birth/).waitFor();
      await p.page.getByLabel("Doctor", { exact: true }).selectOption(doctor.address);
      await p.page.getByLabel("Clinical notes and reports", { exact: true }).check();
      await p.page.getByRole("button", { name: "Give access" }).click();
      await p.page.getByText("Access given. The doctor now knows you by name.").waitFor();
      await e2e().screenshot(p.page, "names-01-granted");

      // The doctor finds her by name, with her age, and the address only behind it.
      const age =
        new Date().getUTCFullYear() - 1980 - (new Date() < new Date(`${new Date().getUTCFullYear()}-06-15`) ? 1 : 0);
      await nav(d.page, "Patient chart");
      const picker = d.page.getByRole("combobox", { name: "Find a patient" });
      await picker.waitFor();
      await e2e().screenshot(d.page, "names-02a-picker-before");
      // Part of her name narrows the list to her, "Name, age", the address only as the second line.
      await picker.pressSequentially("okonk");
      const options = d.page.getByRole("listbox").getByRole("option");
      const her = options.filter({ hasText: `${PATIENT_NAME}, ${age}` });
      await her.waitFor();
      expect(await options.count()).to.equal(1);
      expect(await her.textContent()).to.contain(`${patient.slice(0, 6)}…${patient.slice(-4)}`);
      await picker.fill("nobody");
      await d.page.getByRole("listbox").getByText("No patient matches “nobody”.").waitFor();
      await e2e().screenshot(d.page, "names-02-picker");
      // At phone size the open list fits under the field.
      await d.page.setViewportSize({ width: 390, height: 844 });
      await picker.fill("okonk");
      await her.waitFor();
      await e2e().screenshot(d.page, "names-02c-picker-phone");
      await d.page.setViewportSize({ width: 1280, height: 800 });
      // The arrow keys and Enter pick her: the field reads her name and her chart opens.
      await picker.fill("");
      await picker.pressSequentially("grace");
      await her.waitFor();
      await picker.press("ArrowDown");
      await picker.press("Enter");
      await d.page.waitForURL(new RegExp(`#/chart/${patient}$`, "i"));
      expect(await picker.inputValue()).to.equal(`${PATIENT_NAME}, ${age}`);
      await e2e().screenshot(d.page, "names-02b-picked");

      await nav(d.page, "My patients");
      const row = d.page
        .getByRole("list", { name: "Patients" })
        .getByRole("listitem")
        .filter({ hasText: PATIENT_NAME });
      await row.waitFor();
      expect(await row.textContent()).to.contain(`${PATIENT_NAME}, ${age}`);
      await row.getByText("Technical details").click();
      await row.getByText(patient).waitFor();
      await e2e().screenshot(d.page, "names-03-my-patients");
      // "Open chart" gives the chart her address: the search field reads her name, not the address.
      await row.getByRole("link", { name: "Open chart" }).click();
      await d.page.waitForURL(new RegExp(`#/chart/${patient}$`, "i"));
      const field = d.page.getByRole("combobox", { name: "Find a patient" });
      // The name comes once her card is opened in the browser: until then the field holds the address.
      for (let tries = 0; (await field.inputValue()) !== `${PATIENT_NAME}, ${age}` && tries < 75; tries++) {
        await d.page.waitForTimeout(200);
      }
      expect(await field.inputValue()).to.equal(`${PATIENT_NAME}, ${age}`);
      // So does the doctor's list of whom to write to.
      await nav(d.page, "Messages");
      const who = d.page.getByLabel("Patient", { exact: true });
      await who.locator("option", { hasText: `${PATIENT_NAME}, ${age}` }).waitFor({ state: "attached" });

      // A doctor she did not share with finds nobody by name.
      const other = await onboardDoctor(e2e, kit, "Dr Not Shared");
      const o = await kit.open(other.key);
      await doctorWithKeyThroughUi(o, PASSPHRASE);
      await nav(o.page, "Patient chart");
      const otherPicker = o.page.getByRole("combobox", { name: "Find a patient" });
      await otherPicker.waitFor();
      expect(await o.page.getByText(PATIENT_NAME).count()).to.equal(0);
      // Her address, pasted, still opens her chart (Enter): refused there, as he has no grant.
      await otherPicker.fill(patient);
      expect(await o.page.getByRole("listbox").count()).to.equal(0);
      await otherPicker.press("Enter");
      await o.page.waitForURL(new RegExp(`#/chart/${patient}$`, "i"));
    });
  });
}
