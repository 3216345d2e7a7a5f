/// <reference types="mocha" />
import { expect } from "chai";
import { handoff } from "./handoff";

/** Moves the page's hash and waits for its hashchange event. */
async function go(hash: string): Promise<void> {
  if (window.location.hash === hash) return;
  const changed = new Promise((resolve) => window.addEventListener("hashchange", resolve, { once: true }));
  window.location.hash = hash;
  await changed;
}

describe("handoff between pages", () => {
  const start = window.location.hash;
  after(() => go(start || "#"));

  it("is read on the page it was left for as often as that page renders or mounts, then dropped when the hash moves on", async () => {
    await go("#/chart");
    const intent = handoff<{ record: number }>("#/messages");
    intent.set({ record: 1 });
    expect(intent.read(), "not on the page it was left for").to.equal(undefined);
    await go("#/messages");
    // A render React throws away and the render it keeps read the same value (it was taken once).
    expect(intent.read()).to.deep.equal({ record: 1 });
    expect(intent.read()).to.deep.equal({ record: 1 });
    await go("#/messages?thread=1");
    expect(intent.read(), "a query after the path is the same page").to.deep.equal({ record: 1 });
    await go("#/appointments");
    expect(intent.read()).to.equal(undefined);
    await go("#/messages");
    expect(intent.read(), "coming back later starts afresh").to.equal(undefined);
  });

  it("is dropped when the user goes elsewhere instead of following the link", async () => {
    await go("#/chart");
    const intent = handoff<string>("#/sharing");
    intent.set("prefill");
    await go("#/records");
    await go("#/sharing");
    expect(intent.read()).to.equal(undefined);
  });
});
