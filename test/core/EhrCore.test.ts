import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { DEFAULT_ADMIN_TRANSFER_DELAY, DEFAULT_POLICY, deploySystem } from "../../scripts/lib/deploy";
import { baseFixture, DAY, deployFixture } from "../helpers";

const ADMIN_ROLE = ethers.ZeroHash;

/** The system deployed for an admin other than the deployer, so the book is not linked yet. */
async function unlinkedFixture() {
  const operator = (await ethers.getSigners())[8];
  const f = await deployFixture({ admin: operator.address });
  return { ...f, operator };
}

describe("EhrCore", () => {
  describe("constructor", () => {
    it("sets the policy, the admin and the handover delay", async () => {
      const { core, admin } = await loadFixture(baseFixture);
      expect(await core.policy()).to.deep.equal([
        BigInt(DEFAULT_POLICY.maxGrantDuration),
        BigInt(DEFAULT_POLICY.emergencyWindow),
        DEFAULT_POLICY.requireHospitalApproval,
      ]);
      expect(await core.defaultAdmin()).to.equal(admin.address);
      expect(await core.hasRole(ADMIN_ROLE, admin.address)).to.equal(true);
      expect(await core.defaultAdminDelay()).to.equal(BigInt(DEFAULT_ADMIN_TRANSFER_DELAY));
    });

    it("takes a custom policy, up to a 24-hour emergency window", async () => {
      const [deployer] = await ethers.getSigners();
      const policy = { maxGrantDuration: 30 * DAY, emergencyWindow: DAY, requireHospitalApproval: true };
      const { core } = await deploySystem(deployer, { policy });
      expect(await core.policy()).to.deep.equal([BigInt(30 * DAY), BigInt(DAY), true]);
    });

    it("refuses a zero grant duration, a zero emergency window or one over 24 hours", async () => {
      const { core } = await loadFixture(baseFixture);
      const [deployer] = await ethers.getSigners();
      for (const policy of [{ maxGrantDuration: 0 }, { emergencyWindow: 0 }, { emergencyWindow: DAY + 1 }]) {
        await expect(deploySystem(deployer, { policy })).to.be.revertedWithCustomError(core, "PolicyInvalid");
      }
    });
  });

  describe("setAppointmentBook", () => {
    it("links the book once, at deployment by the deploy code", async () => {
      const { core, book } = await loadFixture(baseFixture);
      expect(await core.appointmentBook()).to.equal(await book.getAddress());
    });

    it("links a book when the admin calls", async () => {
      const { core, book, operator } = await loadFixture(unlinkedFixture);
      expect(await core.appointmentBook()).to.equal(ethers.ZeroAddress);
      await expect(core.connect(operator).setAppointmentBook(await book.getAddress()))
        .to.emit(core, "AppointmentBookSet")
        .withArgs(await book.getAddress());
      expect(await core.appointmentBook()).to.equal(await book.getAddress());
    });

    it("refuses a second link, even to the same book", async () => {
      const { core, book, admin, stranger } = await loadFixture(baseFixture);
      for (const address of [stranger.address, await book.getAddress()]) {
        await expect(core.connect(admin).setAppointmentBook(address)).to.be.revertedWithCustomError(
          core,
          "AppointmentBookAlreadySet",
        );
      }
      expect(await core.appointmentBook()).to.equal(await book.getAddress());
    });

    it("refuses the zero address", async () => {
      const { core, operator } = await loadFixture(unlinkedFixture);
      await expect(core.connect(operator).setAppointmentBook(ethers.ZeroAddress)).to.be.revertedWithCustomError(
        core,
        "AppointmentBookAlreadySet",
      );
      expect(await core.appointmentBook()).to.equal(ethers.ZeroAddress);
    });

    it("refuses callers other than the admin", async () => {
      const { core, book, admin } = await loadFixture(unlinkedFixture);
      await expect(core.connect(admin).setAppointmentBook(await book.getAddress()))
        .to.be.revertedWithCustomError(core, "AccessControlUnauthorizedAccount")
        .withArgs(admin.address, ADMIN_ROLE);
      expect(await core.appointmentBook()).to.equal(ethers.ZeroAddress);
    });
  });

  describe("pause", () => {
    it("pauses the system", async () => {
      const { core, admin } = await loadFixture(baseFixture);
      expect(await core.paused()).to.equal(false);
      await expect(core.connect(admin).pause()).to.emit(core, "Paused").withArgs(admin.address);
      expect(await core.paused()).to.equal(true);
    });

    it("refuses when already paused", async () => {
      const { core, admin } = await loadFixture(baseFixture);
      await core.connect(admin).pause();
      await expect(core.connect(admin).pause()).to.be.revertedWithCustomError(core, "EnforcedPause");
      expect(await core.paused()).to.equal(true);
    });

    it("refuses callers other than the admin", async () => {
      const { core, hospitalAccount } = await loadFixture(baseFixture);
      await expect(core.connect(hospitalAccount).pause())
        .to.be.revertedWithCustomError(core, "AccessControlUnauthorizedAccount")
        .withArgs(hospitalAccount.address, ADMIN_ROLE);
      expect(await core.paused()).to.equal(false);
    });
  });

  describe("unpause", () => {
    it("ends a pause", async () => {
      const { core, admin } = await loadFixture(baseFixture);
      await core.connect(admin).pause();
      await expect(core.connect(admin).unpause()).to.emit(core, "Unpaused").withArgs(admin.address);
      expect(await core.paused()).to.equal(false);
    });

    it("refuses when not paused", async () => {
      const { core, admin } = await loadFixture(baseFixture);
      await expect(core.connect(admin).unpause()).to.be.revertedWithCustomError(core, "ExpectedPause");
    });

    it("refuses callers other than the admin", async () => {
      const { core, admin, stranger } = await loadFixture(baseFixture);
      await core.connect(admin).pause();
      await expect(core.connect(stranger).unpause())
        .to.be.revertedWithCustomError(core, "AccessControlUnauthorizedAccount")
        .withArgs(stranger.address, ADMIN_ROLE);
      expect(await core.paused()).to.equal(true);
    });
  });

  describe("appointmentParties", () => {
    it("says whether the patient and the doctor are active", async () => {
      const { core, admin, patient, doctor, doctor2, stranger } = await loadFixture(baseFixture);
      await core.connect(admin).suspendDoctor(doctor2.address, 1);
      expect(await core.appointmentParties(patient.address, doctor.address)).to.deep.equal([true, true]);
      expect(await core.appointmentParties(stranger.address, doctor.address)).to.deep.equal([false, true]);
      expect(await core.appointmentParties(patient.address, doctor2.address)).to.deep.equal([true, false]);
      expect(await core.appointmentParties(doctor.address, patient.address)).to.deep.equal([false, false]);
    });

    it("reverts while the system is paused", async () => {
      const { core, admin, patient, doctor } = await loadFixture(baseFixture);
      await core.connect(admin).pause();
      await expect(core.appointmentParties(patient.address, doctor.address)).to.be.revertedWithCustomError(
        core,
        "EnforcedPause",
      );
    });
  });

  describe("default admin handover", () => {
    it("hands the admin role over in two steps, after the delay", async () => {
      const { core, admin, other, stranger } = await loadFixture(baseFixture);
      const t = (await time.latest()) + 1;
      await time.setNextBlockTimestamp(t);
      const acceptSchedule = t + DEFAULT_ADMIN_TRANSFER_DELAY;
      await expect(core.connect(admin).beginDefaultAdminTransfer(other.address))
        .to.emit(core, "DefaultAdminTransferScheduled")
        .withArgs(other.address, acceptSchedule);
      expect(await core.pendingDefaultAdmin()).to.deep.equal([other.address, BigInt(acceptSchedule)]);

      await expect(core.connect(other).acceptDefaultAdminTransfer())
        .to.be.revertedWithCustomError(core, "AccessControlEnforcedDefaultAdminDelay")
        .withArgs(acceptSchedule);
      await time.increase(DEFAULT_ADMIN_TRANSFER_DELAY);
      await core.connect(other).acceptDefaultAdminTransfer();

      expect(await core.defaultAdmin()).to.equal(other.address);
      expect(await core.hasRole(ADMIN_ROLE, admin.address)).to.equal(false);
      await expect(core.connect(other).onboardDoctor(stranger.address, 1, 7, ethers.id("licence"), "Dr New", ""))
        .to.emit(core, "DoctorOnboarded")
        .withArgs(stranger.address, 1, 7, ethers.id("licence"), "Dr New", "");
      await expect(core.connect(admin).onboardDoctor(admin.address, 1, 7, ethers.id("licence-2"), "Dr Old", ""))
        .to.be.revertedWithCustomError(core, "AccessControlUnauthorizedAccount")
        .withArgs(admin.address, ADMIN_ROLE);
    });

    it("refuses acceptance by anyone but the pending admin", async () => {
      const { core, admin, other, stranger } = await loadFixture(baseFixture);
      await core.connect(admin).beginDefaultAdminTransfer(other.address);
      await time.increase(DEFAULT_ADMIN_TRANSFER_DELAY + 1);
      await expect(core.connect(stranger).acceptDefaultAdminTransfer())
        .to.be.revertedWithCustomError(core, "AccessControlInvalidDefaultAdmin")
        .withArgs(stranger.address);
      expect(await core.defaultAdmin()).to.equal(admin.address);
    });

    it("refuses granting the admin role directly", async () => {
      const { core, admin, other } = await loadFixture(baseFixture);
      await expect(core.connect(admin).grantRole(ADMIN_ROLE, other.address)).to.be.revertedWithCustomError(
        core,
        "AccessControlEnforcedDefaultAdminRules",
      );
      expect(await core.hasRole(ADMIN_ROLE, other.address)).to.equal(false);
    });
  });
});
