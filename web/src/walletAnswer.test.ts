/// <reference types="mocha" />
import { expect } from "chai";
import { ResourceUnavailableRpcError, UserRejectedRequestError } from "viem";
import { toUserMessage } from "../../lib/errors";
import { walletAnswer, type WalletAsk } from "./walletAnswer";

const SWITCH: WalletAsk = { kind: "switch", chainName: "EHR local chain", chainId: 31337 };
const CONNECT: WalletAsk = { kind: "connect", walletName: "MetaMask" };
const KEPT =
  "You kept your wallet on another network, so nothing was changed. Patient EHR runs on EHR local chain (chain id 31337): choose Switch network when you are ready.";

/** An error as an EIP-1193 provider throws it. */
const fromWallet = (code: number, message: string) => Object.assign(new Error(message), { code });

describe("walletAnswer", () => {
  it("says the wallet refused the network settings when wagmi reports its -32602 as a rejection", () => {
    // wagmi's injected connector: any failure of wallet_addEthereumChain becomes UserRejectedRequestError.
    const refused = new UserRejectedRequestError(
      fromWallet(-32602, "Expected 2-6 character string 'nativeCurrency.symbol'. Received:\nE"),
    );
    expect(toUserMessage(refused)).to.equal("You declined the request in your wallet; nothing was changed.");
    expect(toUserMessage(walletAnswer(refused, SWITCH))).to.equal(
      "Your wallet refused the network settings: Expected 2-6 character string 'nativeCurrency.symbol'. Received: E. Ask whoever runs this site to correct them.",
    );
  });

  it("reads a declined switch, and a network added without switching, as keeping the wallet on its network", () => {
    const declined = new UserRejectedRequestError(fromWallet(4001, "User rejected the request."));
    expect(toUserMessage(walletAnswer(declined, SWITCH))).to.equal(KEPT);
    const addedOnly = new UserRejectedRequestError(
      new UserRejectedRequestError(new Error("User rejected switch after adding network.")),
    );
    expect(toUserMessage(walletAnswer(addedOnly, SWITCH))).to.equal(KEPT);
  });

  it("says a connection request is already open in the wallet (-32002)", () => {
    const pending = new ResourceUnavailableRpcError(
      fromWallet(-32002, "Request of type 'wallet_requestPermissions' already pending for origin x. Please wait."),
    );
    expect(toUserMessage(walletAnswer(pending, CONNECT))).to.equal(
      "Your wallet already has a connection request open — open MetaMask to answer it.",
    );
  });

  it("words any other wallet failure of a switch in the wallet's own words, not as a decline", () => {
    const unreachable = new UserRejectedRequestError(
      fromWallet(-32603, "Request for method 'eth_chainId' on https://rpc.example.org failed"),
    );
    expect(toUserMessage(walletAnswer(unreachable, SWITCH))).to.equal(
      "Your wallet could not switch to EHR local chain: Request for method 'eth_chainId' on https://rpc.example.org failed. Nothing was changed; try again later.",
    );
  });

  it("leaves a declined connection and any other failure to toUserMessage", () => {
    const declined = new UserRejectedRequestError(fromWallet(4001, "User rejected the request."));
    expect(walletAnswer(declined, CONNECT)).to.equal(declined);
    const other = new Error("boom");
    expect(walletAnswer(other, SWITCH)).to.equal(other);
    expect(walletAnswer(other, CONNECT)).to.equal(other);
  });
});
