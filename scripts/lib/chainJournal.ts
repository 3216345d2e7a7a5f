import fs from "node:fs";
import path from "node:path";

/**
 * One state change the chain front let through, as it must be redone after a crash: a signed
 * transaction (`raw`), or a development call (`anvil_setBalance`, `evm_mine`...) with its params.
 */
export interface JournalEntry {
  /** 1, 2, 3... in the order the chain executed them; a state dump names the last one it holds. */
  seq: number;
  method: string;
  params: unknown[];
  /** The signed transaction (also for eth_sendTransaction: anvil's raw form of what it signed). */
  raw?: string;
  hash?: string;
  /** The block the change was mined in, when it mined one, and that block's timestamp. */
  block?: number;
  timestamp?: number;
  /** The receipt's status ("0x1" / "0x0"): a replay that ends otherwise is reported. */
  status?: string;
}

/**
 * An append-only, fsync'd journal of JSON lines (`<chain dir>/journal.jsonl`, 0600). An entry is on
 * disk before the front answers the request that made it; a line cut short by a crash was never
 * answered and is dropped on read.
 */
export class ChainJournal {
  private fd: number;
  private lastSeq: number;

  /** `covered`: the position the state dump holds, so numbering goes on past it when the journal is empty. */
  constructor(
    readonly file: string,
    covered = 0,
  ) {
    const entries = readJournal(file);
    this.lastSeq = Math.max(entries.at(-1)?.seq ?? 0, covered);
    // Rewrite without a torn tail, so the next append starts on a fresh line.
    this.rewrite(entries);
    this.fd = fs.openSync(file, "a", 0o600);
  }

  /** The seq of the last entry written (0 when there has been none). */
  get seq(): number {
    return this.lastSeq;
  }

  entries(): JournalEntry[] {
    return readJournal(this.file);
  }

  /** Writes the entry and waits for the disk: after this returns it survives a crash. */
  append(entry: Omit<JournalEntry, "seq">): JournalEntry {
    const full = { seq: this.lastSeq + 1, ...entry };
    fs.writeSync(this.fd, `${JSON.stringify(full)}\n`);
    fs.fsyncSync(this.fd);
    this.lastSeq = full.seq;
    return full;
  }

  /**
   * Drops the entries a durable state dump holds (seq <= `covered`), except those in `keep`:
   * transactions that were still in anvil's pool, not in the dump.
   */
  compact(covered: number, keep: ReadonlySet<number> = new Set()): void {
    const rest = this.entries().filter((entry) => entry.seq > covered || keep.has(entry.seq));
    fs.closeSync(this.fd);
    this.rewrite(rest);
    this.fd = fs.openSync(this.file, "a", 0o600);
  }

  close(): void {
    fs.closeSync(this.fd);
  }

  /** Replaces the file atomically (temp file, fsync, rename, fsync of the folder). */
  private rewrite(entries: JournalEntry[]): void {
    writeFileDurably(this.file, entries.map((entry) => `${JSON.stringify(entry)}\n`).join(""));
  }
}

/** The journal's entries in order; a missing file is an empty journal. */
export function readJournal(file: string): JournalEntry[] {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const lines = text.split("\n");
  const entries: JournalEntry[] = [];
  for (const [i, line] of lines.entries()) {
    if (!line) continue;
    try {
      entries.push(JSON.parse(line) as JournalEntry);
    } catch {
      // Only the last line can be cut short by a crash (each append is fsync'd before the next).
      if (i === lines.length - 1) break;
      throw new Error(`The chain journal ${file} is damaged at line ${i + 1}.`);
    }
  }
  return entries;
}

/**
 * Writes `data` to `file` so that a crash leaves either the old or the new content, never a mix:
 * a 0600 temp file beside it, fsync, rename, fsync of the folder (which makes the rename durable).
 */
export function writeFileDurably(file: string, data: string | Uint8Array): void {
  const temp = `${file}.tmp`;
  const fd = fs.openSync(temp, "w", 0o600);
  try {
    // A temp file left by a crash keeps its old mode through "w": set it.
    fs.fchmodSync(fd, 0o600);
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, file);
  const dir = fs.openSync(path.dirname(file), "r");
  try {
    fs.fsyncSync(dir);
  } finally {
    fs.closeSync(dir);
  }
}
