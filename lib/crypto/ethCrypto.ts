/**
 * eth-crypto (ECIES on secp256k1), loaded on first use. It brings elliptic, secp256k1 and the
 * ethereumjs packages with it, about 0.6 s of CPU at start-up; the service and the dApp
 * need it only when a key is wrapped or unwrapped. Loaded once, then shared.
 */
type EthCrypto = typeof import("eth-crypto");

let loading: Promise<EthCrypto> | undefined;

export function loadEthCrypto(): Promise<EthCrypto> {
  return (loading ??= import("eth-crypto"));
}
