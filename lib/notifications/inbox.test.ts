import { expect } from "chai";
import type { Address, Hex } from "viem";
import { inboxFor } from "./inbox";
import type { MessageHeader, NotificationEvent } from "./types";

const PATIENT = "0x00000000000000000000000000000000000000a1" as Address;
const DOCTOR = "0x00000000000000000000000000000000000000d1" as Address;
const OTHER_DOCTOR = "0x00000000000000000000000000000000000000d2" as Address;
const STRANGER = "0x00000000000000000000000000000000000000ff" as Address;

let log = 0;
/** An event at block `block` (time: block seconds), with a unique position. */
function at<T extends object>(block: number, fields: T) {
  log += 1;
  return {
    blockNumber: BigInt(block),
    logIndex: log,
    transactionHash: `0x${block.toString(16).padStart(64, "0")}` as Hex,
    at: block * 1000,
    ...fields,
  };
}

const EVENTS: NotificationEvent[] = [
  at(1, { name: "AccessRequested", patient: PATIENT, doctor: DOCTOR, categories: 3, duration: 100 }),
  at(2, { name: "AccessRequestClosed", patient: PATIENT, doctor: DOCTOR, approved: true }),
  at(2, { name: "ConsentGranted", patient: PATIENT, doctor: DOCTOR, categories: 3, expiresAt: 9, source: "Request" }),
  at(3, { name: "RecordAdded", patient: PATIENT, author: DOCTOR, index: 0, category: 1 }),
  at(4, { name: "RecordAdded", patient: PATIENT, author: PATIENT, index: 1, category: 1 }),
  at(5, { name: "AppointmentBooked", patient: PATIENT, doctor: DOCTOR, start: 1800 }),
  at(6, {
    name: "AppointmentStatusChanged",
    patient: PATIENT,
    doctor: DOCTOR,
    start: 1800,
    status: "Confirmed",
    by: DOCTOR,
  }),
  at(7, {
    name: "AppointmentStatusChanged",
    patient: PATIENT,
    doctor: DOCTOR,
    start: 1800,
    status: "Cancelled",
    by: PATIENT,
  }),
  at(8, { name: "EmergencyAccessOpened", id: 1, patient: PATIENT, doctor: OTHER_DOCTOR, expiresAt: 99 }),
  at(9, { name: "ConsentRevoked", patient: PATIENT, doctor: DOCTOR }),
  at(10, { name: "AccessRequestClosed", patient: PATIENT, doctor: OTHER_DOCTOR, approved: false }),
];

describe("inboxFor", function () {
  it("gives the patient what others did to their record, newest first, and the emergency as urgent", function () {
    const inbox = inboxFor(PATIENT, EVENTS);
    expect(inbox.map((n) => n.kind)).to.deep.equal([
      "emergency-opened",
      "appointment-confirmed",
      "record-added",
      "access-requested",
    ]);
    expect(inbox[0]).to.include({ priority: "urgent", actor: OTHER_DOCTOR, link: "/activity" });
    expect(inbox[0].title).to.equal("A doctor opened emergency access to your records.");
    expect(inbox.slice(1).every((n) => n.priority === "normal")).to.equal(true);
  });

  it("gives the doctor what patients did, without the approval told twice", function () {
    const inbox = inboxFor(DOCTOR, EVENTS);
    expect(inbox.map((n) => n.kind)).to.deep.equal([
      "access-revoked",
      "appointment-cancelled",
      "appointment-booked",
      "access-granted",
    ]);
    expect(inbox.find((n) => n.kind === "access-granted")!.title).to.equal("A patient approved your access request.");
    expect(inbox.every((n) => n.actor === PATIENT && n.priority === "normal")).to.equal(true);
  });

  it("tells a doctor a declined request, and nothing about another doctor's business", function () {
    const inbox = inboxFor(OTHER_DOCTOR, EVENTS);
    expect(inbox.map((n) => n.kind)).to.deep.equal(["access-declined"]);
  });

  it("gives a stranger nothing, whatever the case of the address", function () {
    expect(inboxFor(STRANGER, EVENTS)).to.deep.equal([]);
    expect(inboxFor(PATIENT.toUpperCase().replace("0X", "0x") as Address, EVENTS)).to.have.length(4);
  });

  it("keeps ids stable and unique, so a re-fetch or a duplicate log changes nothing", function () {
    const once = inboxFor(PATIENT, EVENTS);
    const twice = inboxFor(PATIENT, [...EVENTS, ...EVENTS]);
    expect(twice).to.deep.equal(once);
    expect(new Set(once.map((n) => n.id)).size).to.equal(once.length);
  });

  it("ignores moves that are news to nobody (a booking's own status)", function () {
    const booked = at(11, {
      name: "AppointmentStatusChanged",
      patient: PATIENT,
      doctor: DOCTOR,
      start: 1,
      status: "Booked",
      by: PATIENT,
    }) as NotificationEvent;
    expect(inboxFor(DOCTOR, [booked])).to.deep.equal([]);
  });

  it("merges messages addressed to the user by time, and drops their own and undated ones", function () {
    const messages: MessageHeader[] = [
      { id: "m1", from: DOCTOR, to: PATIENT, sentAt: new Date(3500).toISOString(), kind: "message" },
      { id: "m2", from: DOCTOR, to: PATIENT, sentAt: new Date(20_000).toISOString(), kind: "request", recordRef: 0 },
      { id: "m3", from: PATIENT, to: DOCTOR, sentAt: new Date(4000).toISOString(), kind: "message" },
      { id: "m4", from: DOCTOR, to: PATIENT, sentAt: "not a date", kind: "message" },
    ];
    const inbox = inboxFor(PATIENT, EVENTS, messages);
    expect(inbox.map((n) => n.id)).to.include.members(["message:m1", "message:m2"]);
    expect(inbox.map((n) => n.id)).to.not.include.members(["message:m3", "message:m4"]);
    expect(inbox[0]).to.include({ id: "message:m2", kind: "message-request", at: 20_000, actor: DOCTOR });
    expect(inbox.map((n) => n.kind).slice(3)).to.deep.equal(["message", "record-added", "access-requested"]);
  });
});
