import { Worker } from "node:worker_threads";

/** One file of a {@link DurableWriter.write} call. */
export interface DurableFile {
  /** Where it goes (absolute); its folder is created when missing. */
  file: string;
  data: Uint8Array | string;
  /**
   * When a file is already there: "keep" leaves any file in place, "keep-same-size" one of
   * `data`'s length (content-addressed blocks: same name, same bytes); either way nothing is
   * written. @default undefined (always written)
   */
  existing?: "keep" | "keep-same-size";
  /**
   * Make `file` a hard link to this file (put in place earlier in the same call) instead of
   * writing `data`: no new inode, no fsync, one atomic step, and a name that already exists is
   * kept (as "keep"). Where the file system cannot link (another device, no hard links), `data` is
   * written as usual.
   */
  linkTo?: string;
}

/**
 * What a worker runs (CommonJS, given as text so that the bundled service and ts-node need no
 * separate file): per message, a list of calls (groups), one after the other; per group, each file
 * in order written under a unique temporary name, fsynced and renamed into place (or linked); on
 * any failure the temporary file is removed and so are the files this group already put in place,
 * so a later file (a pin) never stays without an earlier one (its block). Answers once per message,
 * per group, per file, whether it was written.
 */
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const fs = require("node:fs");
const path = require("node:path");
const { randomBytes } = require("node:crypto");
const CANNOT_LINK = new Set(["EXDEV", "EPERM", "ENOTSUP", "EOPNOTSUPP", "EMLINK"]);

function present(file, existing, length) {
  if (!existing) return false;
  // No exception (and its stack trace) for the usual answer: a new block is not there.
  const stats = fs.statSync(file, { throwIfNoEntry: false });
  return stats !== undefined && (existing === "keep" || stats.size === length);
}

function withFolder(file, make) {
  try {
    return make();
  } catch (error) {
    if (error.code !== "ENOENT") throw error;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    return make();
  }
}

/** "linked", "kept" (the name exists) or "unlinkable". */
function link(target, file) {
  try {
    withFolder(file, () => fs.linkSync(target, file));
    return "linked";
  } catch (error) {
    if (error.code === "EEXIST") return "kept";
    if (CANNOT_LINK.has(error.code)) return "unlinkable";
    throw error;
  }
}

function writeDurably(file, data, placed) {
  const temp = path.join(path.dirname(file), "." + path.basename(file) + "." + process.pid + "." + randomBytes(6).toString("hex") + ".tmp");
  const fd = withFolder(file, () => fs.openSync(temp, "wx", 0o600));
  try {
    try {
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, file);
  } catch (error) {
    try { fs.rmSync(temp, { force: true }); } catch {}
    throw error;
  }
  placed.push(file);
}

/** One call's files, all or none: answers, per file, whether it was written. */
function writeGroup({ id, files }) {
  const placed = [];
  try {
    const written = files.map(({ file, data, existing, linkTo }) => {
      if (linkTo) {
        const linked = link(linkTo, file);
        if (linked === "linked") placed.push(file);
        if (linked !== "unlinkable") return linked === "linked";
        if (present(file, "keep", 0)) return false;
      } else if (present(file, existing, typeof data === "string" ? Buffer.byteLength(data) : data.byteLength)) {
        return false;
      }
      writeDurably(file, data, placed);
      return true;
    });
    return { id, written };
  } catch (error) {
    for (const file of placed) try { fs.rmSync(file, { force: true }); } catch {}
    return {
      id,
      error: { message: String(error && error.message), code: error && error.code, errno: error && error.errno, syscall: error && error.syscall },
    };
  }
}

parentPort.on("message", (groups) => parentPort.postMessage(groups.map(writeGroup)));
`;

interface Group {
  id: number;
  files: DurableFile[];
  moved: ArrayBuffer[];
}

interface Pending {
  resolve(written: boolean[]): void;
  reject(error: Error): void;
}

interface Thread {
  worker: Worker;
  pending: Map<number, Pending>;
  /** Calls waiting for the worker's current message to be answered, sent together next. */
  queued: Group[];
  /** A message is with the worker. */
  busy: boolean;
}

/**
 * Durable file writes off the event loop: each call's files are written, fsynced and renamed into
 * place by a worker thread with plain synchronous calls, and the call settles once. Through
 * `fs.promises` the same work is about eight thread-pool round trips (stat, open, write, fsync,
 * close, rename, per file), each waiting for a busy event loop to come round again: 6-9 ms of a
 * 1 KB upload's 14 under `bench:api`'s load, against one trip here. Calls that come while a
 * worker is busy wait and go to it together in its next message: one wake-up and one answer for
 * all of them. A worker's wake-up costs more CPU than its fsync on this kind of machine, and more
 * workers do not write faster (10 writers of 1 KB blocks, `DurableWriter` alone: 1 worker 1,235/s at
 * 0.38 ms CPU each, 4 workers 1,231/s at 0.76 ms), so there is one unless asked for more.
 *
 * Workers start on the first write; {@link close} stops them. A failed write rejects with an Error
 * carrying the system's `code` (ENOSPC, EROFS, EFBIG...), which the service maps to 507 / 503.
 */
export class DurableWriter {
  private threads: Thread[] = [];
  private nextId = 0;
  /** Writes not yet settled, which {@link close} waits for. */
  private readonly writes = new Set<Promise<boolean[]>>();
  private closed = false;

  /** @param size worker threads: writes in parallel, each one's fsyncs in turn. @default 1 */
  constructor(private readonly size = 1) {}

  /** Writes `files` durably (see {@link DurableFile}); answers, per file, whether it was written. */
  write(files: DurableFile[]): Promise<boolean[]> {
    if (this.closed) return Promise.reject(new Error("The file writer is closed."));
    const thread = this.leastBusy();
    const id = this.nextId++;
    // Bytes go as a copy of their own, moved to the worker rather than cloned: a clone copies the
    // whole buffer under a view (8 KiB of Node's pool for a 1 KB upload) twice, and the caller's
    // bytes must stay usable.
    const moved: ArrayBuffer[] = [];
    const sent = files.map((file) => {
      if (typeof file.data === "string") return file;
      const data = new Uint8Array(file.data);
      moved.push(data.buffer);
      return { ...file, data };
    });
    const written = new Promise<boolean[]>((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      thread.queued.push({ id, files: sent, moved });
      if (!thread.busy) this.send(thread);
    });
    this.writes.add(written);
    const settled = () => this.writes.delete(written);
    written.then(settled, settled);
    return written;
  }

  /** Stops the workers once their writes are done. */
  async close(): Promise<void> {
    this.closed = true;
    const threads = this.threads;
    this.threads = [];
    await Promise.allSettled([...this.writes]);
    await Promise.all(threads.map(({ worker }) => worker.terminate()));
  }

  /** Sends `thread` every call queued for it, in one message. */
  private send(thread: Thread): void {
    const groups = thread.queued;
    thread.queued = [];
    thread.busy = true;
    thread.worker.postMessage(
      groups.map(({ id, files }) => ({ id, files })),
      groups.flatMap((group) => group.moved),
    );
  }

  private leastBusy(): Thread {
    let best = this.threads.find((thread) => !thread.busy);
    if (!best && this.threads.length < this.size) best = this.spawn();
    best ??= this.threads.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    return best;
  }

  private spawn(): Thread {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    const thread: Thread = { worker, pending: new Map(), queued: [], busy: false };
    worker.unref();
    worker.on("message", (answers: { id: number; written?: boolean[]; error?: WorkerError }[]) => {
      for (const { id, written, error } of answers) {
        const call = thread.pending.get(id);
        if (!call) continue;
        thread.pending.delete(id);
        if (error) call.reject(Object.assign(new Error(error.message), error));
        else call.resolve(written!);
      }
      thread.busy = false;
      if (thread.queued.length) this.send(thread);
    });
    // A worker that dies fails its writes, sent or waiting: it may leave a temporary file, never a
    // half-written one in place.
    const fail = (error: unknown) => {
      this.threads = this.threads.filter((t) => t !== thread);
      for (const call of thread.pending.values()) {
        call.reject(new Error("The file writer stopped.", { cause: error }));
      }
      thread.pending.clear();
      thread.queued = [];
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`exit ${code}`)));
    this.threads.push(thread);
    return thread;
  }
}

interface WorkerError {
  message: string;
  code?: string;
  errno?: number;
  syscall?: string;
}
