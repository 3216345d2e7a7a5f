import { hashMessage, numberToHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { randomBytes, toHex } from "../bytes";
import type { Address, Eip1193Provider, Hex } from "./types";
import { SECP256K1_N } from "./userKeyPair";

export interface TestWalletOptions {
  /** Sign each time with a fresh random ECDSA nonce, as some hardware wallets do. @default false */
  nonDeterministic?: boolean;
  /** Decline every signature request (EIP-1193 error code 4001). @default false */
  reject?: boolean;
  /** Decline only the n-th personal_sign request (1-based). */
  rejectOnCall?: number;
  /** Answer for eth_chainId. @default 31337 */
  chainId?: number;
}

/** A test wallet: an EIP-1193 provider plus its address and how many signatures it was asked for. */
export interface TestWalletProvider extends Eip1193Provider {
  address: Address;
  /** personal_sign requests received so far, declined ones included. */
  readonly signatureRequests: number;
}

function providerError(code: number, message: string): Error {
  return Object.assign(new Error(message), { code });
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  for (let b = base % modulus, e = exponent; e > 0n; e >>= 1n, b = (b * b) % modulus) {
    if (e & 1n) result = (result * b) % modulus;
  }
  return result;
}

/**
 * A valid ECDSA signature of an EIP-191 message with a random nonce instead of RFC 6979's: the
 * same message signs differently each time. viem's signer has only a global switch for this, so
 * the nonce point comes from viem's public-key derivation and the rest is textbook ECDSA.
 */
function signWithRandomNonce(privateKey: Hex, raw: Hex): Hex {
  const d = BigInt(privateKey);
  const z = BigInt(hashMessage({ raw }));
  for (;;) {
    const k = BigInt(toHex(randomBytes(32)));
    if (k === 0n || k >= SECP256K1_N) continue;
    const point = privateKeyToAccount(numberToHex(k, { size: 32 })).publicKey; // 0x04 || x || y
    const x = BigInt(`0x${point.slice(4, 68)}`);
    const yOdd = BigInt(`0x${point.slice(68)}`) & 1n;
    if (x >= SECP256K1_N) continue;
    let s = (modPow(k, SECP256K1_N - 2n, SECP256K1_N) * ((z + x * d) % SECP256K1_N)) % SECP256K1_N;
    if (s === 0n) continue;
    let recovery = Number(yOdd);
    if (s > SECP256K1_N / 2n) {
      s = SECP256K1_N - s;
      recovery ^= 1;
    }
    return `0x${numberToHex(x, { size: 32 }).slice(2)}${numberToHex(s, { size: 32 }).slice(2)}${recovery ? "1c" : "1b"}`;
  }
}

/**
 * An EIP-1193 provider over a local private key, for tests in Node and in the browser: it answers
 * eth_accounts, eth_requestAccounts, eth_chainId and personal_sign (params [hexMessage, address]).
 * Like a wallet whose selected account is its own, it signs with its key whatever address is asked
 * for. Other methods fail with code 4200 (unsupported method).
 */
export function testWalletProvider(privateKey: Hex, options: TestWalletOptions = {}): TestWalletProvider {
  const account = privateKeyToAccount(privateKey);
  let signatureRequests = 0;
  return {
    address: account.address,
    get signatureRequests() {
      return signatureRequests;
    },
    async request({ method, params }) {
      switch (method) {
        case "eth_accounts":
        case "eth_requestAccounts":
          return [account.address];
        case "eth_chainId":
          return numberToHex(options.chainId ?? 31337);
        case "personal_sign": {
          signatureRequests++;
          if (options.reject || options.rejectOnCall === signatureRequests) {
            throw providerError(4001, "User rejected the request.");
          }
          const [raw] = (Array.isArray(params) ? params : []) as unknown[];
          if (typeof raw !== "string" || !/^0x([0-9a-fA-F]{2})*$/.test(raw)) {
            throw providerError(-32602, "Invalid parameters: expected a hex message");
          }
          if (options.nonDeterministic) return signWithRandomNonce(privateKey, raw as Hex);
          return account.signMessage({ message: { raw: raw as Hex } });
        }
        default:
          throw providerError(4200, `The test wallet does not support ${method}.`);
      }
    },
  };
}
