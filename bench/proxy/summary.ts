import { CPU_GROUPS, type CpuPerRequest, medianCpu } from '../access/cpu-groups';
import { type Goal, median } from '../support/format';
import { summariseCounts } from '../support/load';
import type { LoadRun, Scenario } from './load';
import type { StreamRow } from './stream';

/** Reduces the raw runs to medians, ratios and goals; pure, so the report only prints. */
/** The cookie-less first read (no Redis command) against the ungated pass-through. */
export const REWRITE_OVER_PASSTHROUGH_GOAL = 0.8;
/** The returning reader's page (one meter call in Redis) against one bare Redis call. */
export const RETURNING_OVER_REDIS_FLOOR_GOAL = 0.9;
export const TTFB_5MB_OVER_10KB_GOAL = 1.5;

export type ProxyCpu = CpuPerRequest & { origin: number };

export interface ScenarioSummary {
  rps: number;
  p50: number;
  p99: number;
  perRoundRps: number[];
  requests: number;
  failures: number;
  tally: Record<string, number>;
  originPerRequest: number;
  cpu: ProxyCpu;
}

/** a / b, req/s: both measured within seconds of each other in every round. */
export interface Ratio {
  /** Median of the per-round ratios. */
  median: number;
  perRound: number[];
  /** Ratio of the median req/s. */
  ofMedians: number;
  /**
   * b's CPU per request / a's, every process of ours (origin included). On a saturated
   * machine throughput is inverse to CPU per request, and this hardly moves when other
   * people's work takes cores away, so it cross-checks the noisy req/s ratio.
   */
  byCpu: number;
  /**
   * The same without upstash-local and redis-server: in production Upstash runs elsewhere,
   * so this is closer to what the worker's own host pays (the REST call's cost in workerd
   * stays in).
   */
  byCpuWithoutRedis: number;
}

export interface LoadSummary {
  scenarios: Record<Scenario['key'], ScenarioSummary>;
  ratios: {
    /** A goal: the cookie-less first read (no Redis command) next to the ungated floor. */
    rewriteOverPassthrough: Ratio;
    /** A goal: the returning reader's read (asks Redis) next to the one-Redis-call floor. */
    returningOverRedisFloor: Ratio;
    /** What one bare Redis call costs a page. */
    redisFloorOverPassthrough: Ratio;
    /** What the decision alone leaves: the ceiling for any rewriting. */
    gateOverPassthrough: Ratio;
    /** What the rewriting itself costs, the decision being paid in both. */
    rewriteOverGate: Ratio;
  };
  failures: number;
}

export function summariseLoad(runs: LoadRun[]): LoadSummary {
  const of = (key: Scenario['key']): ScenarioSummary => {
    const mine = runs.filter((r) => r.scenario === key);
    const counts = summariseCounts(mine);
    const lost = mine.reduce((acc, r) => acc + r.cpu.lost, 0);
    return {
      rps: counts.rps,
      p50: counts.p50,
      p99: counts.p99,
      perRoundRps: counts.perRoundRps,
      requests: counts.requests,
      failures: counts.non2xx + counts.errors + counts.timeouts + counts.badBodies + lost,
      tally: counts.tally,
      originPerRequest: median(mine.map((r) => r.originPerRequest)),
      cpu: {
        ...medianCpu(mine.map((r) => r.cpu)),
        origin: median(mine.map((r) => r.cpu.origin)),
      },
    };
  };
  const scenarios = {
    rewrite: of('rewrite'),
    returning: of('returning'),
    gate: of('gate'),
    redisFloor: of('redisFloor'),
    passthrough: of('passthrough'),
  };
  const ratio = (a: ScenarioSummary, b: ScenarioSummary): Ratio => {
    const perRound = a.perRoundRps.map((rps, i) => rps / (b.perRoundRps[i] ?? Number.NaN));
    return {
      median: median(perRound),
      perRound,
      ofMedians: a.rps / b.rps,
      byCpu: ourCpu(b.cpu) / ourCpu(a.cpu),
      byCpuWithoutRedis: withoutRedis(b.cpu) / withoutRedis(a.cpu),
    };
  };
  return {
    scenarios,
    ratios: {
      rewriteOverPassthrough: ratio(scenarios.rewrite, scenarios.passthrough),
      returningOverRedisFloor: ratio(scenarios.returning, scenarios.redisFloor),
      redisFloorOverPassthrough: ratio(scenarios.redisFloor, scenarios.passthrough),
      gateOverPassthrough: ratio(scenarios.gate, scenarios.passthrough),
      rewriteOverGate: ratio(scenarios.rewrite, scenarios.gate),
    },
    failures: Object.values(scenarios).reduce((acc, s) => acc + s.failures, 0),
  };
}

/** CPU per request of every process this bench started, the load generator included. */
export function ourCpu(cpu: ProxyCpu): number {
  return CPU_GROUPS.reduce((acc, g) => acc + cpu[g], 0) + cpu.origin;
}

function withoutRedis(cpu: ProxyCpu): number {
  return ourCpu(cpu) - cpu['upstash-local'] - cpu['redis-server'];
}

export function row(rows: StreamRow[], path: StreamRow['path'], kb: number): StreamRow | undefined {
  return rows.find((r) => r.path === path && r.kb === kb);
}

export function evaluateGoals(load: LoadSummary, stream: StreamRow[]): Goal[] {
  const ratio = load.ratios.rewriteOverPassthrough.median;
  const returning = load.ratios.returningOverRedisFloor.median;
  const small = row(stream, 'rewrite', 10);
  const large = row(stream, 'rewrite', 5120);
  const ttfbRatio = (large?.ttfbMs ?? Number.NaN) / (small?.ttfbMs ?? Number.NaN);
  const streamFailures = stream.reduce((acc, r) => acc + r.failures.length, 0);
  return [
    {
      name: 'Load: every answer 200 with a checked body',
      value: `${load.failures} failure(s)`,
      pass: load.failures === 0,
    },
    {
      name: `Load: rewrite ≥ ${REWRITE_OVER_PASSTHROUGH_GOAL}× pass-through (req/s, median of rounds)`,
      value: `${ratio.toFixed(2)}×`,
      pass: ratio >= REWRITE_OVER_PASSTHROUGH_GOAL,
    },
    {
      name:
        `Load: returning reader's rewritten page ≥ ${RETURNING_OVER_REDIS_FLOOR_GOAL}× ` +
        'one bare Redis call + pass-through (req/s, median of rounds)',
      value: `${returning.toFixed(2)}×`,
      pass: returning >= RETURNING_OVER_REDIS_FLOOR_GOAL,
    },
    {
      name: 'Streaming: every page 200 with a checked body',
      value: `${streamFailures} failure(s)`,
      pass: streamFailures === 0,
    },
    {
      name: `Streaming: 5 MB TTFB ≤ ${TTFB_5MB_OVER_10KB_GOAL}× 10 KB TTFB (rewrite, median)`,
      value: `${large?.ttfbMs.toFixed(1)} / ${small?.ttfbMs.toFixed(1)} ms = ${ttfbRatio.toFixed(2)}×`,
      pass: ttfbRatio <= TTFB_5MB_OVER_10KB_GOAL,
    },
  ];
}
