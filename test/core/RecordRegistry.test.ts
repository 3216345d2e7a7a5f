import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse } from "ethers";
import type { EhrCore } from "../../typechain-types";
import {
  baseFixture,
  Category,
  DAY,
  FLAG_AMENDMENT,
  FLAG_HAS_SUMMARY,
  FLAG_SUPERSEDED,
  futureSlot,
  recordInput,
  SLOT,
} from "../helpers";

/** Categories `doctor` may write for `patient` in the fixture. */
const GRANTED = (1 << Category.ClinicalNotes) | (1 << Category.LabResults);
const REASON_CORRECTION = 3;

/** `doctor` holds a 30-day grant from `patient` for reports and labs; `doctor2` holds none. */
async function grantFixture() {
  const f = await baseFixture();
  const grantExpiresAt = (await time.latest()) + 30 * DAY;
  await f.core.connect(f.patient).grantAccess(f.doctor.address, GRANTED, grantExpiresAt);
  return { ...f, grantExpiresAt };
}

/** As {grantFixture}, plus record 0 (a report by `doctor`) and record 1 (general details by `patient`). */
async function amendFixture() {
  const f = await grantFixture();
  await f.core.connect(f.doctor).addRecord(f.patient.address, recordInput(Category.ClinicalNotes, true, "report"));
  await f.core.connect(f.patient).addRecord(f.patient.address, recordInput(Category.GeneralDetails, false, "details"));
  return f;
}

/** As {grantFixture}, plus an appointment of `patient` with `doctor2` at `start`, booked but not confirmed. */
async function appointmentFixture() {
  const f = await grantFixture();
  const start = await futureSlot(1);
  await f.book.connect(f.patient).book(f.doctor2.address, start);
  return { ...f, start };
}

async function confirmedAppointmentFixture() {
  const f = await appointmentFixture();
  await f.book.connect(f.doctor2).confirm(f.start);
  return f;
}

/** A record as a plain object, for deep comparison. */
async function recordAt(core: EhrCore, patient: string, index: number) {
  const { author, category, flags, blockNumber, supersedes } = await core.recordOf(patient, index);
  return { author, category, flags, blockNumber, supersedes };
}

/** The pointer arguments of {RecordAdded}, in event order. */
const pointersOf = (input: ReturnType<typeof recordInput>) =>
  [input.envelopeHash, input.cid, input.summaryHash, input.summaryCid] as const;

async function blockOf(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
  const receipt = await (await tx).wait();
  return BigInt(receipt!.blockNumber);
}

describe("RecordRegistry", () => {
  describe("addRecord", () => {
    it("lets the patient add a record of any category, announcing its pointers", async () => {
      const { core, patient } = await loadFixture(grantFixture);
      const input = recordInput(31, true, "own");
      const tx = core.connect(patient).addRecord(patient.address, input);
      await expect(tx)
        .to.emit(core, "RecordAdded")
        .withArgs(patient.address, 0, patient.address, 31, ...pointersOf(input));
      expect(await core.recordCount(patient.address)).to.equal(1n);
      expect(await recordAt(core, patient.address, 0)).to.deep.equal({
        author: patient.address,
        category: 31n,
        flags: FLAG_HAS_SUMMARY,
        blockNumber: await blockOf(tx),
        supersedes: 0n,
      });
    });

    it("stores a record without a summary with no flags", async () => {
      const { core, patient } = await loadFixture(grantFixture);
      const input = recordInput(Category.GeneralDetails, false, "details");
      const tx = core.connect(patient).addRecord(patient.address, input);
      await expect(tx)
        .to.emit(core, "RecordAdded")
        .withArgs(
          patient.address,
          0,
          patient.address,
          Category.GeneralDetails,
          input.envelopeHash,
          input.cid,
          ethers.ZeroHash,
          "",
        );
      expect(await recordAt(core, patient.address, 0)).to.deep.equal({
        author: patient.address,
        category: 0n,
        flags: 0n,
        blockNumber: await blockOf(tx),
        supersedes: 0n,
      });
    });

    it("numbers each patient's records from 0 and returns the index", async () => {
      const { core, patient, patient2 } = await loadFixture(grantFixture);
      await core.connect(patient).addRecord(patient.address, recordInput(Category.ClinicalNotes, true, "a"));
      expect(
        await core.connect(patient).addRecord.staticCall(patient.address, recordInput(Category.LabResults)),
      ).to.equal(1n);
      await core.connect(patient).addRecord(patient.address, recordInput(Category.LabResults, true, "b"));
      await expect(core.connect(patient2).addRecord(patient2.address, recordInput(Category.LabResults, true, "c")))
        .to.emit(core, "RecordAdded")
        .withArgs(
          patient2.address,
          0,
          patient2.address,
          Category.LabResults,
          ...pointersOf(recordInput(Category.LabResults, true, "c")),
        );
      expect(await core.recordCount(patient.address)).to.equal(2n);
      expect(await core.recordCount(patient2.address)).to.equal(1n);
    });

    it("lets a doctor add a record of a category the grant covers", async () => {
      const { core, patient, doctor } = await loadFixture(grantFixture);
      const input = recordInput(Category.LabResults, true, "lab");
      const tx = core.connect(doctor).addRecord(patient.address, input);
      await expect(tx)
        .to.emit(core, "RecordAdded")
        .withArgs(patient.address, 0, doctor.address, Category.LabResults, ...pointersOf(input));
      expect(await recordAt(core, patient.address, 0)).to.deep.equal({
        author: doctor.address,
        category: BigInt(Category.LabResults),
        flags: FLAG_HAS_SUMMARY,
        blockNumber: await blockOf(tx),
        supersedes: 0n,
      });
    });

    it("lets a doctor write until the last second of the grant", async () => {
      const { core, patient, doctor, grantExpiresAt } = await loadFixture(grantFixture);
      await time.setNextBlockTimestamp(grantExpiresAt - 1);
      await expect(core.connect(doctor).addRecord(patient.address, recordInput(Category.ClinicalNotes))).to.emit(
        core,
        "RecordAdded",
      );
    });

    it("refuses a doctor without a grant", async () => {
      const { core, patient, doctor2 } = await loadFixture(grantFixture);
      await expect(core.connect(doctor2).addRecord(patient.address, recordInput(Category.ClinicalNotes)))
        .to.be.revertedWithCustomError(core, "RecordWriteUnauthorized")
        .withArgs(patient.address, doctor2.address, Category.ClinicalNotes);
      expect(await core.recordCount(patient.address)).to.equal(0n);
    });

    it("refuses a doctor whose grant does not cover the category", async () => {
      const { core, patient, doctor } = await loadFixture(grantFixture);
      await expect(core.connect(doctor).addRecord(patient.address, recordInput(Category.GeneralDetails)))
        .to.be.revertedWithCustomError(core, "RecordWriteUnauthorized")
        .withArgs(patient.address, doctor.address, Category.GeneralDetails);
      expect(await core.recordCount(patient.address)).to.equal(0n);
    });

    it("refuses a doctor whose grant expired", async () => {
      const { core, patient, doctor, grantExpiresAt } = await loadFixture(grantFixture);
      await time.setNextBlockTimestamp(grantExpiresAt);
      await expect(core.connect(doctor).addRecord(patient.address, recordInput(Category.ClinicalNotes)))
        .to.be.revertedWithCustomError(core, "RecordWriteUnauthorized")
        .withArgs(patient.address, doctor.address, Category.ClinicalNotes);
      expect(await core.recordCount(patient.address)).to.equal(0n);
    });

    it("refuses a doctor whose grant was revoked", async () => {
      const { core, patient, doctor } = await loadFixture(grantFixture);
      await core.connect(patient).revokeAccess(doctor.address);
      await expect(core.connect(doctor).addRecord(patient.address, recordInput(Category.ClinicalNotes)))
        .to.be.revertedWithCustomError(core, "RecordWriteUnauthorized")
        .withArgs(patient.address, doctor.address, Category.ClinicalNotes);
    });

    it("refuses a suspended doctor despite a covering grant", async () => {
      const { core, admin, patient, doctor } = await loadFixture(grantFixture);
      await core.connect(admin).suspendDoctor(doctor.address, 1);
      await expect(core.connect(doctor).addRecord(patient.address, recordInput(Category.ClinicalNotes)))
        .to.be.revertedWithCustomError(core, "RecordWriteUnauthorized")
        .withArgs(patient.address, doctor.address, Category.ClinicalNotes);
      expect(await core.recordCount(patient.address)).to.equal(0n);
    });

    it("refuses a stranger and another patient", async () => {
      const { core, patient, patient2, stranger } = await loadFixture(grantFixture);
      for (const caller of [stranger, patient2]) {
        await expect(core.connect(caller).addRecord(patient.address, recordInput(Category.ClinicalNotes)))
          .to.be.revertedWithCustomError(core, "RecordWriteUnauthorized")
          .withArgs(patient.address, caller.address, Category.ClinicalNotes);
      }
      expect(await core.recordCount(patient.address)).to.equal(0n);
    });

    it("refuses a category beyond the 32 a grant can cover", async () => {
      const { core, patient } = await loadFixture(grantFixture);
      for (const category of [32, 255]) {
        await expect(core.connect(patient).addRecord(patient.address, recordInput(category)))
          .to.be.revertedWithCustomError(core, "RecordCategoryInvalid")
          .withArgs(category);
      }
      expect(await core.recordCount(patient.address)).to.equal(0n);
    });

    it("refuses incomplete pointers", async () => {
      const { core, patient } = await loadFixture(grantFixture);
      const valid = recordInput(Category.ClinicalNotes, true);
      const invalid = {
        "a zero envelope hash": { ...valid, envelopeHash: ethers.ZeroHash },
        "an empty CID": { ...valid, cid: "" },
        "a summary hash without its CID": { ...valid, summaryCid: "" },
        "a summary CID without its hash": { ...valid, summaryHash: ethers.ZeroHash },
      };
      for (const [name, input] of Object.entries(invalid)) {
        await expect(core.connect(patient).addRecord(patient.address, input), name).to.be.revertedWithCustomError(
          core,
          "RecordPointerInvalid",
        );
      }
      expect(await core.recordCount(patient.address)).to.equal(0n);
    });

    it("refuses an unregistered patient", async () => {
      const { core, stranger } = await loadFixture(grantFixture);
      await expect(core.connect(stranger).addRecord(stranger.address, recordInput(Category.ClinicalNotes)))
        .to.be.revertedWithCustomError(core, "PatientUnknown")
        .withArgs(stranger.address);
      expect(await core.recordCount(stranger.address)).to.equal(0n);
    });

    it("refuses while paused, and works again after", async () => {
      const { core, admin, patient, doctor } = await loadFixture(grantFixture);
      await core.connect(admin).pause();
      for (const caller of [patient, doctor]) {
        await expect(
          core.connect(caller).addRecord(patient.address, recordInput(Category.ClinicalNotes)),
        ).to.be.revertedWithCustomError(core, "EnforcedPause");
      }
      expect(await core.recordCount(patient.address)).to.equal(0n);
      await core.connect(admin).unpause();
      await expect(core.connect(doctor).addRecord(patient.address, recordInput(Category.ClinicalNotes))).to.emit(
        core,
        "RecordAdded",
      );
    });
  });

  describe("amendRecord", () => {
    it("supersedes the old record and appends the amendment pointing back to it", async () => {
      const { core, patient, doctor } = await loadFixture(amendFixture);
      const before = await recordAt(core, patient.address, 0);
      const input = recordInput(Category.ClinicalNotes, false, "corrected");
      const tx = core.connect(doctor).amendRecord(patient.address, 0, input, REASON_CORRECTION);
      await expect(tx)
        .to.emit(core, "RecordAdded")
        .withArgs(
          patient.address,
          2,
          doctor.address,
          Category.ClinicalNotes,
          input.envelopeHash,
          input.cid,
          ethers.ZeroHash,
          "",
        )
        .and.to.emit(core, "RecordAmended")
        .withArgs(patient.address, 0, 2, REASON_CORRECTION);
      expect(await core.recordCount(patient.address)).to.equal(3n);
      expect(await recordAt(core, patient.address, 0)).to.deep.equal({
        ...before,
        flags: FLAG_HAS_SUMMARY | FLAG_SUPERSEDED,
      });
      expect(await recordAt(core, patient.address, 2)).to.deep.equal({
        author: doctor.address,
        category: BigInt(Category.ClinicalNotes),
        flags: FLAG_AMENDMENT,
        blockNumber: await blockOf(tx),
        supersedes: 1n,
      });
    });

    it("returns the amendment's index and keeps a summary flag on it", async () => {
      const { core, patient } = await loadFixture(amendFixture);
      const input = recordInput(Category.GeneralDetails, true, "details-2");
      expect(await core.connect(patient).amendRecord.staticCall(patient.address, 1, input, 0)).to.equal(2n);
      await core.connect(patient).amendRecord(patient.address, 1, input, 0);
      const amendment = await recordAt(core, patient.address, 2);
      expect(amendment.flags).to.equal(FLAG_AMENDMENT | FLAG_HAS_SUMMARY);
      expect(amendment.supersedes).to.equal(2n);
      expect((await recordAt(core, patient.address, 1)).flags).to.equal(FLAG_SUPERSEDED);
    });

    it("lets the patient amend a doctor's record", async () => {
      const { core, patient } = await loadFixture(amendFixture);
      await expect(
        core.connect(patient).amendRecord(patient.address, 0, recordInput(Category.ClinicalNotes, true, "p"), 1),
      )
        .to.emit(core, "RecordAmended")
        .withArgs(patient.address, 0, 2, 1);
    });

    it("lets a doctor change the category when the grant covers both", async () => {
      const { core, patient, doctor } = await loadFixture(amendFixture);
      await expect(
        core.connect(doctor).amendRecord(patient.address, 0, recordInput(Category.LabResults, true, "lab"), 1),
      )
        .to.emit(core, "RecordAmended")
        .withArgs(patient.address, 0, 2, 1);
      expect((await recordAt(core, patient.address, 2)).category).to.equal(BigInt(Category.LabResults));
    });

    it("amends an amendment", async () => {
      const { core, patient, doctor } = await loadFixture(amendFixture);
      await core.connect(doctor).amendRecord(patient.address, 0, recordInput(Category.ClinicalNotes, true, "v2"), 1);
      await expect(
        core.connect(doctor).amendRecord(patient.address, 2, recordInput(Category.ClinicalNotes, true, "v3"), 1),
      )
        .to.emit(core, "RecordAmended")
        .withArgs(patient.address, 2, 3, 1);
      expect((await recordAt(core, patient.address, 2)).flags).to.equal(
        FLAG_HAS_SUMMARY | FLAG_AMENDMENT | FLAG_SUPERSEDED,
      );
      expect((await recordAt(core, patient.address, 3)).supersedes).to.equal(3n);
    });

    it("refuses to amend a record twice", async () => {
      const { core, patient, doctor } = await loadFixture(amendFixture);
      await core.connect(doctor).amendRecord(patient.address, 0, recordInput(Category.ClinicalNotes, true, "v2"), 1);
      await expect(
        core.connect(patient).amendRecord(patient.address, 0, recordInput(Category.ClinicalNotes, true, "v3"), 1),
      )
        .to.be.revertedWithCustomError(core, "RecordAlreadySuperseded")
        .withArgs(patient.address, 0);
      expect(await core.recordCount(patient.address)).to.equal(3n);
    });

    it("refuses an unknown record", async () => {
      const { core, patient } = await loadFixture(amendFixture);
      await expect(core.connect(patient).amendRecord(patient.address, 2, recordInput(Category.ClinicalNotes), 1))
        .to.be.revertedWithCustomError(core, "RecordUnknown")
        .withArgs(patient.address, 2);
      expect(await core.recordCount(patient.address)).to.equal(2n);
    });

    it("refuses a doctor whose grant does not cover the old record's category", async () => {
      const { core, patient, doctor } = await loadFixture(amendFixture);
      const before = await recordAt(core, patient.address, 1);
      await expect(core.connect(doctor).amendRecord(patient.address, 1, recordInput(Category.ClinicalNotes), 1))
        .to.be.revertedWithCustomError(core, "RecordWriteUnauthorized")
        .withArgs(patient.address, doctor.address, Category.GeneralDetails);
      expect(await recordAt(core, patient.address, 1)).to.deep.equal(before);
      expect(await core.recordCount(patient.address)).to.equal(2n);
    });

    it("refuses a doctor whose grant does not cover the new category", async () => {
      const { core, patient, doctor } = await loadFixture(amendFixture);
      const before = await recordAt(core, patient.address, 0);
      await expect(core.connect(doctor).amendRecord(patient.address, 0, recordInput(Category.GeneralDetails), 1))
        .to.be.revertedWithCustomError(core, "RecordWriteUnauthorized")
        .withArgs(patient.address, doctor.address, Category.GeneralDetails);
      expect(await recordAt(core, patient.address, 0)).to.deep.equal(before);
      expect(await core.recordCount(patient.address)).to.equal(2n);
    });

    it("refuses a doctor without a grant, even on their own record", async () => {
      const { core, patient, doctor } = await loadFixture(amendFixture);
      await core.connect(patient).revokeAccess(doctor.address);
      await expect(core.connect(doctor).amendRecord(patient.address, 0, recordInput(Category.ClinicalNotes), 1))
        .to.be.revertedWithCustomError(core, "RecordWriteUnauthorized")
        .withArgs(patient.address, doctor.address, Category.ClinicalNotes);
    });

    it("refuses an invalid category or incomplete pointers, leaving the old record as it was", async () => {
      const { core, patient } = await loadFixture(amendFixture);
      const before = await recordAt(core, patient.address, 0);
      await expect(core.connect(patient).amendRecord(patient.address, 0, recordInput(32), 1))
        .to.be.revertedWithCustomError(core, "RecordCategoryInvalid")
        .withArgs(32);
      await expect(
        core.connect(patient).amendRecord(patient.address, 0, { ...recordInput(Category.ClinicalNotes), cid: "" }, 1),
      ).to.be.revertedWithCustomError(core, "RecordPointerInvalid");
      expect(await recordAt(core, patient.address, 0)).to.deep.equal(before);
      expect(await core.recordCount(patient.address)).to.equal(2n);
    });

    it("refuses an unregistered patient", async () => {
      const { core, stranger } = await loadFixture(amendFixture);
      await expect(core.connect(stranger).amendRecord(stranger.address, 0, recordInput(Category.ClinicalNotes), 1))
        .to.be.revertedWithCustomError(core, "PatientUnknown")
        .withArgs(stranger.address);
    });

    it("refuses while paused", async () => {
      const { core, admin, patient } = await loadFixture(amendFixture);
      await core.connect(admin).pause();
      await expect(
        core.connect(patient).amendRecord(patient.address, 0, recordInput(Category.ClinicalNotes), 1),
      ).to.be.revertedWithCustomError(core, "EnforcedPause");
      expect((await recordAt(core, patient.address, 0)).flags).to.equal(FLAG_HAS_SUMMARY);
    });
  });

  describe("addAppointmentRecord", () => {
    it("lets the doctor write for the patient from the slot's start, without a grant", async () => {
      const { core, patient, doctor2, start } = await loadFixture(confirmedAppointmentFixture);
      const input = recordInput(Category.Prescriptions, true, "rx");
      await time.setNextBlockTimestamp(start);
      const tx = core.connect(doctor2).addAppointmentRecord(start, input);
      await expect(tx)
        .to.emit(core, "RecordAdded")
        .withArgs(patient.address, 0, doctor2.address, Category.Prescriptions, ...pointersOf(input));
      expect(await recordAt(core, patient.address, 0)).to.deep.equal({
        author: doctor2.address,
        category: BigInt(Category.Prescriptions),
        flags: FLAG_HAS_SUMMARY,
        blockNumber: await blockOf(tx),
        supersedes: 0n,
      });
    });

    it("keeps the window open until 24 h after the slot ends", async () => {
      const { core, patient, doctor2, start } = await loadFixture(confirmedAppointmentFixture);
      await time.setNextBlockTimestamp(start + SLOT + DAY);
      await expect(core.connect(doctor2).addAppointmentRecord(start, recordInput(Category.TestOrders)))
        .to.emit(core, "RecordAdded")
        .withArgs(
          patient.address,
          0,
          doctor2.address,
          Category.TestOrders,
          ...pointersOf(recordInput(Category.TestOrders)),
        );
    });

    it("refuses before the slot starts", async () => {
      const { core, patient, doctor2, start } = await loadFixture(confirmedAppointmentFixture);
      await time.setNextBlockTimestamp(start - 1);
      await expect(core.connect(doctor2).addAppointmentRecord(start, recordInput(Category.ClinicalNotes)))
        .to.be.revertedWithCustomError(core, "RecordAppointmentWindowClosed")
        .withArgs(doctor2.address, start);
      expect(await core.recordCount(patient.address)).to.equal(0n);
    });

    it("refuses after the write-up window", async () => {
      const { core, patient, doctor2, start } = await loadFixture(confirmedAppointmentFixture);
      await time.setNextBlockTimestamp(start + SLOT + DAY + 1);
      await expect(core.connect(doctor2).addAppointmentRecord(start, recordInput(Category.ClinicalNotes)))
        .to.be.revertedWithCustomError(core, "RecordAppointmentWindowClosed")
        .withArgs(doctor2.address, start);
      expect(await core.recordCount(patient.address)).to.equal(0n);
    });

    it("refuses an appointment the doctor has not confirmed", async () => {
      const { core, patient, doctor2, start } = await loadFixture(appointmentFixture);
      await time.increaseTo(start);
      await expect(core.connect(doctor2).addAppointmentRecord(start, recordInput(Category.ClinicalNotes)))
        .to.be.revertedWithCustomError(core, "RecordAppointmentWindowClosed")
        .withArgs(doctor2.address, start);
      expect(await core.recordCount(patient.address)).to.equal(0n);
    });

    it("refuses a cancelled appointment", async () => {
      const { core, book, patient, doctor2, start } = await loadFixture(confirmedAppointmentFixture);
      await book.connect(patient).cancel(doctor2.address, start);
      await time.increaseTo(start);
      await expect(core.connect(doctor2).addAppointmentRecord(start, recordInput(Category.ClinicalNotes)))
        .to.be.revertedWithCustomError(core, "RecordAppointmentWindowClosed")
        .withArgs(doctor2.address, start);
      expect(await core.recordCount(patient.address)).to.equal(0n);
    });

    it("refuses another doctor, and a slot without an appointment", async () => {
      const { core, patient, doctor, doctor2, start } = await loadFixture(confirmedAppointmentFixture);
      await time.increaseTo(start);
      await expect(core.connect(doctor).addAppointmentRecord(start, recordInput(Category.ClinicalNotes)))
        .to.be.revertedWithCustomError(core, "RecordAppointmentWindowClosed")
        .withArgs(doctor.address, start);
      await expect(core.connect(doctor2).addAppointmentRecord(start - SLOT, recordInput(Category.ClinicalNotes)))
        .to.be.revertedWithCustomError(core, "RecordAppointmentWindowClosed")
        .withArgs(doctor2.address, start - SLOT);
      expect(await core.recordCount(patient.address)).to.equal(0n);
    });

    it("refuses a suspended doctor and a stranger", async () => {
      const { core, admin, doctor2, stranger, start } = await loadFixture(confirmedAppointmentFixture);
      await core.connect(admin).suspendDoctor(doctor2.address, 1);
      await time.increaseTo(start);
      await expect(core.connect(doctor2).addAppointmentRecord(start, recordInput(Category.ClinicalNotes)))
        .to.be.revertedWithCustomError(core, "DoctorSuspended")
        .withArgs(doctor2.address);
      await expect(core.connect(stranger).addAppointmentRecord(start, recordInput(Category.ClinicalNotes)))
        .to.be.revertedWithCustomError(core, "DoctorUnknown")
        .withArgs(stranger.address);
    });

    it("refuses an invalid category or incomplete pointers within the window", async () => {
      const { core, patient, doctor2, start } = await loadFixture(confirmedAppointmentFixture);
      await time.increaseTo(start);
      await expect(core.connect(doctor2).addAppointmentRecord(start, recordInput(32)))
        .to.be.revertedWithCustomError(core, "RecordCategoryInvalid")
        .withArgs(32);
      await expect(
        core
          .connect(doctor2)
          .addAppointmentRecord(start, { ...recordInput(Category.ClinicalNotes), envelopeHash: ethers.ZeroHash }),
      ).to.be.revertedWithCustomError(core, "RecordPointerInvalid");
      expect(await core.recordCount(patient.address)).to.equal(0n);
    });

    it("refuses while paused", async () => {
      const { core, admin, patient, doctor2, start } = await loadFixture(confirmedAppointmentFixture);
      await time.increaseTo(start);
      await core.connect(admin).pause();
      await expect(
        core.connect(doctor2).addAppointmentRecord(start, recordInput(Category.ClinicalNotes)),
      ).to.be.revertedWithCustomError(core, "EnforcedPause");
      expect(await core.recordCount(patient.address)).to.equal(0n);
    });
  });

  describe("recordCount", () => {
    it("is 0 for a patient without records and for an unknown address", async () => {
      const { core, patient, stranger } = await loadFixture(grantFixture);
      expect(await core.recordCount(patient.address)).to.equal(0n);
      expect(await core.recordCount(stranger.address)).to.equal(0n);
    });
  });

  describe("recordOf", () => {
    it("refuses an index past the end", async () => {
      const { core, patient } = await loadFixture(amendFixture);
      await expect(core.recordOf(patient.address, 2))
        .to.be.revertedWithCustomError(core, "RecordUnknown")
        .withArgs(patient.address, 2);
    });

    it("refuses any index of an unknown address", async () => {
      const { core, stranger } = await loadFixture(amendFixture);
      await expect(core.recordOf(stranger.address, 0))
        .to.be.revertedWithCustomError(core, "RecordUnknown")
        .withArgs(stranger.address, 0);
    });
  });

  describe("recordsPage", () => {
    /** `patient` with five records, categories 0..4, each with a summary. */
    async function fiveRecordsFixture() {
      const f = await baseFixture();
      for (let category = 0; category < 5; category++) {
        await f.core.connect(f.patient).addRecord(f.patient.address, recordInput(category, true, `r${category}`));
      }
      return f;
    }

    const categoriesOf = async (core: EhrCore, patient: string, offset: bigint, limit: bigint) =>
      (await core.recordsPage(patient, offset, limit)).map((r) => Number(r.category));

    it("returns records oldest first, as recordOf does", async () => {
      const { core, patient } = await loadFixture(fiveRecordsFixture);
      const page = await core.recordsPage(patient.address, 0, 5);
      expect(page.length).to.equal(5);
      for (const [i, r] of page.entries()) {
        const { author, category, flags, blockNumber, supersedes } = r;
        expect({ author, category, flags, blockNumber, supersedes }).to.deep.equal(
          await recordAt(core, patient.address, i),
        );
      }
    });

    it("clips pages to the list", async () => {
      const { core, patient } = await loadFixture(fiveRecordsFixture);
      expect(await categoriesOf(core, patient.address, 0n, 2n)).to.deep.equal([0, 1]);
      expect(await categoriesOf(core, patient.address, 2n, 2n)).to.deep.equal([2, 3]);
      expect(await categoriesOf(core, patient.address, 3n, 10n)).to.deep.equal([3, 4]);
      expect(await categoriesOf(core, patient.address, 1n, ethers.MaxUint256)).to.deep.equal([1, 2, 3, 4]);
    });

    it("returns an empty page past the end, for limit 0 and for a patient without records", async () => {
      const { core, patient, patient2 } = await loadFixture(fiveRecordsFixture);
      expect(await categoriesOf(core, patient.address, 5n, 1n)).to.deep.equal([]);
      expect(await categoriesOf(core, patient.address, ethers.MaxUint256, ethers.MaxUint256)).to.deep.equal([]);
      expect(await categoriesOf(core, patient.address, 0n, 0n)).to.deep.equal([]);
      expect(await categoriesOf(core, patient2.address, 0n, 10n)).to.deep.equal([]);
    });
  });
});
