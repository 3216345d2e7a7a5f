import { randomBytes } from "node:crypto";
import { mkdir, open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** A file written and fsynced under a temporary name, not yet in place. */
export interface StagedFile {
  /** Renames it into place: readers see the whole new file from now on. */
  commit(): Promise<void>;
  /** Removes it (nothing was changed). */
  discard(): Promise<void>;
}

/**
 * Writes `data` beside `file` under a temporary name (owner-only, `.<name>.<pid>.<random>.tmp`:
 * unique, so concurrent writers of one file never share it) and fsyncs it, without putting it in
 * place: several files can be staged at once (their fsyncs share the file system's journal
 * commits) and committed in the order readers need. The folder is created only when the first
 * attempt finds it missing (no `mkdir` per write). A failed stage leaves no temporary file.
 */
export async function stageFile(file: string, data: string | Uint8Array): Promise<StagedFile> {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  const discard = () => rm(temp, { force: true }).then(() => undefined);
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
  } catch (error) {
    await discard().catch(() => undefined);
    throw error;
  }
  return {
    commit: async () => {
      try {
        await rename(temp, file);
      } catch (error) {
        await discard().catch(() => undefined);
        throw error;
      }
    },
    discard,
  };
}

/**
 * Writes `data` to `file` so that readers see the old file or the whole new one, never half of it:
 * {@link stageFile}, then rename. Used by the key vault, the message store and the block store.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await (await stageFile(file, data)).commit();
}
