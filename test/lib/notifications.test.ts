/**
 * The inbox against real events: a scripted sequence of requests, grants, records, appointments
 * and an emergency on Hardhat's in-process chain, read back with the same log queries the dApp
 * makes (lib/notifications/fetchEvents.ts), then checked from each party's point of view.
 */
import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { createPublicClient, custom, type EIP1193Provider, type PublicClient } from "viem";
import { hardhat } from "viem/chains";
import type { Address } from "viem";
import {
  fetchNotificationEvents,
  inboxFor,
  markerAfterSeeing,
  memoryUnreadStore,
  unreadCount,
  type InboxSide,
  type NotificationSource,
} from "../../lib/notifications";
import { baseFixture, Category, futureSlot, recordInput } from "../helpers";

const DAY = 24 * 3600;
const mask = (...categories: number[]) => categories.reduce((m, c) => m | (1 << c), 0);

async function scenario() {
  const f = await loadFixture(baseFixture);
  const { core, book, doctor, doctor2, patient, patient2 } = f;
  const source: NotificationSource = {
    publicClient: createPublicClient({
      chain: hardhat,
      transport: custom(hre.network.provider as unknown as EIP1193Provider, { retryCount: 0 }),
    }) as PublicClient,
    core: (await core.getAddress()) as Address,
    book: (await book.getAddress()) as Address,
  };
  const fromBlock = BigInt(f.deployBlock);

  // 1. The doctor asks; the patient approves; the doctor adds a report.
  await core
    .connect(doctor)
    .requestAccess(patient.address, mask(Category.ClinicalNotes), 30 * DAY, 1, ethers.id("why"));
  const midBlock = BigInt(await ethers.provider.getBlockNumber()) + 1n;
  await core.connect(patient).approveRequest(doctor.address);
  await core.connect(doctor).addRecord(patient.address, recordInput(Category.ClinicalNotes, false, "n1"));
  // 2. A booking with doctor 2, who declines it; another with the doctor, confirmed then completed.
  const declined = await futureSlot(2);
  await book.connect(patient).book(doctor2.address, declined);
  await book.connect(doctor2).decline(declined);
  const start = await futureSlot(3);
  await book.connect(patient).book(doctor.address, start);
  await book.connect(doctor).confirm(start);
  await time.increaseTo(start);
  await book.connect(doctor).complete(start, 0);
  // 3. Doctor 2 opens emergency access; the patient revokes the doctor's grant.
  await core.connect(doctor2).openEmergencyAccess(patient.address, 1, ethers.id("unconscious"));
  await core.connect(patient).revokeAccess(doctor.address);
  // Noise between other parties, which must reach none of the above.
  await core.connect(doctor2).requestAccess(patient2.address, mask(Category.LabResults), DAY, 2, ethers.id("other"));

  const inboxOf = async (address: string, side?: InboxSide, from = fromBlock) =>
    inboxFor(address as Address, (await fetchNotificationEvents(source, address as Address, from, side)).events);
  return { ...f, source, fromBlock, midBlock, inboxOf };
}

describe("notifications from real chain events", function () {
  it("shows the patient what doctors did, newest first, with the emergency urgent on top", async function () {
    const { patient, doctor, doctor2, inboxOf } = await scenario();
    const inbox = await inboxOf(patient.address, "patient");
    expect(inbox.map((n) => n.kind)).to.deep.equal([
      "emergency-opened",
      "appointment-completed",
      "appointment-confirmed",
      "appointment-declined",
      "record-added",
      "access-requested",
    ]);
    expect(inbox[0]).to.include({ priority: "urgent", actor: doctor2.address, link: "/activity" });
    expect(inbox.filter((n) => n.priority === "urgent")).to.have.length(1);
    expect(inbox.find((n) => n.kind === "access-requested")!.actor).to.equal(doctor.address);
    // Without the side hint the same inbox comes back (the doctor-side queries find nothing of it).
    expect(await inboxOf(patient.address)).to.deep.equal(inbox);
  });

  it("shows each doctor only their own patients' moves", async function () {
    const { patient, doctor, doctor2, inboxOf } = await scenario();
    const mine = await inboxOf(doctor.address, "doctor");
    expect(mine.map((n) => n.kind)).to.deep.equal(["access-revoked", "appointment-booked", "access-granted"]);
    expect(mine.every((n) => n.actor === patient.address && n.priority === "normal")).to.equal(true);
    expect(mine.at(-1)!.title).to.equal("A patient approved your access request.");
    expect((await inboxOf(doctor2.address, "doctor")).map((n) => n.kind)).to.deep.equal(["appointment-booked"]);
  });

  it("gives a stranger, and the other patient's unrelated history, nothing", async function () {
    const { stranger, patient2, inboxOf } = await scenario();
    expect(await inboxOf(stranger.address)).to.deep.equal([]);
    // patient2 was asked by doctor 2 (the one line of noise): that and nothing else.
    expect((await inboxOf(patient2.address, "patient")).map((n) => n.kind)).to.deep.equal(["access-requested"]);
  });

  it("reads incrementally: two polls give the same inbox as one, and only new items are unread", async function () {
    const { patient, source, fromBlock, midBlock, inboxOf } = await scenario();
    const whole = await inboxOf(patient.address, "patient");
    const first = await fetchNotificationEvents(source, patient.address as Address, fromBlock, "patient");
    // Pretend the first poll stopped at midBlock - 1 by dropping later events, then poll on from there.
    const early = first.events.filter((e) => e.blockNumber < midBlock);
    const store = memoryUnreadStore();
    const before = inboxFor(patient.address as Address, early);
    expect(unreadCount(before, store.lastSeen())).to.equal(1);
    store.setLastSeen(markerAfterSeeing(before, store.lastSeen())!);
    const rest = await fetchNotificationEvents(source, patient.address as Address, midBlock, "patient");
    expect(rest.nextBlock).to.equal(first.nextBlock);
    const after = inboxFor(patient.address as Address, [...early, ...rest.events]);
    expect(after).to.deep.equal(whole);
    expect(unreadCount(after, store.lastSeen())).to.equal(whole.length - 1);
    // Nothing new past the head: an empty poll that keeps its place.
    const none = await fetchNotificationEvents(source, patient.address as Address, first.nextBlock, "patient");
    expect(none).to.deep.equal({ events: [], nextBlock: first.nextBlock });
  });
});
