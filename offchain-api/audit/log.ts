import { mkdir, open, readFile, type FileHandle } from "node:fs/promises";
import path from "node:path";
import type { Refusal, RefusalPage } from "../../lib/api/types";
import type { Address } from "../../lib/crypto/identity";
import { StorageError } from "../../lib/errors";

export type { Refusal, RefusalPage };

/**
 * Refused reads, for the patient's activity view: an append-only JSON-lines file
 * (`refusals.jsonl`), each line fsync'd before `append` resolves, so an audited refusal survives a
 * crash. Lines are never rewritten; a torn last line (a crash mid-append) is skipped on open. The
 * lines are indexed per patient in memory at open (O(lines) once, then O(page) per query).
 */
export class AuditLog {
  private readonly byPatient = new Map<string, Refusal[]>();
  private writing: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly handle: FileHandle,
    readonly file: string,
  ) {}

  static async open(folder: string): Promise<AuditLog> {
    const file = path.join(folder, "refusals.jsonl");
    let handle: FileHandle;
    let text = "";
    try {
      await mkdir(folder, { recursive: true, mode: 0o700 });
      handle = await open(file, "a", 0o600);
      text = await readFile(file, "utf8");
      // A torn last line: end it, so the next append starts a line of its own.
      if (text.length > 0 && !text.endsWith("\n")) await handle.appendFile("\n");
    } catch (error) {
      throw new StorageError("The audit log could not be opened.", { cause: error, details: file });
    }
    const log = new AuditLog(handle, file);
    for (const line of text.split("\n")) {
      if (!line) continue;
      try {
        log.index(JSON.parse(line) as Refusal);
      } catch {
        // a torn line from a crash mid-append: not a refusal anyone was told about
      }
    }
    return log;
  }

  /** Appends one refusal; resolves once it is on disk. */
  async append(refusal: Refusal): Promise<void> {
    if (this.closed) throw new StorageError("The audit log is closed.");
    const line = `${JSON.stringify(refusal)}\n`;
    const task = this.writing.then(async () => {
      try {
        await this.handle.appendFile(line);
        await this.handle.datasync();
      } catch (error) {
        throw new StorageError("The audit log could not be written.", { cause: error });
      }
      this.index(refusal);
    });
    this.writing = task.catch(() => undefined);
    await task;
  }

  /** One page of `patient`'s refusals, newest first, and how many there are. */
  refusalsFor(patient: Address, page: { offset: number; limit: number }): RefusalPage {
    const all = this.byPatient.get(patient.toLowerCase()) ?? [];
    const end = Math.max(all.length - page.offset, 0);
    const refusals = all.slice(Math.max(end - page.limit, 0), end).reverse();
    return { refusals, total: all.length };
  }

  /** Waits for the appends in flight and closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writing;
    await this.handle.close();
  }

  private index(refusal: Refusal): void {
    if (typeof refusal?.patient !== "string") return;
    const key = refusal.patient.toLowerCase();
    const list = this.byPatient.get(key) ?? [];
    list.push(refusal);
    this.byPatient.set(key, list);
  }
}
