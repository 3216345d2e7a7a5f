/// <reference types="mocha" />
import { expect } from "chai";
import { FormatError } from "../../lib/errors";
import { checkRpcChainId, parseRuntimeConfig, type RuntimeConfig } from "./config";

const BASE = {
  chainId: 31337,
  rpcUrl: "http://127.0.0.1:8545",
  apiUrl: "http://127.0.0.1:8787",
  core: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  book: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
};

function refusal(raw: object): string {
  try {
    parseRuntimeConfig(raw, "http://127.0.0.1:5173");
  } catch (error) {
    expect(error).to.be.instanceOf(FormatError);
    return (error as FormatError).shortMessage;
  }
  throw new Error(`accepted: ${JSON.stringify(raw)}`);
}

describe("parseRuntimeConfig: chain settings as wallets accept them", () => {
  it("offers ETH by default and takes a symbol of 2 to 6 characters", () => {
    expect(parseRuntimeConfig(BASE, "http://127.0.0.1:5173").currencySymbol).to.equal("ETH");
    expect(parseRuntimeConfig({ ...BASE, currencySymbol: "GO" }, "x").currencySymbol).to.equal("GO");
    expect(refusal({ ...BASE, currencySymbol: "E" })).to.equal(
      `The app's network setting currencySymbol (config.json) is "E", which wallets refuse: a currency symbol has 2 to 6 characters. Ask whoever runs this site to correct it.`,
    );
    expect(refusal({ ...BASE, currencySymbol: "SEVENCH" })).to.contain("currencySymbol");
  });

  it("names chainId when it is not a positive whole number", () => {
    for (const chainId of [0, -1, 1.5, "abc"]) expect(refusal({ ...BASE, chainId })).to.contain("setting chainId");
  });

  it("takes an RPC URL that is https, or http on localhost or 127.0.0.1, and names rpcUrl otherwise", () => {
    expect(parseRuntimeConfig({ ...BASE, rpcUrl: "https://rpc.example.org" }, "x").rpcUrl).to.equal(
      "https://rpc.example.org",
    );
    expect(parseRuntimeConfig({ ...BASE, rpcUrl: "http://localhost:8545" }, "x").rpcUrl).to.equal(
      "http://localhost:8545",
    );
    expect(refusal({ ...BASE, rpcUrl: "http://10.0.0.5:8545" })).to.contain("setting rpcUrl");
  });

  it("names chainName when it is longer than a wallet keeps", () => {
    expect(refusal({ ...BASE, chainName: "x".repeat(101) })).to.contain("setting chainName");
  });
});

describe("checkRpcChainId", () => {
  const runtime = parseRuntimeConfig(BASE, "http://127.0.0.1:5173") as RuntimeConfig;

  it("passes when the RPC serves the configured chain id", async () => {
    await checkRpcChainId(runtime, async () => 31337);
  });

  it("names rpcUrl and both chain ids when the RPC serves another chain", async () => {
    const error = await checkRpcChainId(runtime, async () => 1).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(FormatError);
    expect((error as FormatError).shortMessage).to.equal(
      "The app's network settings (config.json) disagree: rpcUrl serves chain id 1, not the chainId 31337 it names, so wallets refuse the network. Ask whoever runs this site to correct them.",
    );
  });

  it("says the RPC does not answer when it cannot be reached", async () => {
    const error = await checkRpcChainId(runtime, async () => Promise.reject(new TypeError("fetch failed"))).catch(
      (e: unknown) => e,
    );
    expect((error as FormatError).shortMessage).to.contain("rpcUrl (config.json) does not answer");
  });
});
