import { readFileSync, writeFileSync } from 'node:fs';

/**
 * Resident memory of a process, from /proc (Linux only; elsewhere readings are null).
 * VmRSS is now; VmHWM is the peak since the process started or since `resetPeak`, kept by
 * the kernel, so no spike between two samples is missed.
 */
export interface MemoryReading {
  rssKb: number;
  hwmKb: number;
}

export function readMemory(pid: number): MemoryReading | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
    const reading = { rssKb: kb('VmRSS'), hwmKb: kb('VmHWM') };
    return Number.isFinite(reading.rssKb) && Number.isFinite(reading.hwmKb) ? reading : null;
  } catch {
    return null;
  }
}

/**
 * Resets the kernel's VmHWM to the current RSS (`echo 5 > /proc/<pid>/clear_refs`, Linux
 * ≥ 4.0; needs to own the process). False when it could not, and VmHWM then still holds
 * the lifetime peak.
 */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/**
 * Watches a process's memory during some work: the kernel's peak (reset at the start when
 * possible) and, as a cross-check, the highest VmRSS seen by sampling every `everyMs`.
 */
export function watchMemory(pid: number, everyMs = 5): () => MemoryPeak {
  const peakReset = resetPeak(pid);
  const start = readMemory(pid);
  let sampledMaxKb = start?.rssKb ?? 0;
  const timer = setInterval(() => {
    const now = readMemory(pid);
    if (now && now.rssKb > sampledMaxKb) sampledMaxKb = now.rssKb;
  }, everyMs);
  return () => {
    clearInterval(timer);
    const end = readMemory(pid);
    if (end && end.rssKb > sampledMaxKb) sampledMaxKb = end.rssKb;
    return {
      startRssKb: start?.rssKb ?? Number.NaN,
      endRssKb: end?.rssKb ?? Number.NaN,
      sampledMaxKb,
      // Without a reset, VmHWM is the lifetime peak, which says nothing about this window.
      peakKb: peakReset && end ? Math.max(end.hwmKb, sampledMaxKb) : sampledMaxKb,
      peakReset,
    };
  };
}

export interface MemoryPeak {
  startRssKb: number;
  endRssKb: number;
  /** Highest VmRSS among the samples. */
  sampledMaxKb: number;
  /** The kernel's VmHWM over the window when it could be reset, else the sampled maximum. */
  peakKb: number;
  peakReset: boolean;
}
