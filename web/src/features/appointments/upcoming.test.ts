/// <reference types="mocha" />
import { expect } from "chai";
import { AppointmentStatus as S, contractConstants } from "@deployments/contracts";
import { byDay, isSlotAhead, isUpcoming, splitAppointments } from "./upcoming";

const SLOT = contractConstants.SLOT_DURATION;
const NOW = 1_800_000_000 - (1_800_000_000 % SLOT) + 600; // ten minutes into a slot

describe("splitAppointments", () => {
  it("puts what is still to happen first, soonest first, and the rest after, latest first", () => {
    const list = [
      { start: NOW + 10 * SLOT, seq: 1, status: S.Booked, id: "later, booked" },
      { start: NOW - 600 - 4 * SLOT, seq: 1, status: S.Declined, id: "declined" },
      { start: NOW - 600 - 4 * SLOT, seq: 2, status: S.Completed, id: "rebooked, completed" },
      { start: NOW + 2 * SLOT, seq: 1, status: S.Confirmed, id: "soon, confirmed" },
      { start: NOW + 3 * SLOT, seq: 1, status: S.Cancelled, id: "cancelled ahead" },
      { start: NOW - 600 - 2 * SLOT, seq: 1, status: S.Completed, id: "completed" },
    ];
    const { upcoming, past } = splitAppointments(list, NOW);
    expect(upcoming.map((a) => a.id)).to.deep.equal(["soon, confirmed", "later, booked"]);
    expect(past.map((a) => a.id)).to.deep.equal(["cancelled ahead", "completed", "rebooked, completed", "declined"]);
    expect(list[0].id, "the input is left in its order").to.equal("later, booked");
  });

  it("keeps a visit under way upcoming until its slot ends; an unconfirmed one whose time passed is past", () => {
    const started = NOW - 600;
    expect(isUpcoming({ start: started, seq: 1, status: S.Confirmed }, NOW)).to.equal(true);
    expect(isUpcoming({ start: started, seq: 1, status: S.Confirmed }, started + SLOT - 1)).to.equal(true);
    expect(isUpcoming({ start: started, seq: 1, status: S.Confirmed }, started + SLOT)).to.equal(false);
    expect(isUpcoming({ start: started - SLOT, seq: 1, status: S.Booked }, NOW)).to.equal(false);
    for (const status of [S.Declined, S.Cancelled, S.Completed]) {
      expect(isUpcoming({ start: NOW + SLOT, seq: 1, status }, NOW), `status ${status}`).to.equal(false);
    }
  });

  it("splits a doctor's calendar on time alone: a slot ahead stays ahead whatever became of it", () => {
    const list = [
      { start: NOW + 3 * SLOT, seq: 1, status: S.Cancelled, id: "cancelled ahead" },
      { start: NOW - 600, seq: 1, status: S.Confirmed, id: "under way" },
      { start: NOW - 600 - SLOT, seq: 1, status: S.Confirmed, id: "over, to complete" },
      { start: NOW - 600 - 2 * SLOT, seq: 1, status: S.Completed, id: "completed" },
    ];
    const { upcoming, past } = splitAppointments(list, NOW, isSlotAhead);
    expect(upcoming.map((a) => a.id)).to.deep.equal(["under way", "cancelled ahead"]);
    expect(past.map((a) => a.id)).to.deep.equal(["over, to complete", "completed"]);
  });

  it("answers two empty lists for no bookings", () => {
    expect(splitAppointments([], NOW)).to.deep.equal({ upcoming: [], past: [] });
  });
});

describe("byDay", () => {
  it("groups bookings that follow each other on one day, in the order given", () => {
    const day = (start: number) => `day ${Math.floor(start / 86_400)}`;
    const d = 86_400;
    const list = [
      { start: 2 * d + 10 },
      { start: 2 * d + 20 },
      { start: 5 * d },
      { start: 5 * d + 1 },
      { start: 6 * d },
    ];
    expect(byDay(list, day)).to.deep.equal([
      { day: "day 2", bookings: [list[0], list[1]] },
      { day: "day 5", bookings: [list[2], list[3]] },
      { day: "day 6", bookings: [list[4]] },
    ]);
    // Latest first, as the past is listed: runs in that order too.
    expect(byDay([...list].reverse(), day).map((g) => g.day)).to.deep.equal(["day 6", "day 5", "day 2"]);
    expect(byDay([], day)).to.deep.equal([]);
  });
});
