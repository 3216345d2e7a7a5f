/** The 33-byte compressed form of a 64-byte x||y public key. */
export function compressPublicKey(publicKey: string): string {
  const hex = publicKey.replace(/^0x/, "").toLowerCase();
  const odd = (parseInt(hex.slice(126, 128), 16) & 1) === 1;
  return `0x${odd ? "03" : "02"}${hex.slice(0, 64)}`;
}
