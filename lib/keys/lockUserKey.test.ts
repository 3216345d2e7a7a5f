import { expect } from "chai";
import {
  FormatError,
  KeyUnlockError,
  UserRejectedError,
  WalletNotDeterministicError,
  WrongAccountError,
} from "../errors";
import { compressPublicKey } from "../crypto/publicKey";
import { rejection } from "../testing/rejection";
import { createKeyBackup, restoreKeyBackup } from "./keyBackup";
import { lockUserKey } from "./lockUserKey";
import { testWalletProvider } from "./testWallet";
import type { Hex, UserKey } from "./types";
import { unlockUserKey } from "./unlockUserKey";
import { generateUserKey } from "./userKeyPair";
import { DEV_KEY_0, DEV_KEY_1, LOCAL_CONTRACT as contract, localKeyContext } from "../testing/keyContext";

const walletKey = DEV_KEY_0;
const otherKey = DEV_KEY_1;
const address = testWalletProvider(walletKey).address;
const ctx = localKeyContext(address);

describe("lockUserKey", () => {
  let key: UserKey;
  let snapshot: UserKey;

  beforeEach(() => {
    key = generateUserKey();
    snapshot = { ...key };
  });

  it("locks a key restored from its backup file so that one signature unlocks it", async () => {
    const meta = { address, chainId: 31337, contract, createdAt: "2026-01-02T03:04:05.000Z" };
    const file = await createKeyBackup(key, "correct horse battery", meta, { scrypt: { N: 1024, r: 8, p: 1 } });
    const { key: restored } = await restoreKeyBackup(file, "correct horse battery");

    const wallet = testWalletProvider(walletKey);
    const stages: string[] = [];
    const locked = await lockUserKey(wallet, restored, ctx, { onProgress: (s) => stages.push(s) });
    expect(stages).to.deep.equal(["first-signature", "second-signature", "encrypting"]);
    expect(wallet.signatureRequests).to.equal(2);
    expect(locked).to.include({ version: 1, address, chainId: 31337, contract, domain: "ehr.example.org" });
    expect(locked.appName).to.equal("Patient EHR");
    expect(locked.publicKey).to.equal(key.publicKey);
    expect(locked.salt).to.match(/^0x[0-9a-f]{64}$/);
    expect(locked.iv).to.match(/^0x[0-9a-f]{24}$/);
    expect(locked.ciphertext).to.match(/^0x[0-9a-f]{96}$/);
    expect(JSON.stringify(locked)).to.not.include(key.privateKey.slice(2));

    const again = testWalletProvider(walletKey);
    expect(await unlockUserKey(again, JSON.parse(JSON.stringify(locked)))).to.deep.equal(key);
    expect(again.signatureRequests).to.equal(1);
    expect(restored).to.deep.equal(snapshot);
  });

  it("uses a new salt and iv each time it locks the same key", async () => {
    const wallet = testWalletProvider(walletKey);
    const a = await lockUserKey(wallet, key, ctx);
    const b = await lockUserKey(wallet, key, ctx);
    expect(a.salt).to.not.equal(b.salt);
    expect(a.iv).to.not.equal(b.iv);
    expect(await unlockUserKey(wallet, b)).to.deep.equal(key);
  });

  const expectedForms: [string, (k: UserKey) => Hex][] = [
    ["64-byte", (k) => k.publicKey],
    ["64-byte uppercase", (k) => `0x${k.publicKey.slice(2).toUpperCase()}`],
    ["33-byte compressed (on-chain)", (k) => compressPublicKey(k.publicKey) as Hex],
  ];
  for (const [form, expected] of expectedForms) {
    it(`locks the key when it is the expected (${form}) public key`, async () => {
      const wallet = testWalletProvider(walletKey);
      const locked = await lockUserKey(wallet, key, ctx, { expectedPublicKey: expected(key) });
      expect(locked.publicKey).to.equal(key.publicKey);
    });
  }

  it("refuses a key that is not the registered one, before asking the wallet", async () => {
    const wallet = testWalletProvider(walletKey);
    const registered = compressPublicKey(generateUserKey().publicKey) as Hex;
    const error = await rejection(lockUserKey(wallet, key, ctx, { expectedPublicKey: registered }), KeyUnlockError);
    expect(error.shortMessage).to.equal(
      "This key is not the one registered for your account; use the backup file made when you set up your key.",
    );
    expect(wallet.signatureRequests).to.equal(0);
  });

  it("refuses an expected public key that is not one", async () => {
    const wallet = testWalletProvider(walletKey);
    await rejection(lockUserKey(wallet, key, ctx, { expectedPublicKey: "0x1234" }), FormatError);
    expect(wallet.signatureRequests).to.equal(0);
  });

  const mismatched: [string, (k: UserKey) => UserKey][] = [
    ["another key's public key", (k) => ({ ...k, publicKey: generateUserKey().publicKey })],
    ["a private key out of range", (k) => ({ ...k, privateKey: `0x${"ff".repeat(32)}` })],
    ["a short private key", (k) => ({ ...k, privateKey: "0x1234" })],
    ["a non-hex public key", (k) => ({ ...k, publicKey: `0x${"zz".repeat(64)}` })],
  ];
  for (const [what, change] of mismatched) {
    it(`refuses a key with ${what}, before asking the wallet`, async () => {
      const wallet = testWalletProvider(walletKey);
      const error = await rejection(lockUserKey(wallet, change(key), ctx), FormatError);
      expect(error.shortMessage).to.equal(
        "This encryption key is damaged: its private key does not match its public key.",
      );
      expect(wallet.signatureRequests).to.equal(0);
    });
  }

  it("refuses a wallet signing with another account, returning nothing", async () => {
    const wallet = testWalletProvider(otherKey);
    const stages: string[] = [];
    const error = await rejection(
      lockUserKey(wallet, key, ctx, { onProgress: (s) => stages.push(s) }),
      WrongAccountError,
    );
    expect(error.shortMessage).to.include(`Switch to account ${address}`);
    expect(wallet.signatureRequests).to.equal(1);
    expect(stages).to.deep.equal(["first-signature"]);
    expect(key).to.deep.equal(snapshot);
  });

  it("refuses a wallet that signs the same message differently, returning nothing", async () => {
    const wallet = testWalletProvider(walletKey, { nonDeterministic: true });
    const stages: string[] = [];
    const error = await rejection(
      lockUserKey(wallet, key, ctx, { onProgress: (s) => stages.push(s) }),
      WalletNotDeterministicError,
    );
    expect(error.shortMessage).to.match(/^This wallet cannot protect your encryption key.*Nothing was saved\./);
    expect(stages).to.deep.equal(["first-signature", "second-signature"]);
    expect(key).to.deep.equal(snapshot);
  });

  for (const call of [1, 2]) {
    it(`cancels cleanly when the user declines signature ${call}`, async () => {
      const wallet = testWalletProvider(walletKey, { rejectOnCall: call });
      const stages: string[] = [];
      await rejection(lockUserKey(wallet, key, ctx, { onProgress: (s) => stages.push(s) }), UserRejectedError);
      expect(wallet.signatureRequests).to.equal(call);
      expect(stages).to.not.include("encrypting");
      expect(key).to.deep.equal(snapshot);
    });
  }

  it("refuses an invalid context before asking for any signature", async () => {
    const wallet = testWalletProvider(walletKey);
    await rejection(lockUserKey(wallet, key, { ...ctx, contract: "0x1234" as Hex }), FormatError);
    expect(wallet.signatureRequests).to.equal(0);
  });
});
