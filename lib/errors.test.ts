import { expect } from "chai";
import * as errors from "./errors";
import {
  AccessDeniedError,
  BindingError,
  ChainError,
  ContractRevertedError,
  EhrError,
  FormatError,
  IntegrityError,
  isUserRejection,
  KeyUnlockError,
  StorageError,
  toUserMessage,
  UserRejectedError,
  WalletNotDeterministicError,
  WalletRequestError,
  WeakPassphraseError,
  WrongAccountError,
} from "./errors";

const GENERIC = "Something went wrong; nothing was changed. Please try again.";
const DECLINED = "You declined the request in your wallet; nothing was changed.";

/** A chain of plain errors `depth` links above `bottom`. */
function wrap(bottom: unknown, depth: number): unknown {
  let e = bottom;
  for (let i = 0; i < depth; i++) e = new Error(`layer ${i}`, { cause: e });
  return e;
}

describe("errors", () => {
  describe("EhrError", () => {
    it("carries a short message, and it is the whole message without details", () => {
      const e = new EhrError("The record could not be opened.");
      expect(e).to.be.instanceOf(Error);
      expect(e.name).to.equal("EhrError");
      expect(e.shortMessage).to.equal("The record could not be opened.");
      expect(e.message).to.equal("The record could not be opened.");
      expect(e.details).to.equal(undefined);
      expect(e.cause).to.equal(undefined);
    });

    it("appends details for developers to the message, keeping the short message plain", () => {
      const e = new EhrError("The record could not be opened.", { details: "envelope version 9" });
      expect(e.shortMessage).to.equal("The record could not be opened.");
      expect(e.details).to.equal("envelope version 9");
      expect(e.message).to.equal("The record could not be opened.\n\nDetails: envelope version 9");
    });

    it("keeps the cause it came from", () => {
      const cause = new TypeError("low level");
      const e = new EhrError("It failed.", { cause });
      expect(e.cause).to.equal(cause);
    });

    it("has a stack that includes its message", () => {
      const e = new EhrError("It failed.");
      expect(e.stack).to.be.a("string").and.include("It failed.");
    });
  });

  describe("subclasses", () => {
    // Names spelled out: bundlers may rename classes, and `name` must survive that.
    const classes: [typeof EhrError, string][] = [
      [FormatError, "FormatError"],
      [IntegrityError, "IntegrityError"],
      [BindingError, "BindingError"],
      [KeyUnlockError, "KeyUnlockError"],
      [WalletNotDeterministicError, "WalletNotDeterministicError"],
      [UserRejectedError, "UserRejectedError"],
      [ChainError, "ChainError"],
      [StorageError, "StorageError"],
      [WrongAccountError, "WrongAccountError"],
      [WalletRequestError, "WalletRequestError"],
      [WeakPassphraseError, "WeakPassphraseError"],
      [AccessDeniedError, "AccessDeniedError"],
    ];

    for (const [Class, name] of classes) {
      it(`${name} is an EhrError named ${name}`, () => {
        const cause = new Error("inner");
        const e = new Class("Short.", { details: "more", cause });
        expect(e).to.be.instanceOf(Class).and.instanceOf(EhrError).and.instanceOf(Error);
        expect(e.name).to.equal(name);
        expect(e.shortMessage).to.equal("Short.");
        expect(e.details).to.equal("more");
        expect(e.cause).to.equal(cause);
        expect(String(e)).to.match(new RegExp(`^${name}: Short\\.`));
      });
    }

    it("WrongAccountError is a KeyUnlockError", () => {
      const e = new WrongAccountError("Another account signed.");
      expect(e).to.be.instanceOf(KeyUnlockError).and.instanceOf(EhrError);
      expect(e.name).to.equal("WrongAccountError");
    });

    it("ContractRevertedError is a ChainError carrying the custom error's name", () => {
      const cause = new Error("execution reverted");
      const e = new ContractRevertedError("The chain refused the change.", "AccessUnauthorized", { cause });
      expect(e).to.be.instanceOf(ChainError).and.instanceOf(EhrError);
      expect(e.name).to.equal("ContractRevertedError");
      expect(e.errorName).to.equal("AccessUnauthorized");
      expect(e.shortMessage).to.equal("The chain refused the change.");
      expect(e.cause).to.equal(cause);
    });

    it("every EhrError subclass the module exports carries its own name", () => {
      const exported = Object.entries(errors).filter(
        ([, value]) => typeof value === "function" && value.prototype instanceof EhrError,
      ) as [string, new (message: string) => EhrError][];
      expect(exported.length).to.be.at.least(classes.length + 1);
      for (const [exportName, Class] of exported) expect(new Class("x").name, exportName).to.equal(exportName);
    });

    it("are distinct from one another", () => {
      expect(new FormatError("x")).not.to.be.instanceOf(IntegrityError);
      expect(new IntegrityError("x")).not.to.be.instanceOf(FormatError);
      expect(new BindingError("x")).not.to.be.instanceOf(KeyUnlockError);
    });
  });

  describe("isUserRejection", () => {
    it("recognises EIP-1193 code 4001, ethers' ACTION_REJECTED and UserRejectedError", () => {
      expect(isUserRejection({ code: 4001, message: "User rejected the request." })).to.equal(true);
      expect(isUserRejection({ code: "ACTION_REJECTED" })).to.equal(true);
      expect(isUserRejection(new UserRejectedError("Declined."))).to.equal(true);
    });

    it("finds a rejection deeper in the cause chain", () => {
      expect(isUserRejection(wrap({ code: 4001 }, 3))).to.equal(true);
      expect(isUserRejection(new ChainError("Failed.", { cause: new UserRejectedError("Declined.") }))).to.equal(true);
    });

    it("is false for other errors, other codes and non-errors", () => {
      for (const value of [
        new Error("boom"),
        new ChainError("Failed."),
        { code: 4100 },
        { code: "4001" },
        { code: -32603 },
        null,
        undefined,
        "4001",
        4001,
        {},
      ]) {
        expect(isUserRejection(value), String(value)).to.equal(false);
      }
    });

    it("stops after a bounded number of causes, so cycles terminate", () => {
      const a: { cause?: unknown } = {};
      const b: { cause?: unknown } = { cause: a };
      a.cause = b;
      expect(isUserRejection(a)).to.equal(false);
      expect(isUserRejection(wrap({ code: 4001 }, 7))).to.equal(true);
      expect(isUserRejection(wrap({ code: 4001 }, 8))).to.equal(false);
    });
  });

  describe("toUserMessage", () => {
    it("says plainly that a wallet request was declined", () => {
      expect(toUserMessage({ code: 4001 })).to.equal(DECLINED);
      expect(toUserMessage(wrap(new UserRejectedError("x"), 2))).to.equal(DECLINED);
    });

    it("gives the first EhrError's short message, never its details", () => {
      const e = new IntegrityError("This record was changed after it was stored.", { details: "hash 0xabc" });
      expect(toUserMessage(e)).to.equal("This record was changed after it was stored.");
      expect(toUserMessage(wrap(e, 2))).to.equal("This record was changed after it was stored.");
      const outer = new StorageError("Storage is unreachable.", { cause: e });
      expect(toUserMessage(outer)).to.equal("Storage is unreachable.");
    });

    it("falls back to a generic sentence that leaks nothing from other errors", () => {
      const leaky = new Error("decrypt failed for patient 0x1234 with key deadbeef");
      expect(toUserMessage(leaky)).to.equal(GENERIC);
      for (const value of [null, undefined, "text", 42, {}]) expect(toUserMessage(value)).to.equal(GENERIC);
    });

    it("says the network cannot be reached when a transport error is in the cause chain", () => {
      const NETWORK = "The network cannot be reached; nothing was changed. Check your connection and try again.";
      const http = Object.assign(new Error("HTTP request failed. URL: http://127.0.0.1:8545 Details: fetch failed"), {
        name: "HttpRequestError",
      });
      expect(toUserMessage(http)).to.equal(NETWORK);
      expect(toUserMessage(wrap(http, 3))).to.equal(NETWORK);
      expect(toUserMessage(new TypeError("Failed to fetch"))).to.equal(NETWORK);
      // The sentence never carries the transport's details (URL, body).
      expect(toUserMessage(http)).not.to.include("127.0.0.1");
      // An EhrError anywhere in the chain still speaks first.
      expect(toUserMessage(new StorageError("Storage is unreachable.", { cause: http }))).to.equal(
        "Storage is unreachable.",
      );
      // Other TypeErrors are programming errors, not the network.
      expect(toUserMessage(new TypeError("x is not a function"))).to.equal(GENERIC);
    });

    it("terminates on cyclic causes", () => {
      const a: { cause?: unknown } = {};
      a.cause = a;
      expect(toUserMessage(a)).to.equal(GENERIC);
    });
  });
});
