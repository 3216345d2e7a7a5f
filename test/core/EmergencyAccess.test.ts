import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { EhrCore } from "../../typechain-types";
import { DEFAULT_POLICY } from "../../scripts/lib/deploy";
import { DAY, baseFixture, deployFixture, newEncryptionKey, nextBlockTimestamp } from "../helpers";

const WINDOW = DEFAULT_POLICY.emergencyWindow;
const REASON = 7;
const JUSTIFICATION = ethers.id("unconscious on arrival, allergies unknown");
const NOTES = ethers.id("review notes");
const SECOND_REASON = ethers.id("still unresponsive, new bleed: records needed again");
const COOLDOWN = 24 * 3600;

/** `doctor` opened emergency 1 on `patient`; it runs from `openedAt` to `expiresAt`. */
async function openFixture() {
  const f = await baseFixture();
  const openedAt = await nextBlockTimestamp();
  await f.core.connect(f.doctor).openEmergencyAccess(f.patient.address, REASON, JUSTIFICATION);
  return { ...f, openedAt, expiresAt: openedAt + WINDOW };
}

/**
 * A one-second emergency window, no daily limit to speak of and no cool-down, so that one doctor
 * can open emergency after emergency on one patient: each window has closed by the next block.
 */
async function oneSecondWindowFixture() {
  const f = await deployFixture({ policy: { emergencyWindow: 1 } });
  const { core, admin, hospitalAccount, doctor, patient } = f;
  await core.connect(admin).addHospital(hospitalAccount.address, "St Mary");
  await core.connect(admin).onboardDoctor(doctor.address, 1, 100, ethers.id("licence"), "Dr", "ipfs://profile");
  await core.connect(patient).registerPatient(newEncryptionKey().publicKey, ethers.id("backup"));
  await core.connect(admin).setEmergencyPolicy(0xffff, 0);
  return f;
}

/**
 * The base fixture at 01:00 UTC of a fresh day (so a test knows when "today" ends), with a daily
 * limit of 2 and the default cool-down.
 */
async function policyFixture() {
  const f = await baseFixture();
  const dayStart = Math.ceil((await time.latest()) / DAY) * DAY + DAY;
  await time.increaseTo(dayStart + 3600);
  await f.core.connect(f.admin).setEmergencyPolicy(2, COOLDOWN);
  return { ...f, dayStart };
}

/** The window's first 9 bytes of justification hash, as the contract keeps it. */
const tagOf = (justificationHash: string) => ethers.dataSlice(justificationHash, 0, 9);

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
      // Within the cool-down, so with a second reason (see "break-glass policy").
      await expect(core.connect(doctor).openEmergencyAccess(patient.address, 2, SECOND_REASON))
        .to.emit(core, "EmergencyAccessOpened")
        .withArgs(2, patient.address, doctor.address, 2, SECOND_REASON, expiresAt + WINDOW);
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

  describe("break-glass policy", () => {
    describe("setEmergencyPolicy", () => {
      it("starts at the deploy defaults, announced by an event of the deployment", async () => {
        const { core } = await loadFixture(baseFixture);
        expect(await core.emergencyPolicy()).to.deep.equal([5n, BigInt(COOLDOWN)]);
        expect(await core.DEFAULT_EMERGENCY_DAILY_LIMIT()).to.equal(5n);
        expect(await core.DEFAULT_EMERGENCY_COOLDOWN()).to.equal(BigInt(COOLDOWN));
        const receipt = await core.deploymentTransaction()!.wait();
        const events = receipt!.logs
          .map((l) => core.interface.parseLog(l))
          .filter((e) => e?.name === "EmergencyPolicySet")
          .map((e) => [...e!.args]);
        expect(events).to.deep.equal([[5n, BigInt(COOLDOWN)]]);
      });

      it("lets the admin set both values, even while paused, and emits them", async () => {
        const { core, admin } = await loadFixture(baseFixture);
        await core.connect(admin).pause();
        await expect(core.connect(admin).setEmergencyPolicy(3, 3600))
          .to.emit(core, "EmergencyPolicySet")
          .withArgs(3, 3600);
        expect(await core.emergencyPolicy()).to.deep.equal([3n, 3600n]);
        // The policy shares the system slot: the pause and the counter are untouched.
        expect(await core.paused()).to.equal(true);
        expect(await core.emergencyCount()).to.equal(0n);
      });

      it("refuses anyone but the admin, doctors and hospitals included", async () => {
        const { core, doctor, hospitalAccount, stranger } = await loadFixture(baseFixture);
        for (const caller of [doctor, hospitalAccount, stranger]) {
          await expect(core.connect(caller).setEmergencyPolicy(100, 0))
            .to.be.revertedWithCustomError(core, "AccessControlUnauthorizedAccount")
            .withArgs(caller.address, ethers.ZeroHash);
        }
        expect(await core.emergencyPolicy()).to.deep.equal([5n, BigInt(COOLDOWN)]);
      });

      it("refuses a cool-down over the maximum and takes the maximum itself", async () => {
        const { core, admin } = await loadFixture(baseFixture);
        const max = Number(await core.MAX_EMERGENCY_COOLDOWN());
        await expect(core.connect(admin).setEmergencyPolicy(5, max + 1))
          .to.be.revertedWithCustomError(core, "EmergencyPolicyInvalid")
          .withArgs(5, max + 1);
        await expect(core.connect(admin).setEmergencyPolicy(5, max)).to.emit(core, "EmergencyPolicySet");
      });
    });

    describe("daily limit", () => {
      it("refuses the opening past the limit, on any patient, through either opening function", async () => {
        const { core, patient, patient2, doctor } = await loadFixture(policyFixture);
        await core.connect(doctor).openEmergencyAccess(patient.address, REASON, JUSTIFICATION);
        await core.connect(doctor).openEmergencyAccessAndLog(patient2.address, REASON, JUSTIFICATION, []);
        expect(await core.emergencyOpeningsToday(doctor.address)).to.equal(2n);
        await time.increase(WINDOW);
        await expect(core.connect(doctor).openEmergencyAccess(patient.address, REASON, SECOND_REASON))
          .to.be.revertedWithCustomError(core, "EmergencyDailyLimitReached")
          .withArgs(doctor.address, 2);
        await expect(core.connect(doctor).openEmergencyAccessAndLog(patient2.address, REASON, SECOND_REASON, []))
          .to.be.revertedWithCustomError(core, "EmergencyDailyLimitReached")
          .withArgs(doctor.address, 2);
        // A refusal counts nothing and opens nothing.
        expect(await core.emergencyOpeningsToday(doctor.address)).to.equal(2n);
        expect(await core.emergencyCount()).to.equal(2n);
        expect(await core.hasEmergencyAccess(patient.address, doctor.address)).to.equal(false);
      });

      it("counts each doctor apart", async () => {
        const { core, patient, patient2, doctor, doctor2 } = await loadFixture(policyFixture);
        await core.connect(doctor).openEmergencyAccess(patient.address, REASON, JUSTIFICATION);
        await core.connect(doctor).openEmergencyAccess(patient2.address, REASON, JUSTIFICATION);
        await expect(core.connect(doctor2).openEmergencyAccess(patient.address, REASON, JUSTIFICATION)).to.emit(
          core,
          "EmergencyAccessOpened",
        );
        expect(await core.emergencyOpeningsToday(doctor2.address)).to.equal(1n);
      });

      it("starts again at midnight UTC, not 24 hours after the first opening", async () => {
        const { core, patient, patient2, doctor, dayStart } = await loadFixture(policyFixture);
        await time.setNextBlockTimestamp(dayStart + DAY - 60);
        await core.connect(doctor).openEmergencyAccess(patient.address, REASON, JUSTIFICATION);
        await core.connect(doctor).openEmergencyAccess(patient2.address, REASON, JUSTIFICATION);
        await time.setNextBlockTimestamp(dayStart + DAY - 1);
        await expect(
          core.connect(doctor).openEmergencyAccess(patient.address, REASON, SECOND_REASON),
        ).to.be.revertedWithCustomError(core, "EmergencyAlreadyOpen");
        await time.increaseTo(dayStart + DAY);
        expect(await core.emergencyOpeningsToday(doctor.address)).to.equal(0n);
        await time.increaseTo(dayStart + DAY + WINDOW);
        await expect(core.connect(doctor).openEmergencyAccess(patient.address, REASON, SECOND_REASON)).to.emit(
          core,
          "EmergencyAccessOpened",
        );
        expect(await core.emergencyOpeningsToday(doctor.address)).to.equal(1n);
      });

      it("takes a lowered limit at once, and a limit of 0 turns break-glass off", async () => {
        const { core, admin, patient, patient2, doctor, doctor2 } = await loadFixture(policyFixture);
        await core.connect(doctor).openEmergencyAccess(patient.address, REASON, JUSTIFICATION);
        await core.connect(admin).setEmergencyPolicy(1, COOLDOWN);
        await expect(core.connect(doctor).openEmergencyAccess(patient2.address, REASON, JUSTIFICATION))
          .to.be.revertedWithCustomError(core, "EmergencyDailyLimitReached")
          .withArgs(doctor.address, 1);
        await core.connect(admin).setEmergencyPolicy(0, COOLDOWN);
        await expect(core.connect(doctor2).openEmergencyAccess(patient.address, REASON, JUSTIFICATION))
          .to.be.revertedWithCustomError(core, "EmergencyDailyLimitReached")
          .withArgs(doctor2.address, 0);
        expect(await core.emergencyCount()).to.equal(1n);
      });
    });

    describe("cool-down", () => {
      it("refuses a re-opening with the same justification until the cool-down ends", async () => {
        const { core, patient, doctor } = await loadFixture(policyFixture);
        const openedAt = await nextBlockTimestamp();
        await core.connect(doctor).openEmergencyAccess(patient.address, REASON, JUSTIFICATION);
        await time.increaseTo(openedAt + WINDOW);
        expect(await core.emergencySecondReasonUntil(patient.address, doctor.address)).to.equal(
          BigInt(openedAt + COOLDOWN),
        );
        await expect(core.connect(doctor).openEmergencyAccess(patient.address, 3, JUSTIFICATION))
          .to.be.revertedWithCustomError(core, "EmergencySecondReasonRequired")
          .withArgs(patient.address, doctor.address, openedAt + COOLDOWN);
        await expect(core.connect(doctor).openEmergencyAccessAndLog(patient.address, 3, JUSTIFICATION, []))
          .to.be.revertedWithCustomError(core, "EmergencySecondReasonRequired")
          .withArgs(patient.address, doctor.address, openedAt + COOLDOWN);
        // The refusal cost the doctor none of today's openings.
        expect(await core.emergencyOpeningsToday(doctor.address)).to.equal(1n);
        await time.setNextBlockTimestamp(openedAt + COOLDOWN);
        await expect(core.connect(doctor).openEmergencyAccess(patient.address, REASON, JUSTIFICATION)).to.emit(
          core,
          "EmergencyAccessOpened",
        );
      });

      it("opens with a second reason, different from the first, and keeps its tag for the next", async () => {
        const { core, patient, doctor } = await loadFixture(policyFixture);
        await core.connect(doctor).openEmergencyAccess(patient.address, REASON, JUSTIFICATION);
        await time.increase(WINDOW);
        const t = await nextBlockTimestamp();
        await expect(core.connect(doctor).openEmergencyAccessAndLog(patient.address, REASON, SECOND_REASON, []))
          .to.emit(core, "EmergencyAccessOpened")
          .withArgs(2, patient.address, doctor.address, REASON, SECOND_REASON, t + WINDOW);
        expect((await core.emergencyWindowOf(patient.address, doctor.address)).justificationTag).to.equal(
          tagOf(SECOND_REASON),
        );
        expect(await core.emergencySecondReasonUntil(patient.address, doctor.address)).to.equal(BigInt(t + COOLDOWN));
      });

      it("applies per patient and per doctor, and never with a cool-down of 0", async () => {
        const { core, admin, patient, patient2, doctor, doctor2 } = await loadFixture(policyFixture);
        await core.connect(doctor).openEmergencyAccess(patient.address, REASON, JUSTIFICATION);
        expect(await core.emergencySecondReasonUntil(patient2.address, doctor.address)).to.equal(0n);
        expect(await core.emergencySecondReasonUntil(patient.address, doctor2.address)).to.equal(0n);
        await expect(core.connect(doctor).openEmergencyAccess(patient2.address, REASON, JUSTIFICATION)).to.emit(
          core,
          "EmergencyAccessOpened",
        );
        await expect(core.connect(doctor2).openEmergencyAccess(patient.address, REASON, JUSTIFICATION)).to.emit(
          core,
          "EmergencyAccessOpened",
        );
        await core.connect(admin).setEmergencyPolicy(5, 0);
        await time.increase(WINDOW);
        expect(await core.emergencySecondReasonUntil(patient.address, doctor.address)).to.equal(0n);
        await expect(core.connect(doctor).openEmergencyAccess(patient.address, REASON, JUSTIFICATION)).to.emit(
          core,
          "EmergencyAccessOpened",
        );
      });
    });
  });
});
