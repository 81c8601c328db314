import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fixed, type Goal, goalsTable, table, tallyMix } from '../support/format';
import { type CountingResult, countingRows } from './counting';
import { MIX_SOURCES, type Mix, type MixStats } from './mix';
import { CHANNELS } from './replay';
import { MODES } from './stack';
import { count, type ModeResults, type PRICING } from './summary';

/** Everything one run measured; also written as JSON (bench/results/traffic.json). */
export interface TrafficBenchResult {
  bench: 'traffic';
  date: string;
  node: string;
  cpus: number;
  cpuModel: string;
  redisVersion: string;
  code: { commit: string; srcDirty: boolean };
  config: { mix: Mix; concurrency: number; redisTimeoutMs: number; pricing: typeof PRICING };
  mixStats: MixStats;
  modes: ModeResults;
  /** Counting on against off (issue 15); absent from results written before it. */
  counting?: CountingResult | undefined;
  goals: Goal[];
  seconds: number;
}

/** The columns of the side-by-side table: each channel, today's meter then the new one. */
export function columns(): {
  header: string;
  channel: (typeof CHANNELS)[number];
  mode: (typeof MODES)[number];
}[] {
  return CHANNELS.flatMap((channel) =>
    MODES.map((mode) => ({ header: `${channel}, ${mode.label}`, channel, mode })),
  );
}

/** The side-by-side table's rows, shared by the console and docs/performance.md. */
export function costRows(r: TrafficBenchResult): string[][] {
  const cells = columns().map(({ channel, mode }) => r.modes[mode.key][channel]);
  const row = (label: string, value: (c: (typeof cells)[number]) => string) => [
    label,
    ...cells.map(value),
  ];
  return [
    row('anonymous views', (c) => count(c.replay.views)),
    row('billed commands per 1,000 views', (c) => count(c.figures.commandsPer1000Views)),
    row('of which the stats flushes', (c) => count(c.figures.flushCommandsPer1000Views)),
    row('round trips per view', (c) => fixed(c.figures.roundTripsPerView, 2)),
    row('of which on a reader’s path', (c) => fixed(c.figures.readerRoundTripsPerView, 2)),
    row('Redis keys created per 1,000 readers', (c) => count(c.figures.keysPer1000Readers)),
    row(
      'Upstash $ per million views',
      (c) => `$${fixed(c.figures.upstashDollarsPerMillionViews, 2)}`,
    ),
    row(
      'total $ per million views (+ Workers $0.30)',
      (c) => `$${fixed(c.figures.dollarsPerMillionViews, 2)}`,
    ),
    row('readers granted more than a Redis-only meter', (c) => count(c.replay.grantedMore)),
    row('answers unlike a Redis-only meter', (c) => count(c.replay.differentFromModel)),
  ];
}

export function mixLines(r: TrafficBenchResult): string[] {
  const s = r.mixStats;
  const share = (n: number, of: number) => `${fixed((100 * n) / Math.max(1, of), 1)}%`;
  return [
    `${count(s.readers)} readers made ${count(s.views)} views (${fixed(s.views / Math.max(1, s.readers), 2)} each): ` +
      `${share(s.readOnce, s.readers)} read once, ${share(s.readTwentyOrMore, s.readers)} twenty times or more; ` +
      `${share(s.rereads, s.views)} of views re-opened an article; ` +
      `${count(s.returningReaders)} readers (${share(s.returningReaders, s.readers)}) opened a second article; ` +
      `${count(s.walledReaders)} met the wall, ${count(s.cameBackAfterWall)} of them came back for ` +
      `${count(s.viewsAfterWall)} more views; a Redis-only meter grants ${share(s.grantedByModel, s.views)} of views.`,
  ];
}

export function printReport(r: TrafficBenchResult): void {
  const out = [
    '',
    `== traffic bench  ${r.date}  node ${r.node}  ${r.cpus} CPU (${r.cpuModel})  redis ${r.redisVersion}  ` +
      `code ${r.code.commit}${r.code.srcDirty ? ' + uncommitted src/ changes' : ''}  ${fixed(r.seconds)} s`,
    '',
    `The mix (seed ${r.config.mix.seed}):`,
    ...MIX_SOURCES.map((p) => `  ${p.parameter}: ${p.value(r.config.mix)}  [${p.source}]`),
    ...mixLines(r),
    '',
    'Counted at redis-server with MONITOR (billed = every command, those inside Lua included)',
    table(['', ...columns().map((c) => c.header)], costRows(r)),
    '',
    ...columns().map(({ header, channel, mode }) => {
      const m = r.modes[mode.key][channel];
      return (
        `${header}: ${tallyMix(m.replay.reasons)}; commands ${tallyMix(m.commandMix)}; ` +
        `round trips ${tallyMix(m.callShapes)}; keys ${tallyMix(m.keysCreated)}; ` +
        `EVAL fallbacks ${m.evalFallbacks}; ${fixed(m.replay.seconds, 1)} s`
      );
    }),
    '',
    ...countingLines(r),
    'Goals',
    goalsTable(r.goals),
    '',
  ];
  console.log(out.join('\n'));
}

/** The counting comparison, when the results have one, ending with a blank line. */
function countingLines(r: TrafficBenchResult): string[] {
  if (!r.counting) return [];
  const c = r.counting;
  return [
    `Counting the publisher's funnel (issue 15): ${c.on} against ${c.off}, the same views; ` +
      `flushEvents ${c.flushEvents}, flushSeconds ${c.flushSeconds}`,
    table(['', ...CHANNELS], countingRows(c)),
    '',
  ];
}

export function writeJson(path: string, result: TrafficBenchResult): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
}
