/// <reference types="mocha" />
import { expect } from "chai";
import type { Address, Hex } from "viem";
import { forgetSessionKey, hasSessionKey, keepSessionKey, restoreSessionKey, type KeyBinding } from "./sessionKeyStore";

const KEY = {
  privateKey: `0x${"11".repeat(32)}` as Hex,
  publicKey: `0x${"22".repeat(64)}` as Hex,
};
const BINDING: KeyBinding = {
  chainId: 31337,
  contract: "0x5FbDB2315678afecb367f032d93F642f64180aa3" as Address,
  address: "0x90F79bf6EB2c4f870365E785982E1f101E93b906" as Address,
};

/** The origin's wrapping keys, as stored in IndexedDB. */
function wrappingKeys(): Promise<{ id: string; key: CryptoKey }[]> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open("ehr-session");
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const all = db.transaction("wrapping-keys").objectStore("wrapping-keys").getAll();
      all.onsuccess = () => {
        db.close();
        resolve(all.result as { id: string; key: CryptoKey }[]);
      };
      all.onerror = () => reject(all.error);
    };
  });
}

describe("session key store (a tab's unlocked key across a reload)", () => {
  afterEach(() => forgetSessionKey());

  it("keeps the key wrapped: the ciphertext does not show it and the wrapping key cannot be exported", async () => {
    await keepSessionKey(KEY, BINDING);
    expect(hasSessionKey()).to.equal(true);
    const stored = JSON.stringify({ ...sessionStorage, ...localStorage }).toLowerCase();
    expect(stored).to.not.contain("11".repeat(32));
    const [record] = await wrappingKeys();
    expect(record.key.extractable).to.equal(false);
    let exported = true;
    await crypto.subtle.exportKey("raw", record.key).catch(() => (exported = false));
    expect(exported).to.equal(false);
    expect(await restoreSessionKey(BINDING)).to.deep.equal(KEY);
    // The same binding, addresses in another case.
    expect(await restoreSessionKey({ ...BINDING, address: BINDING.address.toLowerCase() as Address })).to.deep.equal(
      KEY,
    );
  });

  it("gives nothing to another account, chain or contract, and drops the kept key", async () => {
    for (const other of [
      { ...BINDING, address: "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65" as Address },
      { ...BINDING, chainId: 1 },
      { ...BINDING, contract: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512" as Address },
    ]) {
      await keepSessionKey(KEY, BINDING);
      expect(await restoreSessionKey(other)).to.equal(undefined);
      expect(hasSessionKey()).to.equal(false);
      expect(await restoreSessionKey(BINDING)).to.equal(undefined);
    }
  });

  it("does not open a ciphertext moved to another binding (bound as GCM additional data)", async () => {
    await keepSessionKey(KEY, BINDING);
    const entry = JSON.parse(sessionStorage.getItem("ehr:session-key:v1")!) as Record<string, unknown>;
    const other = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65";
    sessionStorage.setItem("ehr:session-key:v1", JSON.stringify({ ...entry, address: other }));
    expect(await restoreSessionKey({ ...BINDING, address: other as Address })).to.equal(undefined);
    expect(hasSessionKey()).to.equal(false);
  });

  it("forgets the ciphertext and its wrapping key; an expired entry is dropped", async () => {
    await keepSessionKey(KEY, BINDING);
    const { id } = JSON.parse(sessionStorage.getItem("ehr:session-key:v1")!) as { id: string };
    await forgetSessionKey();
    expect(hasSessionKey()).to.equal(false);
    expect((await wrappingKeys()).map((r) => r.id)).to.not.include(id);

    await keepSessionKey(KEY, BINDING);
    const entry = JSON.parse(sessionStorage.getItem("ehr:session-key:v1")!) as Record<string, unknown>;
    sessionStorage.setItem("ehr:session-key:v1", JSON.stringify({ ...entry, expiresAt: Date.now() - 1 }));
    expect(await restoreSessionKey(BINDING)).to.equal(undefined);
    expect(hasSessionKey()).to.equal(false);
  });
});
