import { expect } from "chai";
import {
  FormatError,
  UserRejectedError,
  WalletNotDeterministicError,
  WalletRequestError,
  WrongAccountError,
  toUserMessage,
} from "../errors";
import { createUserKey } from "./createUserKey";
import { testWalletProvider } from "./testWallet";
import type { Eip1193Provider } from "./types";
import { publicKeyOf } from "./userKeyPair";
import { rejection } from "../testing/rejection";
import { DEV_KEY_0, DEV_KEY_1, LOCAL_CONTRACT as contract, localKeyContext } from "../testing/keyContext";

const userKey = DEV_KEY_0;
const otherKey = DEV_KEY_1;
const contextFor = localKeyContext;

describe("createUserKey", () => {
  it("creates a random keypair and its locked form after two matching signatures", async () => {
    const wallet = testWalletProvider(userKey);
    const stages: string[] = [];
    const { key, locked } = await createUserKey(wallet, contextFor(wallet.address), {
      onProgress: (s) => stages.push(s),
    });

    expect(stages).to.deep.equal(["first-signature", "second-signature", "encrypting"]);
    expect(wallet.signatureRequests).to.equal(2);
    expect(key.privateKey).to.match(/^0x[0-9a-f]{64}$/);
    expect(key.publicKey).to.match(/^0x[0-9a-f]{128}$/);
    expect(publicKeyOf(key.privateKey)).to.equal(key.publicKey);
    expect(key.privateKey).to.not.equal(userKey);

    expect(locked).to.include({
      version: 1,
      address: wallet.address,
      chainId: 31337,
      contract,
      domain: "ehr.example.org",
    });
    expect(locked.appName).to.equal("Patient EHR");
    expect(locked.publicKey).to.equal(key.publicKey);
    expect(locked.salt).to.match(/^0x[0-9a-f]{64}$/);
    expect(locked.iv).to.match(/^0x[0-9a-f]{24}$/);
    expect(locked.ciphertext).to.match(/^0x[0-9a-f]{96}$/);
  });

  it("stores nothing that reveals the private key", async () => {
    const wallet = testWalletProvider(userKey);
    const { key, locked } = await createUserKey(wallet, contextFor(wallet.address));
    const stored = JSON.stringify(locked);
    expect(stored).to.not.include(key.privateKey.slice(2));
    expect(JSON.parse(stored)).to.deep.equal(locked);
  });

  it("makes a new key and salt each time", async () => {
    const wallet = testWalletProvider(userKey);
    const a = await createUserKey(wallet, contextFor(wallet.address));
    const b = await createUserKey(wallet, contextFor(wallet.address));
    expect(a.key.privateKey).to.not.equal(b.key.privateKey);
    expect(a.locked.salt).to.not.equal(b.locked.salt);
    expect(a.locked.iv).to.not.equal(b.locked.iv);
  });

  it("refuses a wallet that signs the same message differently, creating nothing", async () => {
    const wallet = testWalletProvider(userKey, { nonDeterministic: true });
    const stages: string[] = [];
    const error = await rejection(
      createUserKey(wallet, contextFor(wallet.address), { onProgress: (s) => stages.push(s) }),
    );
    expect(error).to.be.instanceOf(WalletNotDeterministicError);
    expect((error as WalletNotDeterministicError).shortMessage).to.match(
      /^This wallet cannot protect your encryption key/,
    );
    expect((error as WalletNotDeterministicError).shortMessage).to.include(
      "use another wallet, or restore your key from its backup file",
    );
    expect(stages).to.deep.equal(["first-signature", "second-signature"]);
  });

  for (const call of [1, 2]) {
    it(`cancels cleanly when the user declines signature ${call}`, async () => {
      const wallet = testWalletProvider(userKey, { rejectOnCall: call });
      const stages: string[] = [];
      const error = await rejection(
        createUserKey(wallet, contextFor(wallet.address), { onProgress: (s) => stages.push(s) }),
      );
      expect(error).to.be.instanceOf(UserRejectedError);
      expect(toUserMessage(error)).to.equal("You declined the request in your wallet; nothing was changed.");
      expect(wallet.signatureRequests).to.equal(call);
      expect(stages).to.not.include("encrypting");
    });
  }

  it("recognises a rejection (4001) deep in the wallet error's cause chain", async () => {
    const wallet: Eip1193Provider = {
      async request() {
        throw new Error("Request failed", { cause: new Error("provider error", { cause: { code: 4001 } }) });
      },
    };
    const error = await rejection(createUserKey(wallet, contextFor(testWalletProvider(userKey).address)));
    expect(error).to.be.instanceOf(UserRejectedError);
  });

  it("reports any other wallet failure as a WalletRequestError", async () => {
    const wallet: Eip1193Provider = {
      async request() {
        throw Object.assign(new Error("Internal JSON-RPC error."), { code: -32603 });
      },
    };
    const error = await rejection(createUserKey(wallet, contextFor(testWalletProvider(userKey).address)));
    expect(error).to.be.instanceOf(WalletRequestError);
    expect((error as WalletRequestError).cause).to.have.property("code", -32603);
  });

  it("refuses a wallet signing with another account, naming the account to switch to", async () => {
    const wallet = testWalletProvider(otherKey);
    const expected = testWalletProvider(userKey).address;
    const error = await rejection(createUserKey(wallet, contextFor(expected)));
    expect(error).to.be.instanceOf(WrongAccountError);
    expect((error as WrongAccountError).shortMessage).to.include(`Switch to account ${expected}`);
    expect(wallet.signatureRequests).to.equal(1);
  });

  it("refuses a wallet whose answer is not an ECDSA signature", async () => {
    const wallet: Eip1193Provider = { request: async () => "0x1234" };
    const error = await rejection(createUserKey(wallet, contextFor(testWalletProvider(userKey).address)));
    expect(error).to.be.instanceOf(WalletNotDeterministicError);
  });

  it("refuses an invalid context before asking for any signature", async () => {
    const wallet = testWalletProvider(userKey);
    const error = await rejection(createUserKey(wallet, { ...contextFor(wallet.address), chainId: -1 }));
    expect(error).to.be.instanceOf(FormatError);
    expect(wallet.signatureRequests).to.equal(0);
  });
});
