import { expect } from "chai";
import { fromHex, randomBytes, toHex } from "../bytes";
import { FormatError, KeyUnlockError, UserRejectedError, WrongAccountError } from "../errors";
import { createUserKey } from "./createUserKey";
import { keySetupMessage } from "./keySetupMessage";
import { deriveLockingKey, lockedKeyAssociatedData } from "./lockedUserKey";
import { testWalletProvider } from "./testWallet";
import type { Eip1193Provider, LockedUserKey, UserKey } from "./types";
import { unlockUserKey } from "./unlockUserKey";
import { SECP256K1_N, generateUserKey } from "./userKeyPair";
import { requestKeySignature } from "./walletSignature";
import { rejection } from "../testing/rejection";
import { DEV_KEY_0, DEV_KEY_1, LOCAL_CONTRACT as contract, localKeyContext } from "../testing/keyContext";

const userKey = DEV_KEY_0;
const otherKey = DEV_KEY_1;

function flipByte(hex: `0x${string}`, index = 0): `0x${string}` {
  const bytes = fromHex(hex);
  bytes[index] ^= 0x01;
  return toHex(bytes);
}

describe("unlockUserKey", () => {
  const wallet = testWalletProvider(userKey);
  let key: UserKey;
  let locked: LockedUserKey;

  before(async () => {
    ({ key, locked } = await createUserKey(wallet, localKeyContext(wallet.address)));
  });

  it("unlocks the key with the same wallet, from its stored JSON", async () => {
    const stored = JSON.parse(JSON.stringify(locked));
    const again = testWalletProvider(userKey);
    expect(await unlockUserKey(again, stored)).to.deep.equal(key);
    expect(again.signatureRequests).to.equal(1);
  });

  it("unlocks a key made with a custom app name", async () => {
    const made = await createUserKey(wallet, { chainId: 1, contract, address: wallet.address, appName: "City Clinic" });
    expect(made.locked.domain).to.equal("localhost");
    expect(await unlockUserKey(wallet, made.locked)).to.deep.equal(made.key);
  });

  it("unlocks when the wallet encodes the same signature differently (v as 0/1, high s)", async () => {
    const malleating: Eip1193Provider = {
      async request(args) {
        const signature = (await wallet.request(args)) as string;
        const s = SECP256K1_N - BigInt(`0x${signature.slice(66, 130)}`);
        const v = parseInt(signature.slice(130), 16) === 27 ? "01" : "00"; // flipped parity, 0/1 encoding
        return `${signature.slice(0, 66)}${s.toString(16).padStart(64, "0")}${v}`;
      },
    };
    expect(await unlockUserKey(malleating, locked)).to.deep.equal(key);
  });

  it("says cannot unlock for another wallet, naming the account to switch to", async () => {
    const other = testWalletProvider(otherKey);
    const error = await rejection(unlockUserKey(other, locked));
    expect(error).to.be.instanceOf(KeyUnlockError).and.instanceOf(WrongAccountError);
    expect((error as KeyUnlockError).shortMessage).to.include(wallet.address);
  });

  it("cancels cleanly when the user declines", async () => {
    const error = await rejection(unlockUserKey(testWalletProvider(userKey, { reject: true }), locked));
    expect(error).to.be.instanceOf(UserRejectedError);
  });

  const tampered: [string, (l: LockedUserKey) => LockedUserKey][] = [
    ["ciphertext", (l) => ({ ...l, ciphertext: flipByte(l.ciphertext, 5) })],
    ["GCM tag", (l) => ({ ...l, ciphertext: flipByte(l.ciphertext, 47) })],
    ["iv", (l) => ({ ...l, iv: flipByte(l.iv) })],
    ["salt", (l) => ({ ...l, salt: flipByte(l.salt) })],
    ["publicKey", (l) => ({ ...l, publicKey: generateUserKey().publicKey })],
    ["address", (l) => ({ ...l, address: testWalletProvider(otherKey).address })],
    ["chainId", (l) => ({ ...l, chainId: 1 })],
    ["contract", (l) => ({ ...l, contract: "0x0000000000000000000000000000000000000001" })],
    ["domain", (l) => ({ ...l, domain: "evil.example" })],
    ["appName", (l) => ({ ...l, appName: "Other App" })],
  ];
  for (const [field, tamper] of tampered) {
    it(`says cannot unlock when the stored ${field} was changed`, async () => {
      const error = await rejection(unlockUserKey(wallet, tamper(locked)));
      expect(error).to.be.instanceOf(KeyUnlockError);
      expect((error as KeyUnlockError).shortMessage).to.match(
        /^Cannot unlock your encryption key|^Your wallet signed with another account/,
      );
    });
  }

  it("says cannot unlock when the stored key is the wallet's signature lock of another key", async () => {
    // A well-formed lock whose AES-GCM opens, but whose public key is not that of the key inside.
    const salt = randomBytes(32);
    const iv = randomBytes(12);
    const header = { version: 1 as const, address: wallet.address, chainId: 31337, contract, publicKey: key.publicKey };
    const message = keySetupMessage({ ...header, domain: "localhost" }, toHex(salt));
    const lockingKey = await deriveLockingKey(
      await requestKeySignature(wallet, message, wallet.address, "setup"),
      salt,
    );
    const ciphertext = await crypto.subtle.encrypt(
      { name: "AES-GCM", iv: iv as BufferSource, additionalData: lockedKeyAssociatedData(header) as BufferSource },
      lockingKey,
      fromHex(generateUserKey().privateKey) as BufferSource,
    );
    const forged: LockedUserKey = {
      ...header,
      domain: "localhost",
      salt: toHex(salt),
      iv: toHex(iv),
      ciphertext: toHex(new Uint8Array(ciphertext)),
    };
    const error = await rejection(unlockUserKey(wallet, forged));
    expect(error).to.be.instanceOf(KeyUnlockError);
    expect((error as KeyUnlockError).details).to.equal("the decrypted private key does not match the public key");
  });

  const malformed: [string, unknown][] = [
    ["null", null],
    ["unknown version", { version: 2 }],
    ["missing iv", { iv: undefined }],
    ["short ciphertext", { ciphertext: "0x1234" }],
    ["non-hex salt", { salt: `0x${"zz".repeat(32)}` }],
    ["bad address", { address: "0x1234" }],
    ["chainId as string", { chainId: "31337" }],
    ["domain not a string", { domain: 7 }],
  ];
  for (const [what, change] of malformed) {
    it(`refuses a malformed stored key (${what}) before asking the wallet`, async () => {
      const probe = testWalletProvider(userKey);
      const input = change === null ? null : { ...locked, ...(change as object) };
      const error = await rejection(unlockUserKey(probe, input as LockedUserKey));
      expect(error).to.be.instanceOf(FormatError);
      expect(probe.signatureRequests).to.equal(0);
    });
  }
});
