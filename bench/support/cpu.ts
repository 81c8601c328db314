import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time by process, read from /proc (Linux only; elsewhere every reading is zero).
 * On a 2-core machine the load generator, upstash-local, wrangler, workerd and redis-server
 * all compete for the same cores, so "how much CPU did each spend per request" explains a
 * throughput ratio better than the ratio alone, and "how busy was the machine" says how
 * much of it other people's work took.
 */

/** /proc reports CPU in USER_HZ ticks, which Linux fixes at 100 for user space. */
const USER_HZ = 100;

export interface ProcInfo {
  pid: number;
  ppid: number;
  comm: string;
  /** user + system CPU so far, in milliseconds */
  cpuMs: number;
}

export function readProc(pid: number): ProcInfo | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm is in parentheses and may contain spaces; the fields after it are plain.
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const fields = text.slice(close + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
    return { pid, ppid: Number(fields[1]), comm, cpuMs: (ticks * 1000) / USER_HZ };
  } catch {
    return null;
  }
}

export function readCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** `root` and every process below it. */
export function processTree(root: number): ProcInfo[] {
  let all: ProcInfo[];
  try {
    all = readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map((name) => readProc(Number(name)))
      .filter((p): p is ProcInfo => p !== null);
  } catch {
    return [];
  }
  const inTree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) {
      if (!inTree.has(p.pid) && inTree.has(p.ppid)) {
        inTree.add(p.pid);
        grew = true;
      }
    }
  }
  return all.filter((p) => inTree.has(p.pid));
}

/** Busy CPU time of the whole machine so far (all cores, idle and iowait excluded), in ms. */
export function machineBusyMs(): number {
  try {
    const first = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const ticks = first.trim().split(/\s+/).slice(1).map(Number);
    const total = ticks.reduce((a, b) => a + b, 0);
    return ((total - (ticks[3] ?? 0) - (ticks[4] ?? 0)) * 1000) / USER_HZ;
  } catch {
    return 0;
  }
}
