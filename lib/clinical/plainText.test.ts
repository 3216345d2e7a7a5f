import { expect } from "chai";
import { plainObservation } from "./plainText";

describe("plainObservation", () => {
  it("reads blood pressure panels as one reading, whichever order the components come in", () => {
    expect(
      plainObservation(
        "Blood pressure panel with all children optional: Systolic blood pressure: 131 mm[Hg], Diastolic blood pressure: 84 mm[Hg]",
      ),
    ).to.equal("Blood pressure 131/84 mmHg");
    expect(
      plainObservation("Blood Pressure: Diastolic Blood Pressure: 84 mm[Hg], Systolic Blood Pressure: 131 mm[Hg]"),
    ).to.equal("Blood pressure 131/84 mmHg");
  });

  it("writes UCUM units and long LOINC names as words", () => {
    expect(plainObservation("Body temperature: 36.8 Cel")).to.equal("Temperature 36.8 °C");
    expect(plainObservation("Body mass index (BMI) [Ratio]: 22.5 kg/m2")).to.equal("BMI 22.5 kg/m²");
    expect(plainObservation("Heart rate: 72 /min")).to.equal("Heart rate 72 /min");
    expect(plainObservation("Glucose [Mass/volume] in Blood: 95 mg/dL")).to.equal("Blood glucose 95 mg/dL");
    expect(plainObservation("Sodium [Moles/volume] in Serum or Plasma: 140 mmol/L")).to.equal(
      "Sodium in Serum or Plasma 140 mmol/L",
    );
  });

  it("names a bare LOINC code", () => {
    expect(plainObservation("8310-5: 37.2 Cel")).to.equal("Temperature 37.2 °C");
  });

  it("keeps coded answers and text that is not a measurement", () => {
    expect(plainObservation("ABO and Rh group [Type] in Blood: O-")).to.equal("Blood group: O-");
    expect(plainObservation("Chest X-ray clear")).to.equal("Chest X-ray clear");
  });
});
