import { expect } from "chai";
import { ethers } from "hardhat";
import { impersonateAccount, loadFixture, setBalance, time } from "@nomicfoundation/hardhat-network-helpers";
import { DEFAULT_POLICY } from "../../scripts/lib/deploy";
import {
  ALL_CATEGORIES,
  approvalFixture,
  baseFixture,
  Category,
  DAY,
  GrantSource,
  nextBlockTimestamp,
  now,
} from "../helpers";

const MAX_GRANT = DEFAULT_POLICY.maxGrantDuration;
const REPORT_AND_LAB = (1 << Category.ClinicalNotes) | (1 << Category.LabResults);
const REASON_HASH = ethers.id("encrypted reason note");
const NO_GRANT = [0n, 0n, 0n, GrantSource.None];
const NO_REQUEST = [0n, 0n, 0n, 0n];

/** The base fixture with `patient` granting `doctor` reports and labs for a day. */
async function grantedFixture() {
  const f = await baseFixture();
  const expiresAt = (await now()) + DAY;
  await f.core.connect(f.patient).grantAccess(f.doctor.address, REPORT_AND_LAB, expiresAt);
  return { ...f, expiresAt };
}

/** The base fixture with `doctor` asking `patient` for reports and labs for a week. */
async function requestedFixture() {
  const f = await baseFixture();
  await f.core.connect(f.doctor).requestAccess(f.patient.address, REPORT_AND_LAB, 7 * DAY, 3, REASON_HASH);
  return f;
}

describe("ConsentRegistry", () => {
  describe("grantAccess", () => {
    it("grants a doctor the chosen categories until the expiry", async () => {
      const { core, patient, doctor } = await loadFixture(baseFixture);
      const t = await nextBlockTimestamp();
      await expect(core.connect(patient).grantAccess(doctor.address, REPORT_AND_LAB, t + DAY))
        .to.emit(core, "ConsentGranted")
        .withArgs(patient.address, doctor.address, REPORT_AND_LAB, t + DAY, GrantSource.Patient);
      expect(await core.grantOf(patient.address, doctor.address)).to.deep.equal([
        BigInt(REPORT_AND_LAB),
        BigInt(t + DAY),
        BigInt(t),
        GrantSource.Patient,
      ]);
    });

    it("replaces an existing grant", async () => {
      const { core, patient, doctor, expiresAt } = await loadFixture(grantedFixture);
      await core.connect(patient).grantAccess(doctor.address, 1 << Category.Allergies, expiresAt + DAY);
      const grant = await core.grantOf(patient.address, doctor.address);
      expect([grant.categories, grant.expiresAt]).to.deep.equal([
        1n << BigInt(Category.Allergies),
        BigInt(expiresAt + DAY),
      ]);
    });

    it("accepts an expiry exactly at now plus the policy maximum", async () => {
      const { core, patient, doctor } = await loadFixture(baseFixture);
      const t = await nextBlockTimestamp();
      await expect(core.connect(patient).grantAccess(doctor.address, ALL_CATEGORIES, t + MAX_GRANT))
        .to.emit(core, "ConsentGranted")
        .withArgs(patient.address, doctor.address, ALL_CATEGORIES, t + MAX_GRANT, GrantSource.Patient);
    });

    it("refuses an empty category mask", async () => {
      const { core, patient, doctor } = await loadFixture(baseFixture);
      await expect(
        core.connect(patient).grantAccess(doctor.address, 0, (await now()) + DAY),
      ).to.be.revertedWithCustomError(core, "ConsentNoCategories");
      expect(await core.grantOf(patient.address, doctor.address)).to.deep.equal(NO_GRANT);
    });

    it("refuses an expiry at or before now, or beyond the policy maximum", async () => {
      const { core, patient, doctor } = await loadFixture(baseFixture);
      for (const offset of [0, -1, MAX_GRANT + 1]) {
        const t = await nextBlockTimestamp();
        await expect(core.connect(patient).grantAccess(doctor.address, REPORT_AND_LAB, t + offset))
          .to.be.revertedWithCustomError(core, "ConsentExpiryOutOfRange")
          .withArgs(t + offset, t + MAX_GRANT);
      }
      expect(await core.grantOf(patient.address, doctor.address)).to.deep.equal(NO_GRANT);
    });

    it("refuses a grantee who is not a doctor, or is suspended", async () => {
      const { core, admin, patient, patient2, doctor } = await loadFixture(baseFixture);
      const expiresAt = (await now()) + DAY;
      await expect(core.connect(patient).grantAccess(patient2.address, REPORT_AND_LAB, expiresAt))
        .to.be.revertedWithCustomError(core, "DoctorUnknown")
        .withArgs(patient2.address);
      await core.connect(admin).suspendDoctor(doctor.address, 1);
      await expect(core.connect(patient).grantAccess(doctor.address, REPORT_AND_LAB, expiresAt))
        .to.be.revertedWithCustomError(core, "DoctorSuspended")
        .withArgs(doctor.address);
      expect(await core.grantOf(patient.address, doctor.address)).to.deep.equal(NO_GRANT);
    });

    it("refuses a caller who is not a patient", async () => {
      const { core, doctor, doctor2 } = await loadFixture(baseFixture);
      await expect(core.connect(doctor2).grantAccess(doctor.address, REPORT_AND_LAB, (await now()) + DAY))
        .to.be.revertedWithCustomError(core, "PatientUnknown")
        .withArgs(doctor2.address);
    });

    it("refuses a patient awaiting hospital approval", async () => {
      const { core, patient, doctor } = await loadFixture(approvalFixture);
      await expect(core.connect(patient).grantAccess(doctor.address, REPORT_AND_LAB, (await now()) + DAY))
        .to.be.revertedWithCustomError(core, "PatientPending")
        .withArgs(patient.address);
      expect(await core.grantOf(patient.address, doctor.address)).to.deep.equal(NO_GRANT);
    });

    it("refuses while the system is paused", async () => {
      const { core, admin, patient, doctor } = await loadFixture(baseFixture);
      await core.connect(admin).pause();
      await expect(
        core.connect(patient).grantAccess(doctor.address, REPORT_AND_LAB, (await now()) + DAY),
      ).to.be.revertedWithCustomError(core, "EnforcedPause");
      expect(await core.grantOf(patient.address, doctor.address)).to.deep.equal(NO_GRANT);
    });
  });

  describe("revokeAccess", () => {
    it("ends a grant at once", async () => {
      const { core, patient, doctor } = await loadFixture(grantedFixture);
      await expect(core.connect(patient).revokeAccess(doctor.address))
        .to.emit(core, "ConsentRevoked")
        .withArgs(patient.address, doctor.address);
      expect(await core.grantOf(patient.address, doctor.address)).to.deep.equal(NO_GRANT);
      expect(await core.isAuthorized(patient.address, doctor.address, Category.ClinicalNotes)).to.equal(false);
    });

    it("works while the system is paused", async () => {
      const { core, admin, patient, doctor } = await loadFixture(grantedFixture);
      await core.connect(admin).pause();
      await expect(core.connect(patient).revokeAccess(doctor.address))
        .to.emit(core, "ConsentRevoked")
        .withArgs(patient.address, doctor.address);
      expect(await core.isAuthorized(patient.address, doctor.address, Category.ClinicalNotes)).to.equal(false);
    });

    it("refuses when there is no grant", async () => {
      const { core, patient, doctor2 } = await loadFixture(grantedFixture);
      await expect(core.connect(patient).revokeAccess(doctor2.address))
        .to.be.revertedWithCustomError(core, "ConsentNotFound")
        .withArgs(patient.address, doctor2.address);
    });

    it("refuses when the grant has expired, and leaves it readable", async () => {
      const { core, patient, doctor, expiresAt } = await loadFixture(grantedFixture);
      await time.setNextBlockTimestamp(expiresAt);
      await expect(core.connect(patient).revokeAccess(doctor.address))
        .to.be.revertedWithCustomError(core, "ConsentNotFound")
        .withArgs(patient.address, doctor.address);
      expect((await core.grantOf(patient.address, doctor.address)).expiresAt).to.equal(BigInt(expiresAt));
    });
  });

  describe("requestAccess", () => {
    it("records a doctor's request with its reason", async () => {
      const { core, patient, doctor } = await loadFixture(baseFixture);
      const t = await nextBlockTimestamp();
      await expect(core.connect(doctor).requestAccess(patient.address, REPORT_AND_LAB, 7 * DAY, 3, REASON_HASH))
        .to.emit(core, "AccessRequested")
        .withArgs(patient.address, doctor.address, REPORT_AND_LAB, 7 * DAY, 3, REASON_HASH);
      expect(await core.requestOf(patient.address, doctor.address)).to.deep.equal([
        BigInt(REPORT_AND_LAB),
        BigInt(7 * DAY),
        BigInt(t),
        3n,
      ]);
    });

    it("replaces the doctor's pending request", async () => {
      const { core, patient, doctor } = await loadFixture(requestedFixture);
      await core.connect(doctor).requestAccess(patient.address, ALL_CATEGORIES, MAX_GRANT, 4, REASON_HASH);
      const request = await core.requestOf(patient.address, doctor.address);
      expect([request.categories, request.duration, request.reasonCode]).to.deep.equal([
        BigInt(ALL_CATEGORIES),
        BigInt(MAX_GRANT),
        4n,
      ]);
    });

    it("refuses an empty category mask", async () => {
      const { core, patient, doctor } = await loadFixture(baseFixture);
      await expect(
        core.connect(doctor).requestAccess(patient.address, 0, DAY, 3, REASON_HASH),
      ).to.be.revertedWithCustomError(core, "ConsentNoCategories");
      expect(await core.requestOf(patient.address, doctor.address)).to.deep.equal(NO_REQUEST);
    });

    it("refuses a zero duration or one beyond the policy maximum", async () => {
      const { core, patient, doctor } = await loadFixture(baseFixture);
      for (const duration of [0, MAX_GRANT + 1]) {
        await expect(core.connect(doctor).requestAccess(patient.address, REPORT_AND_LAB, duration, 3, REASON_HASH))
          .to.be.revertedWithCustomError(core, "ConsentDurationOutOfRange")
          .withArgs(duration, MAX_GRANT);
      }
      expect(await core.requestOf(patient.address, doctor.address)).to.deep.equal(NO_REQUEST);
    });

    it("refuses a caller who is not a doctor, or is suspended", async () => {
      const { core, admin, patient, patient2, doctor } = await loadFixture(baseFixture);
      await expect(core.connect(patient2).requestAccess(patient.address, REPORT_AND_LAB, DAY, 3, REASON_HASH))
        .to.be.revertedWithCustomError(core, "DoctorUnknown")
        .withArgs(patient2.address);
      await core.connect(admin).suspendDoctor(doctor.address, 1);
      await expect(core.connect(doctor).requestAccess(patient.address, REPORT_AND_LAB, DAY, 3, REASON_HASH))
        .to.be.revertedWithCustomError(core, "DoctorSuspended")
        .withArgs(doctor.address);
      expect(await core.requestOf(patient.address, doctor.address)).to.deep.equal(NO_REQUEST);
    });

    it("refuses a patient who is unknown or awaits approval", async () => {
      const { core, doctor, patient, stranger } = await loadFixture(approvalFixture);
      await expect(core.connect(doctor).requestAccess(stranger.address, REPORT_AND_LAB, DAY, 3, REASON_HASH))
        .to.be.revertedWithCustomError(core, "PatientUnknown")
        .withArgs(stranger.address);
      await expect(core.connect(doctor).requestAccess(patient.address, REPORT_AND_LAB, DAY, 3, REASON_HASH))
        .to.be.revertedWithCustomError(core, "PatientPending")
        .withArgs(patient.address);
      expect(await core.requestOf(patient.address, doctor.address)).to.deep.equal(NO_REQUEST);
    });

    it("refuses while the system is paused", async () => {
      const { core, admin, patient, doctor } = await loadFixture(baseFixture);
      await core.connect(admin).pause();
      await expect(
        core.connect(doctor).requestAccess(patient.address, REPORT_AND_LAB, DAY, 3, REASON_HASH),
      ).to.be.revertedWithCustomError(core, "EnforcedPause");
      expect(await core.requestOf(patient.address, doctor.address)).to.deep.equal(NO_REQUEST);
    });
  });

  describe("approveRequest", () => {
    it("closes the request and grants its categories from now for its duration", async () => {
      const { core, patient, doctor } = await loadFixture(requestedFixture);
      const t = await nextBlockTimestamp();
      const tx = core.connect(patient).approveRequest(doctor.address);
      await expect(tx).to.emit(core, "AccessRequestClosed").withArgs(patient.address, doctor.address, true);
      await expect(tx)
        .to.emit(core, "ConsentGranted")
        .withArgs(patient.address, doctor.address, REPORT_AND_LAB, t + 7 * DAY, GrantSource.Request);
      expect(await core.grantOf(patient.address, doctor.address)).to.deep.equal([
        BigInt(REPORT_AND_LAB),
        BigInt(t + 7 * DAY),
        BigInt(t),
        GrantSource.Request,
      ]);
      expect(await core.requestOf(patient.address, doctor.address)).to.deep.equal(NO_REQUEST);
      expect(await core.isAuthorized(patient.address, doctor.address, Category.LabResults)).to.equal(true);
    });

    it("refuses when no request is pending", async () => {
      const { core, patient, patient2, doctor, doctor2 } = await loadFixture(requestedFixture);
      await expect(core.connect(patient).approveRequest(doctor2.address))
        .to.be.revertedWithCustomError(core, "ConsentRequestNotFound")
        .withArgs(patient.address, doctor2.address);
      await expect(core.connect(patient2).approveRequest(doctor.address))
        .to.be.revertedWithCustomError(core, "ConsentRequestNotFound")
        .withArgs(patient2.address, doctor.address);
    });

    it("refuses a request the patient already denied", async () => {
      const { core, patient, doctor } = await loadFixture(requestedFixture);
      await core.connect(patient).denyRequest(doctor.address);
      await expect(core.connect(patient).approveRequest(doctor.address))
        .to.be.revertedWithCustomError(core, "ConsentRequestNotFound")
        .withArgs(patient.address, doctor.address);
      expect(await core.grantOf(patient.address, doctor.address)).to.deep.equal(NO_GRANT);
    });

    it("refuses, keeping the request, when the doctor was suspended since asking", async () => {
      const { core, admin, patient, doctor } = await loadFixture(requestedFixture);
      await core.connect(admin).suspendDoctor(doctor.address, 1);
      await expect(core.connect(patient).approveRequest(doctor.address))
        .to.be.revertedWithCustomError(core, "DoctorSuspended")
        .withArgs(doctor.address);
      expect((await core.requestOf(patient.address, doctor.address)).duration).to.equal(BigInt(7 * DAY));
      expect(await core.grantOf(patient.address, doctor.address)).to.deep.equal(NO_GRANT);
    });

    it("refuses a caller who is not a patient", async () => {
      const { core, doctor, stranger } = await loadFixture(requestedFixture);
      await expect(core.connect(stranger).approveRequest(doctor.address))
        .to.be.revertedWithCustomError(core, "PatientUnknown")
        .withArgs(stranger.address);
    });

    it("refuses while the system is paused, keeping the request", async () => {
      const { core, admin, patient, doctor } = await loadFixture(requestedFixture);
      await core.connect(admin).pause();
      await expect(core.connect(patient).approveRequest(doctor.address)).to.be.revertedWithCustomError(
        core,
        "EnforcedPause",
      );
      expect((await core.requestOf(patient.address, doctor.address)).duration).to.equal(BigInt(7 * DAY));
    });
  });

  describe("denyRequest", () => {
    it("closes the request without granting anything", async () => {
      const { core, patient, doctor } = await loadFixture(requestedFixture);
      const tx = core.connect(patient).denyRequest(doctor.address);
      await expect(tx).to.emit(core, "AccessRequestClosed").withArgs(patient.address, doctor.address, false);
      await expect(tx).not.to.emit(core, "ConsentGranted");
      expect(await core.requestOf(patient.address, doctor.address)).to.deep.equal(NO_REQUEST);
      expect(await core.grantOf(patient.address, doctor.address)).to.deep.equal(NO_GRANT);
    });

    it("works while the system is paused", async () => {
      const { core, admin, patient, doctor } = await loadFixture(requestedFixture);
      await core.connect(admin).pause();
      await expect(core.connect(patient).denyRequest(doctor.address))
        .to.emit(core, "AccessRequestClosed")
        .withArgs(patient.address, doctor.address, false);
    });

    it("refuses when no request is pending", async () => {
      const { core, patient, doctor2 } = await loadFixture(requestedFixture);
      await expect(core.connect(patient).denyRequest(doctor2.address))
        .to.be.revertedWithCustomError(core, "ConsentRequestNotFound")
        .withArgs(patient.address, doctor2.address);
    });
  });

  describe("grantForAppointment", () => {
    it("refuses every caller but the appointment book", async () => {
      const { core, admin, patient, doctor } = await loadFixture(baseFixture);
      const expiresAt = (await now()) + DAY;
      for (const caller of [patient, doctor, admin]) {
        await expect(
          core.connect(caller).grantForAppointment(patient.address, doctor.address, REPORT_AND_LAB, expiresAt),
        )
          .to.be.revertedWithCustomError(core, "ConsentCallerNotAppointmentBook")
          .withArgs(caller.address);
      }
      expect(await core.grantOf(patient.address, doctor.address)).to.deep.equal(NO_GRANT);
    });

    it("grants on the patient's behalf when the appointment book calls", async () => {
      const { core, book, patient, doctor } = await loadFixture(baseFixture);
      const bookAddress = await book.getAddress();
      await impersonateAccount(bookAddress);
      await setBalance(bookAddress, ethers.parseEther("1"));
      const bookSigner = await ethers.getSigner(bookAddress);
      const expiresAt = (await now()) + DAY;
      await expect(
        core.connect(bookSigner).grantForAppointment(patient.address, doctor.address, REPORT_AND_LAB, expiresAt),
      )
        .to.emit(core, "ConsentGranted")
        .withArgs(patient.address, doctor.address, REPORT_AND_LAB, expiresAt, GrantSource.Appointment);
    });
  });

  describe("isAuthorized", () => {
    it("is true exactly for the categories whose bits the grant sets", async () => {
      const { core, patient, doctor } = await loadFixture(grantedFixture);
      for (const category of [Category.ClinicalNotes, Category.LabResults]) {
        expect(await core.isAuthorized(patient.address, doctor.address, category)).to.equal(true);
      }
      for (const category of [Category.GeneralDetails, Category.Allergies, Category.Prescriptions, 31]) {
        expect(await core.isAuthorized(patient.address, doctor.address, category)).to.equal(false);
      }
    });

    it("is false for categories 32 and above, even under a grant of every category", async () => {
      const { core, patient, doctor } = await loadFixture(baseFixture);
      await core.connect(patient).grantAccess(doctor.address, ALL_CATEGORIES, (await now()) + DAY);
      expect(await core.isAuthorized(patient.address, doctor.address, 31)).to.equal(true);
      for (const category of [32, 255]) {
        expect(await core.isAuthorized(patient.address, doctor.address, category)).to.equal(false);
      }
    });

    it("is false without a grant from this patient to this doctor", async () => {
      const { core, patient, patient2, doctor, doctor2 } = await loadFixture(grantedFixture);
      expect(await core.isAuthorized(patient.address, doctor2.address, Category.ClinicalNotes)).to.equal(false);
      expect(await core.isAuthorized(patient2.address, doctor.address, Category.ClinicalNotes)).to.equal(false);
    });

    it("is false once the grant has expired", async () => {
      const { core, patient, doctor, expiresAt } = await loadFixture(grantedFixture);
      await time.increaseTo(expiresAt);
      expect(await core.isAuthorized(patient.address, doctor.address, Category.ClinicalNotes)).to.equal(false);
    });

    it("is false while the doctor is suspended and true again after reinstatement", async () => {
      const { core, admin, patient, doctor } = await loadFixture(grantedFixture);
      await core.connect(admin).suspendDoctor(doctor.address, 1);
      expect(await core.isAuthorized(patient.address, doctor.address, Category.ClinicalNotes)).to.equal(false);
      await core.connect(admin).reinstateDoctor(doctor.address);
      expect(await core.isAuthorized(patient.address, doctor.address, Category.ClinicalNotes)).to.equal(true);
    });
  });

  describe("grantOf", () => {
    it("returns zeros when there is no grant", async () => {
      const { core, patient, doctor } = await loadFixture(baseFixture);
      expect(await core.grantOf(patient.address, doctor.address)).to.deep.equal(NO_GRANT);
    });
  });

  describe("requestOf", () => {
    it("returns zeros when there is no request", async () => {
      const { core, patient, doctor2 } = await loadFixture(requestedFixture);
      expect(await core.requestOf(patient.address, doctor2.address)).to.deep.equal(NO_REQUEST);
    });
  });
});
