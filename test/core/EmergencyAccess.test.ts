import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { EhrCore } from "../../typechain-types";
import { DEFAULT_POLICY } from "../../scripts/lib/deploy";
import { baseFixture, deployFixture, newEncryptionKey, nextBlockTimestamp } from "../helpers";

const WINDOW = DEFAULT_POLICY.emergencyWindow;
const REASON = 7;
const JUSTIFICATION = ethers.id("unconscious on arrival, allergies unknown");
const NOTES = ethers.id("review notes");

/** `doctor` opened emergency 1 on `patient`; it runs from `openedAt` to `expiresAt`. */
async function openFixture() {
  const f = await baseFixture();
  const openedAt = await nextBlockTimestamp();
  await f.core.connect(f.doctor).openEmergencyAccess(f.patient.address, REASON, JUSTIFICATION);
  return { ...f, openedAt, expiresAt: openedAt + WINDOW };
}

/**
 * A one-second emergency window, so that one doctor can open emergency after emergency on one
 * patient: each window has closed by the next block.
 */
async function oneSecondWindowFixture() {
  const f = await deployFixture({ policy: { emergencyWindow: 1 } });
  const { core, admin, hospitalAccount, doctor, patient } = f;
  await core.connect(admin).addHospital(hospitalAccount.address, "St Mary");
  await core.connect(admin).onboardDoctor(doctor.address, 1, 100, ethers.id("licence"), "Dr", "ipfs://profile");
  await core.connect(patient).registerPatient(newEncryptionKey().publicKey, ethers.id("backup"));
  return f;
}

async function windowOf(core: EhrCore, patient: string, doctor: string) {
  const { openedAt, expiresAt, id } = await core.emergencyWindowOf(patient, doctor);
  return { openedAt, expiresAt, id };
}

describe("EmergencyAccess", () => {
  describe("openEmergencyAccess", () => {
    it("opens a window of the policy's length, numbered from 1", async () => {
      const { core, patient, doctor } = await loadFixture(baseFixture);
      const t = await nextBlockTimestamp();
      await expect(core.connect(doctor).openEmergencyAccess(patient.address, REASON, JUSTIFICATION))
        .to.emit(core, "EmergencyAccessOpened")
        .withArgs(1, patient.address, doctor.address, REASON, JUSTIFICATION, t + WINDOW);
      expect(await core.emergencyCount()).to.equal(1n);
      expect(await windowOf(core, patient.address, doctor.address)).to.deep.equal({
        openedAt: BigInt(t),
        expiresAt: BigInt(t + WINDOW),
        id: 1n,
      });
      expect(await core.hasEmergencyAccess(patient.address, doctor.address)).to.equal(true);
    });

    it("returns the id and counts emergencies across patients and doctors", async () => {
      const { core, patient, patient2, doctor, doctor2 } = await loadFixture(openFixture);
      expect(
        await core.connect(doctor2).openEmergencyAccess.staticCall(patient.address, REASON, JUSTIFICATION),
      ).to.equal(2n);
      const t2 = await nextBlockTimestamp();
      await expect(core.connect(doctor2).openEmergencyAccess(patient.address, REASON, JUSTIFICATION))
        .to.emit(core, "EmergencyAccessOpened")
        .withArgs(2, patient.address, doctor2.address, REASON, JUSTIFICATION, t2 + WINDOW);
      const t3 = await nextBlockTimestamp();
      await expect(core.connect(doctor).openEmergencyAccess(patient2.address, 1, JUSTIFICATION))
        .to.emit(core, "EmergencyAccessOpened")
        .withArgs(3, patient2.address, doctor.address, 1, JUSTIFICATION, t3 + WINDOW);
      expect(await core.emergencyCount()).to.equal(3n);
      expect((await windowOf(core, patient.address, doctor.address)).id).to.equal(1n);
      expect((await windowOf(core, patient2.address, doctor.address)).id).to.equal(3n);
    });

    it("refuses a second window while one is open, up to its last second", async () => {
      const { core, patient, doctor, openedAt, expiresAt } = await loadFixture(openFixture);
      await time.setNextBlockTimestamp(expiresAt - 1);
      await expect(core.connect(doctor).openEmergencyAccess(patient.address, REASON, JUSTIFICATION))
        .to.be.revertedWithCustomError(core, "EmergencyAlreadyOpen")
        .withArgs(patient.address, doctor.address, expiresAt);
      expect(await core.emergencyCount()).to.equal(1n);
      expect(await windowOf(core, patient.address, doctor.address)).to.deep.equal({
        openedAt: BigInt(openedAt),
        expiresAt: BigInt(expiresAt),
        id: 1n,
      });
    });

    it("reopens after expiry with a new id", async () => {
      const { core, patient, doctor, expiresAt } = await loadFixture(openFixture);
      await time.setNextBlockTimestamp(expiresAt);
      await expect(core.connect(doctor).openEmergencyAccess(patient.address, 2, JUSTIFICATION))
        .to.emit(core, "EmergencyAccessOpened")
        .withArgs(2, patient.address, doctor.address, 2, JUSTIFICATION, expiresAt + WINDOW);
      expect(await windowOf(core, patient.address, doctor.address)).to.deep.equal({
        openedAt: BigInt(expiresAt),
        expiresAt: BigInt(expiresAt + WINDOW),
        id: 2n,
      });
      expect(await core.hasEmergencyAccess(patient.address, doctor.address)).to.equal(true);
    });

    it("uses the window of the deployed policy", async () => {
      const { core, patient, doctor } = await loadFixture(oneSecondWindowFixture);
      const t = await nextBlockTimestamp();
      await expect(core.connect(doctor).openEmergencyAccess(patient.address, REASON, JUSTIFICATION))
        .to.emit(core, "EmergencyAccessOpened")
        .withArgs(1, patient.address, doctor.address, REASON, JUSTIFICATION, t + 1);
    });

    it("refuses when the patient opted out", async () => {
      const { core, patient, doctor } = await loadFixture(baseFixture);
      await core.connect(patient).setEmergencyOptOut(true);
      await expect(core.connect(doctor).openEmergencyAccess(patient.address, REASON, JUSTIFICATION))
        .to.be.revertedWithCustomError(core, "EmergencyOptedOut")
        .withArgs(patient.address);
      expect(await core.emergencyCount()).to.equal(0n);
    });

    it("refuses without a reason code or a justification", async () => {
      const { core, patient, doctor } = await loadFixture(baseFixture);
      await expect(
        core.connect(doctor).openEmergencyAccess(patient.address, 0, JUSTIFICATION),
      ).to.be.revertedWithCustomError(core, "EmergencyJustificationMissing");
      await expect(
        core.connect(doctor).openEmergencyAccess(patient.address, REASON, ethers.ZeroHash),
      ).to.be.revertedWithCustomError(core, "EmergencyJustificationMissing");
      expect(await core.emergencyCount()).to.equal(0n);
      expect(await core.hasEmergencyAccess(patient.address, doctor.address)).to.equal(false);
    });

    it("refuses callers who are not doctors", async () => {
      const { core, patient, patient2, stranger } = await loadFixture(baseFixture);
      for (const caller of [stranger, patient2]) {
        await expect(core.connect(caller).openEmergencyAccess(patient.address, REASON, JUSTIFICATION))
          .to.be.revertedWithCustomError(core, "DoctorUnknown")
          .withArgs(caller.address);
      }
      expect(await core.emergencyCount()).to.equal(0n);
    });

    it("refuses a suspended doctor", async () => {
      const { core, admin, patient, doctor } = await loadFixture(baseFixture);
      await core.connect(admin).suspendDoctor(doctor.address, 1);
      await expect(core.connect(doctor).openEmergencyAccess(patient.address, REASON, JUSTIFICATION))
        .to.be.revertedWithCustomError(core, "DoctorSuspended")
        .withArgs(doctor.address);
      expect(await core.emergencyCount()).to.equal(0n);
    });

    it("refuses an unregistered patient", async () => {
      const { core, doctor, stranger } = await loadFixture(baseFixture);
      await expect(core.connect(doctor).openEmergencyAccess(stranger.address, REASON, JUSTIFICATION))
        .to.be.revertedWithCustomError(core, "PatientUnknown")
        .withArgs(stranger.address);
      expect(await core.emergencyCount()).to.equal(0n);
    });

    it("refuses while paused", async () => {
      const { core, admin, patient, doctor } = await loadFixture(baseFixture);
      await core.connect(admin).pause();
      await expect(
        core.connect(doctor).openEmergencyAccess(patient.address, REASON, JUSTIFICATION),
      ).to.be.revertedWithCustomError(core, "EnforcedPause");
      expect(await core.emergencyCount()).to.equal(0n);
    });
  });

  describe("reviewEmergencyAccess", () => {
    it("records the admin's review", async () => {
      const { core, admin } = await loadFixture(openFixture);
      await expect(core.connect(admin).reviewEmergencyAccess(1, true, NOTES))
        .to.emit(core, "EmergencyAccessReviewed")
        .withArgs(1, admin.address, true, NOTES);
      expect(await core.isEmergencyReviewed(1)).to.equal(true);
    });

    it("records an unjustified verdict, and works while paused", async () => {
      const { core, admin } = await loadFixture(openFixture);
      await core.connect(admin).pause();
      await expect(core.connect(admin).reviewEmergencyAccess(1, false, ethers.ZeroHash))
        .to.emit(core, "EmergencyAccessReviewed")
        .withArgs(1, admin.address, false, ethers.ZeroHash);
      expect(await core.isEmergencyReviewed(1)).to.equal(true);
    });

    it("refuses anyone but the admin", async () => {
      const { core, doctor, hospitalAccount } = await loadFixture(openFixture);
      for (const caller of [doctor, hospitalAccount]) {
        await expect(core.connect(caller).reviewEmergencyAccess(1, true, NOTES))
          .to.be.revertedWithCustomError(core, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, ethers.ZeroHash);
      }
      expect(await core.isEmergencyReviewed(1)).to.equal(false);
    });

    it("refuses id 0 and ids not yet opened", async () => {
      const { core, admin } = await loadFixture(openFixture);
      for (const id of [0n, 2n, ethers.MaxUint256]) {
        await expect(core.connect(admin).reviewEmergencyAccess(id, true, NOTES))
          .to.be.revertedWithCustomError(core, "EmergencyUnknown")
          .withArgs(id);
      }
    });

    it("refuses a second review", async () => {
      const { core, admin } = await loadFixture(openFixture);
      await core.connect(admin).reviewEmergencyAccess(1, true, NOTES);
      await expect(core.connect(admin).reviewEmergencyAccess(1, false, NOTES))
        .to.be.revertedWithCustomError(core, "EmergencyAlreadyReviewed")
        .withArgs(1);
    });
  });

  describe("isEmergencyReviewed", () => {
    it("is false for unknown and unreviewed ids", async () => {
      const { core } = await loadFixture(openFixture);
      for (const id of [0n, 1n, 2n, 256n, ethers.MaxUint256])
        expect(await core.isEmergencyReviewed(id)).to.equal(false);
    });

    it("keeps each id's review apart, across 256-bit words", async () => {
      const { core, admin, patient, doctor } = await loadFixture(oneSecondWindowFixture);
      for (let i = 0; i < 300; i++)
        await core.connect(doctor).openEmergencyAccess(patient.address, REASON, JUSTIFICATION);
      expect(await core.emergencyCount()).to.equal(300n);
      const reviewed = [1, 2, 255, 256, 257, 300];
      for (const id of reviewed) await core.connect(admin).reviewEmergencyAccess(id, true, NOTES);
      for (const id of [0, 1, 2, 3, 254, 255, 256, 257, 258, 299, 300, 301, 511, 512]) {
        expect(await core.isEmergencyReviewed(id), `id ${id}`).to.equal(reviewed.includes(id));
      }
      await expect(core.connect(admin).reviewEmergencyAccess(256, true, NOTES))
        .to.be.revertedWithCustomError(core, "EmergencyAlreadyReviewed")
        .withArgs(256);
    });
  });

  describe("hasEmergencyAccess", () => {
    it("holds until the window's last second", async () => {
      const { core, patient, doctor, expiresAt } = await loadFixture(openFixture);
      await time.increaseTo(expiresAt - 1);
      expect(await core.hasEmergencyAccess(patient.address, doctor.address)).to.equal(true);
      await time.increaseTo(expiresAt);
      expect(await core.hasEmergencyAccess(patient.address, doctor.address)).to.equal(false);
    });

    it("covers only the doctor and the patient of the window", async () => {
      const { core, patient, patient2, doctor, doctor2 } = await loadFixture(openFixture);
      expect(await core.hasEmergencyAccess(patient.address, doctor2.address)).to.equal(false);
      expect(await core.hasEmergencyAccess(patient2.address, doctor.address)).to.equal(false);
    });

    it("ends when the doctor is suspended", async () => {
      const { core, admin, patient, doctor } = await loadFixture(openFixture);
      await core.connect(admin).suspendDoctor(doctor.address, 1);
      expect(await core.hasEmergencyAccess(patient.address, doctor.address)).to.equal(false);
    });

    it("ends when the patient opts out during the window, even while paused", async () => {
      const { core, admin, patient, doctor } = await loadFixture(openFixture);
      await core.connect(admin).pause();
      await core.connect(patient).setEmergencyOptOut(true);
      expect(await core.hasEmergencyAccess(patient.address, doctor.address)).to.equal(false);
    });

    it("stays closed when the patient opts back in before the window would have expired", async () => {
      const { core, patient, doctor } = await loadFixture(openFixture);
      await core.connect(patient).setEmergencyOptOut(true);
      await core.connect(patient).setEmergencyOptOut(false);
      expect(await core.hasEmergencyAccess(patient.address, doctor.address)).to.equal(false);
      // The closed window does not block a new, accountable one.
      await expect(core.connect(doctor).openEmergencyAccess(patient.address, 1, ethers.id("again"))).to.emit(
        core,
        "EmergencyAccessOpened",
      );
      expect(await core.hasEmergencyAccess(patient.address, doctor.address)).to.equal(true);
    });

    it("is false for someone who is not a doctor", async () => {
      const { core, patient, stranger } = await loadFixture(openFixture);
      expect(await core.hasEmergencyAccess(patient.address, stranger.address)).to.equal(false);
    });
  });

  describe("emergencyWindowOf", () => {
    it("is zero when no window was ever opened", async () => {
      const { core, patient, doctor2 } = await loadFixture(openFixture);
      expect(await windowOf(core, patient.address, doctor2.address)).to.deep.equal({
        openedAt: 0n,
        expiresAt: 0n,
        id: 0n,
      });
    });

    it("keeps the latest window after it expires", async () => {
      const { core, patient, doctor, openedAt, expiresAt } = await loadFixture(openFixture);
      await time.increaseTo(expiresAt + 1);
      expect(await windowOf(core, patient.address, doctor.address)).to.deep.equal({
        openedAt: BigInt(openedAt),
        expiresAt: BigInt(expiresAt),
        id: 1n,
      });
    });
  });

  describe("emergencyCount", () => {
    it("is 0 before any emergency and does not count refused openings", async () => {
      const { core, patient, doctor } = await loadFixture(baseFixture);
      expect(await core.emergencyCount()).to.equal(0n);
      await expect(
        core.connect(doctor).openEmergencyAccess(patient.address, 0, JUSTIFICATION),
      ).to.be.revertedWithCustomError(core, "EmergencyJustificationMissing");
      expect(await core.emergencyCount()).to.equal(0n);
    });
  });
});
