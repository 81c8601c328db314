import { type Goal, median } from '../support/format';
import { summariseCounts } from '../support/load';
import { CPU_GROUPS, type CpuPerRequest, medianCpu } from './cpu-groups';
import type { LoadRun, Scenario } from './load';
import type { RedisWorkResult } from './redis-cases';
import type { SubscriberWork } from './subscriber';

/** Reduces the raw runs to medians, ratios and goals; pure, so the report only prints. */
export type ScenarioSummary = ReturnType<typeof summariseCounts> & {
  /** Median of rounds, per process group. */
  cpu: CpuPerRequest;
};

export interface LoadSummary {
  scenarios: Record<Scenario['key'], ScenarioSummary>;
  ratios: {
    /** Median of the per-round ratios: each round runs both within seconds of each other. */
    decisionOverRedisFloor: number;
    /** Ratio of the median req/s. */
    decisionOverRedisFloorOfMedians: number;
    /**
     * Floor CPU per request / decision CPU per request, our processes only. On a saturated
     * machine throughput is inverse to CPU per request, and this ratio hardly moves when
     * other people's work takes cores away, so it cross-checks the noisy req/s ratio.
     */
    decisionOverRedisFloorByCpu: number;
    decisionOverConstant: number;
    redisFloorOverConstant: number;
    /** The subscriber path (no Redis) against the constant-JSON floor. */
    subscriberOverConstant: number;
    subscriberOverConstantByCpu: number;
    /** decision/redis floor within each round (both measured seconds apart). */
    decisionOverRedisFloorPerRound: number[];
  };
  failures: number;
}

export function summariseLoad(runs: LoadRun[]): LoadSummary {
  const of = (key: Scenario['key']): ScenarioSummary => {
    const mine = runs.filter((r) => r.scenario === key);
    return { ...summariseCounts(mine), cpu: medianCpu(mine.map((r) => r.cpu)) };
  };
  const scenarios = {
    decision: of('decision'),
    subscriber: of('subscriber'),
    redis: of('redis'),
    constant: of('constant'),
  };
  const perRound = scenarios.decision.perRoundRps.map(
    (rps, i) => rps / (scenarios.redis.perRoundRps[i] ?? Number.NaN),
  );
  const failures = Object.values(scenarios).reduce(
    (acc, s) => acc + s.non2xx + s.errors + s.timeouts + s.badBodies + s.cpu.lost,
    0,
  );
  return {
    scenarios,
    ratios: {
      decisionOverRedisFloor: median(perRound),
      decisionOverRedisFloorOfMedians: scenarios.decision.rps / scenarios.redis.rps,
      decisionOverRedisFloorByCpu: ourCpu(scenarios.redis.cpu) / ourCpu(scenarios.decision.cpu),
      decisionOverConstant: scenarios.decision.rps / scenarios.constant.rps,
      redisFloorOverConstant: scenarios.redis.rps / scenarios.constant.rps,
      subscriberOverConstant: median(
        scenarios.subscriber.perRoundRps.map(
          (rps, i) => rps / (scenarios.constant.perRoundRps[i] ?? Number.NaN),
        ),
      ),
      subscriberOverConstantByCpu:
        ourCpu(scenarios.constant.cpu) / ourCpu(scenarios.subscriber.cpu),
      decisionOverRedisFloorPerRound: perRound,
    },
    failures,
  };
}

export const DECISION_OVER_FLOOR_GOAL = 0.9;
export const SUBSCRIBER_OVER_CONSTANT_GOAL = 0.8;

export function ourCpu(cpu: CpuPerRequest): number {
  return CPU_GROUPS.reduce((acc, g) => acc + cpu[g], 0);
}

export function evaluateGoals(
  redis: RedisWorkResult,
  load: LoadSummary,
  subscriber: SubscriberWork,
): Goal[] {
  const begun = redis.cases.filter((c) => c.windowBegun);
  const maxCommands = Math.max(...begun.map((c) => c.commands));
  const roundTrips = [...new Set(redis.cases.map((c) => c.roundTrips))].join('/');
  const reasonsOk = redis.cases.every((c) => c.reasons.every((r) => r === c.expectedReason));
  const fallbacks = redis.cases.filter((c) => c.evalFallback).length;
  const ratio = load.ratios.decisionOverRedisFloor;
  return [
    {
      name: 'Redis round trips per decision = 1 (every case)',
      value: roundTrips,
      pass: redis.cases.every((c) => c.roundTrips === 1),
    },
    {
      name: 'Redis commands per decision ≤ 3 (window already begun)',
      value: `max ${maxCommands}`,
      pass: maxCommands <= 3,
    },
    {
      name: 'EVALSHA hits (no NOSCRIPT→EVAL fallback in measured cases)',
      value: `${fallbacks} fallback(s); warm-up ${redis.warmupFallbacks}`,
      pass: fallbacks === 0 && redis.cases.every((c) => c.evalshaOfMeterScript),
    },
    {
      name: 'Measured cases answered the expected reason',
      value: reasonsOk ? 'yes' : 'no',
      pass: reasonsOk,
    },
    {
      name: 'Load: every answer 200 with a valid body',
      value: `${load.failures} failure(s)`,
      pass: load.failures === 0,
    },
    {
      name: `Load: decision ≥ ${DECISION_OVER_FLOOR_GOAL}× one-bare-call floor (req/s, median of rounds)`,
      value: `${ratio.toFixed(2)}×`,
      pass: ratio >= DECISION_OVER_FLOOR_GOAL,
    },
    {
      name: `Redis commands per subscriber decision = 0 (${subscriber.decisions} decisions: ${subscriber.reasons.join(', ')})`,
      value: `${subscriber.commands} command(s), ${subscriber.roundTrips} round trip(s)`,
      pass: subscriber.commands === 0 && subscriber.reasons.join() === 'subscriber',
    },
    {
      name: `Load: subscriber ≥ ${SUBSCRIBER_OVER_CONSTANT_GOAL}× constant-JSON floor (req/s, median of rounds)`,
      value: `${load.ratios.subscriberOverConstant.toFixed(2)}× (by CPU ${load.ratios.subscriberOverConstantByCpu.toFixed(2)}×)`,
      pass: load.ratios.subscriberOverConstant >= SUBSCRIBER_OVER_CONSTANT_GOAL,
    },
  ];
}
