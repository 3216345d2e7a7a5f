import { expect } from "chai";
import { FormatError } from "../errors";
import { keySetupMessage } from "./keySetupMessage";
import type { KeyContext } from "./types";

const ctx: KeyContext = {
  chainId: 31337,
  contract: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
  address: "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
  domain: "EHR.Example-Hospital.org",
};
const salt = `0x${"ab".repeat(32)}` as const;

describe("keySetupMessage", () => {
  it("names the app, domain, chain id, contract, account and salt", () => {
    const message = keySetupMessage(ctx, salt);
    expect(message).to.include("App: Patient EHR");
    expect(message).to.include("Website: ehr.example-hospital.org");
    expect(message).to.include("Chain ID: 31337");
    expect(message).to.include("Contract: 0x5FbDB2315678afecb367f032d93F642f64180aa3");
    expect(message).to.include("Account: 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    expect(message).to.include(`Key salt: ${salt}`);
  });

  it("tells the user in plain sentences what signing unlocks, that it is free, and where to sign", () => {
    const message = keySetupMessage(ctx, salt);
    expect(message).to.match(/^Patient EHR: unlock your encryption key\n/);
    expect(message).to.include("Signing this message unlocks the encryption key that protects your health records");
    expect(message).to.include("It sends no transaction, costs no gas and gives no one access to your funds.");
    expect(message).to.include("Only sign this on ehr.example-hospital.org.");
  });

  it("uses the app name and domain defaults", () => {
    const message = keySetupMessage(
      { chainId: 1, contract: ctx.contract, address: ctx.address, appName: "City Clinic" },
      salt,
    );
    expect(message).to.include("App: City Clinic");
    expect(message).to.include("Website: localhost");
    expect(message).to.include("Only sign this on localhost.");
  });

  it("is the same for the same context and salt, in any address or hex case", () => {
    const upper = { ...ctx, address: ctx.address.toUpperCase().replace("0X", "0x") as `0x${string}` };
    expect(keySetupMessage(upper, salt.toUpperCase().replace("0X", "0x") as `0x${string}`)).to.equal(
      keySetupMessage(ctx, salt),
    );
  });

  it("differs for another chain, contract, account, domain or salt", () => {
    const base = keySetupMessage(ctx, salt);
    const others = [
      keySetupMessage({ ...ctx, chainId: 1 }, salt),
      keySetupMessage({ ...ctx, contract: "0x0000000000000000000000000000000000000001" }, salt),
      keySetupMessage({ ...ctx, address: "0x0000000000000000000000000000000000000002" }, salt),
      keySetupMessage({ ...ctx, domain: "evil.example" }, salt),
      keySetupMessage(ctx, `0x${"cd".repeat(32)}`),
    ];
    for (const other of others) expect(other).to.not.equal(base);
  });

  it("refuses an invalid context or salt, naming the field", () => {
    const cases: [KeyContext, string, string][] = [
      [{ ...ctx, chainId: 0 }, salt, "chainId"],
      [{ ...ctx, chainId: 1.5 }, salt, "chainId"],
      [{ ...ctx, contract: "0x1234" }, salt, "contract"],
      [{ ...ctx, address: "0xnothex" as `0x${string}` }, salt, "address"],
      [{ ...ctx, domain: "good.example\nWebsite: evil.example" }, salt, "domain"],
      [{ ...ctx, domain: "" }, salt, "domain"],
      [{ ...ctx, appName: "Patient EHR\nSigning is required" }, salt, "appName"],
      [ctx, "0x1234", "salt"],
    ];
    for (const [c, s, field] of cases) {
      expect(() => keySetupMessage(c, s as `0x${string}`), field)
        .to.throw(FormatError)
        .with.property("details")
        .that.match(new RegExp(`^${field}:`));
    }
  });
});
