import { expect } from "chai";
import { ethers, network } from "hardhat";
import { createPublicClient, custom, type EIP1193Provider, type PublicClient } from "viem";
import { hardhat } from "viem/chains";
import {
  readPatientAppointments,
  readPatientAppointmentsPage,
  type PatientAppointmentEntry,
} from "../lib/chain/appointmentEvents";
import type { Address } from "viem";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse } from "ethers";
import { AppointmentBook__factory, type AppointmentBook } from "../typechain-types";
import {
  ALL_CATEGORIES,
  ALWAYS_AVAILABLE,
  AppointmentStatus,
  baseFixture,
  Category,
  DAY,
  deployFixture,
  futureSlot,
  GrantSource,
  newEncryptionKey,
  recordInput,
  SLOT,
} from "./helpers";

const WEEK = 7 * DAY;
const HORIZON = 180 * DAY;
const MAX_CALENDAR_SLOTS = 7 * 48;
/** 2024-01-01 00:00:00 UTC, a Monday. */
const KNOWN_MONDAY = 1_704_067_200;
/** The slot index of 09:00 UTC. */
const NINE_AM = 18;

type Schedule = [bigint, bigint, bigint, bigint, bigint, bigint, bigint];
type StatusName = keyof typeof AppointmentStatus;

/** A weekly schedule offering only the given slots of one day (0 Monday .. 6 Sunday). */
function onlySlots(day: number, ...slots: number[]): Schedule {
  const schedule: Schedule = [0n, 0n, 0n, 0n, 0n, 0n, 0n];
  for (const slot of slots) schedule[day] |= 1n << BigInt(slot);
  return schedule;
}

/** Midnight UTC of the first Monday at least `daysAhead` days after the chain's clock. */
async function nextMonday(daysAhead = 2): Promise<number> {
  const earliest = (await time.latest()) + daysAhead * DAY;
  return KNOWN_MONDAY + Math.ceil((earliest - KNOWN_MONDAY) / WEEK) * WEEK;
}

/** The slot boundary at or before the chain's clock: already started. */
async function currentSlot(): Promise<number> {
  return Math.floor((await time.latest()) / SLOT) * SLOT;
}

/** Reads the chain's logs the way the dApp does (viem), over Hardhat's in-process network. */
const publicClient = createPublicClient({
  chain: hardhat,
  transport: custom(network.provider as unknown as EIP1193Provider, { retryCount: 0 }),
}) as PublicClient;

type ListEntry = Omit<PatientAppointmentEntry, "blockNumber" | "txHash">;

/** As plain objects, for deep comparison. */
function listEntries(entries: PatientAppointmentEntry[]) {
  return entries.map(({ doctor, start, seq, status, outcomeRecord }: ListEntry) => ({
    doctor,
    start: BigInt(start),
    seq: BigInt(seq),
    status: BigInt(status),
    outcomeRecord: BigInt(outcomeRecord),
  }));
}

/** A patient's list, oldest first, from the events indexed by patient (the book keeps no list). */
async function patientList(book: AppointmentBook, patient: string) {
  const all = await readPatientAppointments(publicClient, (await book.getAddress()) as Address, patient as Address);
  return listEntries(all.reverse());
}

function patientEntry(doctor: string, start: number, seq: number, status: StatusName, outcomeRecord = 0) {
  return {
    doctor,
    start: BigInt(start),
    seq: BigInt(seq),
    status: AppointmentStatus[status],
    outcomeRecord: BigInt(outcomeRecord),
  };
}

/** A doctor's calendar page as plain objects, for deep comparison. */
async function doctorCalendar(book: AppointmentBook, doctor: string, fromStart: number, slotCount: bigint | number) {
  const page = await book.doctorAppointmentsPage(doctor, fromStart, slotCount);
  return page.map((a) => ({
    start: a.start,
    patient: a.patient,
    seq: a.seq,
    status: a.status,
    outcomeRecord: a.outcomeRecord,
  }));
}

function calendarEntry(start: number, patient: string, seq: number, status: StatusName, outcomeRecord = 0) {
  return {
    start: BigInt(start),
    patient,
    seq: BigInt(seq),
    status: AppointmentStatus[status],
    outcomeRecord: BigInt(outcomeRecord),
  };
}

async function appointment(book: AppointmentBook, doctor: string, start: number) {
  const a = await book.appointmentOf(doctor, start);
  return { patient: a.patient, status: a.status, seq: a.seq, outcomeRecord: a.outcomeRecord };
}

function appointmentEntry(patient: string, status: StatusName, seq: number, outcomeRecord = 0) {
  return { patient, status: AppointmentStatus[status], seq: BigInt(seq), outcomeRecord: BigInt(outcomeRecord) };
}

const NO_APPOINTMENT = appointmentEntry(ethers.ZeroAddress, "None", 0);

// Fixtures: the base system with one appointment of `patient` with `doctor` in each state.

async function bookedFixture() {
  const f = await baseFixture();
  const start = await futureSlot(2);
  await f.book.connect(f.patient).book(f.doctor.address, start);
  return { ...f, start };
}

async function confirmedFixture() {
  const f = await bookedFixture();
  await f.book.connect(f.doctor).confirm(f.start);
  return f;
}

async function declinedFixture() {
  const f = await bookedFixture();
  await f.book.connect(f.doctor).decline(f.start);
  return f;
}

async function cancelledFixture() {
  const f = await bookedFixture();
  await f.book.connect(f.patient).cancel(f.doctor.address, f.start);
  return f;
}

async function completedFixture() {
  const f = await confirmedFixture();
  await time.increaseTo(f.start);
  await f.book.connect(f.doctor).complete(f.start, 0);
  return f;
}

/** A system whose patients wait for a hospital's approval: `patient` registered, still pending. */
async function approvalFixture() {
  const f = await deployFixture({ policy: { requireHospitalApproval: true } });
  const { core, book, admin, hospitalAccount, doctor, patient } = f;
  await core.connect(admin).addHospital(hospitalAccount.address, "St Mary");
  await core.connect(admin).onboardDoctor(doctor.address, 1, 100, ethers.id("licence-0"), "Dr 0", "ipfs://profile-0");
  await book.connect(doctor).setWeeklyAvailability(ALWAYS_AVAILABLE);
  await core.connect(patient).registerPatient(newEncryptionKey().publicKey, ethers.id("backup-p0"));
  return f;
}

type AppointmentFixture = Awaited<ReturnType<typeof bookedFixture>>;

const fixtureIn: Record<Exclude<StatusName, "None">, () => Promise<AppointmentFixture>> = {
  Booked: bookedFixture,
  Confirmed: confirmedFixture,
  Declined: declinedFixture,
  Cancelled: cancelledFixture,
  Completed: completedFixture,
};

/**
 * One `it` per illegal move: from each status in `from`, `act` reverts with
 * AppointmentInvalidTransition(from, to) and the appointment keeps its status.
 */
function refusesMoves(
  verb: string,
  to: StatusName,
  from: Exclude<StatusName, "None">[],
  act: (f: AppointmentFixture) => Promise<ContractTransactionResponse>,
) {
  for (const status of from) {
    it(`refuses to ${verb} a ${status} appointment`, async () => {
      const f = await loadFixture(fixtureIn[status]);
      const before = await appointment(f.book, f.doctor.address, f.start);
      await expect(act(f))
        .to.be.revertedWithCustomError(f.book, "AppointmentInvalidTransition")
        .withArgs(AppointmentStatus[status], AppointmentStatus[to]);
      expect(await appointment(f.book, f.doctor.address, f.start)).to.deep.equal(before);
      expect(before.status).to.equal(AppointmentStatus[status]);
    });
  }
}

describe("AppointmentBook", () => {
  describe("constructor", () => {
    it("refuses a zero core", async () => {
      const { book, admin } = await loadFixture(baseFixture);
      await expect(new AppointmentBook__factory(admin).deploy(ethers.ZeroAddress)).to.be.revertedWithCustomError(
        book,
        "AppointmentCoreInvalid",
      );
    });

    it("keeps the core it was given, which links back to it", async () => {
      const { core, book } = await loadFixture(baseFixture);
      expect(await book.core()).to.equal(await core.getAddress());
      expect(await core.appointmentBook()).to.equal(await book.getAddress());
      expect(await book.SLOT_DURATION()).to.equal(SLOT);
      expect(await book.BOOKING_HORIZON()).to.equal(HORIZON);
      expect(await book.MAX_CALENDAR_SLOTS()).to.equal(MAX_CALENDAR_SLOTS);
    });
  });

  describe("setWeeklyAvailability", () => {
    const schedule: Schedule = [1n, 2n, 3n, 0n, (1n << 47n) | 1n, 0xffffn, (1n << 48n) - 1n];

    it("publishes the doctor's weekly schedule", async () => {
      const { book, doctor, doctor2 } = await loadFixture(baseFixture);
      await expect(book.connect(doctor).setWeeklyAvailability(schedule))
        .to.emit(book, "WeeklyAvailabilitySet")
        .withArgs(doctor.address, schedule);
      expect(await book.weeklyAvailability(doctor.address)).to.deep.equal(schedule);
      expect(await book.weeklyAvailability(doctor2.address)).to.deep.equal(ALWAYS_AVAILABLE);
    });

    it("replaces the whole schedule, closing slots no longer offered", async () => {
      const { book, doctor } = await loadFixture(baseFixture);
      const start = await futureSlot(1);
      const none: Schedule = [0n, 0n, 0n, 0n, 0n, 0n, 0n];
      await expect(book.connect(doctor).setWeeklyAvailability(none))
        .to.emit(book, "WeeklyAvailabilitySet")
        .withArgs(doctor.address, none);
      expect(await book.weeklyAvailability(doctor.address)).to.deep.equal(none);
      expect(await book.isSlotFree(doctor.address, start)).to.equal(false);
    });

    it("is empty for an account that never published one", async () => {
      const { book, stranger } = await loadFixture(baseFixture);
      expect(await book.weeklyAvailability(stranger.address)).to.deep.equal([0n, 0n, 0n, 0n, 0n, 0n, 0n]);
    });

    for (const who of ["patient", "stranger"] as const) {
      it(`refuses a ${who}`, async () => {
        const f = await loadFixture(baseFixture);
        const caller = f[who];
        await expect(f.book.connect(caller).setWeeklyAvailability(schedule))
          .to.be.revertedWithCustomError(f.book, "AppointmentCallerNotDoctor")
          .withArgs(caller.address);
        expect(await f.book.weeklyAvailability(caller.address)).to.deep.equal([0n, 0n, 0n, 0n, 0n, 0n, 0n]);
      });
    }

    it("refuses a suspended doctor, and accepts them again once reinstated", async () => {
      const { core, book, admin, doctor } = await loadFixture(baseFixture);
      await core.connect(admin).suspendDoctor(doctor.address, 1);
      await expect(book.connect(doctor).setWeeklyAvailability(schedule))
        .to.be.revertedWithCustomError(book, "AppointmentCallerNotDoctor")
        .withArgs(doctor.address);
      expect(await book.weeklyAvailability(doctor.address)).to.deep.equal(ALWAYS_AVAILABLE);

      await core.connect(admin).reinstateDoctor(doctor.address);
      await expect(book.connect(doctor).setWeeklyAvailability(schedule)).to.emit(book, "WeeklyAvailabilitySet");
    });

    it("reverts while the core is paused", async () => {
      const { core, book, admin, doctor } = await loadFixture(baseFixture);
      await core.connect(admin).pause();
      await expect(book.connect(doctor).setWeeklyAvailability(schedule)).to.be.revertedWithCustomError(
        core,
        "EnforcedPause",
      );
      expect(await book.weeklyAvailability(doctor.address)).to.deep.equal(ALWAYS_AVAILABLE);
    });
  });

  describe("book", () => {
    /** Asserts that `patient` holds no booking and the slot is untouched. */
    async function expectNotBooked(book: AppointmentBook, doctor: string, start: number, patient: string) {
      expect(await appointment(book, doctor, start)).to.deep.equal(NO_APPOINTMENT);
      expect(await patientList(book, patient)).to.have.lengthOf(0);
    }

    it("books a free offered slot", async () => {
      const { book, doctor, patient } = await loadFixture(baseFixture);
      const start = await futureSlot(2);
      expect(await book.isSlotFree(doctor.address, start)).to.equal(true);

      await expect(book.connect(patient).book(doctor.address, start))
        .to.emit(book, "AppointmentBooked")
        .withArgs(doctor.address, start, patient.address, 1);

      expect(await appointment(book, doctor.address, start)).to.deep.equal(
        appointmentEntry(patient.address, "Booked", 1),
      );
      expect(await patientList(book, patient.address)).to.have.lengthOf(1);
      expect(await patientList(book, patient.address)).to.deep.equal([
        patientEntry(doctor.address, start, 1, "Booked"),
      ]);
      expect(await book.isSlotFree(doctor.address, start)).to.equal(false);
    });

    it("keeps each patient's bookings in their own list, oldest first", async () => {
      const { book, doctor, doctor2, patient, patient2 } = await loadFixture(baseFixture);
      const start = await futureSlot(2);
      await book.connect(patient).book(doctor.address, start + SLOT);
      await book.connect(patient2).book(doctor.address, start);
      await book.connect(patient).book(doctor2.address, start);

      expect(await patientList(book, patient.address)).to.have.lengthOf(2);
      expect(await patientList(book, patient2.address)).to.have.lengthOf(1);
      expect(await patientList(book, patient.address)).to.deep.equal([
        patientEntry(doctor.address, start + SLOT, 1, "Booked"),
        patientEntry(doctor2.address, start, 1, "Booked"),
      ]);
      expect(await patientList(book, patient2.address)).to.deep.equal([
        patientEntry(doctor.address, start, 1, "Booked"),
      ]);
    });

    it("keeps two doctors' calendars apart: the same start is one slot per doctor", async () => {
      const { book, doctor, doctor2, patient, patient2 } = await loadFixture(baseFixture);
      const start = await futureSlot(2);
      await book.connect(patient).book(doctor.address, start);
      await expect(book.connect(patient2).book(doctor2.address, start))
        .to.emit(book, "AppointmentBooked")
        .withArgs(doctor2.address, start, patient2.address, 1);
      expect(await appointment(book, doctor.address, start)).to.deep.equal(
        appointmentEntry(patient.address, "Booked", 1),
      );
      expect(await appointment(book, doctor2.address, start)).to.deep.equal(
        appointmentEntry(patient2.address, "Booked", 1),
      );
    });

    it("refuses a caller who is not registered", async () => {
      const { book, doctor, stranger } = await loadFixture(baseFixture);
      const start = await futureSlot(2);
      await expect(book.connect(stranger).book(doctor.address, start))
        .to.be.revertedWithCustomError(book, "AppointmentCallerNotPatient")
        .withArgs(stranger.address);
      await expectNotBooked(book, doctor.address, start, stranger.address);
    });

    it("refuses a doctor booking as a patient", async () => {
      const { book, doctor, doctor2 } = await loadFixture(baseFixture);
      const start = await futureSlot(2);
      await expect(book.connect(doctor2).book(doctor.address, start))
        .to.be.revertedWithCustomError(book, "AppointmentCallerNotPatient")
        .withArgs(doctor2.address);
      await expectNotBooked(book, doctor.address, start, doctor2.address);
    });

    it("refuses a patient still pending hospital approval, and books once approved", async () => {
      const { core, book, hospitalAccount, doctor, patient } = await loadFixture(approvalFixture);
      const start = await futureSlot(2);
      await expect(book.connect(patient).book(doctor.address, start))
        .to.be.revertedWithCustomError(book, "AppointmentCallerNotPatient")
        .withArgs(patient.address);
      await expectNotBooked(book, doctor.address, start, patient.address);

      await core.connect(hospitalAccount).approvePatient(patient.address);
      await expect(book.connect(patient).book(doctor.address, start))
        .to.emit(book, "AppointmentBooked")
        .withArgs(doctor.address, start, patient.address, 1);
    });

    it("refuses an account that is not a doctor", async () => {
      const { book, patient, patient2, stranger } = await loadFixture(baseFixture);
      const start = await futureSlot(2);
      for (const notDoctor of [stranger, patient2]) {
        await expect(book.connect(patient).book(notDoctor.address, start))
          .to.be.revertedWithCustomError(book, "AppointmentDoctorInactive")
          .withArgs(notDoctor.address);
        await expectNotBooked(book, notDoctor.address, start, patient.address);
      }
    });

    it("refuses a suspended doctor", async () => {
      const { core, book, admin, doctor, patient } = await loadFixture(baseFixture);
      const start = await futureSlot(2);
      await core.connect(admin).suspendDoctor(doctor.address, 1);
      await expect(book.connect(patient).book(doctor.address, start))
        .to.be.revertedWithCustomError(book, "AppointmentDoctorInactive")
        .withArgs(doctor.address);
      await expectNotBooked(book, doctor.address, start, patient.address);
    });

    it("refuses a start off the slot boundary", async () => {
      const { book, doctor, patient } = await loadFixture(baseFixture);
      const start = await futureSlot(2);
      for (const offBoundary of [start + 1, start + SLOT / 2, start + SLOT - 1]) {
        await expect(book.connect(patient).book(doctor.address, offBoundary))
          .to.be.revertedWithCustomError(book, "AppointmentSlotInvalid")
          .withArgs(offBoundary);
        await expectNotBooked(book, doctor.address, offBoundary, patient.address);
      }
    });

    it("refuses a slot that has already started", async () => {
      const { book, doctor, patient } = await loadFixture(baseFixture);
      const started = await currentSlot();
      for (const past of [started, started - DAY]) {
        await expect(book.connect(patient).book(doctor.address, past))
          .to.be.revertedWithCustomError(book, "AppointmentSlotInvalid")
          .withArgs(past);
        await expectNotBooked(book, doctor.address, past, patient.address);
      }
    });

    it("refuses a slot starting in the very block of the booking", async () => {
      const { book, doctor, patient } = await loadFixture(baseFixture);
      const start = await futureSlot(1);
      await time.setNextBlockTimestamp(start);
      await expect(book.connect(patient).book(doctor.address, start))
        .to.be.revertedWithCustomError(book, "AppointmentSlotInvalid")
        .withArgs(start);
      await expectNotBooked(book, doctor.address, start, patient.address);
    });

    it("accepts a slot exactly 180 days ahead and refuses it one second earlier", async () => {
      const { book, doctor, patient } = await loadFixture(baseFixture);
      const start = await futureSlot(181);

      await time.setNextBlockTimestamp(start - HORIZON - 1);
      await expect(book.connect(patient).book(doctor.address, start))
        .to.be.revertedWithCustomError(book, "AppointmentSlotInvalid")
        .withArgs(start);
      await expectNotBooked(book, doctor.address, start, patient.address);

      await time.setNextBlockTimestamp(start - HORIZON);
      await expect(book.connect(patient).book(doctor.address, start))
        .to.emit(book, "AppointmentBooked")
        .withArgs(doctor.address, start, patient.address, 1);
    });

    it("maps Monday 09:00 UTC to day 0, slot 18: only that slot is offered", async () => {
      const { book, doctor, patient } = await loadFixture(baseFixture);
      const monday = await nextMonday(2);
      const mondayNine = monday + 9 * 3600;
      // An independent check of the date arithmetic: JavaScript numbers Sunday 0, Monday 1.
      expect(new Date(mondayNine * 1000).getUTCDay()).to.equal(1);
      expect(new Date(mondayNine * 1000).getUTCHours()).to.equal(9);
      expect(new Date(mondayNine * 1000).getUTCMinutes()).to.equal(0);

      await book.connect(doctor).setWeeklyAvailability(onlySlots(0, NINE_AM));
      const notOffered = [
        mondayNine - SLOT, // Monday 08:30
        mondayNine + SLOT, // Monday 09:30
        mondayNine - DAY, // Sunday 09:00 (day 6)
        mondayNine + DAY, // Tuesday 09:00 (day 1)
        monday, // Monday 00:00
      ];
      for (const start of notOffered) {
        await expect(book.connect(patient).book(doctor.address, start))
          .to.be.revertedWithCustomError(book, "AppointmentSlotUnavailable")
          .withArgs(doctor.address, start);
        await expectNotBooked(book, doctor.address, start, patient.address);
      }

      await expect(book.connect(patient).book(doctor.address, mondayNine))
        .to.emit(book, "AppointmentBooked")
        .withArgs(doctor.address, mondayNine, patient.address, 1);
      // The same slot repeats every week.
      await expect(book.connect(patient).book(doctor.address, mondayNine + WEEK))
        .to.emit(book, "AppointmentBooked")
        .withArgs(doctor.address, mondayNine + WEEK, patient.address, 1);
    });

    it("maps each weekday d (Monday 0 .. Sunday 6) to schedule[d]", async () => {
      const { book, doctor, patient } = await loadFixture(baseFixture);
      const mondayNine = (await nextMonday(2)) + 9 * 3600;
      for (let day = 0; day < 7; ++day) {
        await book.connect(doctor).setWeeklyAvailability(onlySlots(day, NINE_AM));
        for (let other = 0; other < 7; ++other) {
          expect(await book.isSlotFree(doctor.address, mondayNine + other * DAY)).to.equal(other === day);
        }
        await expect(book.connect(patient).book(doctor.address, mondayNine + ((day + 1) % 7) * DAY))
          .to.be.revertedWithCustomError(book, "AppointmentSlotUnavailable")
          .withArgs(doctor.address, mondayNine + ((day + 1) % 7) * DAY);
        await expect(book.connect(patient).book(doctor.address, mondayNine + day * DAY))
          .to.emit(book, "AppointmentBooked")
          .withArgs(doctor.address, mondayNine + day * DAY, patient.address, 1);
      }
      expect(await patientList(book, patient.address)).to.have.lengthOf(7);
    });

    it("maps midnight to bit 0 and 23:30 to bit 47 of the day", async () => {
      const { book, doctor } = await loadFixture(baseFixture);
      const monday = await nextMonday(2);
      await book.connect(doctor).setWeeklyAvailability(onlySlots(0, 0, 47));
      expect(await book.isSlotFree(doctor.address, monday)).to.equal(true);
      expect(await book.isSlotFree(doctor.address, monday + DAY - SLOT)).to.equal(true);
      expect(await book.isSlotFree(doctor.address, monday + SLOT)).to.equal(false);
      expect(await book.isSlotFree(doctor.address, monday - SLOT)).to.equal(false); // Sunday 23:30
      expect(await book.isSlotFree(doctor.address, monday + DAY)).to.equal(false); // Tuesday 00:00
    });

    it("refuses a slot that is already booked, by anyone", async () => {
      const { book, doctor, patient, patient2, start } = await loadFixture(bookedFixture);
      for (const caller of [patient2, patient]) {
        await expect(book.connect(caller).book(doctor.address, start))
          .to.be.revertedWithCustomError(book, "AppointmentSlotTaken")
          .withArgs(doctor.address, start);
      }
      expect(await appointment(book, doctor.address, start)).to.deep.equal(
        appointmentEntry(patient.address, "Booked", 1),
      );
      expect(await patientList(book, patient.address)).to.have.lengthOf(1);
      expect(await patientList(book, patient2.address)).to.have.lengthOf(0);
    });

    it("refuses a slot whose booking is confirmed", async () => {
      const { book, doctor, patient, patient2, start } = await loadFixture(confirmedFixture);
      await expect(book.connect(patient2).book(doctor.address, start))
        .to.be.revertedWithCustomError(book, "AppointmentSlotTaken")
        .withArgs(doctor.address, start);
      expect(await appointment(book, doctor.address, start)).to.deep.equal(
        appointmentEntry(patient.address, "Confirmed", 1),
      );
      expect(await patientList(book, patient2.address)).to.have.lengthOf(0);
    });

    for (const [freedBy, fixture] of [
      ["Cancelled", cancelledFixture],
      ["Declined", declinedFixture],
    ] as const) {
      it(`rebooks a ${freedBy} slot with the next seq; the first patient's list keeps ${freedBy}`, async () => {
        const { book, doctor, patient, patient2, start } = await loadFixture(fixture);
        await expect(book.connect(patient2).book(doctor.address, start))
          .to.emit(book, "AppointmentBooked")
          .withArgs(doctor.address, start, patient2.address, 2);

        expect(await appointment(book, doctor.address, start)).to.deep.equal(
          appointmentEntry(patient2.address, "Booked", 2),
        );
        expect(await patientList(book, patient.address)).to.deep.equal([
          patientEntry(doctor.address, start, 1, freedBy),
        ]);
        expect(await patientList(book, patient2.address)).to.deep.equal([
          patientEntry(doctor.address, start, 2, "Booked"),
        ]);
      });
    }

    it("tells every booking of a slot apart across rebookings, by the same patient too", async () => {
      const { book, doctor, patient, patient2, start } = await loadFixture(cancelledFixture);
      // seq 2: patient2, confirmed then cancelled by the doctor.
      await book.connect(patient2).book(doctor.address, start);
      await book.connect(doctor).confirm(start);
      await book.connect(doctor).cancel(doctor.address, start);
      // seq 3: the first patient again, declined. seq 4: the first patient once more.
      await book.connect(patient).book(doctor.address, start);
      await book.connect(doctor).decline(start);
      await expect(book.connect(patient).book(doctor.address, start))
        .to.emit(book, "AppointmentBooked")
        .withArgs(doctor.address, start, patient.address, 4);

      expect(await patientList(book, patient.address)).to.deep.equal([
        patientEntry(doctor.address, start, 1, "Cancelled"),
        patientEntry(doctor.address, start, 3, "Declined"),
        patientEntry(doctor.address, start, 4, "Booked"),
      ]);
      expect(await patientList(book, patient2.address)).to.deep.equal([
        patientEntry(doctor.address, start, 2, "Cancelled"),
      ]);
      expect(await doctorCalendar(book, doctor.address, start, 1)).to.deep.equal([
        calendarEntry(start, patient.address, 4, "Booked"),
      ]);
    });

    it("reverts while the core is paused", async () => {
      const { core, book, admin, doctor, patient } = await loadFixture(baseFixture);
      const start = await futureSlot(2);
      await core.connect(admin).pause();
      await expect(book.connect(patient).book(doctor.address, start)).to.be.revertedWithCustomError(
        core,
        "EnforcedPause",
      );
      await expectNotBooked(book, doctor.address, start, patient.address);
    });

    it("gives a slot to exactly one of two patients racing for it in one block", async () => {
      const { book, doctor, patient, patient2 } = await loadFixture(baseFixture);
      const start = await futureSlot(2);
      await network.provider.send("evm_setAutomine", [false]);
      let first: ContractTransactionResponse;
      let second: ContractTransactionResponse;
      try {
        // A fixed gas limit: estimating the second against the pending block would already fail.
        first = await book.connect(patient).book(doctor.address, start, { gasLimit: 500_000 });
        second = await book.connect(patient2).book(doctor.address, start, { gasLimit: 500_000 });
        await network.provider.send("evm_mine");
      } finally {
        await network.provider.send("evm_setAutomine", [true]);
      }
      const firstReceipt = await ethers.provider.getTransactionReceipt(first.hash);
      const secondReceipt = await ethers.provider.getTransactionReceipt(second.hash);
      expect(firstReceipt?.blockNumber).to.equal(secondReceipt?.blockNumber);
      expect(firstReceipt?.status).to.equal(1);
      expect(secondReceipt?.status).to.equal(0);

      expect(await appointment(book, doctor.address, start)).to.deep.equal(
        appointmentEntry(patient.address, "Booked", 1),
      );
      expect(await patientList(book, patient.address)).to.have.lengthOf(1);
      expect(await patientList(book, patient2.address)).to.have.lengthOf(0);
      expect(await doctorCalendar(book, doctor.address, start, 1)).to.have.lengthOf(1);
      // The loser's call, replayed, says why.
      await expect(book.connect(patient2).book.staticCall(doctor.address, start))
        .to.be.revertedWithCustomError(book, "AppointmentSlotTaken")
        .withArgs(doctor.address, start);
    });
  });

  describe("bookWithConsent", () => {
    const categories = (1 << Category.ClinicalNotes) | (1 << Category.LabResults);

    it("books and grants the doctor consent from the appointment", async () => {
      const { core, book, doctor, patient } = await loadFixture(baseFixture);
      const start = await futureSlot(2);
      const expiresAt = start + 7 * DAY;
      const tx = book.connect(patient).bookWithConsent(doctor.address, start, categories, expiresAt);
      await expect(tx).to.emit(book, "AppointmentBooked").withArgs(doctor.address, start, patient.address, 1);
      await expect(tx)
        .to.emit(core, "ConsentGranted")
        .withArgs(patient.address, doctor.address, categories, expiresAt, GrantSource.Appointment);

      const grant = await core.grantOf(patient.address, doctor.address);
      expect(grant.categories).to.equal(BigInt(categories));
      expect(grant.expiresAt).to.equal(BigInt(expiresAt));
      expect(grant.source).to.equal(GrantSource.Appointment);
      expect(await core.isAuthorized(patient.address, doctor.address, Category.LabResults)).to.equal(true);
      expect(await core.isAuthorized(patient.address, doctor.address, Category.Prescriptions)).to.equal(false);
      expect(await appointment(book, doctor.address, start)).to.deep.equal(
        appointmentEntry(patient.address, "Booked", 1),
      );
    });

    /** Asserts that neither a booking nor a grant was left behind. */
    async function expectNothing(f: Awaited<ReturnType<typeof baseFixture>>, start: number) {
      expect(await appointment(f.book, f.doctor.address, start)).to.deep.equal(NO_APPOINTMENT);
      expect(await patientList(f.book, f.patient.address)).to.have.lengthOf(0);
      expect((await f.core.grantOf(f.patient.address, f.doctor.address)).expiresAt).to.equal(0n);
    }

    it("refuses an expiry that is not in the future, and books nothing", async () => {
      const f = await loadFixture(baseFixture);
      const { core, book, doctor, patient } = f;
      const start = await futureSlot(2);
      const maxGrant = Number((await core.policy()).maxGrantDuration);
      const ts = (await time.latest()) + 10;
      for (const [i, expiresAt] of [ts, ts - 1].entries()) {
        await time.setNextBlockTimestamp(ts + i * 2);
        await expect(book.connect(patient).bookWithConsent(doctor.address, start, categories, expiresAt))
          .to.be.revertedWithCustomError(core, "ConsentExpiryOutOfRange")
          .withArgs(expiresAt, ts + i * 2 + maxGrant);
      }
      await expectNothing(f, start);
    });

    it("refuses an expiry beyond the longest grant, and books nothing; accepts exactly the longest", async () => {
      const f = await loadFixture(baseFixture);
      const { core, book, doctor, patient } = f;
      const start = await futureSlot(2);
      const maxGrant = Number((await core.policy()).maxGrantDuration);
      const ts = (await time.latest()) + 10;
      await time.setNextBlockTimestamp(ts);
      await expect(book.connect(patient).bookWithConsent(doctor.address, start, categories, ts + maxGrant + 1))
        .to.be.revertedWithCustomError(core, "ConsentExpiryOutOfRange")
        .withArgs(ts + maxGrant + 1, ts + maxGrant);
      await expectNothing(f, start);

      await time.setNextBlockTimestamp(ts + 1);
      await expect(book.connect(patient).bookWithConsent(doctor.address, start, categories, ts + 1 + maxGrant))
        .to.emit(core, "ConsentGranted")
        .withArgs(patient.address, doctor.address, categories, ts + 1 + maxGrant, GrantSource.Appointment);
    });

    it("refuses a consent without categories, and books nothing", async () => {
      const f = await loadFixture(baseFixture);
      const start = await futureSlot(2);
      await expect(
        f.book.connect(f.patient).bookWithConsent(f.doctor.address, start, 0, start + DAY),
      ).to.be.revertedWithCustomError(f.core, "ConsentNoCategories");
      await expectNothing(f, start);
    });

    it("grants nothing when the booking fails", async () => {
      const f = await loadFixture(baseFixture);
      const start = await futureSlot(2);
      await f.book.connect(f.patient2).book(f.doctor.address, start);
      await expect(f.book.connect(f.patient).bookWithConsent(f.doctor.address, start, categories, start + DAY))
        .to.be.revertedWithCustomError(f.book, "AppointmentSlotTaken")
        .withArgs(f.doctor.address, start);
      expect((await f.core.grantOf(f.patient.address, f.doctor.address)).expiresAt).to.equal(0n);
      expect(await patientList(f.book, f.patient.address)).to.have.lengthOf(0);
    });

    it("reverts while the core is paused", async () => {
      const f = await loadFixture(baseFixture);
      const start = await futureSlot(2);
      await f.core.connect(f.admin).pause();
      await expect(
        f.book.connect(f.patient).bookWithConsent(f.doctor.address, start, categories, start + DAY),
      ).to.be.revertedWithCustomError(f.core, "EnforcedPause");
      await expectNothing(f, start);
    });
  });

  describe("confirm", () => {
    it("confirms a booked appointment", async () => {
      const { book, doctor, patient, start } = await loadFixture(bookedFixture);
      await expect(book.connect(doctor).confirm(start))
        .to.emit(book, "AppointmentStatusChanged")
        .withArgs(doctor.address, start, patient.address, AppointmentStatus.Confirmed, doctor.address);
      expect(await appointment(book, doctor.address, start)).to.deep.equal(
        appointmentEntry(patient.address, "Confirmed", 1),
      );
      expect(await patientList(book, patient.address)).to.deep.equal([
        patientEntry(doctor.address, start, 1, "Confirmed"),
      ]);
      expect(await book.isSlotFree(doctor.address, start)).to.equal(false);
    });

    refusesMoves("confirm", "Confirmed", ["Confirmed", "Declined", "Cancelled", "Completed"], (f) =>
      f.book.connect(f.doctor).confirm(f.start),
    );

    it("refuses a slot that was never booked", async () => {
      const { book, doctor, start } = await loadFixture(bookedFixture);
      await expect(book.connect(doctor).confirm(start + SLOT))
        .to.be.revertedWithCustomError(book, "AppointmentUnknown")
        .withArgs(doctor.address, start + SLOT);
    });

    it("only looks in the caller's calendar: another doctor finds no appointment", async () => {
      const { book, doctor, doctor2, patient, start } = await loadFixture(bookedFixture);
      await expect(book.connect(doctor2).confirm(start))
        .to.be.revertedWithCustomError(book, "AppointmentUnknown")
        .withArgs(doctor2.address, start);
      expect(await appointment(book, doctor.address, start)).to.deep.equal(
        appointmentEntry(patient.address, "Booked", 1),
      );
    });

    it("refuses the patient and a stranger", async () => {
      const { book, patient, stranger, start } = await loadFixture(bookedFixture);
      for (const caller of [patient, stranger]) {
        await expect(book.connect(caller).confirm(start))
          .to.be.revertedWithCustomError(book, "AppointmentCallerNotDoctor")
          .withArgs(caller.address);
      }
    });

    it("refuses a suspended doctor", async () => {
      const { core, book, admin, doctor, patient, start } = await loadFixture(bookedFixture);
      await core.connect(admin).suspendDoctor(doctor.address, 1);
      await expect(book.connect(doctor).confirm(start))
        .to.be.revertedWithCustomError(book, "AppointmentCallerNotDoctor")
        .withArgs(doctor.address);
      expect(await appointment(book, doctor.address, start)).to.deep.equal(
        appointmentEntry(patient.address, "Booked", 1),
      );
    });

    it("reverts while the core is paused", async () => {
      const { core, book, admin, doctor, start } = await loadFixture(bookedFixture);
      await core.connect(admin).pause();
      await expect(book.connect(doctor).confirm(start)).to.be.revertedWithCustomError(core, "EnforcedPause");
      expect((await book.appointmentOf(doctor.address, start)).status).to.equal(AppointmentStatus.Booked);
    });
  });

  describe("decline", () => {
    it("declines a booked appointment and frees the slot", async () => {
      const { book, doctor, patient, start } = await loadFixture(bookedFixture);
      await expect(book.connect(doctor).decline(start))
        .to.emit(book, "AppointmentStatusChanged")
        .withArgs(doctor.address, start, patient.address, AppointmentStatus.Declined, doctor.address);
      expect(await appointment(book, doctor.address, start)).to.deep.equal(
        appointmentEntry(patient.address, "Declined", 1),
      );
      expect(await patientList(book, patient.address)).to.deep.equal([
        patientEntry(doctor.address, start, 1, "Declined"),
      ]);
      expect(await book.isSlotFree(doctor.address, start)).to.equal(true);
    });

    refusesMoves("decline", "Declined", ["Confirmed", "Declined", "Cancelled", "Completed"], (f) =>
      f.book.connect(f.doctor).decline(f.start),
    );

    it("refuses a slot that was never booked", async () => {
      const { book, doctor, start } = await loadFixture(bookedFixture);
      await expect(book.connect(doctor).decline(start - SLOT))
        .to.be.revertedWithCustomError(book, "AppointmentUnknown")
        .withArgs(doctor.address, start - SLOT);
    });

    it("only looks in the caller's calendar: another doctor finds no appointment", async () => {
      const { book, doctor, doctor2, start } = await loadFixture(bookedFixture);
      await expect(book.connect(doctor2).decline(start))
        .to.be.revertedWithCustomError(book, "AppointmentUnknown")
        .withArgs(doctor2.address, start);
      expect((await book.appointmentOf(doctor.address, start)).status).to.equal(AppointmentStatus.Booked);
    });

    it("refuses the patient, a stranger and a suspended doctor", async () => {
      const { core, book, admin, doctor, patient, stranger, start } = await loadFixture(bookedFixture);
      await core.connect(admin).suspendDoctor(doctor.address, 1);
      for (const caller of [patient, stranger, doctor]) {
        await expect(book.connect(caller).decline(start))
          .to.be.revertedWithCustomError(book, "AppointmentCallerNotDoctor")
          .withArgs(caller.address);
      }
      expect((await book.appointmentOf(doctor.address, start)).status).to.equal(AppointmentStatus.Booked);
    });

    it("reverts while the core is paused", async () => {
      const { core, book, admin, doctor, start } = await loadFixture(bookedFixture);
      await core.connect(admin).pause();
      await expect(book.connect(doctor).decline(start)).to.be.revertedWithCustomError(core, "EnforcedPause");
      expect((await book.appointmentOf(doctor.address, start)).status).to.equal(AppointmentStatus.Booked);
    });
  });

  describe("cancel", () => {
    for (const [state, fixture] of [
      ["Booked", bookedFixture],
      ["Confirmed", confirmedFixture],
    ] as const) {
      for (const by of ["patient", "doctor"] as const) {
        it(`lets the ${by} cancel a ${state} appointment and frees the slot`, async () => {
          const f = await loadFixture(fixture);
          const { book, doctor, patient, start } = f;
          await expect(book.connect(f[by]).cancel(doctor.address, start))
            .to.emit(book, "AppointmentStatusChanged")
            .withArgs(doctor.address, start, patient.address, AppointmentStatus.Cancelled, f[by].address);
          expect(await appointment(book, doctor.address, start)).to.deep.equal(
            appointmentEntry(patient.address, "Cancelled", 1),
          );
          expect(await patientList(book, patient.address)).to.deep.equal([
            patientEntry(doctor.address, start, 1, "Cancelled"),
          ]);
          expect(await book.isSlotFree(doctor.address, start)).to.equal(true);
        });
      }
    }

    refusesMoves("cancel", "Cancelled", ["Declined", "Cancelled", "Completed"], (f) =>
      f.book.connect(f.patient).cancel(f.doctor.address, f.start),
    );

    it("refuses anyone but the patient and the doctor", async () => {
      const { book, doctor, doctor2, patient, patient2, stranger, start } = await loadFixture(bookedFixture);
      for (const caller of [stranger, patient2, doctor2]) {
        await expect(book.connect(caller).cancel(doctor.address, start))
          .to.be.revertedWithCustomError(book, "AppointmentCallerNotParty")
          .withArgs(caller.address);
      }
      expect(await appointment(book, doctor.address, start)).to.deep.equal(
        appointmentEntry(patient.address, "Booked", 1),
      );
    });

    it("refuses the earlier patient of a slot that was rebooked", async () => {
      const { book, doctor, patient, patient2, start } = await loadFixture(cancelledFixture);
      await book.connect(patient2).book(doctor.address, start);
      await expect(book.connect(patient).cancel(doctor.address, start))
        .to.be.revertedWithCustomError(book, "AppointmentCallerNotParty")
        .withArgs(patient.address);
      expect(await appointment(book, doctor.address, start)).to.deep.equal(
        appointmentEntry(patient2.address, "Booked", 2),
      );
    });

    it("refuses a slot that was never booked", async () => {
      const { book, doctor, patient, start } = await loadFixture(bookedFixture);
      await expect(book.connect(patient).cancel(doctor.address, start + SLOT))
        .to.be.revertedWithCustomError(book, "AppointmentUnknown")
        .withArgs(doctor.address, start + SLOT);
    });

    it("works while the core is paused, for either side", async () => {
      const { core, book, admin, doctor, patient, patient2, start } = await loadFixture(confirmedFixture);
      await book.connect(patient2).book(doctor.address, start + SLOT);
      await core.connect(admin).pause();
      await expect(book.connect(doctor).cancel(doctor.address, start))
        .to.emit(book, "AppointmentStatusChanged")
        .withArgs(doctor.address, start, patient.address, AppointmentStatus.Cancelled, doctor.address);
      await expect(book.connect(patient2).cancel(doctor.address, start + SLOT))
        .to.emit(book, "AppointmentStatusChanged")
        .withArgs(doctor.address, start + SLOT, patient2.address, AppointmentStatus.Cancelled, patient2.address);
    });

    it("lets the patient call off an appointment with a suspended doctor", async () => {
      const { core, book, admin, doctor, patient, start } = await loadFixture(confirmedFixture);
      await core.connect(admin).suspendDoctor(doctor.address, 1);
      await expect(book.connect(patient).cancel(doctor.address, start))
        .to.emit(book, "AppointmentStatusChanged")
        .withArgs(doctor.address, start, patient.address, AppointmentStatus.Cancelled, patient.address);
    });
  });

  describe("complete", () => {
    it("refuses a confirmed appointment before its start", async () => {
      const { book, doctor, patient, start } = await loadFixture(confirmedFixture);
      await time.setNextBlockTimestamp(start - 1);
      await expect(book.connect(doctor).complete(start, 0))
        .to.be.revertedWithCustomError(book, "AppointmentNotStarted")
        .withArgs(start);
      expect(await appointment(book, doctor.address, start)).to.deep.equal(
        appointmentEntry(patient.address, "Confirmed", 1),
      );
    });

    it("completes a confirmed appointment from its start, without an outcome", async () => {
      const { book, doctor, patient, start } = await loadFixture(confirmedFixture);
      await time.setNextBlockTimestamp(start);
      const tx = book.connect(doctor).complete(start, 0);
      await expect(tx)
        .to.emit(book, "AppointmentStatusChanged")
        .withArgs(doctor.address, start, patient.address, AppointmentStatus.Completed, doctor.address);
      await expect(tx).to.emit(book, "AppointmentCompleted").withArgs(doctor.address, start, patient.address, 0);
      expect(await appointment(book, doctor.address, start)).to.deep.equal(
        appointmentEntry(patient.address, "Completed", 1),
      );
      expect(await patientList(book, patient.address)).to.deep.equal([
        patientEntry(doctor.address, start, 1, "Completed"),
      ]);
    });

    it("completes long after the start", async () => {
      const { book, doctor, patient, start } = await loadFixture(confirmedFixture);
      await time.increaseTo(start + 30 * DAY);
      await expect(book.connect(doctor).complete(start, 0))
        .to.emit(book, "AppointmentCompleted")
        .withArgs(doctor.address, start, patient.address, 0);
    });

    refusesMoves("complete", "Completed", ["Booked", "Declined", "Cancelled", "Completed"], async (f) => {
      // After the start, so that only the state machine can refuse.
      if ((await time.latest()) < f.start) await time.increaseTo(f.start);
      return f.book.connect(f.doctor).complete(f.start, 0);
    });

    it("stores an outcome record the doctor wrote during the appointment", async () => {
      const { core, book, doctor, patient, start } = await loadFixture(confirmedFixture);
      await core.connect(patient).addRecord(patient.address, recordInput(Category.ClinicalNotes, true, "own"));
      await time.increaseTo(start);
      await core.connect(doctor).addAppointmentRecord(start, recordInput(Category.Prescriptions, true, "rx"));
      const outcome = Number(await core.recordCount(patient.address)); // index 1, plus one
      expect(outcome).to.equal(2);
      expect((await core.recordOf(patient.address, outcome - 1)).author).to.equal(doctor.address);

      const tx = book.connect(doctor).complete(start, outcome);
      await expect(tx).to.emit(book, "AppointmentCompleted").withArgs(doctor.address, start, patient.address, outcome);
      await expect(tx)
        .to.emit(book, "AppointmentStatusChanged")
        .withArgs(doctor.address, start, patient.address, AppointmentStatus.Completed, doctor.address);
      expect(await appointment(book, doctor.address, start)).to.deep.equal(
        appointmentEntry(patient.address, "Completed", 1, outcome),
      );
      expect(await patientList(book, patient.address)).to.deep.equal([
        patientEntry(doctor.address, start, 1, "Completed", outcome),
      ]);
      expect(await doctorCalendar(book, doctor.address, start, 1)).to.deep.equal([
        calendarEntry(start, patient.address, 1, "Completed", outcome),
      ]);
    });

    it("stores an outcome record the doctor wrote under the patient's grant", async () => {
      const { core, book, doctor, patient, start } = await loadFixture(confirmedFixture);
      await core.connect(patient).grantAccess(doctor.address, ALL_CATEGORIES, start + 7 * DAY);
      await core.connect(doctor).addRecord(patient.address, recordInput(Category.TestOrders, false, "order"));
      await time.increaseTo(start);
      await expect(book.connect(doctor).complete(start, 1))
        .to.emit(book, "AppointmentCompleted")
        .withArgs(doctor.address, start, patient.address, 1);
      expect((await book.appointmentOf(doctor.address, start)).outcomeRecord).to.equal(1n);
    });

    it("refuses an outcome past the patient's records", async () => {
      const { core, book, doctor, patient, start } = await loadFixture(confirmedFixture);
      await core.connect(patient).grantAccess(doctor.address, ALL_CATEGORIES, start + 7 * DAY);
      await core.connect(doctor).addRecord(patient.address, recordInput(Category.LabResults, true, "lab"));
      await time.increaseTo(start);
      for (const outcome of [2, 2 ** 32 - 1]) {
        await expect(book.connect(doctor).complete(start, outcome))
          .to.be.revertedWithCustomError(book, "AppointmentOutcomeInvalid")
          .withArgs(outcome);
      }
      expect(await appointment(book, doctor.address, start)).to.deep.equal(
        appointmentEntry(patient.address, "Confirmed", 1),
      );
    });

    it("refuses another author's record as the outcome", async () => {
      const { core, book, doctor, doctor2, patient, patient2, start } = await loadFixture(confirmedFixture);
      // Record 0: the patient's own; record 1: doctor2's under a grant.
      await core.connect(patient).addRecord(patient.address, recordInput(Category.ClinicalNotes, true, "own"));
      await core.connect(patient).grantAccess(doctor2.address, ALL_CATEGORIES, start + 7 * DAY);
      await core.connect(doctor2).addRecord(patient.address, recordInput(Category.LabResults, true, "other"));
      // The doctor's own record, but for another patient.
      await core.connect(patient2).grantAccess(doctor.address, ALL_CATEGORIES, start + 7 * DAY);
      await core.connect(doctor).addRecord(patient2.address, recordInput(Category.LabResults, true, "p2"));
      await time.increaseTo(start);
      for (const outcome of [1, 2]) {
        await expect(book.connect(doctor).complete(start, outcome))
          .to.be.revertedWithCustomError(book, "AppointmentOutcomeInvalid")
          .withArgs(outcome);
      }
      expect(await appointment(book, doctor.address, start)).to.deep.equal(
        appointmentEntry(patient.address, "Confirmed", 1),
      );
    });

    it("only looks in the caller's calendar: another doctor finds no appointment", async () => {
      const { book, doctor, doctor2, start } = await loadFixture(confirmedFixture);
      await time.increaseTo(start);
      await expect(book.connect(doctor2).complete(start, 0))
        .to.be.revertedWithCustomError(book, "AppointmentUnknown")
        .withArgs(doctor2.address, start);
      await expect(book.connect(doctor).complete(start + SLOT, 0))
        .to.be.revertedWithCustomError(book, "AppointmentUnknown")
        .withArgs(doctor.address, start + SLOT);
      expect((await book.appointmentOf(doctor.address, start)).status).to.equal(AppointmentStatus.Confirmed);
    });

    it("refuses the patient, a stranger and a suspended doctor", async () => {
      const { core, book, admin, doctor, patient, stranger, start } = await loadFixture(confirmedFixture);
      await time.increaseTo(start);
      await core.connect(admin).suspendDoctor(doctor.address, 1);
      for (const caller of [patient, stranger, doctor]) {
        await expect(book.connect(caller).complete(start, 0))
          .to.be.revertedWithCustomError(book, "AppointmentCallerNotDoctor")
          .withArgs(caller.address);
      }
      expect((await book.appointmentOf(doctor.address, start)).status).to.equal(AppointmentStatus.Confirmed);
    });

    it("reverts while the core is paused", async () => {
      const { core, book, admin, doctor, start } = await loadFixture(confirmedFixture);
      await time.increaseTo(start);
      await core.connect(admin).pause();
      await expect(book.connect(doctor).complete(start, 0)).to.be.revertedWithCustomError(core, "EnforcedPause");
      expect((await book.appointmentOf(doctor.address, start)).status).to.equal(AppointmentStatus.Confirmed);
    });
  });

  describe("isSlotFree", () => {
    it("is true for an offered future slot without a booking, false when booked, off-boundary or started", async () => {
      const { book, doctor, doctor2, start } = await loadFixture(bookedFixture);
      expect(await book.isSlotFree(doctor.address, start)).to.equal(false);
      expect(await book.isSlotFree(doctor.address, start + SLOT)).to.equal(true);
      expect(await book.isSlotFree(doctor2.address, start)).to.equal(true);
      expect(await book.isSlotFree(doctor.address, start + 1)).to.equal(false);
      expect(await book.isSlotFree(doctor.address, await currentSlot())).to.equal(false);
    });

    it("is true exactly 180 days ahead and false one slot beyond", async () => {
      const { book, doctor } = await loadFixture(baseFixture);
      const horizonEnd = await futureSlot(181);
      await time.increaseTo(horizonEnd - HORIZON);
      expect(await book.isSlotFree(doctor.address, horizonEnd)).to.equal(true);
      expect(await book.isSlotFree(doctor.address, horizonEnd + SLOT)).to.equal(false);
    });

    it("is false for an account without availability", async () => {
      const { book, stranger } = await loadFixture(baseFixture);
      expect(await book.isSlotFree(stranger.address, await futureSlot(2))).to.equal(false);
    });

    it("is false while confirmed, and true again after a cancellation or a decline", async () => {
      const { book, doctor, patient, patient2, start } = await loadFixture(confirmedFixture);
      expect(await book.isSlotFree(doctor.address, start)).to.equal(false);
      await book.connect(patient).cancel(doctor.address, start);
      expect(await book.isSlotFree(doctor.address, start)).to.equal(true);
      await book.connect(patient2).book(doctor.address, start);
      expect(await book.isSlotFree(doctor.address, start)).to.equal(false);
      await book.connect(doctor).decline(start);
      expect(await book.isSlotFree(doctor.address, start)).to.equal(true);
    });

    it("is false once the slot has started, even without a booking", async () => {
      const { book, doctor, start } = await loadFixture(bookedFixture);
      expect(await book.isSlotFree(doctor.address, start + SLOT)).to.equal(true);
      await time.increaseTo(start + SLOT);
      expect(await book.isSlotFree(doctor.address, start + SLOT)).to.equal(false);
    });
  });

  describe("the patient's list (AppointmentBooked / AppointmentStatusChanged / AppointmentCompleted)", () => {
    async function threeBookingsFixture() {
      const f = await baseFixture();
      const start = await futureSlot(2);
      const starts = [start, start + SLOT, start + 2 * SLOT];
      for (const s of starts) await f.book.connect(f.patient).book(f.doctor.address, s);
      return { ...f, starts };
    }

    it("pages the list from the events, newest first, ending on a block boundary", async () => {
      const { book, doctor, patient, starts } = await loadFixture(threeBookingsFixture);
      const address = (await book.getAddress()) as Address;
      const all = starts.map((s) => patientEntry(doctor.address, s, 1, "Booked")).reverse();
      const first = await readPatientAppointmentsPage(publicClient, address, patient.address as Address, { limit: 2 });
      expect(listEntries(first.appointments)).to.deep.equal(all.slice(0, 2));
      expect(first.older).to.equal(first.appointments[1].blockNumber - 1n);
      const rest = await readPatientAppointmentsPage(publicClient, address, patient.address as Address, {
        limit: 2,
        toBlock: first.older,
      });
      expect(listEntries(rest.appointments)).to.deep.equal(all.slice(2));
      expect(rest.older).to.equal(undefined);
    });

    it("writes no per-patient list: booking costs one storage slot", async () => {
      const { book, doctor, patient, starts } = await loadFixture(threeBookingsFixture);
      const receipt = await (await book.connect(patient).book(doctor.address, starts[2] + SLOT)).wait();
      expect(receipt!.gasUsed).to.be.lessThanOrEqual(70_000n);
    });

    it("is empty for a patient who never booked", async () => {
      const { book, patient2, stranger } = await loadFixture(threeBookingsFixture);
      expect(await patientList(book, patient2.address)).to.deep.equal([]);
      expect(await patientList(book, stranger.address)).to.deep.equal([]);
    });

    it("reports the current state of a live booking and the final state of a superseded one", async () => {
      const { core, book, doctor, patient, patient2, start } = await loadFixture(declinedFixture);
      await book.connect(patient2).book(doctor.address, start);
      await book.connect(doctor).confirm(start);
      await core.connect(patient2).grantAccess(doctor.address, ALL_CATEGORIES, start + 7 * DAY);
      await core.connect(doctor).addRecord(patient2.address, recordInput(Category.Prescriptions, true, "rx"));
      await time.increaseTo(start);
      await book.connect(doctor).complete(start, 1);

      expect(await patientList(book, patient.address)).to.deep.equal([
        patientEntry(doctor.address, start, 1, "Declined"),
      ]);
      expect(await patientList(book, patient2.address)).to.deep.equal([
        patientEntry(doctor.address, start, 2, "Completed", 1),
      ]);
    });
  });

  describe("doctorAppointmentsPage", () => {
    it("lists the bookings in slot order and skips never-booked slots", async () => {
      const { book, doctor, patient, patient2, start } = await loadFixture(bookedFixture);
      await book.connect(patient2).book(doctor.address, start + 2 * SLOT);
      await book.connect(patient).book(doctor.address, start + 5 * SLOT);
      await book.connect(patient2).cancel(doctor.address, start + 2 * SLOT);

      expect(await doctorCalendar(book, doctor.address, start, 6)).to.deep.equal([
        calendarEntry(start, patient.address, 1, "Booked"),
        calendarEntry(start + 2 * SLOT, patient2.address, 1, "Cancelled"),
        calendarEntry(start + 5 * SLOT, patient.address, 1, "Booked"),
      ]);
      // The page covers slotCount slots: the last booking is the 6th slot.
      expect(await doctorCalendar(book, doctor.address, start, 5)).to.have.lengthOf(2);
      expect(await doctorCalendar(book, doctor.address, start + SLOT, 1)).to.deep.equal([]);
      expect(await doctorCalendar(book, doctor.address, start, 0)).to.deep.equal([]);
    });

    it("shows only the current booking of a rebooked slot", async () => {
      const { book, doctor, patient2, start } = await loadFixture(cancelledFixture);
      await book.connect(patient2).book(doctor.address, start);
      expect(await doctorCalendar(book, doctor.address, start, 1)).to.deep.equal([
        calendarEntry(start, patient2.address, 2, "Booked"),
      ]);
    });

    it("keeps each doctor's calendar to their own bookings", async () => {
      const { book, doctor2, start } = await loadFixture(bookedFixture);
      expect(await doctorCalendar(book, doctor2.address, start, MAX_CALENDAR_SLOTS)).to.deep.equal([]);
    });

    it("reads at most MAX_CALENDAR_SLOTS slots, one week", async () => {
      const { book, doctor, patient, patient2 } = await loadFixture(baseFixture);
      const from = await futureSlot(2);
      const lastRead = from + (MAX_CALENDAR_SLOTS - 1) * SLOT;
      await book.connect(patient).book(doctor.address, lastRead);
      await book.connect(patient2).book(doctor.address, lastRead + SLOT);

      const lastOnly = [calendarEntry(lastRead, patient.address, 1, "Booked")];
      expect(await doctorCalendar(book, doctor.address, from, MAX_CALENDAR_SLOTS)).to.deep.equal(lastOnly);
      expect(await doctorCalendar(book, doctor.address, from, MAX_CALENDAR_SLOTS + 1)).to.deep.equal(lastOnly);
      expect(await doctorCalendar(book, doctor.address, from, ethers.MaxUint256)).to.deep.equal(lastOnly);
      expect(await doctorCalendar(book, doctor.address, from + SLOT, ethers.MaxUint256)).to.deep.equal([
        ...lastOnly,
        calendarEntry(lastRead + SLOT, patient2.address, 1, "Booked"),
      ]);
    });

    it("still shows past appointments", async () => {
      const { book, doctor, patient, start } = await loadFixture(completedFixture);
      await time.increase(30 * DAY);
      expect(await doctorCalendar(book, doctor.address, start - 10 * SLOT, 48)).to.deep.equal([
        calendarEntry(start, patient.address, 1, "Completed"),
      ]);
    });

    it("refuses a fromStart off the slot boundary", async () => {
      const { book, doctor, start } = await loadFixture(bookedFixture);
      for (const fromStart of [start + 1, start - SLOT / 2]) {
        await expect(book.doctorAppointmentsPage(doctor.address, fromStart, 10))
          .to.be.revertedWithCustomError(book, "AppointmentSlotInvalid")
          .withArgs(fromStart);
      }
    });
  });
});
