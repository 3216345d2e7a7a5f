import type { Address } from "viem";

/** One upload's place among those in flight; {@link release} gives it back (once, however often called). */
export interface UploadTicket {
  /** Counts `bytes` more against the service-wide cap: false (nothing counted) when they do not fit. */
  claimBytes(bytes: number): boolean;
  release(): void;
}

/**
 * The uploads this process is receiving now: at most `perAddress` per signed-in address, and at most
 * `totalBytes` of body buffers across all of them (claimed as each buffer grows with the bytes that
 * arrived: uploadBody.ts), so that many slow 50 MB uploads cannot hold the service's memory,
 * whatever the number of addresses, and an upload held open after its first bytes holds only them.
 * In memory and per process: it bounds what this process holds.
 */
export class UploadsInFlight {
  private readonly byAddress = new Map<Address, number>();
  private bytes = 0;

  constructor(
    private readonly perAddress: number,
    private readonly totalBytes: number,
  ) {}

  /** A place for one more upload from `address`, or undefined when it has `perAddress` in flight already. */
  begin(address: Address): UploadTicket | undefined {
    const count = this.byAddress.get(address) ?? 0;
    if (count >= this.perAddress) return undefined;
    this.byAddress.set(address, count + 1);
    let claimed = 0;
    let released = false;
    return {
      claimBytes: (bytes) => {
        if (released || this.bytes + bytes > this.totalBytes) return false;
        this.bytes += bytes;
        claimed += bytes;
        return true;
      },
      release: () => {
        if (released) return;
        released = true;
        this.bytes -= claimed;
        const left = (this.byAddress.get(address) ?? 1) - 1;
        if (left > 0) this.byAddress.set(address, left);
        else this.byAddress.delete(address);
      },
    };
  }

  /** Uploads and body bytes in flight now (for tests and operations). */
  get current(): { uploads: number; bytes: number } {
    let uploads = 0;
    for (const count of this.byAddress.values()) uploads += count;
    return { uploads, bytes: this.bytes };
  }
}
