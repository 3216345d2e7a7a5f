import { expect } from "chai";
import { recoverMessageAddress } from "viem";
import { testWalletProvider } from "./testWallet";

const privateKey = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80" as const;
const address = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const message = "hello";
const hexMessage = "0x68656c6c6f";

describe("testWalletProvider", () => {
  it("answers accounts and chain id", async () => {
    const wallet = testWalletProvider(privateKey, { chainId: 5 });
    expect(wallet.address).to.equal(address);
    expect(await wallet.request({ method: "eth_requestAccounts" })).to.deep.equal([address]);
    expect(await wallet.request({ method: "eth_chainId" })).to.equal("0x5");
  });

  it("signs personal_sign deterministically, recoverable to its address", async () => {
    const wallet = testWalletProvider(privateKey);
    const a = (await wallet.request({ method: "personal_sign", params: [hexMessage, address] })) as `0x${string}`;
    const b = await wallet.request({ method: "personal_sign", params: [hexMessage, address] });
    expect(a).to.equal(b);
    expect(await recoverMessageAddress({ message, signature: a })).to.equal(address);
    expect(wallet.signatureRequests).to.equal(2);
  });

  it("signs differently each time when nonDeterministic, still valid", async () => {
    const wallet = testWalletProvider(privateKey, { nonDeterministic: true });
    const a = (await wallet.request({ method: "personal_sign", params: [hexMessage, address] })) as `0x${string}`;
    const b = (await wallet.request({ method: "personal_sign", params: [hexMessage, address] })) as `0x${string}`;
    expect(a).to.not.equal(b);
    expect(a.slice(0, 66)).to.not.equal(b.slice(0, 66));
    expect(await recoverMessageAddress({ message, signature: a })).to.equal(address);
    expect(await recoverMessageAddress({ message, signature: b })).to.equal(address);
  });

  it("declines with EIP-1193 code 4001 when asked to, on every or on the n-th request", async () => {
    const always = testWalletProvider(privateKey, { reject: true });
    let error = await always.request({ method: "personal_sign", params: [hexMessage, address] }).catch((e) => e);
    expect(error).to.have.property("code", 4001);

    const second = testWalletProvider(privateKey, { rejectOnCall: 2 });
    await second.request({ method: "personal_sign", params: [hexMessage, address] });
    error = await second.request({ method: "personal_sign", params: [hexMessage, address] }).catch((e) => e);
    expect(error).to.have.property("code", 4001);
  });

  it("refuses unsupported methods with code 4200", async () => {
    const error = await testWalletProvider(privateKey)
      .request({ method: "eth_sendTransaction", params: [] })
      .catch((e) => e);
    expect(error).to.have.property("code", 4200);
  });
});
