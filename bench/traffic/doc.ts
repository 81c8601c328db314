import { fixed, tallyMix } from '../support/format';
import { COUNTING_GOAL, type CountingResult, countingRows } from './counting';
import { MIX_SOURCES } from './mix';
import { CHANNELS } from './replay';
import { columns, costRows, mixLines, type TrafficBenchResult } from './report';
import { GOALS, PRICING } from './summary';

/**
 * The traffic bench's section of docs/performance.md, rendered from its results (the page's
 * frame, its "measured on" line and goals table come from bench/support/performance-doc.ts).
 */
export function trafficSection(
  r: TrafficBenchResult,
  page: { measuredOn: string; goals: string[] },
): string[] {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  return [
    '## Traffic: what the meter costs',
    '',
    `${page.measuredOn}, wrangler dev with its inspector off, upstash-local on redis-server ` +
      `${r.redisVersion}, ${r.config.concurrency} readers at a time, \`REDIS_TIMEOUT_MS\` ` +
      `${r.config.redisTimeoutMs} so a busy machine never turns a read \`degraded\`.`,
    '',
    'A month of anonymous readers, generated from a seed, is replayed through the proxy (`GET` ' +
      'article pages; each reader a cookie jar that sends back `__Host-paywall_rid` as Set-Cookie ' +
      'gave it) and through the access API (`POST /_paywall/v1/access` with the site key, sending ' +
      'back the `reader.id` of the previous answer as `edge-paywall/client` does), by two workers ' +
      'running the same code: one sends every anonymous read to Redis (`PAYWALL_CONFIG.meter.cookieState: ' +
      'false`, the meter as it was) and one carries the meter in the signed reader id ' +
      '(`cookieState: true`, the default). Both replay exactly the same views.',
    '',
    `**The mix** (seed ${r.config.mix.seed}, \`bench/traffic/mix.ts\`):`,
    '',
    '| parameter | value | source |',
    '| --- | --- | --- |',
    ...MIX_SOURCES.map(
      (p) => `| ${p.parameter} | ${cell(p.value(r.config.mix))} | ${cell(p.source)} |`,
    ),
    '',
    `As generated: ${mixLines(r).join(' ')}`,
    '',
    '**Counted at redis-server with `MONITOR`**, every command a Lua script runs included ' +
      '(Upstash bills by command); keys are those left under the run’s prefix after the replay:',
    '',
    `| per channel and meter | ${columns()
      .map((c) => c.header)
      .join(' | ')} |`,
    `| --- | ${columns()
      .map(() => '---')
      .join(' | ')} |`,
    ...costRows(r).map((row) => `| ${row.map(cell).join(' | ')} |`),
    '',
    ...columns().map(({ header, channel, mode }) => {
      const m = r.modes[mode.key][channel];
      return (
        `- ${header}: answers ${tallyMix(m.replay.reasons)}; round trips by what they ran ` +
        `${shapes(m.callShapes)}; keys ${tallyMix(m.keysCreated)}.`
      );
    }),
    '',
    `Prices: ${PRICING.source}. Dollars per million views = billed commands per view × 10⁶ × ` +
      `$${fixed(PRICING.upstashPer100kCommands, 2)} / 100,000 + $${fixed(PRICING.workersPerMillionRequests, 2)}. ` +
      `The goals (issue 14): at most ${GOALS.commandsPer1000Views.toLocaleString('en-US')} billed ` +
      `commands per 1,000 anonymous views, at most $${fixed(GOALS.dollarsPerMillionViews, 2)} per ` +
      'million, and Redis keys only for readers who came back (opened a second article). The guard: ' +
      `no reader is granted more views than a Redis-only meter of ${r.config.mix.limit} articles would ` +
      'grant (the soak’s reference model, `tests/soak/model.ts`), and none is walled earlier.',
    '',
    ...(r.counting ? countingSection(r.counting) : []),
    ...page.goals,
  ];
}

/** What counting the publisher's funnel adds (issue 15), ending with a blank line. */
function countingSection(c: CountingResult): string[] {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  return [
    '### What counting the funnel adds',
    '',
    `The same views, replayed by a third worker running the new meter with \`${c.off}\`, ` +
      'everything else equal: what counting costs is the difference in billed commands. Counts ' +
      'gather in the isolate and leave in one script call (`EVALSHA`: a `SET NX` marking the batch ' +
      'written, then `HMGET` and `HSET` per day hash, `PEXPIREAT` only for a new day, `PFADD` and ' +
      '`PEXPIREAT` per walled-readers log) ' +
      `after a response, in \`waitUntil\`, once \`stats.flushEvents\` (${c.flushEvents}) events or ` +
      `\`stats.flushSeconds\` (${c.flushSeconds}) have gathered. MONITOR sees each flush as a ` +
      'round trip from the worker; it is counted apart (on a MONITOR connection of its own, ' +
      'a `counters` watch of `bench/access/monitor.ts`), because no reader’s request waits for it. ' +
      'After each channel the counters are read back (`GET /_paywall/v1/stats`, which first ' +
      'flushes the isolate’s last batch: that flush is counted with the traffic, the read is not) ' +
      'and compared with the views replayed, outcome by outcome.',
    '',
    `| counting on against off | ${CHANNELS.join(' | ')} |`,
    `| --- | ${CHANNELS.map(() => '---').join(' | ')} |`,
    ...countingRows(c).map((row) => `| ${row.map(cell).join(' | ')} |`),
    '',
    `The goal (issue 15): at most ${COUNTING_GOAL.addedCommandsPerView} billed commands per ` +
      'article view added by counting, on average, and the round trips per view on a reader’s ' +
      'path unchanged.',
    '',
  ];
}

/** `EVALSHA scard sadd` × 1,310, most frequent first. */
function shapes(byShape: Record<string, number>): string {
  return (
    Object.entries(byShape)
      .sort(([, a], [, b]) => b - a)
      .map(([shape, n]) => `\`${shape}\` × ${n.toLocaleString('en-US')}`)
      .join(', ') || 'none'
  );
}
