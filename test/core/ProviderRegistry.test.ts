import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { baseFixture, DoctorStatus, HOSPITAL_ROLE, nextBlockTimestamp } from "../helpers";

const ADMIN_ROLE = ethers.ZeroHash;
const LICENCE = ethers.id("licence-new");

describe("ProviderRegistry", () => {
  describe("addHospital", () => {
    it("adds a hospital under the next id and gives its account the hospital role", async () => {
      const { core, admin, other } = await loadFixture(baseFixture);
      expect(await core.connect(admin).addHospital.staticCall(other.address, "General")).to.equal(2n);
      const t = await nextBlockTimestamp();
      await expect(core.connect(admin).addHospital(other.address, "General"))
        .to.emit(core, "HospitalAdded")
        .withArgs(2, other.address, "General");
      expect(await core.hospitalCount()).to.equal(2n);
      expect(await core.hospital(2)).to.deep.equal([other.address, true, BigInt(t), "General"]);
      expect(await core.hospitalIdOf(other.address)).to.equal(2n);
      expect(await core.hasRole(HOSPITAL_ROLE, other.address)).to.equal(true);
    });

    it("refuses the zero address and the core's own address", async () => {
      const { core, admin } = await loadFixture(baseFixture);
      for (const account of [ethers.ZeroAddress, await core.getAddress()]) {
        await expect(core.connect(admin).addHospital(account, "General"))
          .to.be.revertedWithCustomError(core, "ProviderInvalidInput")
          .withArgs("account");
      }
      expect(await core.hospitalCount()).to.equal(1n);
    });

    it("refuses an empty name", async () => {
      const { core, admin, other } = await loadFixture(baseFixture);
      await expect(core.connect(admin).addHospital(other.address, ""))
        .to.be.revertedWithCustomError(core, "ProviderInvalidInput")
        .withArgs("name");
      expect(await core.hospitalCount()).to.equal(1n);
      expect(await core.hasRole(HOSPITAL_ROLE, other.address)).to.equal(false);
    });

    it("refuses an account that already runs a hospital, is a doctor or is a patient", async () => {
      const { core, admin, hospitalAccount, doctor, patient } = await loadFixture(baseFixture);
      for (const account of [hospitalAccount, doctor, patient]) {
        await expect(core.connect(admin).addHospital(account.address, "General"))
          .to.be.revertedWithCustomError(core, "HospitalAccountTaken")
          .withArgs(account.address);
      }
      expect(await core.hospitalCount()).to.equal(1n);
      expect(await core.hasRole(HOSPITAL_ROLE, doctor.address)).to.equal(false);
    });

    it("refuses callers other than the admin", async () => {
      const { core, stranger, other } = await loadFixture(baseFixture);
      await expect(core.connect(stranger).addHospital(other.address, "General"))
        .to.be.revertedWithCustomError(core, "AccessControlUnauthorizedAccount")
        .withArgs(stranger.address, ADMIN_ROLE);
      expect(await core.hospitalCount()).to.equal(1n);
    });
  });

  describe("setHospitalActive", () => {
    it("suspends a hospital and revokes its account's role", async () => {
      const { core, admin, hospitalAccount } = await loadFixture(baseFixture);
      await expect(core.connect(admin).setHospitalActive(1, false))
        .to.emit(core, "HospitalStatusChanged")
        .withArgs(1, false);
      expect((await core.hospital(1)).active).to.equal(false);
      expect(await core.hasRole(HOSPITAL_ROLE, hospitalAccount.address)).to.equal(false);
    });

    it("reactivates a suspended hospital and grants the role again", async () => {
      const { core, admin, hospitalAccount } = await loadFixture(baseFixture);
      await core.connect(admin).setHospitalActive(1, false);
      await expect(core.connect(admin).setHospitalActive(1, true))
        .to.emit(core, "HospitalStatusChanged")
        .withArgs(1, true);
      expect((await core.hospital(1)).active).to.equal(true);
      expect(await core.hasRole(HOSPITAL_ROLE, hospitalAccount.address)).to.equal(true);
    });

    it("refuses a status the hospital already has", async () => {
      const { core, admin, hospitalAccount } = await loadFixture(baseFixture);
      await expect(core.connect(admin).setHospitalActive(1, true))
        .to.be.revertedWithCustomError(core, "HospitalStatusUnchanged")
        .withArgs(1, true);
      await core.connect(admin).setHospitalActive(1, false);
      await expect(core.connect(admin).setHospitalActive(1, false))
        .to.be.revertedWithCustomError(core, "HospitalStatusUnchanged")
        .withArgs(1, false);
      expect(await core.hasRole(HOSPITAL_ROLE, hospitalAccount.address)).to.equal(false);
    });

    it("refuses an unknown hospital id", async () => {
      const { core, admin } = await loadFixture(baseFixture);
      for (const id of [0, 2]) {
        await expect(core.connect(admin).setHospitalActive(id, false))
          .to.be.revertedWithCustomError(core, "HospitalUnknown")
          .withArgs(id);
      }
    });

    it("refuses callers other than the admin", async () => {
      const { core, hospitalAccount } = await loadFixture(baseFixture);
      await expect(core.connect(hospitalAccount).setHospitalActive(1, false))
        .to.be.revertedWithCustomError(core, "AccessControlUnauthorizedAccount")
        .withArgs(hospitalAccount.address, ADMIN_ROLE);
      expect((await core.hospital(1)).active).to.equal(true);
    });
  });

  describe("onboardDoctor", () => {
    it("onboards an active doctor at an active hospital", async () => {
      const { core, admin, other } = await loadFixture(baseFixture);
      const t = await nextBlockTimestamp();
      await expect(core.connect(admin).onboardDoctor(other.address, 1, 7, LICENCE, "Dr New", "ipfs://new"))
        .to.emit(core, "DoctorOnboarded")
        .withArgs(other.address, 1, 7, LICENCE, "Dr New", "ipfs://new");
      expect(await core.doctor(other.address)).to.deep.equal([
        other.address,
        DoctorStatus.Active,
        1n,
        7n,
        BigInt(t),
        0n,
        LICENCE,
        "Dr New",
        "ipfs://new",
      ]);
      expect(await core.doctorCount()).to.equal(3n);
      expect(await core.isActiveDoctor(other.address)).to.equal(true);
    });

    it("refuses an empty or reserved field, naming it", async () => {
      const { core, admin, other } = await loadFixture(baseFixture);
      const cases: [string, string, string, string][] = [
        [ethers.ZeroAddress, LICENCE, "Dr New", "account"],
        [await core.getAddress(), LICENCE, "Dr New", "account"],
        [other.address, LICENCE, "", "name"],
        [other.address, ethers.ZeroHash, "Dr New", "licenceHash"],
      ];
      for (const [account, licence, name, field] of cases) {
        await expect(core.connect(admin).onboardDoctor(account, 1, 7, licence, name, "ipfs://new"))
          .to.be.revertedWithCustomError(core, "ProviderInvalidInput")
          .withArgs(field);
      }
      expect(await core.doctorCount()).to.equal(2n);
      expect(await core.isActiveDoctor(other.address)).to.equal(false);
    });

    it("refuses an account that is already a doctor, a patient or a hospital", async () => {
      const { core, admin, doctor, patient, hospitalAccount } = await loadFixture(baseFixture);
      for (const account of [doctor, patient, hospitalAccount]) {
        await expect(core.connect(admin).onboardDoctor(account.address, 1, 7, LICENCE, "Dr New", "ipfs://new"))
          .to.be.revertedWithCustomError(core, "DoctorAccountTaken")
          .withArgs(account.address);
      }
      expect(await core.doctorCount()).to.equal(2n);
      expect((await core.doctor(doctor.address)).specialty).to.equal(100n);
      expect(await core.isActivePatient(patient.address)).to.equal(true);
    });

    it("refuses an unknown hospital", async () => {
      const { core, admin, other } = await loadFixture(baseFixture);
      for (const id of [0, 2]) {
        await expect(core.connect(admin).onboardDoctor(other.address, id, 7, LICENCE, "Dr New", "ipfs://new"))
          .to.be.revertedWithCustomError(core, "HospitalUnknown")
          .withArgs(id);
      }
      expect(await core.doctorCount()).to.equal(2n);
    });

    it("refuses a suspended hospital", async () => {
      const { core, admin, other } = await loadFixture(baseFixture);
      await core.connect(admin).setHospitalActive(1, false);
      await expect(core.connect(admin).onboardDoctor(other.address, 1, 7, LICENCE, "Dr New", "ipfs://new"))
        .to.be.revertedWithCustomError(core, "HospitalInactive")
        .withArgs(1);
      expect(await core.doctorCount()).to.equal(2n);
    });

    it("refuses callers other than the admin", async () => {
      const { core, hospitalAccount, other } = await loadFixture(baseFixture);
      await expect(core.connect(hospitalAccount).onboardDoctor(other.address, 1, 7, LICENCE, "Dr New", "ipfs://new"))
        .to.be.revertedWithCustomError(core, "AccessControlUnauthorizedAccount")
        .withArgs(hospitalAccount.address, ADMIN_ROLE);
      expect(await core.doctorCount()).to.equal(2n);
    });
  });

  describe("suspendDoctor", () => {
    it("suspends an active doctor with a reason code", async () => {
      const { core, admin, doctor } = await loadFixture(baseFixture);
      await expect(core.connect(admin).suspendDoctor(doctor.address, 42))
        .to.emit(core, "DoctorSuspensionChanged")
        .withArgs(doctor.address, true, 42);
      expect(await core.isActiveDoctor(doctor.address)).to.equal(false);
      expect((await core.doctor(doctor.address)).status).to.equal(DoctorStatus.Suspended);
    });

    it("works while the system is paused", async () => {
      const { core, admin, doctor } = await loadFixture(baseFixture);
      await core.connect(admin).pause();
      await expect(core.connect(admin).suspendDoctor(doctor.address, 1)).to.emit(core, "DoctorSuspensionChanged");
      expect(await core.isActiveDoctor(doctor.address)).to.equal(false);
    });

    it("refuses a doctor who is already suspended", async () => {
      const { core, admin, doctor } = await loadFixture(baseFixture);
      await core.connect(admin).suspendDoctor(doctor.address, 1);
      await expect(core.connect(admin).suspendDoctor(doctor.address, 2))
        .to.be.revertedWithCustomError(core, "DoctorStatusUnchanged")
        .withArgs(doctor.address, DoctorStatus.Suspended);
    });

    it("refuses an account that is not a doctor", async () => {
      const { core, admin, stranger, patient } = await loadFixture(baseFixture);
      for (const account of [stranger, patient]) {
        await expect(core.connect(admin).suspendDoctor(account.address, 1))
          .to.be.revertedWithCustomError(core, "DoctorUnknown")
          .withArgs(account.address);
      }
      expect(await core.isActivePatient(patient.address)).to.equal(true);
    });

    it("refuses callers other than the admin", async () => {
      const { core, doctor, doctor2 } = await loadFixture(baseFixture);
      await expect(core.connect(doctor2).suspendDoctor(doctor.address, 1))
        .to.be.revertedWithCustomError(core, "AccessControlUnauthorizedAccount")
        .withArgs(doctor2.address, ADMIN_ROLE);
      expect(await core.isActiveDoctor(doctor.address)).to.equal(true);
    });
  });

  describe("reinstateDoctor", () => {
    it("reinstates a suspended doctor", async () => {
      const { core, admin, doctor } = await loadFixture(baseFixture);
      await core.connect(admin).suspendDoctor(doctor.address, 1);
      await expect(core.connect(admin).reinstateDoctor(doctor.address))
        .to.emit(core, "DoctorSuspensionChanged")
        .withArgs(doctor.address, false, 0);
      expect(await core.isActiveDoctor(doctor.address)).to.equal(true);
      expect((await core.doctor(doctor.address)).status).to.equal(DoctorStatus.Active);
    });

    it("keeps a doctor of a suspended hospital suspended until the hospital is reactivated", async () => {
      const { core, admin, doctor } = await loadFixture(baseFixture);
      await core.connect(admin).suspendDoctor(doctor.address, 1);
      await core.connect(admin).setHospitalActive(1, false);
      await expect(core.connect(admin).reinstateDoctor(doctor.address))
        .to.be.revertedWithCustomError(core, "HospitalInactive")
        .withArgs(1);
      expect(await core.isActiveDoctor(doctor.address)).to.equal(false);
      await core.connect(admin).setHospitalActive(1, true);
      await core.connect(admin).reinstateDoctor(doctor.address);
      expect(await core.isActiveDoctor(doctor.address)).to.equal(true);
    });

    it("refuses a doctor who is already active", async () => {
      const { core, admin, doctor } = await loadFixture(baseFixture);
      await expect(core.connect(admin).reinstateDoctor(doctor.address))
        .to.be.revertedWithCustomError(core, "DoctorStatusUnchanged")
        .withArgs(doctor.address, DoctorStatus.Active);
    });

    it("refuses an account that is not a doctor", async () => {
      const { core, admin, stranger } = await loadFixture(baseFixture);
      await expect(core.connect(admin).reinstateDoctor(stranger.address))
        .to.be.revertedWithCustomError(core, "DoctorUnknown")
        .withArgs(stranger.address);
    });

    it("refuses callers other than the admin", async () => {
      const { core, admin, doctor, stranger } = await loadFixture(baseFixture);
      await core.connect(admin).suspendDoctor(doctor.address, 1);
      await expect(core.connect(stranger).reinstateDoctor(doctor.address))
        .to.be.revertedWithCustomError(core, "AccessControlUnauthorizedAccount")
        .withArgs(stranger.address, ADMIN_ROLE);
      expect(await core.isActiveDoctor(doctor.address)).to.equal(false);
    });
  });

  describe("hospital", () => {
    it("returns a hospital by id", async () => {
      const { core, hospitalAccount } = await loadFixture(baseFixture);
      const h = await core.hospital(1);
      expect([h.account, h.active, h.name]).to.deep.equal([hospitalAccount.address, true, "St Mary"]);
      expect(h.addedAt).to.be.greaterThan(0n);
    });

    it("reverts for id 0 and ids past the last hospital", async () => {
      const { core } = await loadFixture(baseFixture);
      for (const id of [0, 2]) {
        await expect(core.hospital(id)).to.be.revertedWithCustomError(core, "HospitalUnknown").withArgs(id);
      }
    });
  });

  describe("hospitalsPage", () => {
    async function threeHospitalsFixture() {
      const f = await baseFixture();
      await f.core.connect(f.admin).addHospital(f.stranger.address, "General");
      await f.core.connect(f.admin).addHospital(f.other.address, "Children's");
      return f;
    }

    it("returns hospitals in id order from the offset", async () => {
      const { core, hospitalAccount, stranger, other } = await loadFixture(threeHospitalsFixture);
      const accounts = async (offset: number, limit: number) =>
        (await core.hospitalsPage(offset, limit)).map((h) => h.account);
      expect(await accounts(0, 10)).to.deep.equal([hospitalAccount.address, stranger.address, other.address]);
      expect(await accounts(1, 1)).to.deep.equal([stranger.address]);
      expect((await core.hospitalsPage(2, 1))[0].name).to.equal("Children's");
    });

    it("clips the limit to the hospitals left", async () => {
      const { core, other } = await loadFixture(threeHospitalsFixture);
      const page = await core.hospitalsPage(2, 100);
      expect(page.map((h) => h.account)).to.deep.equal([other.address]);
      expect(await core.hospitalsPage(0, ethers.MaxUint256)).to.have.length(3);
    });

    it("returns an empty page for a zero limit or an offset at or past the end", async () => {
      const { core } = await loadFixture(threeHospitalsFixture);
      expect(await core.hospitalsPage(0, 0)).to.deep.equal([]);
      expect(await core.hospitalsPage(3, 5)).to.deep.equal([]);
      expect(await core.hospitalsPage(ethers.MaxUint256, 5)).to.deep.equal([]);
    });
  });

  describe("hospitalIdOf", () => {
    it("returns the id of the hospital an account runs, suspended or not", async () => {
      const { core, admin, hospitalAccount } = await loadFixture(baseFixture);
      expect(await core.hospitalIdOf(hospitalAccount.address)).to.equal(1n);
      await core.connect(admin).setHospitalActive(1, false);
      expect(await core.hospitalIdOf(hospitalAccount.address)).to.equal(1n);
    });

    it("returns 0 for accounts that run no hospital, doctors included", async () => {
      const { core, doctor, patient, stranger } = await loadFixture(baseFixture);
      for (const account of [doctor, patient, stranger]) {
        expect(await core.hospitalIdOf(account.address)).to.equal(0n);
      }
    });
  });

  describe("doctor", () => {
    it("returns an onboarded doctor with the key version set since", async () => {
      const { core, doctor } = await loadFixture(baseFixture);
      const d = await core.doctor(doctor.address);
      expect([d.account, d.status, d.hospitalId, d.specialty, d.keyVersion]).to.deep.equal([
        doctor.address,
        DoctorStatus.Active,
        1n,
        100n,
        1n,
      ]);
      expect([d.licenceHash, d.name, d.profileUri]).to.deep.equal([ethers.id("licence-0"), "Dr 0", "ipfs://profile-0"]);
    });

    it("reverts for an account never onboarded", async () => {
      const { core, stranger, patient, hospitalAccount } = await loadFixture(baseFixture);
      for (const account of [stranger, patient, hospitalAccount]) {
        await expect(core.doctor(account.address))
          .to.be.revertedWithCustomError(core, "DoctorUnknown")
          .withArgs(account.address);
      }
    });
  });

  describe("doctorsPage", () => {
    it("returns doctors in onboarding order, suspended ones included", async () => {
      const { core, admin, doctor, doctor2 } = await loadFixture(baseFixture);
      await core.connect(admin).suspendDoctor(doctor.address, 1);
      const page = await core.doctorsPage(0, 10);
      expect(page.map((d) => [d.account, d.status])).to.deep.equal([
        [doctor.address, DoctorStatus.Suspended],
        [doctor2.address, DoctorStatus.Active],
      ]);
      expect((await core.doctorsPage(1, 5)).map((d) => d.name)).to.deep.equal(["Dr 1"]);
    });

    it("returns an empty page for an offset at or past the end", async () => {
      const { core } = await loadFixture(baseFixture);
      expect(await core.doctorsPage(2, 1)).to.deep.equal([]);
      expect(await core.doctorsPage(5, 1)).to.deep.equal([]);
    });
  });

  describe("doctorCount", () => {
    it("counts every onboarded doctor, suspended ones included", async () => {
      const { core, admin, doctor } = await loadFixture(baseFixture);
      expect(await core.doctorCount()).to.equal(2n);
      await core.connect(admin).suspendDoctor(doctor.address, 1);
      expect(await core.doctorCount()).to.equal(2n);
    });
  });

  describe("isActiveDoctor", () => {
    it("is true only for an onboarded doctor who is not suspended", async () => {
      const { core, admin, doctor, doctor2, patient, hospitalAccount, stranger } = await loadFixture(baseFixture);
      await core.connect(admin).suspendDoctor(doctor2.address, 1);
      expect(await core.isActiveDoctor(doctor.address)).to.equal(true);
      for (const account of [doctor2, patient, hospitalAccount, stranger]) {
        expect(await core.isActiveDoctor(account.address)).to.equal(false);
      }
    });
  });
});
