import { randomBytes } from "node:crypto";
import { mkdir, open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/**
 * Writes `data` to `file` so that readers see the old file or the whole new one, never half of it:
 * a temporary file beside it (owner-only, `.<name>.<pid>.<random>.tmp`: unique, so concurrent
 * writers of one file never share it), fsync, rename. The folder is created only when the first
 * attempt finds it missing (no `mkdir` per write). A failed write leaves no temporary file. Used
 * by the key vault, the message store and the block store.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    let handle;
    try {
      handle = await open(temp, "wx", 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      await mkdir(dirname(file), { recursive: true });
      handle = await open(temp, "wx", 0o600);
    }
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
}
