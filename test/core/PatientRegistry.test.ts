import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  approvalFixture,
  baseFixture,
  Category,
  DAY,
  HOSPITAL_ROLE,
  invalidEncryptionKeys,
  newEncryptionKey,
  nextBlockTimestamp,
  now,
  PatientStatus,
  recordInput,
} from "../helpers";

const BACKUP = ethers.id("backup-new");
const NO_PATIENT = [PatientStatus.None, false, 0n, 0n, 0n, 0n];

describe("PatientRegistry", () => {
  describe("registerPatient", () => {
    it("registers an active patient with key version 1 and announces the key backup", async () => {
      const { core, stranger } = await loadFixture(baseFixture);
      const key = newEncryptionKey();
      const t = await nextBlockTimestamp();
      const tx = core.connect(stranger).registerPatient(key.publicKey, BACKUP);
      await expect(tx).to.emit(core, "PatientRegistered").withArgs(stranger.address, PatientStatus.Active, BACKUP);
      expect(await core.patient(stranger.address)).to.deep.equal([PatientStatus.Active, false, 1n, 0n, BigInt(t), 0n]);
      expect(await core.encryptionKeyOf(stranger.address)).to.deep.equal([key.compressed, 1n]);
      expect(await core.keyBlockOf(stranger.address)).to.equal((await (await tx).wait())!.blockNumber);
      expect(await core.isActivePatient(stranger.address)).to.equal(true);
    });

    it("refuses a key that is not a 64-byte point on secp256k1 with field-element coordinates", async () => {
      const { core, stranger } = await loadFixture(baseFixture);
      for (const [reason, publicKey] of Object.entries(invalidEncryptionKeys())) {
        await expect(core.connect(stranger).registerPatient(publicKey, BACKUP), reason)
          .to.be.revertedWithCustomError(core, "EncryptionKeyInvalid")
          .withArgs(stranger.address);
      }
      expect(await core.patient(stranger.address)).to.deep.equal(NO_PATIENT);
    });

    it("refuses a second registration and keeps the first key", async () => {
      const { core, patient } = await loadFixture(baseFixture);
      const before = await core.encryptionKeyOf(patient.address);
      await expect(core.connect(patient).registerPatient(newEncryptionKey().publicKey, BACKUP))
        .to.be.revertedWithCustomError(core, "PatientAccountTaken")
        .withArgs(patient.address);
      expect(await core.encryptionKeyOf(patient.address)).to.deep.equal(before);
    });

    it("refuses a doctor's or a hospital's account", async () => {
      const { core, doctor, hospitalAccount } = await loadFixture(baseFixture);
      for (const account of [doctor, hospitalAccount]) {
        await expect(core.connect(account).registerPatient(newEncryptionKey().publicKey, BACKUP))
          .to.be.revertedWithCustomError(core, "PatientAccountTaken")
          .withArgs(account.address);
        expect(await core.isActivePatient(account.address)).to.equal(false);
      }
      expect(await core.isActiveDoctor(doctor.address)).to.equal(true);
    });

    it("refuses while the system is paused", async () => {
      const { core, admin, stranger } = await loadFixture(baseFixture);
      await core.connect(admin).pause();
      await expect(
        core.connect(stranger).registerPatient(newEncryptionKey().publicKey, BACKUP),
      ).to.be.revertedWithCustomError(core, "EnforcedPause");
      expect(await core.patient(stranger.address)).to.deep.equal(NO_PATIENT);
    });

    it("registers a pending patient when the policy requires hospital approval", async () => {
      const { core, stranger } = await loadFixture(approvalFixture);
      await expect(core.connect(stranger).registerPatient(newEncryptionKey().publicKey, BACKUP))
        .to.emit(core, "PatientRegistered")
        .withArgs(stranger.address, PatientStatus.Pending, BACKUP);
      expect((await core.patient(stranger.address)).status).to.equal(PatientStatus.Pending);
      expect(await core.isActivePatient(stranger.address)).to.equal(false);
    });
  });

  describe("approvePatient", () => {
    it("lets a hospital's account approve a pending patient", async () => {
      const { core, hospitalAccount, patient } = await loadFixture(approvalFixture);
      await expect(core.connect(hospitalAccount).approvePatient(patient.address))
        .to.emit(core, "PatientApproved")
        .withArgs(patient.address, 1, hospitalAccount.address);
      const view = await core.patient(patient.address);
      expect([view.status, view.approvedBy]).to.deep.equal([PatientStatus.Active, 1n]);
      expect(await core.isActivePatient(patient.address)).to.equal(true);
    });

    it("refuses an account given the hospital role directly rather than added as a hospital", async () => {
      const { core, admin, other, patient } = await loadFixture(approvalFixture);
      await core.connect(admin).grantRole(HOSPITAL_ROLE, other.address);
      await expect(core.connect(other).approvePatient(patient.address))
        .to.be.revertedWithCustomError(core, "AccessControlUnauthorizedAccount")
        .withArgs(other.address, HOSPITAL_ROLE);
      expect((await core.patient(patient.address)).status).to.equal(PatientStatus.Pending);
    });

    it("refuses a patient who is not pending", async () => {
      const { core, hospitalAccount, patient, stranger } = await loadFixture(approvalFixture);
      await core.connect(hospitalAccount).approvePatient(patient.address);
      for (const account of [patient, stranger]) {
        await expect(core.connect(hospitalAccount).approvePatient(account.address))
          .to.be.revertedWithCustomError(core, "PatientNotPending")
          .withArgs(account.address);
      }
      expect((await core.patient(stranger.address)).status).to.equal(PatientStatus.None);
    });

    it("refuses callers that run no hospital, the admin included", async () => {
      const { core, admin, doctor, patient, stranger } = await loadFixture(approvalFixture);
      for (const caller of [stranger, doctor, admin]) {
        await expect(core.connect(caller).approvePatient(patient.address))
          .to.be.revertedWithCustomError(core, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, HOSPITAL_ROLE);
      }
      expect((await core.patient(patient.address)).status).to.equal(PatientStatus.Pending);
    });

    it("refuses a suspended hospital", async () => {
      const { core, admin, hospitalAccount, patient } = await loadFixture(approvalFixture);
      await core.connect(admin).setHospitalActive(1, false);
      await expect(core.connect(hospitalAccount).approvePatient(patient.address))
        .to.be.revertedWithCustomError(core, "AccessControlUnauthorizedAccount")
        .withArgs(hospitalAccount.address, HOSPITAL_ROLE);
      expect((await core.patient(patient.address)).status).to.equal(PatientStatus.Pending);
    });

    it("refuses while the system is paused", async () => {
      const { core, admin, hospitalAccount, patient } = await loadFixture(approvalFixture);
      await core.connect(admin).pause();
      await expect(core.connect(hospitalAccount).approvePatient(patient.address)).to.be.revertedWithCustomError(
        core,
        "EnforcedPause",
      );
      expect((await core.patient(patient.address)).status).to.equal(PatientStatus.Pending);
    });

    it("keeps a pending patient from granting access or adding records until approved", async () => {
      const { core, hospitalAccount, doctor, patient } = await loadFixture(approvalFixture);
      const expiresAt = (await now()) + DAY;
      await expect(core.connect(patient).grantAccess(doctor.address, 1, expiresAt))
        .to.be.revertedWithCustomError(core, "PatientPending")
        .withArgs(patient.address);
      await expect(core.connect(patient).addRecord(patient.address, recordInput(Category.ClinicalNotes)))
        .to.be.revertedWithCustomError(core, "PatientPending")
        .withArgs(patient.address);
      expect(await core.recordCount(patient.address)).to.equal(0n);

      await core.connect(hospitalAccount).approvePatient(patient.address);
      await expect(core.connect(patient).grantAccess(doctor.address, 1, expiresAt)).to.emit(core, "ConsentGranted");
      await expect(core.connect(patient).addRecord(patient.address, recordInput(Category.ClinicalNotes))).to.emit(
        core,
        "RecordAdded",
      );
    });
  });

  describe("setEmergencyOptOut", () => {
    it("opts a patient out of emergency access and back in", async () => {
      const { core, patient } = await loadFixture(baseFixture);
      await expect(core.connect(patient).setEmergencyOptOut(true))
        .to.emit(core, "EmergencyOptOutChanged")
        .withArgs(patient.address, true);
      expect((await core.patient(patient.address)).emergencyOptOut).to.equal(true);
      await expect(core.connect(patient).setEmergencyOptOut(false))
        .to.emit(core, "EmergencyOptOutChanged")
        .withArgs(patient.address, false);
      expect((await core.patient(patient.address)).emergencyOptOut).to.equal(false);
    });

    it("lets a pending patient opt out", async () => {
      const { core, patient } = await loadFixture(approvalFixture);
      await expect(core.connect(patient).setEmergencyOptOut(true))
        .to.emit(core, "EmergencyOptOutChanged")
        .withArgs(patient.address, true);
    });

    it("allows opting out while the system is paused", async () => {
      const { core, admin, patient } = await loadFixture(baseFixture);
      await core.connect(admin).pause();
      await expect(core.connect(patient).setEmergencyOptOut(true))
        .to.emit(core, "EmergencyOptOutChanged")
        .withArgs(patient.address, true);
    });

    it("refuses opting back in while the system is paused", async () => {
      const { core, admin, patient } = await loadFixture(baseFixture);
      await core.connect(patient).setEmergencyOptOut(true);
      await core.connect(admin).pause();
      await expect(core.connect(patient).setEmergencyOptOut(false)).to.be.revertedWithCustomError(
        core,
        "EnforcedPause",
      );
      expect((await core.patient(patient.address)).emergencyOptOut).to.equal(true);
    });

    it("refuses a value the patient already has", async () => {
      const { core, patient } = await loadFixture(baseFixture);
      await expect(core.connect(patient).setEmergencyOptOut(false))
        .to.be.revertedWithCustomError(core, "PatientOptOutUnchanged")
        .withArgs(patient.address, false);
      await core.connect(patient).setEmergencyOptOut(true);
      await expect(core.connect(patient).setEmergencyOptOut(true))
        .to.be.revertedWithCustomError(core, "PatientOptOutUnchanged")
        .withArgs(patient.address, true);
    });

    it("refuses callers who are not patients", async () => {
      const { core, doctor, stranger } = await loadFixture(baseFixture);
      for (const caller of [stranger, doctor]) {
        await expect(core.connect(caller).setEmergencyOptOut(true))
          .to.be.revertedWithCustomError(core, "PatientUnknown")
          .withArgs(caller.address);
      }
    });
  });

  describe("patient", () => {
    it("returns status None and zeros for an account that is not a patient", async () => {
      const { core, doctor, hospitalAccount, stranger } = await loadFixture(baseFixture);
      for (const account of [stranger, doctor, hospitalAccount]) {
        expect(await core.patient(account.address)).to.deep.equal(NO_PATIENT);
      }
    });

    it("returns a pending patient with no approving hospital", async () => {
      const { core, stranger } = await loadFixture(approvalFixture);
      const t = await nextBlockTimestamp();
      await core.connect(stranger).registerPatient(newEncryptionKey().publicKey, BACKUP);
      expect(await core.patient(stranger.address)).to.deep.equal([PatientStatus.Pending, false, 1n, 0n, BigInt(t), 0n]);
    });

    it("follows an active patient's key rotations and records", async () => {
      const { core, patient } = await loadFixture(baseFixture);
      await core.connect(patient).setEncryptionKey(newEncryptionKey().publicKey, BACKUP);
      await core.connect(patient).addRecord(patient.address, recordInput(Category.ClinicalNotes));
      const view = await core.patient(patient.address);
      expect([view.status, view.keyVersion, view.recordCount]).to.deep.equal([PatientStatus.Active, 2n, 1n]);
    });
  });

  describe("isActivePatient", () => {
    it("is true only for a registered, approved patient", async () => {
      const { core, hospitalAccount, doctor, patient, stranger } = await loadFixture(approvalFixture);
      expect(await core.isActivePatient(patient.address)).to.equal(false);
      await core.connect(hospitalAccount).approvePatient(patient.address);
      expect(await core.isActivePatient(patient.address)).to.equal(true);
      for (const account of [doctor, hospitalAccount, stranger]) {
        expect(await core.isActivePatient(account.address)).to.equal(false);
      }
    });
  });
});
