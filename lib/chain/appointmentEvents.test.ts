import { expect } from "chai";
import type { Address } from "viem";
import { AppointmentStatus, foldPatientAppointments, type PatientAppointmentEvent } from "./appointmentEvents";

const DOCTOR: Address = "0x00000000000000000000000000000000000000d1";
const OTHER_DOCTOR: Address = "0x00000000000000000000000000000000000000d2";
const TX = `0x${"ab".repeat(32)}` as const;
const SLOT = 1_800_000;

const booked = (blockNumber: bigint, seq: number, doctor = DOCTOR, start = SLOT): PatientAppointmentEvent => ({
  kind: "booked",
  doctor,
  start,
  seq,
  blockNumber,
  logIndex: 0,
  txHash: TX,
});
const status = (blockNumber: bigint, value: number, doctor = DOCTOR, start = SLOT): PatientAppointmentEvent => ({
  kind: "status",
  doctor,
  start,
  status: value,
  blockNumber,
  logIndex: 0,
});

describe("foldPatientAppointments", () => {
  it("lists bookings newest first, each with the last move made after it", () => {
    const entries = foldPatientAppointments([
      booked(10n, 1),
      status(11n, AppointmentStatus.Confirmed),
      booked(12n, 1, OTHER_DOCTOR),
      { ...status(20n, AppointmentStatus.Completed), logIndex: 0 },
      { kind: "completed", doctor: DOCTOR, start: SLOT, outcomeRecord: 4, blockNumber: 20n, logIndex: 1 },
    ]);
    expect(entries.map((e) => [e.doctor, e.seq, e.status, e.outcomeRecord])).to.deep.equal([
      [OTHER_DOCTOR, 1, AppointmentStatus.Booked, 0],
      [DOCTOR, 1, AppointmentStatus.Completed, 4],
    ]);
  });

  it("keeps a declined booking declined when the patient books the same slot again", () => {
    const entries = foldPatientAppointments([
      status(11n, AppointmentStatus.Declined),
      booked(13n, 3),
      booked(10n, 1),
      status(14n, AppointmentStatus.Cancelled),
    ]);
    expect(entries.map((e) => [e.seq, e.status])).to.deep.equal([
      [3, AppointmentStatus.Cancelled],
      [1, AppointmentStatus.Declined],
    ]);
  });

  it("ignores moves of bookings older than the events given", () => {
    expect(foldPatientAppointments([status(11n, AppointmentStatus.Cancelled)])).to.deep.equal([]);
  });
});
