import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** CPU time (user + system) a process has used so far, in ms: all its threads, and its main thread alone. */
export interface ProcessCpu {
  totalMs: number;
  mainThreadMs: number;
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
  return { totalMs: cpuMs(`/proc/${pid}/stat`), mainThreadMs: cpuMs(`/proc/${pid}/task/${pid}/stat`) };
}

function cpuMs(statFile: string): number {
  const stat = readFileSync(statFile, "utf8");
  // The fields after the command name (which may hold spaces) in parentheses: state is the first,
  // utime and stime (fields 14 and 15 of proc(5)) the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond!;
}
