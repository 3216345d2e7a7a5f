import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { ethers } from "hardhat";
import { HardhatPluginError } from "hardhat/plugins";
import { DEFAULT_POLICY } from "../../scripts/lib/deploy";
import { newEncryptionKey } from "../helpers";
import type { SystemStatus } from "../../tasks/system";
import { runTask, useDeployedSystem } from "./support";

describe("system tasks", () => {
  const { dir, fixture } = useDeployedSystem();

  describe("ehr:pause", () => {
    it("pauses the system", async () => {
      const { core, admin } = await fixture();
      const { result } = await runTask<{ changed: boolean }>("ehr:pause");
      expect(result.changed).to.equal(true);
      expect(await core.paused()).to.equal(true);
      const [event] = await core.queryFilter(core.filters.Paused());
      expect(event.args.account).to.equal(admin.address);
    });

    it("does nothing when the system is already paused", async () => {
      const { core } = await fixture();
      await runTask("ehr:pause");
      const { result, output } = await runTask<{ changed: boolean }>("ehr:pause");
      expect(result.changed).to.equal(false);
      expect(output).to.equal("The system is already paused.");
      expect(await core.queryFilter(core.filters.Paused())).to.have.length(1);
    });

    it("refuses a signer who is not the admin", async () => {
      const { core, record, admin, stranger } = await fixture();
      await expect(runTask("ehr:pause", { from: stranger.address })).to.be.rejectedWith(
        HardhatPluginError,
        `${stranger.address} is not the admin of the EhrCore at ${record.core.address} (the admin is ${admin.address}); pass --from with the admin's address.`,
      );
      expect(await core.paused()).to.equal(false);
    });
  });

  describe("ehr:unpause", () => {
    it("ends a pause", async () => {
      const { core } = await fixture();
      await runTask("ehr:pause");
      const { result } = await runTask<{ changed: boolean }>("ehr:unpause");
      expect(result.changed).to.equal(true);
      expect(await core.paused()).to.equal(false);
    });

    it("does nothing when the system is not paused", async () => {
      const { core } = await fixture();
      const { result, output } = await runTask<{ changed: boolean }>("ehr:unpause");
      expect(result.changed).to.equal(false);
      expect(output).to.equal("The system is not paused.");
      expect(await core.queryFilter(core.filters.Unpaused())).to.have.length(0);
    });

    it("refuses a signer who is not the admin", async () => {
      const { core, stranger } = await fixture();
      await runTask("ehr:pause");
      await expect(runTask("ehr:unpause", { from: stranger.address })).to.be.rejectedWith(
        HardhatPluginError,
        `${stranger.address} is not the admin`,
      );
      expect(await core.paused()).to.equal(true);
    });
  });

  describe("ehr:emergency-policy", () => {
    type Outcome = { changed: boolean; dailyLimit: number; cooldown: number };

    it("shows the deploy defaults without options", async () => {
      await fixture();
      const { result, output } = await runTask<Outcome>("ehr:emergency-policy");
      expect(result).to.deep.equal({ changed: false, dailyLimit: 5, cooldown: 24 * 3600 });
      expect(output).to.equal(
        "Break-glass policy: each doctor may open 5 emergency access(es) per UTC day; re-opening on the same " +
          "patient within 24 hour(s) of the previous opening needs a second, different justification.",
      );
    });

    it("sets the limit and the cool-down, keeping the one not given", async () => {
      const { core } = await fixture();
      const { result } = await runTask<Outcome>("ehr:emergency-policy", { dailyLimit: 3 });
      expect(result).to.deep.equal({ changed: true, dailyLimit: 3, cooldown: 24 * 3600 });
      const { output } = await runTask<Outcome>("ehr:emergency-policy", { cooldownHours: 0, dailyLimit: 0 });
      expect(await core.emergencyPolicy()).to.deep.equal([0n, 0n]);
      expect(output).to.match(
        /Break-glass policy set: break-glass is OFF \(a daily limit of 0\); re-opening .* needs no second reason\.$/,
      );
      const events = await core.queryFilter(core.filters.EmergencyPolicySet());
      expect(events.map((e) => [e.args.dailyLimit, e.args.cooldown])).to.deep.equal([
        [5n, 86400n],
        [3n, 86400n],
        [0n, 0n],
      ]);
    });

    it("sends nothing when the policy is already set this way", async () => {
      const { core } = await fixture();
      const { result, output } = await runTask<Outcome>("ehr:emergency-policy", { dailyLimit: 5 });
      expect(result.changed).to.equal(false);
      expect(output.split("\n")[0]).to.equal("The break-glass policy is already set this way.");
      expect(await core.queryFilter(core.filters.EmergencyPolicySet())).to.have.length(1);
    });

    it("refuses values out of range, and a signer who is not the admin, changing nothing", async () => {
      const { core, stranger } = await fixture();
      await expect(runTask("ehr:emergency-policy", { cooldownHours: 721 })).to.be.rejectedWith(
        HardhatPluginError,
        "--cooldown-hours must be a whole number from 0 to 720.",
      );
      await expect(runTask("ehr:emergency-policy", { dailyLimit: 70000 })).to.be.rejectedWith(
        HardhatPluginError,
        "--daily-limit must be a whole number from 0 to 65535.",
      );
      await expect(runTask("ehr:emergency-policy", { dailyLimit: 1, from: stranger.address })).to.be.rejectedWith(
        HardhatPluginError,
        `${stranger.address} is not the admin`,
      );
      expect(await core.emergencyPolicy()).to.deep.equal([5n, 86400n]);
    });
  });

  describe("ehr:status", () => {
    it("reports the deployment, admin, policy, counts and hospitals", async () => {
      const { core, record, admin, hospitalAccount, doctor, patient, other } = await fixture();
      await runTask("ehr:add-hospital", { account: hospitalAccount.address, name: "St Mary" });
      await runTask("ehr:onboard-doctor", {
        account: doctor.address,
        hospital: 1,
        specialty: 1,
        licence: "L",
        name: "Dr A",
      });
      await core.connect(patient).registerPatient(newEncryptionKey().publicKey, ethers.id("backup"));
      await core.connect(doctor).openEmergencyAccess(patient.address, 1, ethers.id("why"));
      await core.connect(admin).beginDefaultAdminTransfer(other.address);
      await runTask("ehr:pause");
      const { result, output } = await runTask<SystemStatus>("ehr:status");
      const hospital = await core.hospital(1);
      expect(result).to.deep.equal({
        network: "hardhat",
        chainId: 31337,
        core: record.core.address,
        appointmentBook: record.appointmentBook.address,
        bookLinked: true,
        deployBlock: record.deployBlock,
        paused: true,
        admin: admin.address,
        pendingAdmin: { account: other.address, acceptFrom: Number((await core.pendingDefaultAdmin()).schedule) },
        policy: DEFAULT_POLICY,
        emergencyPolicy: { dailyLimit: 5, cooldown: 24 * 3600 },
        counts: { hospitals: 1, doctors: 1, emergencies: 1, unreviewedEmergencies: 1 },
        hospitals: [
          { id: 1, account: hospitalAccount.address, name: "St Mary", active: true, addedAt: Number(hospital.addedAt) },
        ],
      });
      expect(output).to.contain("The system is PAUSED.");
      expect(output).to.contain("Break-glass policy: each doctor may open 5 emergency access(es) per UTC day;");
      expect(output).to.contain(`pending admin ${other.address} may accept from`);
      expect(output).to.contain("1 hospital(s), 1 doctor(s), 1 emergency access(es), 1 not reviewed.");
      expect(output).to.contain(`Hospital 1 "St Mary": operated by ${hospitalAccount.address}, active`);
    });

    it("counts reviewed emergencies out of the unreviewed ones", async () => {
      const { core, admin, hospitalAccount, doctor, patient } = await fixture();
      await core.connect(admin).addHospital(hospitalAccount.address, "St Mary");
      await core.connect(admin).onboardDoctor(doctor.address, 1, 1, ethers.id("L"), "Dr A", "");
      await core.connect(patient).registerPatient(newEncryptionKey().publicKey, ethers.id("backup"));
      await core.connect(doctor).openEmergencyAccess(patient.address, 1, ethers.id("why"));
      await core.connect(admin).reviewEmergencyAccess(1, true, ethers.ZeroHash);
      const { result } = await runTask<SystemStatus>("ehr:status");
      expect(result.counts).to.deep.equal({ hospitals: 1, doctors: 1, emergencies: 1, unreviewedEmergencies: 0 });
    });

    it("refuses a network with no deployment", async () => {
      await fixture();
      fs.rmSync(path.join(dir(), "hardhat.json"));
      await expect(runTask("ehr:status")).to.be.rejectedWith(
        HardhatPluginError,
        `No deployment for network hardhat: ${path.join(dir(), "hardhat.json")} does not exist; run ehr:deploy first.`,
      );
    });

    it("refuses a deployment recorded for another chain id", async () => {
      const { record } = await fixture();
      fs.writeFileSync(path.join(dir(), "hardhat.json"), JSON.stringify({ ...record, chainId: 1 }));
      await expect(runTask("ehr:status")).to.be.rejectedWith(
        HardhatPluginError,
        `The deployment recorded in ${path.join(dir(), "hardhat.json")} cannot be used: it is for chain id 1, but network hardhat is chain id 31337.`,
      );
    });

    it("refuses a deployment whose contracts are not on the chain", async () => {
      const { record } = await fixture();
      const missing = ethers.Wallet.createRandom().address;
      fs.writeFileSync(path.join(dir(), "hardhat.json"), JSON.stringify({ ...record, core: { address: missing } }));
      await expect(runTask("ehr:status")).to.be.rejectedWith(
        HardhatPluginError,
        `cannot be used: there is no contract code at its EhrCore address ${missing} on network hardhat (was the chain reset?).`,
      );
    });

    it("refuses a book that does not belong to the recorded core", async () => {
      const { record } = await fixture();
      const { result } = await runTask<{ record: typeof record }>("ehr:deploy", { force: true });
      const mixed = { ...record, appointmentBook: result.record.appointmentBook };
      fs.writeFileSync(path.join(dir(), "hardhat.json"), JSON.stringify(mixed));
      await expect(runTask("ehr:status")).to.be.rejectedWith(
        HardhatPluginError,
        `the contract at ${result.record.appointmentBook.address} is not the AppointmentBook of the EhrCore at ${record.core.address}.`,
      );
    });
  });
});
