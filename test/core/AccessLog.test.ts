import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { EhrCore } from "../../typechain-types";
import { DEFAULT_POLICY } from "../../scripts/lib/deploy";
import { AccessBasis, baseFixture, Category, DAY, nextBlockTimestamp, recordInput } from "../helpers";

/** The records of `patient` in the fixture, by index. */
const Record = { Details: 0, Report: 1, Lab: 2, DetailsWithSummary: 3, Unknown: 4 } as const;

/**
 * `patient` has four records (see {Record}); `doctor` holds a grant for reports until
 * `grantExpiresAt`; `doctor2` has an emergency window on `patient` until `emergencyExpiresAt`.
 */
async function accessFixture() {
  const f = await baseFixture();
  const { core, patient, doctor, doctor2 } = f;
  for (const [category, withSummary, seed] of [
    [Category.GeneralDetails, false, "details"],
    [Category.ClinicalNotes, true, "report"],
    [Category.LabResults, false, "lab"],
    [Category.GeneralDetails, true, "details-2"],
  ] as const) {
    await core.connect(patient).addRecord(patient.address, recordInput(category, withSummary, seed));
  }
  const grantExpiresAt = (await time.latest()) + 30 * DAY;
  await core.connect(patient).grantAccess(doctor.address, 1 << Category.ClinicalNotes, grantExpiresAt);
  await core.connect(doctor2).openEmergencyAccess(patient.address, 1, ethers.id("justification"));
  const { expiresAt } = await core.emergencyWindowOf(patient.address, doctor2.address);
  return { ...f, grantExpiresAt, emergencyExpiresAt: Number(expiresAt) };
}

/**
 * Asserts that {accessBasis} answers `basis` for this read and that {logAccess} agrees: it logs
 * the read with that basis, or reverts with {AccessUnauthorized} when the basis is None.
 */
async function expectAccess(
  core: EhrCore,
  patient: HardhatEthersSigner,
  reader: HardhatEthersSigner,
  index: number,
  summaryOnly: boolean,
  basis: bigint,
) {
  const what = `record ${index}${summaryOnly ? " summary" : ""}`;
  expect(await core.accessBasis(patient.address, reader.address, index, summaryOnly), what).to.equal(basis);
  const read = core.connect(reader).logAccess(patient.address, index, summaryOnly);
  if (basis === AccessBasis.None) {
    await expect(read, what)
      .to.be.revertedWithCustomError(core, "AccessUnauthorized")
      .withArgs(patient.address, reader.address, index, summaryOnly);
  } else {
    await expect(read, what)
      .to.emit(core, "RecordAccessed")
      .withArgs(patient.address, reader.address, index, basis, summaryOnly);
  }
}

const REASON = 3;
const JUSTIFICATION = ethers.id("collapsed in the street, allergies unknown");

/** The `RecordAccessed` events of a transaction, in order, as [patient, reader, index, basis, summaryOnly]. */
async function readsLoggedBy(core: EhrCore, tx: Promise<{ wait(): Promise<unknown> }>) {
  const receipt = (await (await tx).wait()) as { logs: { topics: readonly string[]; data: string }[] };
  return receipt.logs
    .map((log) => core.interface.parseLog(log))
    .filter((log) => log?.name === "RecordAccessed")
    .map((log) => [...log!.args]);
}

describe("AccessLog", () => {
  describe("logAccess", () => {
    it("logs a full read and a summary read under a grant covering the category", async () => {
      const { core, patient, doctor } = await loadFixture(accessFixture);
      expect(await core.connect(doctor).logAccess.staticCall(patient.address, Record.Report, false)).to.equal(
        AccessBasis.Grant,
      );
      await expectAccess(core, patient, doctor, Record.Report, false, AccessBasis.Grant);
      await expectAccess(core, patient, doctor, Record.Report, true, AccessBasis.Grant);
    });

    it("refuses records of categories the grant does not cover", async () => {
      const { core, patient, doctor } = await loadFixture(accessFixture);
      await expectAccess(core, patient, doctor, Record.Lab, false, AccessBasis.None);
      await expectAccess(core, patient, doctor, Record.Details, false, AccessBasis.None);
      await expectAccess(core, patient, doctor, Record.DetailsWithSummary, true, AccessBasis.None);
    });

    it("logs a read of general details under an emergency", async () => {
      const { core, patient, doctor2 } = await loadFixture(accessFixture);
      expect(await core.connect(doctor2).logAccess.staticCall(patient.address, Record.Details, false)).to.equal(
        AccessBasis.Emergency,
      );
      await expectAccess(core, patient, doctor2, Record.Details, false, AccessBasis.Emergency);
      await expectAccess(core, patient, doctor2, Record.DetailsWithSummary, false, AccessBasis.Emergency);
    });

    it("logs a read of any existing summary under an emergency", async () => {
      const { core, patient, doctor2 } = await loadFixture(accessFixture);
      await expectAccess(core, patient, doctor2, Record.Report, true, AccessBasis.Emergency);
      await expectAccess(core, patient, doctor2, Record.DetailsWithSummary, true, AccessBasis.Emergency);
    });

    it("refuses a full read of a record other than general details under an emergency", async () => {
      const { core, patient, doctor2 } = await loadFixture(accessFixture);
      await expectAccess(core, patient, doctor2, Record.Report, false, AccessBasis.None);
      await expectAccess(core, patient, doctor2, Record.Lab, false, AccessBasis.None);
    });

    it("refuses a summary read of a record without a summary under an emergency", async () => {
      const { core, patient, doctor2 } = await loadFixture(accessFixture);
      await expectAccess(core, patient, doctor2, Record.Lab, true, AccessBasis.None);
      await expectAccess(core, patient, doctor2, Record.Details, true, AccessBasis.None);
    });

    it("refuses a summary read of a record without a summary even under a covering grant", async () => {
      const { core, patient, doctor } = await loadFixture(accessFixture);
      await core.connect(patient).grantAccess(doctor.address, 0xffffffff, (await time.latest()) + 3600);
      await expectAccess(core, patient, doctor, Record.Lab, true, AccessBasis.None);
      await expectAccess(core, patient, doctor, Record.Lab, false, AccessBasis.Grant);
    });

    it("names the grant, not the emergency, when both allow the read", async () => {
      const { core, patient, doctor } = await loadFixture(accessFixture);
      await core.connect(doctor).openEmergencyAccess(patient.address, 1, ethers.id("justification"));
      await expectAccess(core, patient, doctor, Record.Report, false, AccessBasis.Grant);
      await expectAccess(core, patient, doctor, Record.Report, true, AccessBasis.Grant);
      await expectAccess(core, patient, doctor, Record.Details, false, AccessBasis.Emergency);
    });

    it("refuses once the grant is revoked", async () => {
      const { core, patient, doctor } = await loadFixture(accessFixture);
      await core.connect(patient).revokeAccess(doctor.address);
      await expectAccess(core, patient, doctor, Record.Report, false, AccessBasis.None);
      await expectAccess(core, patient, doctor, Record.Report, true, AccessBasis.None);
    });

    it("allows the grant's last second and refuses from its expiry", async () => {
      const { core, patient, doctor, grantExpiresAt } = await loadFixture(accessFixture);
      await time.setNextBlockTimestamp(grantExpiresAt - 1);
      await expect(core.connect(doctor).logAccess(patient.address, Record.Report, false))
        .to.emit(core, "RecordAccessed")
        .withArgs(patient.address, doctor.address, Record.Report, AccessBasis.Grant, false);
      await time.setNextBlockTimestamp(grantExpiresAt);
      await expect(core.connect(doctor).logAccess(patient.address, Record.Report, false))
        .to.be.revertedWithCustomError(core, "AccessUnauthorized")
        .withArgs(patient.address, doctor.address, Record.Report, false);
      // The refused read mined the block at the expiry: the views now answer as of then.
      expect(await time.latest()).to.equal(grantExpiresAt);
      await expectAccess(core, patient, doctor, Record.Report, true, AccessBasis.None);
    });

    it("refuses once the emergency window has expired", async () => {
      const { core, patient, doctor2, emergencyExpiresAt } = await loadFixture(accessFixture);
      await time.setNextBlockTimestamp(emergencyExpiresAt - 1);
      await expect(core.connect(doctor2).logAccess(patient.address, Record.Details, false))
        .to.emit(core, "RecordAccessed")
        .withArgs(patient.address, doctor2.address, Record.Details, AccessBasis.Emergency, false);
      await time.increaseTo(emergencyExpiresAt);
      await expectAccess(core, patient, doctor2, Record.Details, false, AccessBasis.None);
      await expectAccess(core, patient, doctor2, Record.Report, true, AccessBasis.None);
    });

    it("refuses an emergency read once the patient opts out", async () => {
      const { core, patient, doctor2 } = await loadFixture(accessFixture);
      await core.connect(patient).setEmergencyOptOut(true);
      await expectAccess(core, patient, doctor2, Record.Details, false, AccessBasis.None);
      await expectAccess(core, patient, doctor2, Record.Report, true, AccessBasis.None);
    });

    it("refuses a suspended doctor, under a grant or an emergency", async () => {
      const { core, admin, patient, doctor, doctor2 } = await loadFixture(accessFixture);
      await core.connect(admin).suspendDoctor(doctor.address, 1);
      await core.connect(admin).suspendDoctor(doctor2.address, 1);
      await expectAccess(core, patient, doctor, Record.Report, false, AccessBasis.None);
      await expectAccess(core, patient, doctor2, Record.Details, false, AccessBasis.None);
      await expectAccess(core, patient, doctor2, Record.Report, true, AccessBasis.None);
    });

    it("refuses an index past the patient's records, and an unregistered patient", async () => {
      const { core, patient, doctor, doctor2, stranger } = await loadFixture(accessFixture);
      await expectAccess(core, patient, doctor, Record.Unknown, false, AccessBasis.None);
      await expectAccess(core, patient, doctor2, Record.Unknown, true, AccessBasis.None);
      await expectAccess(core, stranger, doctor, 0, false, AccessBasis.None);
    });

    it("refuses the patient and a stranger as readers", async () => {
      const { core, patient, stranger } = await loadFixture(accessFixture);
      await expectAccess(core, patient, patient, Record.Report, false, AccessBasis.None);
      await expectAccess(core, patient, stranger, Record.Details, false, AccessBasis.None);
    });

    it("refuses while paused, even a read a grant allows", async () => {
      const { core, admin, patient, doctor, doctor2 } = await loadFixture(accessFixture);
      await core.connect(admin).pause();
      for (const [reader, index] of [
        [doctor, Record.Report],
        [doctor2, Record.Details],
      ] as const) {
        await expect(core.connect(reader).logAccess(patient.address, index, false)).to.be.revertedWithCustomError(
          core,
          "EnforcedPause",
        );
      }
      await core.connect(admin).unpause();
      await expectAccess(core, patient, doctor, Record.Report, false, AccessBasis.Grant);
    });
  });

  describe("openEmergencyAccessAndLog", () => {
    it("opens the window and logs the card's reads in one transaction", async () => {
      const { core, patient, doctor } = await loadFixture(accessFixture);
      const indexes = [Record.DetailsWithSummary, Record.Details, Record.Report];
      expect(
        await core
          .connect(doctor)
          .openEmergencyAccessAndLog.staticCall(patient.address, REASON, JUSTIFICATION, indexes),
      ).to.equal(2n);
      const t = await nextBlockTimestamp();
      const tx = core.connect(doctor).openEmergencyAccessAndLog(patient.address, REASON, JUSTIFICATION, indexes);
      await expect(tx)
        .to.emit(core, "EmergencyAccessOpened")
        .withArgs(2, patient.address, doctor.address, REASON, JUSTIFICATION, t + DEFAULT_POLICY.emergencyWindow);
      // General details in full, any other record's summary; a covering grant is named as the basis.
      expect(await readsLoggedBy(core, tx)).to.deep.equal([
        [patient.address, doctor.address, BigInt(Record.DetailsWithSummary), AccessBasis.Emergency, false],
        [patient.address, doctor.address, BigInt(Record.Details), AccessBasis.Emergency, false],
        [patient.address, doctor.address, BigInt(Record.Report), AccessBasis.Grant, true],
      ]);
      expect(await core.hasEmergencyAccess(patient.address, doctor.address)).to.equal(true);
      expect(await core.emergencyWindowOf(patient.address, doctor.address)).to.deep.equal([
        BigInt(t),
        BigInt(t + DEFAULT_POLICY.emergencyWindow),
        2n,
        ethers.dataSlice(JUSTIFICATION, 0, 9),
      ]);
    });

    it("opens with no reads when the patient has nothing to read", async () => {
      const { core, patient, doctor } = await loadFixture(accessFixture);
      await expect(core.connect(doctor).openEmergencyAccessAndLog(patient.address, REASON, JUSTIFICATION, []))
        .to.emit(core, "EmergencyAccessOpened")
        .and.not.to.emit(core, "RecordAccessed");
    });

    it("is reviewed by the admin like any emergency access", async () => {
      const { core, admin, patient, doctor } = await loadFixture(accessFixture);
      await core.connect(doctor).openEmergencyAccessAndLog(patient.address, REASON, JUSTIFICATION, [Record.Details]);
      await expect(core.connect(admin).reviewEmergencyAccess(2, true, ethers.id("notes")))
        .to.emit(core, "EmergencyAccessReviewed")
        .withArgs(2, admin.address, true, ethers.id("notes"));
      expect(await core.isEmergencyReviewed(2)).to.equal(true);
    });

    it("refuses a record the window does not cover, and opens nothing", async () => {
      const { core, patient, doctor } = await loadFixture(accessFixture);
      await expect(
        core
          .connect(doctor)
          .openEmergencyAccessAndLog(patient.address, REASON, JUSTIFICATION, [Record.Details, Record.Lab]),
      )
        .to.be.revertedWithCustomError(core, "AccessUnauthorized")
        .withArgs(patient.address, doctor.address, Record.Lab, true);
      await expect(
        core.connect(doctor).openEmergencyAccessAndLog(patient.address, REASON, JUSTIFICATION, [Record.Unknown]),
      )
        .to.be.revertedWithCustomError(core, "AccessUnauthorized")
        .withArgs(patient.address, doctor.address, Record.Unknown, false);
      expect(await core.emergencyCount()).to.equal(1n);
      expect(await core.hasEmergencyAccess(patient.address, doctor.address)).to.equal(false);
    });

    it("refuses without a reason code or a justification", async () => {
      const { core, patient, doctor } = await loadFixture(accessFixture);
      for (const [reason, justification] of [
        [0, JUSTIFICATION],
        [REASON, ethers.ZeroHash],
      ] as const) {
        await expect(
          core.connect(doctor).openEmergencyAccessAndLog(patient.address, reason, justification, [Record.Details]),
        ).to.be.revertedWithCustomError(core, "EmergencyJustificationMissing");
      }
      expect(await core.emergencyCount()).to.equal(1n);
    });

    it("refuses a suspended doctor and callers who are not doctors", async () => {
      const { core, admin, patient, doctor, stranger } = await loadFixture(accessFixture);
      await expect(
        core.connect(stranger).openEmergencyAccessAndLog(patient.address, REASON, JUSTIFICATION, [Record.Details]),
      )
        .to.be.revertedWithCustomError(core, "DoctorUnknown")
        .withArgs(stranger.address);
      await core.connect(admin).suspendDoctor(doctor.address, 1);
      await expect(
        core.connect(doctor).openEmergencyAccessAndLog(patient.address, REASON, JUSTIFICATION, [Record.Details]),
      )
        .to.be.revertedWithCustomError(core, "DoctorSuspended")
        .withArgs(doctor.address);
      expect(await core.emergencyCount()).to.equal(1n);
    });

    it("refuses a patient who opted out, and an unregistered one", async () => {
      const { core, patient, doctor, stranger } = await loadFixture(accessFixture);
      await expect(core.connect(doctor).openEmergencyAccessAndLog(stranger.address, REASON, JUSTIFICATION, []))
        .to.be.revertedWithCustomError(core, "PatientUnknown")
        .withArgs(stranger.address);
      await core.connect(patient).setEmergencyOptOut(true);
      await expect(
        core.connect(doctor).openEmergencyAccessAndLog(patient.address, REASON, JUSTIFICATION, [Record.Details]),
      )
        .to.be.revertedWithCustomError(core, "EmergencyOptedOut")
        .withArgs(patient.address);
    });

    it("refuses a second window while one is open", async () => {
      const { core, patient, doctor2, emergencyExpiresAt } = await loadFixture(accessFixture);
      await expect(
        core.connect(doctor2).openEmergencyAccessAndLog(patient.address, REASON, JUSTIFICATION, [Record.Details]),
      )
        .to.be.revertedWithCustomError(core, "EmergencyAlreadyOpen")
        .withArgs(patient.address, doctor2.address, emergencyExpiresAt);
    });

    it("refuses while paused", async () => {
      const { core, admin, patient, doctor } = await loadFixture(accessFixture);
      await core.connect(admin).pause();
      await expect(
        core.connect(doctor).openEmergencyAccessAndLog(patient.address, REASON, JUSTIFICATION, [Record.Details]),
      ).to.be.revertedWithCustomError(core, "EnforcedPause");
      expect(await core.emergencyCount()).to.equal(1n);
    });
  });

  describe("logEmergencyReads", () => {
    it("logs the card's reads under an open window in one transaction", async () => {
      const { core, patient, doctor2 } = await loadFixture(accessFixture);
      const tx = core.connect(doctor2).logEmergencyReads(patient.address, [Record.Details, Record.Report]);
      expect(await readsLoggedBy(core, tx)).to.deep.equal([
        [patient.address, doctor2.address, BigInt(Record.Details), AccessBasis.Emergency, false],
        [patient.address, doctor2.address, BigInt(Record.Report), AccessBasis.Emergency, true],
      ]);
    });

    it("refuses the whole batch when one record is not covered", async () => {
      const { core, patient, doctor2 } = await loadFixture(accessFixture);
      await expect(core.connect(doctor2).logEmergencyReads(patient.address, [Record.Details, Record.Lab]))
        .to.be.revertedWithCustomError(core, "AccessUnauthorized")
        .withArgs(patient.address, doctor2.address, Record.Lab, true);
    });

    it("refuses once the window has expired, and a suspended doctor", async () => {
      const { core, admin, patient, doctor2, emergencyExpiresAt } = await loadFixture(accessFixture);
      await time.increaseTo(emergencyExpiresAt);
      await expect(core.connect(doctor2).logEmergencyReads(patient.address, [Record.Details]))
        .to.be.revertedWithCustomError(core, "AccessUnauthorized")
        .withArgs(patient.address, doctor2.address, Record.Details, false);
      await core.connect(doctor2).openEmergencyAccess(patient.address, REASON, JUSTIFICATION);
      await core.connect(admin).suspendDoctor(doctor2.address, 1);
      await expect(core.connect(doctor2).logEmergencyReads(patient.address, [Record.Report]))
        .to.be.revertedWithCustomError(core, "AccessUnauthorized")
        .withArgs(patient.address, doctor2.address, Record.Report, true);
    });

    it("refuses while paused", async () => {
      const { core, admin, patient, doctor2 } = await loadFixture(accessFixture);
      await core.connect(admin).pause();
      await expect(
        core.connect(doctor2).logEmergencyReads(patient.address, [Record.Details]),
      ).to.be.revertedWithCustomError(core, "EnforcedPause");
    });
  });

  describe("accessBasis", () => {
    it("answers None while paused, as logAccess would revert", async () => {
      const { core, admin, patient, doctor, doctor2 } = await loadFixture(accessFixture);
      await core.connect(admin).pause();
      expect(await core.accessBasis(patient.address, doctor.address, Record.Report, false)).to.equal(AccessBasis.None);
      expect(await core.accessBasis(patient.address, doctor2.address, Record.Details, false)).to.equal(
        AccessBasis.None,
      );
      // The consent itself still holds; only reading waits for the pause to end.
      expect(await core.isAuthorized(patient.address, doctor.address, Category.ClinicalNotes)).to.equal(true);
    });
  });
});
