import { expect } from "chai";
import type { Address } from "viem";
import type { Notification } from "./types";
import { markerAfterSeeing, memoryUnreadStore, unreadCount, webUnreadStore, type KeyValueStorage } from "./unread";

const ACTOR = "0x00000000000000000000000000000000000000d1" as Address;
const n = (id: string, at: number): Notification => ({
  id,
  kind: "access-requested",
  at,
  title: "A doctor asked for access to your records.",
  actor: ACTOR,
  link: "/sharing",
  priority: "normal",
});

/** A Web Storage stand-in: a Map behind the two methods the store calls. */
function mapStorage(): KeyValueStorage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v) };
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

  it("keeps one marker per chain, contract and account in Web Storage", function () {
    const storage = mapStorage();
    const a = webUnreadStore(storage, 31337, "0xCORE", "0xAbC");
    a.setLastSeen({ at: 7, ids: ["i"] });
    expect(webUnreadStore(storage, 31337, "0xcore", "0xabc").lastSeen()).to.deep.equal({ at: 7, ids: ["i"] });
    expect(webUnreadStore(storage, 1, "0xcore", "0xabc").lastSeen()).to.equal(undefined);
    expect(webUnreadStore(storage, 31337, "0xother", "0xabc").lastSeen()).to.equal(undefined);
    expect(webUnreadStore(storage, 31337, "0xcore", "0xdef").lastSeen()).to.equal(undefined);
  });

  it("reads a damaged stored value as nothing seen", function () {
    const storage = mapStorage();
    const store = webUnreadStore(storage, 31337, "0xcore", "0xabc");
    const [key] = (store.setLastSeen({ at: 1, ids: [] }), [...storage.map.keys()]);
    for (const bad of ["{", "null", '{"at":"1","ids":[]}', '{"at":1}', "[]"]) {
      storage.map.set(key, bad);
      expect(store.lastSeen(), bad).to.equal(undefined);
    }
  });
});
