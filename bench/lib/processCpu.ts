import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** The kinds of thread a Node process runs, by what Linux names them (`/proc/<pid>/task/<tid>/comm`). */
export type ThreadKind = "main" | "workers" | "v8" | "pool" | "other";

/** CPU time (user + system) a process has used so far, in ms: all its threads, and its main thread alone. */
export interface ProcessCpu {
  totalMs: number;
  mainThreadMs: number;
  /**
   * Per kind of thread (of the threads alive now): the main thread; worker threads ("WorkerThread":
   * the service's file writer, summary workers); V8's helpers ("V8Worker"...: garbage collection,
   * compilation); libuv's thread pool ("libuv-worker": fs.promises, crypto, zlib); anything else.
   */
  byThread: Record<ThreadKind, number>;
}

/** Clock ticks per second of /proc's times (100 on Linux as built nearly everywhere). */
let ticksPerSecond: number | undefined;

/**
 * The CPU time process `pid` has used, from Linux's /proc: `/proc/<pid>/stat` counts every thread
 * it ran (its worker threads, thread pool and GC helpers), `/proc/<pid>/task/<pid>/stat` its main
 * thread. Resolution: one clock tick (10 ms), small beside a round's seconds.
 */
export function processCpu(pid: number): ProcessCpu {
  ticksPerSecond ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  const byThread: Record<ThreadKind, number> = { main: 0, workers: 0, v8: 0, pool: 0, other: 0 };
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      byThread[kindOf(tid === String(pid), readFileSync(`/proc/${pid}/task/${tid}/comm`, "utf8").trim())] += cpuMs(
        `/proc/${pid}/task/${tid}/stat`,
      );
    } catch {
      // The thread ended between the listing and the read: its time is in the process's total only.
    }
  }
  return { totalMs: cpuMs(`/proc/${pid}/stat`), mainThreadMs: cpuMs(`/proc/${pid}/task/${pid}/stat`), byThread };
}

function kindOf(main: boolean, name: string): ThreadKind {
  if (main) return "main";
  if (name === "WorkerThread") return "workers";
  if (name.startsWith("V8")) return "v8";
  if (name === "libuv-worker") return "pool";
  return "other";
}

function cpuMs(statFile: string): number {
  const stat = readFileSync(statFile, "utf8");
  // The fields after the command name (which may hold spaces) in parentheses: state is the first,
  // utime and stime (fields 14 and 15 of proc(5)) the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond!;
}
