import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { baseFixture, invalidEncryptionKeys, newEncryptionKey } from "../helpers";

const BACKUP = ethers.id("backup-rotated");
const NO_KEY = ["0x", 0n];

describe("KeyDirectory", () => {
  describe("setEncryptionKey", () => {
    it("rotates a doctor's key to the next version in this block", async () => {
      const { core, doctor } = await loadFixture(baseFixture);
      const key = newEncryptionKey();
      const tx = core.connect(doctor).setEncryptionKey(key.publicKey, BACKUP);
      await expect(tx).to.emit(core, "EncryptionKeySet").withArgs(doctor.address, 2, BACKUP);
      expect(await core.encryptionKeyOf(doctor.address)).to.deep.equal([key.compressed, 2n]);
      expect(await core.keyBlockOf(doctor.address)).to.equal((await (await tx).wait())!.blockNumber);
      expect((await core.doctor(doctor.address)).keyVersion).to.equal(2n);
    });

    it("rotates a patient's key to the next version", async () => {
      const { core, patient } = await loadFixture(baseFixture);
      const key = newEncryptionKey();
      await expect(core.connect(patient).setEncryptionKey(key.publicKey, BACKUP))
        .to.emit(core, "EncryptionKeySet")
        .withArgs(patient.address, 2, BACKUP);
      expect(await core.encryptionKeyOf(patient.address)).to.deep.equal([key.compressed, 2n]);
      expect((await core.patient(patient.address)).keyVersion).to.equal(2n);
    });

    it("gives a newly onboarded doctor key version 1", async () => {
      const { core, admin, other } = await loadFixture(baseFixture);
      await core.connect(admin).onboardDoctor(other.address, 1, 7, ethers.id("licence-new"), "Dr New", "");
      expect(await core.encryptionKeyOf(other.address)).to.deep.equal(NO_KEY);
      const key = newEncryptionKey();
      await expect(core.connect(other).setEncryptionKey(key.publicKey, BACKUP))
        .to.emit(core, "EncryptionKeySet")
        .withArgs(other.address, 1, BACKUP);
      expect(await core.encryptionKeyOf(other.address)).to.deep.equal([key.compressed, 1n]);
    });

    it("stores keys of either parity compressed exactly as ethers compresses them", async () => {
      const { core, patient } = await loadFixture(baseFixture);
      const prefixesSeen = new Set<string>();
      while (prefixesSeen.size < 2) {
        const key = newEncryptionKey();
        await core.connect(patient).setEncryptionKey(key.publicKey, BACKUP);
        const [stored] = await core.encryptionKeyOf(patient.address);
        expect(stored).to.equal(key.compressed);
        prefixesSeen.add(stored.slice(0, 4));
      }
      expect([...prefixesSeen].sort()).to.deep.equal(["0x02", "0x03"]);
    });

    it("refuses a suspended doctor", async () => {
      const { core, admin, doctor } = await loadFixture(baseFixture);
      const before = await core.encryptionKeyOf(doctor.address);
      await core.connect(admin).suspendDoctor(doctor.address, 1);
      await expect(core.connect(doctor).setEncryptionKey(newEncryptionKey().publicKey, BACKUP))
        .to.be.revertedWithCustomError(core, "DoctorSuspended")
        .withArgs(doctor.address);
      expect(await core.encryptionKeyOf(doctor.address)).to.deep.equal(before);
    });

    it("refuses accounts that are neither patients nor doctors, hospitals included", async () => {
      const { core, hospitalAccount, stranger } = await loadFixture(baseFixture);
      for (const caller of [stranger, hospitalAccount]) {
        await expect(core.connect(caller).setEncryptionKey(newEncryptionKey().publicKey, BACKUP))
          .to.be.revertedWithCustomError(core, "EncryptionKeyHolderUnknown")
          .withArgs(caller.address);
        expect(await core.encryptionKeyOf(caller.address)).to.deep.equal(NO_KEY);
      }
    });

    it("refuses an invalid key", async () => {
      const { core, doctor } = await loadFixture(baseFixture);
      const before = await core.encryptionKeyOf(doctor.address);
      for (const [reason, publicKey] of Object.entries(invalidEncryptionKeys())) {
        await expect(core.connect(doctor).setEncryptionKey(publicKey, BACKUP), reason)
          .to.be.revertedWithCustomError(core, "EncryptionKeyInvalid")
          .withArgs(doctor.address);
      }
      expect(await core.encryptionKeyOf(doctor.address)).to.deep.equal(before);
    });

    it("refuses while the system is paused", async () => {
      const { core, admin, patient } = await loadFixture(baseFixture);
      const before = await core.encryptionKeyOf(patient.address);
      await core.connect(admin).pause();
      await expect(
        core.connect(patient).setEncryptionKey(newEncryptionKey().publicKey, BACKUP),
      ).to.be.revertedWithCustomError(core, "EnforcedPause");
      expect(await core.encryptionKeyOf(patient.address)).to.deep.equal(before);
    });
  });

  describe("setCustodianKey", () => {
    it("publishes the custodian key under the core's address, versioned", async () => {
      const { core, admin } = await loadFixture(baseFixture);
      const coreAddress = await core.getAddress();
      expect(await core.custodianKey()).to.deep.equal(NO_KEY);
      for (const version of [1n, 2n]) {
        const key = newEncryptionKey();
        await expect(core.connect(admin).setCustodianKey(key.publicKey))
          .to.emit(core, "EncryptionKeySet")
          .withArgs(coreAddress, version, ethers.ZeroHash);
        expect(await core.custodianKey()).to.deep.equal([key.compressed, version]);
      }
    });

    it("refuses an invalid key", async () => {
      const { core, admin } = await loadFixture(baseFixture);
      await expect(core.connect(admin).setCustodianKey(invalidEncryptionKeys().offCurve))
        .to.be.revertedWithCustomError(core, "EncryptionKeyInvalid")
        .withArgs(await core.getAddress());
      expect(await core.custodianKey()).to.deep.equal(NO_KEY);
    });

    it("refuses callers other than the admin", async () => {
      const { core, hospitalAccount } = await loadFixture(baseFixture);
      await expect(core.connect(hospitalAccount).setCustodianKey(newEncryptionKey().publicKey))
        .to.be.revertedWithCustomError(core, "AccessControlUnauthorizedAccount")
        .withArgs(hospitalAccount.address, ethers.ZeroHash);
      expect(await core.custodianKey()).to.deep.equal(NO_KEY);
    });
  });

  describe("encryptionKeyOf", () => {
    it("returns an empty key and version 0 for an account without a key", async () => {
      const { core, stranger } = await loadFixture(baseFixture);
      expect(await core.encryptionKeyOf(stranger.address)).to.deep.equal(NO_KEY);
    });
  });

  describe("keyBlockOf", () => {
    it("returns 0 for an account without a key", async () => {
      const { core, stranger } = await loadFixture(baseFixture);
      expect(await core.keyBlockOf(stranger.address)).to.equal(0n);
    });
  });
});
