/** `bytes` as "2 MiB" or "512 KiB", for a sentence. */
export function sizeInWords(bytes: number): string {
  return bytes >= 1048576 ? `${+(bytes / 1048576).toFixed(1)} MiB` : `${Math.floor(bytes / 1024)} KiB`;
}
