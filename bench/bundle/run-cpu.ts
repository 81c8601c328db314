import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time a process has run so far, all its threads, in ms, from /proc/<pid>/task/<tid>/
 * schedstat (nanoseconds; /proc/<pid>/stat's 10 ms ticks are too coarse for a start-up of a
 * few hundred ms). Linux only: elsewhere it reads 0.
 */
export function runCpuMs(pid: number): number {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return 0;
  }
  let ns = 0;
  for (const tid of tasks) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return ns / 1e6;
}
