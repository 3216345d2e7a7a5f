import { expect } from "chai";
import type { Address } from "viem";
import type { Notification } from "./types";
import {
  laterMarker,
  markerAfterSeeing,
  memoryUnreadStore,
  mergeReadState,
  readStateCovers,
  unreadCount,
  webPendingReadMarks,
  type KeyValueStorage,
} from "./unread";

const ACTOR = "0x00000000000000000000000000000000000000d1" as Address;
const T1 = `0x${"a1".repeat(32)}`;
const T2 = `0x${"b2".repeat(32)}`;
const n = (id: string, at: number): Notification => ({
  id,
  kind: "access-requested",
  at,
  title: "A doctor asked for access to your records.",
  actor: ACTOR,
  link: "/sharing",
  priority: "normal",
});

/** A Web Storage stand-in: a Map behind the three methods the store calls. */
function mapStorage(): KeyValueStorage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
  };
}

describe("unread state", function () {
  it("counts everything as unread before the first visit, nothing after, then only the new", function () {
    const store = memoryUnreadStore();
    const inbox = [n("b", 2000), n("a", 1000)];
    expect(unreadCount(inbox, store.lastSeen())).to.equal(2);
    store.setLastSeen(markerAfterSeeing(inbox, store.lastSeen())!);
    expect(unreadCount(inbox, store.lastSeen())).to.equal(0);
    // One arriving in the same second as the newest seen one still counts.
    const later = [n("c", 3000), n("b2", 2000), ...inbox];
    expect(unreadCount(later, store.lastSeen())).to.equal(2);
  });

  it("never moves the marker back, and keeps it on an empty inbox", function () {
    const marker = { at: 5000, ids: ["x"] };
    expect(markerAfterSeeing([n("old", 1000)], marker)).to.equal(marker);
    expect(markerAfterSeeing([], marker)).to.equal(marker);
    expect(markerAfterSeeing([], undefined)).to.equal(undefined);
    expect(markerAfterSeeing([n("y", 5000)], marker)).to.deep.equal({ at: 5000, ids: ["x", "y"] });
  });

  it("merges read states forward only: the later marker, the later time per conversation", function () {
    const stale = { inboxSeen: { at: 1000, ids: ["a"] }, conversations: { [T1]: 10, [T2]: 50 } };
    const fresh = { inboxSeen: { at: 2000, ids: ["b"] }, conversations: { [T1]: 30 } };
    const merged = { inboxSeen: { at: 2000, ids: ["b"] }, conversations: { [T1]: 30, [T2]: 50 } };
    expect(mergeReadState(stale, fresh)).to.deep.equal(merged);
    expect(mergeReadState(fresh, stale)).to.deep.equal(merged);
    expect(laterMarker({ at: 7, ids: ["x"] }, { at: 7, ids: ["y"] })).to.deep.equal({ at: 7, ids: ["x", "y"] });
    expect(mergeReadState(undefined, undefined)).to.deep.equal({ conversations: {} });
    expect(readStateCovers(merged, stale)).to.equal(true);
    expect(readStateCovers(stale, fresh)).to.equal(false);
  });

  it("keeps pending marks per chain, contract and account until the service has them", function () {
    const storage = mapStorage();
    const a = webPendingReadMarks(storage, 31337, "0xCORE", "0xAbC");
    expect(a.pending()).to.equal(undefined);
    a.keep({ inboxSeen: { at: 7, ids: ["i"] }, conversations: { [T1]: 5 } });
    a.keep({ inboxSeen: { at: 3, ids: ["old"] }, conversations: { [T1]: 4, [T2]: 9 } });
    const same = webPendingReadMarks(storage, 31337, "0xcore", "0xabc");
    expect(same.pending()).to.deep.equal({ inboxSeen: { at: 7, ids: ["i"] }, conversations: { [T1]: 5, [T2]: 9 } });
    for (const other of [
      webPendingReadMarks(storage, 1, "0xcore", "0xabc"),
      webPendingReadMarks(storage, 31337, "0xother", "0xabc"),
      webPendingReadMarks(storage, 31337, "0xcore", "0xdef"),
    ])
      expect(other.pending()).to.equal(undefined);
    // The service accepted the marker and T1, not yet T2 (a mark made while the request was out).
    same.forget({ inboxSeen: { at: 7, ids: ["i"] }, conversations: { [T1]: 5 } });
    expect(same.pending()).to.deep.equal({ conversations: { [T2]: 9 } });
    same.forget({ conversations: { [T2]: 9 } });
    expect(same.pending()).to.equal(undefined);
    expect(storage.map.size).to.equal(0);
  });

  it("reads the marks the dApp kept before the service did (ISO times), and damaged values as none", function () {
    const storage = mapStorage();
    storage.map.set("ehr:messages-read:31337:0xcore:0xabc", JSON.stringify({ [T1]: "2026-01-02T03:04:05.678Z" }));
    storage.map.set("ehr:inbox-seen:31337:0xcore:0xabc", JSON.stringify({ at: 1, ids: ["n"] }));
    const store = webPendingReadMarks(storage, 31337, "0xcore", "0xabc");
    expect(store.pending()).to.deep.equal({
      inboxSeen: { at: 1, ids: ["n"] },
      conversations: { [T1]: Date.parse("2026-01-02T03:04:05.678Z") },
    });
    for (const bad of ["{", "null", '{"at":"1","ids":[]}', '{"at":1}', "[]"]) {
      storage.map.set("ehr:inbox-seen:31337:0xcore:0xabc", bad);
      storage.map.set("ehr:messages-read:31337:0xcore:0xabc", bad);
      expect(store.pending(), bad).to.equal(undefined);
    }
  });
});
