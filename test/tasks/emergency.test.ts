import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { HardhatPluginError } from "hardhat/plugins";
import { newEncryptionKey } from "../helpers";
import type { DoctorNearLimit, EmergencyEntry } from "../../tasks/emergency";
import { runTask, useDeployedSystem } from "./support";

type Listing = { entries: EmergencyEntry[]; nearLimit: DoctorNearLimit[] };
const WINDOW = 4 * 3600;
const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace(".000Z", "Z");

describe("emergency tasks", () => {
  const { fixture } = useDeployedSystem();

  /** Three emergencies: #1 expired, #2 reviewed by the admin, #3 open and unreviewed. */
  async function withEmergencies() {
    const f = await fixture();
    const { core, admin, hospitalAccount, doctor, doctor2, patient, patient2 } = f;
    await core.connect(admin).addHospital(hospitalAccount.address, "St Mary");
    for (const [i, d] of [doctor, doctor2].entries()) {
      await core.connect(admin).onboardDoctor(d.address, 1, 100 + i, ethers.id(`licence-${i}`), `Dr ${i}`, "");
    }
    for (const p of [patient, patient2]) {
      await core.connect(p).registerPatient(newEncryptionKey().publicKey, ethers.id(`backup-${p.address}`));
    }
    await core.connect(doctor).openEmergencyAccess(patient.address, 7, ethers.id("unconscious"));
    const opened1 = await time.latest();
    await time.increase(WINDOW + 1);
    await core.connect(doctor2).openEmergencyAccess(patient.address, 8, ethers.id("bleeding"));
    await core.connect(admin).reviewEmergencyAccess(2, true, ethers.id("ok"));
    await core.connect(doctor).openEmergencyAccess(patient2.address, 9, ethers.id("anaphylaxis"));
    const opened3 = await time.latest();
    return { ...f, opened1, opened3 };
  }

  describe("ehr:emergency-review (listing)", () => {
    it("lists every emergency access, unreviewed first, with its window and review", async () => {
      const { record, doctor, doctor2, patient, patient2, admin, opened1, opened3 } = await withEmergencies();
      const {
        result: { entries: result },
        output,
      } = await runTask<Listing>("ehr:emergency-review");
      expect(result.map((e) => e.id)).to.deep.equal([1, 3, 2]);
      expect(result[0]).to.deep.equal({
        id: 1,
        patient: patient.address,
        doctor: doctor.address,
        reasonCode: 7,
        justificationHash: ethers.id("unconscious"),
        openedAt: opened1,
        expiresAt: opened1 + WINDOW,
        open: false,
        reopening: false,
        reviewed: false,
      });
      expect(result[1]).to.deep.include({ id: 3, patient: patient2.address, open: true, reviewed: false });
      expect(result[2]).to.deep.include({
        id: 2,
        doctor: doctor2.address,
        reviewed: true,
        review: { justified: true, notesHash: ethers.id("ok"), reviewer: admin.address },
      });
      const lines = output.split("\n");
      expect(lines[0]).to.equal(`3 emergency access(es) since block ${record.deployBlock}, 2 not reviewed:`);
      expect(lines[1]).to.equal(
        `Emergency #1: doctor ${doctor.address} opened access to patient ${patient.address} for reason code 7 ` +
          `at ${iso(opened1)} until ${iso(opened1 + WINDOW)} (expired); NOT reviewed.`,
      );
      expect(lines[2]).to.equal(
        `Emergency #3: doctor ${doctor.address} opened access to patient ${patient2.address} for reason code 9 ` +
          `at ${iso(opened3)} until ${iso(opened3 + WINDOW)} (open); NOT reviewed.`,
      );
      expect(lines[3]).to.match(
        new RegExp(`reviewed by ${admin.address}: justified \\(notes hash ${ethers.id("ok")}\\)\\.$`),
      );
    });

    it("lists the doctors at 80% or more of today's limit, and marks a re-opening within the cool-down", async () => {
      const { core, admin, doctor, patient, patient2 } = await withEmergencies();
      // A fresh UTC day, more than a cool-down after the fixture's openings; a limit of 3 lists a
      // doctor from 3 openings (80% is 2.4).
      const dayStart = Math.ceil((await time.latest()) / 86400) * 86400 + 86400;
      await time.increaseTo(dayStart + 3600);
      await core.connect(admin).setEmergencyPolicy(3, 24 * 3600);
      await core.connect(doctor).openEmergencyAccess(patient.address, 7, ethers.id("collapsed in the waiting room"));
      await core.connect(doctor).openEmergencyAccess(patient2.address, 9, ethers.id("anaphylaxis again"));
      let { result } = await runTask<Listing>("ehr:emergency-review");
      expect(result.nearLimit).to.deep.equal([]);
      expect(result.entries.filter((e) => e.reopening)).to.deep.equal([]);

      await time.increase(WINDOW);
      await core.connect(doctor).openEmergencyAccess(patient.address, 7, ethers.id("second collapse, new bleed"));
      const listed = await runTask<Listing>("ehr:emergency-review");
      result = listed.result;
      const output = listed.output;
      expect(result.nearLimit).to.deep.equal([{ doctor: doctor.address, openedToday: 3, dailyLimit: 3 }]);
      expect(result.entries.filter((e) => e.reopening).map((e) => e.id)).to.deep.equal([6]);
      expect(output).to.contain(
        `Emergency #6: doctor ${doctor.address} opened access to patient ${patient.address} for reason code 7 `,
      );
      expect(output).to.contain("(open, re-opened within the cool-down with a second reason); NOT reviewed.");
      expect(output.split("\n").at(-1)).to.equal(
        `Doctor ${doctor.address} has opened 3 of today's 3 emergency accesses (UTC day).`,
      );
    });

    it("says so when no emergency access was opened", async () => {
      const f = await fixture();
      const { result, output } = await runTask<Listing>("ehr:emergency-review");
      expect(result).to.deep.equal({ entries: [], nearLimit: [] });
      expect(output).to.equal(`No emergency access has been opened since block ${f.record.deployBlock}.`);
    });
  });

  describe("ehr:emergency-review --id (marking)", () => {
    it("marks an emergency reviewed with only the keccak256 of the notes on-chain", async () => {
      const { core, admin } = await withEmergencies();
      const notes = "Patient unconscious after a fall; access justified.";
      const { output } = await runTask("ehr:emergency-review", { id: 3, justified: false, notes });
      expect(await core.isEmergencyReviewed(3)).to.equal(true);
      const [event] = await core.queryFilter(core.filters.EmergencyAccessReviewed(3));
      expect([event.args.reviewer, event.args.justified, event.args.notesHash]).to.deep.equal([
        admin.address,
        false,
        ethers.keccak256(ethers.toUtf8Bytes(notes)),
      ]);
      expect(output).not.to.contain(notes);
      const { result } = await runTask<Listing>("ehr:emergency-review");
      expect(result.entries.map((e) => [e.id, e.reviewed])).to.deep.equal([
        [1, false],
        [2, true],
        [3, true],
      ]);
    });

    it("stores a zero notes hash when there are no notes", async () => {
      const { core } = await withEmergencies();
      await runTask("ehr:emergency-review", { id: 1, justified: true });
      const [event] = await core.queryFilter(core.filters.EmergencyAccessReviewed(1));
      expect(event.args.notesHash).to.equal(ethers.ZeroHash);
    });

    it("names EmergencyAlreadyReviewed for a reviewed emergency", async () => {
      const { core } = await withEmergencies();
      await expect(runTask("ehr:emergency-review", { id: 2, justified: false })).to.be.rejectedWith(
        HardhatPluginError,
        "The contract refused to mark emergency #2 reviewed: EmergencyAlreadyReviewed(2).",
      );
      expect(await core.queryFilter(core.filters.EmergencyAccessReviewed())).to.have.length(1);
    });

    it("names EmergencyUnknown for an id never opened", async () => {
      await withEmergencies();
      await expect(runTask("ehr:emergency-review", { id: 9, justified: true })).to.be.rejectedWith(
        HardhatPluginError,
        "The contract refused to mark emergency #9 reviewed: EmergencyUnknown(9).",
      );
    });

    it("refuses a signer who is not the admin", async () => {
      const { core, stranger } = await withEmergencies();
      await expect(
        runTask("ehr:emergency-review", { id: 1, justified: true, from: stranger.address }),
      ).to.be.rejectedWith(HardhatPluginError, `${stranger.address} is not the admin`);
      expect(await core.isEmergencyReviewed(1)).to.equal(false);
    });

    it("refuses --id without --justified, and --justified without --id", async () => {
      const { core } = await withEmergencies();
      await expect(runTask("ehr:emergency-review", { id: 1 })).to.be.rejectedWith(
        HardhatPluginError,
        "Pass --justified true or --justified false with --id.",
      );
      await expect(runTask("ehr:emergency-review", { justified: true })).to.be.rejectedWith(
        HardhatPluginError,
        "--justified and --notes need --id.",
      );
      expect(await core.isEmergencyReviewed(1)).to.equal(false);
    });
  });
});
