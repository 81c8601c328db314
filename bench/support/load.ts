import { cpus } from 'node:os';
import type autocannon from 'autocannon';
import { median } from './format';
import { sleep } from './net';

/** A bench setting from the environment (e.g. BENCH_SECONDS=10), or its default. */
export function envNumber(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/** What every load run records, whichever bench: throughput, latency, and every answer. */
export interface LoadCounts {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** 200s whose body failed the scenario's check, e.g. a degraded decision. */
  badBodies: number;
  /** Answers by label: reasons, `HTTP 502`, `bad: degraded`… */
  tally: Record<string, number>;
}

/**
 * Answers are checked, not just counted: a fast bench that returned errors, or bodies for
 * the wrong reason, would be measuring the wrong thing. `record` each answer from
 * autocannon's `onResponse`, then `counts` the finished run.
 */
export function answerTally() {
  const tally: Record<string, number> = {};
  let badBodies = 0;
  return {
    record(status: number, check: () => { label: string; ok: boolean }): void {
      // Non-2xx are counted by autocannon too; the tally says which status they were.
      const { label, ok } = status === 200 ? check() : { label: `HTTP ${status}`, ok: true };
      if (!ok) badBodies++;
      const key = ok ? label : `bad: ${label}`;
      tally[key] = (tally[key] ?? 0) + 1;
    },
    counts(result: autocannon.Result): LoadCounts {
      return {
        rps: result['2xx'] / result.duration,
        p50: result.latency.p50,
        p99: result.latency.p99,
        requests: result.requests.total,
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        badBodies,
        tally,
      };
    },
  };
}

/**
 * Every scenario once per round, the order rotated each round so no scenario always runs
 * right after another, and a shared machine's noise lands on all of them alike.
 */
export async function runRounds<S extends { key: string }, R extends LoadCounts>(
  scenarios: S[],
  rounds: number,
  run: (scenario: S, round: number) => Promise<R>,
): Promise<R[]> {
  const keyWidth = Math.max(...scenarios.map((s) => s.key.length));
  const runs: R[] = [];
  for (let round = 1; round <= rounds; round++) {
    const order = scenarios.map((_, i) => scenarios[(i + round - 1) % scenarios.length]);
    for (const scenario of order) {
      if (!scenario) continue;
      const result = await run(scenario, round);
      runs.push(result);
      console.log(
        `[bench] round ${round}/${rounds} ${scenario.key.padEnd(keyWidth)} ` +
          `${result.rps.toFixed(0)} req/s  p50 ${result.p50} ms  p99 ${result.p99} ms`,
      );
      await sleep(250); // let sockets from the last run close
    }
  }
  return runs;
}

/** One scenario's rounds: medians of the rates and latencies, sums of the counts. */
export function summariseCounts(mine: LoadCounts[]) {
  const tally: Record<string, number> = {};
  for (const run of mine) {
    for (const [label, n] of Object.entries(run.tally)) tally[label] = (tally[label] ?? 0) + n;
  }
  const sum = (pick: (r: LoadCounts) => number) => mine.reduce((acc, r) => acc + pick(r), 0);
  return {
    rps: median(mine.map((r) => r.rps)),
    p50: median(mine.map((r) => r.p50)),
    p99: median(mine.map((r) => r.p99)),
    perRoundRps: mine.map((r) => r.rps),
    requests: sum((r) => r.requests),
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    badBodies: sum((r) => r.badBodies),
    tally,
  };
}

/** The machine a result was measured on, for the results JSON. */
export function machineInfo() {
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
  };
}
