import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { ethers } from "hardhat";
import { HardhatPluginError } from "hardhat/plugins";
import { errorSentences } from "../../lib/chain/errorCatalogue";
import { DoctorStatus, HOSPITAL_ROLE } from "../helpers";
import { runTask, useDeployedSystem } from "./support";

describe("provider tasks", () => {
  const { dir, fixture } = useDeployedSystem();

  /** A hospital (id 1) with two doctors, and a second hospital (id 2) with one. */
  async function withDoctors() {
    const f = await fixture();
    const [, , , , , , , , h2, d3] = await ethers.getSigners();
    await runTask("ehr:add-hospital", { account: f.hospitalAccount.address, name: "St Mary" });
    await runTask("ehr:add-hospital", { account: h2.address, name: "City Clinic" });
    for (const [i, [d, hospital]] of (
      [
        [f.doctor, 1],
        [f.doctor2, 1],
        [d3, 2],
      ] as const
    ).entries()) {
      await runTask("ehr:onboard-doctor", {
        account: d.address,
        hospital,
        specialty: 100 + i,
        licence: `GMC-${i}`,
        name: `Dr ${i}`,
      });
    }
    return { ...f, doctor3: d3 };
  }

  describe("ehr:add-hospital", () => {
    it("adds a hospital with its operator and prints its id", async () => {
      const { core, hospitalAccount } = await fixture();
      const { result, output } = await runTask<{ hospitalId: number }>("ehr:add-hospital", {
        account: hospitalAccount.address,
        name: "St Mary",
      });
      expect(result.hospitalId).to.equal(1);
      expect(output).to.contain(`Added hospital 1 "St Mary", operated by ${hospitalAccount.address}.`);
      const h = await core.hospital(1);
      expect([h.account, h.name, h.active]).to.deep.equal([hospitalAccount.address, "St Mary", true]);
      expect(await core.hasRole(HOSPITAL_ROLE, hospitalAccount.address)).to.equal(true);
    });

    it("refuses a signer who is not the admin", async () => {
      const { core, record, admin, hospitalAccount, stranger } = await fixture();
      await expect(
        runTask("ehr:add-hospital", { account: hospitalAccount.address, name: "St Mary", from: stranger.address }),
      ).to.be.rejectedWith(
        HardhatPluginError,
        `${stranger.address} is not the admin of the EhrCore at ${record.core.address} (the admin is ${admin.address}); pass --from with the admin's address.`,
      );
      expect(await core.hospitalCount()).to.equal(0n);
    });

    it("refuses an invalid address", async () => {
      const { core, hospitalAccount } = await fixture();
      await expect(runTask("ehr:add-hospital", { account: "hospital", name: "St Mary" })).to.be.rejectedWith(
        HardhatPluginError,
        '--account "hospital" is not a valid address.',
      );
      const a = hospitalAccount.address;
      const i = a.search(/[a-fA-F]/);
      const badChecksum =
        a.slice(0, i) + (a[i] === a[i].toLowerCase() ? a[i].toUpperCase() : a[i].toLowerCase()) + a.slice(i + 1);
      await expect(runTask("ehr:add-hospital", { account: badChecksum, name: "St Mary" })).to.be.rejectedWith(
        HardhatPluginError,
        `--account "${badChecksum}" has a wrong checksum (its upper and lower case letters); check it, or pass it in lower case.`,
      );
      await expect(runTask("ehr:add-hospital", { account: ethers.ZeroAddress, name: "St Mary" })).to.be.rejectedWith(
        HardhatPluginError,
        "--account cannot be the zero address.",
      );
      expect(await core.hospitalCount()).to.equal(0n);
    });

    it("names the contract's custom error when the account already runs a hospital", async () => {
      const { core, hospitalAccount } = await fixture();
      await runTask("ehr:add-hospital", { account: hospitalAccount.address, name: "St Mary" });
      await expect(runTask("ehr:add-hospital", { account: hospitalAccount.address, name: "Again" })).to.be.rejectedWith(
        HardhatPluginError,
        `The contract refused to add the hospital: HospitalAccountTaken(${hospitalAccount.address}).`,
      );
      expect(await core.hospitalCount()).to.equal(1n);
    });

    it("refuses when there is no deployment for the network", async () => {
      const { core, hospitalAccount } = await fixture();
      fs.rmSync(path.join(dir(), "hardhat.json"));
      await expect(
        runTask("ehr:add-hospital", { account: hospitalAccount.address, name: "St Mary" }),
      ).to.be.rejectedWith(
        HardhatPluginError,
        /^No deployment for network hardhat: .*hardhat\.json does not exist; run ehr:deploy first\.$/,
      );
      expect(await core.hospitalCount()).to.equal(0n);
    });
  });

  describe("ehr:onboard-doctor", () => {
    /** Arguments the refusal cases start from: a valid onboarding at hospital 1. */
    const onboardDrX = (account: string) => ({ account, hospital: 1, specialty: 1, licence: "L", name: "Dr X" });

    it("onboards a doctor with the keccak256 of the licence id and never prints the licence id", async () => {
      const { core, hospitalAccount, doctor } = await fixture();
      await runTask("ehr:add-hospital", { account: hospitalAccount.address, name: "St Mary" });
      const { output } = await runTask("ehr:onboard-doctor", {
        account: doctor.address,
        hospital: 1,
        specialty: 310,
        licence: "GMC 7654321",
        name: "Dr Ada Lovelace",
        profile: "ipfs://profile",
      });
      const d = await core.doctor(doctor.address);
      expect([d.status, d.hospitalId, d.specialty, d.licenceHash, d.name, d.profileUri]).to.deep.equal([
        DoctorStatus.Active,
        1n,
        310n,
        ethers.keccak256(ethers.toUtf8Bytes("GMC 7654321")),
        "Dr Ada Lovelace",
        "ipfs://profile",
      ]);
      expect(output).to.contain(`Onboarded Dr Ada Lovelace (${doctor.address}) at hospital 1 "St Mary"`);
      expect(output).not.to.contain("7654321");
    });

    it("names HospitalUnknown for a hospital that does not exist", async () => {
      const { core, doctor } = await fixture();
      await expect(runTask("ehr:onboard-doctor", { ...onboardDrX(doctor.address), hospital: 7 })).to.be.rejectedWith(
        HardhatPluginError,
        "The contract refused to onboard the doctor: HospitalUnknown(7).",
      );
      expect(await core.doctorCount()).to.equal(0n);
    });

    it("refuses a signer who is not the admin", async () => {
      const { core, hospitalAccount, doctor, stranger } = await fixture();
      await runTask("ehr:add-hospital", { account: hospitalAccount.address, name: "St Mary" });
      await expect(
        runTask("ehr:onboard-doctor", { ...onboardDrX(doctor.address), from: stranger.address }),
      ).to.be.rejectedWith(HardhatPluginError, `${stranger.address} is not the admin`);
      expect(await core.doctorCount()).to.equal(0n);
    });

    it("refuses an empty licence id", async () => {
      const { core, doctor } = await fixture();
      await expect(runTask("ehr:onboard-doctor", { ...onboardDrX(doctor.address), licence: "  " })).to.be.rejectedWith(
        HardhatPluginError,
        "--licence cannot be empty.",
      );
      expect(await core.doctorCount()).to.equal(0n);
    });
  });

  describe("ehr:suspend-doctor", () => {
    it("suspends an active doctor with a reason code", async () => {
      const { core, doctor } = await withDoctors();
      const { output } = await runTask("ehr:suspend-doctor", { account: doctor.address, reason: 4 });
      const [event] = await core.queryFilter(core.filters.DoctorSuspensionChanged(doctor.address));
      expect([event.args.doctor, event.args.suspended, event.args.reasonCode]).to.deep.equal([
        doctor.address,
        true,
        4n,
      ]);
      expect(output).to.contain(`Suspended doctor ${doctor.address} (reason code 4)`);
      expect((await core.doctor(doctor.address)).status).to.equal(DoctorStatus.Suspended);
    });

    it("names DoctorUnknown for an account that is not a doctor, with the catalogue's sentence", async () => {
      const { stranger } = await withDoctors();
      await expect(runTask("ehr:suspend-doctor", { account: stranger.address })).to.be.rejectedWith(
        HardhatPluginError,
        `The contract refused to suspend the doctor: DoctorUnknown(${stranger.address}). ${errorSentences.DoctorUnknown}`,
      );
    });

    it("refuses a signer who is not the admin", async () => {
      const { core, doctor, stranger } = await withDoctors();
      await expect(
        runTask("ehr:suspend-doctor", { account: doctor.address, from: stranger.address }),
      ).to.be.rejectedWith(HardhatPluginError, `${stranger.address} is not the admin`);
      expect(await core.isActiveDoctor(doctor.address)).to.equal(true);
    });

    it("refuses an invalid address", async () => {
      await withDoctors();
      await expect(runTask("ehr:suspend-doctor", { account: "0xabc" })).to.be.rejectedWith(
        HardhatPluginError,
        '--account "0xabc" is not a valid address.',
      );
    });
  });

  describe("ehr:reinstate-doctor", () => {
    it("reinstates a suspended doctor", async () => {
      const { core, doctor } = await withDoctors();
      await runTask("ehr:suspend-doctor", { account: doctor.address });
      await runTask("ehr:reinstate-doctor", { account: doctor.address });
      const events = await core.queryFilter(core.filters.DoctorSuspensionChanged(doctor.address));
      expect(events.map((e) => [e.args.doctor, e.args.suspended, e.args.reasonCode])).to.deep.equal([
        [doctor.address, true, 0n],
        [doctor.address, false, 0n],
      ]);
      expect(await core.isActiveDoctor(doctor.address)).to.equal(true);
    });

    it("names DoctorStatusUnchanged for a doctor who is active", async () => {
      const { core, doctor } = await withDoctors();
      await expect(runTask("ehr:reinstate-doctor", { account: doctor.address })).to.be.rejectedWith(
        HardhatPluginError,
        `The contract refused to reinstate the doctor: DoctorStatusUnchanged(${doctor.address}, 1).`,
      );
      expect(await core.isActiveDoctor(doctor.address)).to.equal(true);
    });

    it("refuses a signer who is not the admin", async () => {
      const { core, doctor, stranger } = await withDoctors();
      await runTask("ehr:suspend-doctor", { account: doctor.address });
      await expect(
        runTask("ehr:reinstate-doctor", { account: doctor.address, from: stranger.address }),
      ).to.be.rejectedWith(HardhatPluginError, `${stranger.address} is not the admin`);
      expect(await core.isActiveDoctor(doctor.address)).to.equal(false);
    });
  });

  describe("ehr:set-hospital-active", () => {
    it("suspends a hospital and every active doctor of it, and only of it", async () => {
      const { core, hospitalAccount, doctor, doctor2, doctor3 } = await withDoctors();
      await runTask("ehr:suspend-doctor", { account: doctor2.address, reason: 9 });
      const { result } = await runTask<{ suspendedDoctors: string[] }>("ehr:set-hospital-active", {
        id: 1,
        active: false,
        reason: 3,
      });
      expect(result.suspendedDoctors).to.deep.equal([doctor.address]);
      expect((await core.hospital(1)).active).to.equal(false);
      expect(await core.hasRole(HOSPITAL_ROLE, hospitalAccount.address)).to.equal(false);
      expect(await core.isActiveDoctor(doctor.address)).to.equal(false);
      expect(await core.isActiveDoctor(doctor2.address)).to.equal(false);
      expect(await core.isActiveDoctor(doctor3.address)).to.equal(true);
      expect((await core.hospital(2)).active).to.equal(true);
    });

    it("suspends the doctors still active when the hospital is already suspended", async () => {
      const { core, admin, doctor, doctor2 } = await withDoctors();
      await core.connect(admin).setHospitalActive(1, false);
      const { output } = await runTask("ehr:set-hospital-active", { id: 1, active: false });
      expect(output).to.contain(`Hospital 1 "St Mary" is already suspended.`);
      expect(await core.isActiveDoctor(doctor.address)).to.equal(false);
      expect(await core.isActiveDoctor(doctor2.address)).to.equal(false);
    });

    it("reactivates a hospital and leaves its doctors suspended", async () => {
      const { core, hospitalAccount, doctor } = await withDoctors();
      await runTask("ehr:set-hospital-active", { id: 1, active: false });
      const { output } = await runTask("ehr:set-hospital-active", { id: 1, active: true });
      expect((await core.hospital(1)).active).to.equal(true);
      expect(await core.hasRole(HOSPITAL_ROLE, hospitalAccount.address)).to.equal(true);
      expect(await core.isActiveDoctor(doctor.address)).to.equal(false);
      expect(output).to.contain("Its 2 suspended doctor(s) stay suspended");
    });

    it("names HospitalUnknown for a hospital that does not exist", async () => {
      await withDoctors();
      await expect(runTask("ehr:set-hospital-active", { id: 9, active: false })).to.be.rejectedWith(
        HardhatPluginError,
        "Could not read hospital 9: HospitalUnknown(9).",
      );
    });

    it("refuses a signer who is not the admin", async () => {
      const { core, doctor, stranger } = await withDoctors();
      await expect(
        runTask("ehr:set-hospital-active", { id: 1, active: false, from: stranger.address }),
      ).to.be.rejectedWith(HardhatPluginError, `${stranger.address} is not the admin`);
      expect((await core.hospital(1)).active).to.equal(true);
      expect(await core.isActiveDoctor(doctor.address)).to.equal(true);
    });
  });
});
