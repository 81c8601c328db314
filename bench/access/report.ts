import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fixed, type Goal, goalsTable, table, tallyMix } from '../support/format';
import { CPU_GROUPS } from './cpu-groups';
import { SCENARIOS } from './load';
import type { RedisWorkResult } from './redis-cases';
import type { SubscriberWork } from './subscriber';
import { type LoadSummary, ourCpu } from './summary';

/** Everything one run measured; also written as JSON (bench/results/access.json). */
export interface AccessBenchResult {
  bench: 'access';
  date: string;
  node: string;
  cpus: number;
  cpuModel: string;
  redisVersion: string;
  /** The code measured: a snapshot bundled at the start of the run. */
  code: { commit: string; srcDirty: boolean };
  config: {
    connections: number;
    seconds: number;
    rounds: number;
    readers: number;
    articles: number;
    inspector: boolean;
  };
  redisWork: RedisWorkResult;
  subscriberWork: SubscriberWork;
  load: LoadSummary;
  goals: Goal[];
}

export function printReport(r: AccessBenchResult): void {
  const out: string[] = [];
  out.push(
    '',
    `== access bench  ${r.date}  node ${r.node}  ${r.cpus} CPU (${r.cpuModel})  redis ${r.redisVersion}  ` +
      `code ${r.code.commit}${r.code.srcDirty ? ' + uncommitted src/ changes' : ''}`,
    '',
    'Redis work per anonymous decision, counted at redis-server with MONITOR',
    '(UPPER = round trip from a client, lower = run inside the Lua script)',
    table(
      ['case', 'reason', 'round trips', 'commands', 'commands run', 'consistent'],
      r.redisWork.cases.map((c) => [
        c.windowBegun ? c.name : `${c.name} (window begins)`,
        c.reasons[0] === c.expectedReason ? c.expectedReason : `${c.reasons.join('/')} (!)`,
        String(c.roundTrips),
        String(c.commands),
        c.commandList,
        c.consistent ? 'yes' : 'NO',
      ]),
    ),
    `script preloaded with SCRIPT LOAD: ${r.redisWork.scriptPreloaded ? 'yes' : 'NO'}; ` +
      `NOSCRIPT→EVAL fallbacks during warm-up: ${r.redisWork.warmupFallbacks}`,
    '',
    `Load: POST, ${r.config.connections} connections, ${r.config.rounds} interleaved rounds × ` +
      `${r.config.seconds} s; ${r.config.readers} readers × ${r.config.articles} articles; ` +
      `median of rounds; wrangler inspector ${r.config.inspector ? 'ON' : 'off'}`,
    table(
      ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'req/s per round', 'requests', 'failures'],
      SCENARIOS.map((s) => {
        const m = r.load.scenarios[s.key];
        const failures = m.non2xx + m.errors + m.timeouts + m.badBodies;
        return [
          s.label,
          fixed(m.rps),
          fixed(m.p50, 1),
          fixed(m.p99, 1),
          m.perRoundRps.map((v) => fixed(v)).join(' '),
          String(m.requests),
          String(failures),
        ];
      }),
    ),
    ...SCENARIOS.map((s) => `answers, ${s.key}: ${tallyMix(r.load.scenarios[s.key].tally)}`),
    '',
    "CPU per request by process, µs (median of rounds; redis-server is shared, machine = all cores, anyone's)",
    table(
      ['scenario', ...CPU_GROUPS, 'ours', 'machine', 'busy cores'],
      SCENARIOS.map((s) => {
        const c = r.load.scenarios[s.key].cpu;
        const ours = ourCpu(c);
        return [
          s.key,
          ...CPU_GROUPS.map((g) => fixed(c[g])),
          fixed(ours),
          fixed(c.machine),
          fixed(c.busyCores, 2),
        ];
      }),
    ),
    '',
    `decision / redis floor = ${fixed(r.load.ratios.decisionOverRedisFloor, 2)}×  median of rounds ` +
      `(per round: ${r.load.ratios.decisionOverRedisFloorPerRound.map((v) => fixed(v, 2)).join(' ')}; ` +
      `ratio of medians ${fixed(r.load.ratios.decisionOverRedisFloorOfMedians, 2)}×; ` +
      `by our CPU per request ${fixed(r.load.ratios.decisionOverRedisFloorByCpu, 2)}×)`,
    `decision / constant    = ${fixed(r.load.ratios.decisionOverConstant, 2)}×`,
    `subscriber / constant  = ${fixed(r.load.ratios.subscriberOverConstant, 2)}×  median of rounds ` +
      `(by our CPU per request ${fixed(r.load.ratios.subscriberOverConstantByCpu, 2)}×); ` +
      `Redis per subscriber decision: ${r.subscriberWork.commands} command(s) in ${r.subscriberWork.decisions} decisions`,
    `redis floor / constant = ${fixed(r.load.ratios.redisFloorOverConstant, 2)}×`,
  );
  if (r.load.failures > 0) out.push('', errorBanner(r.load));
  out.push('', 'Goals', goalsTable(r.goals), '');
  console.log(out.join('\n'));
}

/** A bench whose requests failed measured something else; say so where nobody can miss it. */
function errorBanner(load: LoadSummary): string {
  const lines = SCENARIOS.map((s) => {
    const m = load.scenarios[s.key];
    return (
      `!!!   ${s.key}: non-2xx ${m.non2xx}, connection errors ${m.errors}, ` +
      `timeouts ${m.timeouts}, bad bodies ${m.badBodies}, worker processes lost ${m.cpu.lost}`
    );
  });
  const total = SCENARIOS.reduce((acc, s) => acc + load.scenarios[s.key].requests, 0);
  const share = (100 * load.failures) / Math.max(1, total);
  return [
    `!!! ERRORS DURING LOAD: ${load.failures} of ${total} answers failed (${fixed(share, 2)}%); ` +
      (share >= 1
        ? 'the figures above include them and are NOT trustworthy'
        : 'the figures above include them; see the answer tallies for what failed'),
    ...lines,
  ].join('\n');
}

export function writeJson(path: string, result: AccessBenchResult): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
}
