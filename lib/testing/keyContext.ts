/** Test helper (universal): the accounts and key context of the local development chain. */
import type { KeyContext } from "../keys/types";

/** Private keys of accounts 0 and 1 of Hardhat's and anvil's well-known mnemonic: local chains only. */
export const DEV_KEY_0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80" as const;
export const DEV_KEY_1 = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d" as const;
/** The first contract account 0 deploys on a fresh local chain. */
export const LOCAL_CONTRACT = "0x5FbDB2315678afecb367f032d93F642f64180aa3" as const;

/** The context a user key of `address` is bound to on chain 31337, at ehr.example.org. */
export function localKeyContext(address: `0x${string}`): KeyContext {
  return { chainId: 31337, contract: LOCAL_CONTRACT, address, domain: "ehr.example.org" };
}
