import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { baseFixture, Category, recordInput } from "./helpers";

describe("smoke", () => {
  it("deploys and lets a patient add a record", async () => {
    const { core, patient } = await loadFixture(baseFixture);
    await expect(core.connect(patient).addRecord(patient.address, recordInput(Category.ClinicalNotes))).to.emit(
      core,
      "RecordAdded",
    );
    expect(await core.recordCount(patient.address)).to.equal(1n);
  });
});
