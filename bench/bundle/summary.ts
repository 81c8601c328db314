import { median } from '../support/format';
import type { StartupSample } from './startup';

/** Medians of one variant's cold starts, and its CPU over the floor's. */
export interface StartupSummary {
  variant: string;
  label: string;
  rounds: number;
  listenMs: number;
  listenCpuMs: number;
  firstResponseMs: number;
  firstResponseCpuMs: number;
  /**
   * Median over rounds of (this variant's CPU at listening − the floor's in the same
   * round): the worker's own startup (parse, compile, global scope), with workerd's start
   * taken out. Paired by round so a busy spell of the machine cancels out.
   */
  overFloorCpuMs: number;
}

export function summariseStartup(
  samples: StartupSample[],
  labels: Record<string, string>,
  floor: string,
): StartupSummary[] {
  const floorByRound = new Map(
    samples.filter((s) => s.variant === floor).map((s) => [s.round, s.listenCpuMs]),
  );
  return Object.entries(labels).map(([variant, label]) => {
    const mine = samples.filter((s) => s.variant === variant);
    const of = (pick: (s: StartupSample) => number) => median(mine.map(pick));
    return {
      variant,
      label,
      rounds: mine.length,
      listenMs: of((s) => s.listenMs),
      listenCpuMs: of((s) => s.listenCpuMs),
      firstResponseMs: of((s) => s.firstResponseMs),
      firstResponseCpuMs: of((s) => s.firstResponseCpuMs),
      overFloorCpuMs: of((s) => s.listenCpuMs - (floorByRound.get(s.round) ?? Number.NaN)),
    };
  });
}
